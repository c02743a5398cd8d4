// Package domain holds the report back's rules: the statistics table's columns and figures
// (counted, typed, corrected), the report's states, the deadline, the merged table.
package domain

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
)

// ColumnSource says where a column's figures come from; the numbers match the contract.
type ColumnSource int16

// The sources.
const (
	SourceCounted ColumnSource = 1
	SourceTyped   ColumnSource = 2
)

// Column is a column of the statistics table (附件1).
type Column struct {
	Key      string
	Label    string
	Source   ColumnSource
	Metric   string // for counted columns: see CountedFigures.Value
	Decimals int    // for typed columns
}

// FormColumn is a form of activity as the statistics table breaks activities held down by it.
type FormColumn struct {
	// Slug names the form in counted metrics ("activities_held:lecture"), as the live statistics
	// name it.
	Slug string
	// Label is the column's Chinese name.
	Label string
}

// Forms are the forms of activity the notice names, in the table's order.
var Forms = []FormColumn{{"lecture", "科普讲座"}, {"exhibition", "科技展览"}, {"consultation", "科技咨询"}, {"online_interaction", "网络互动"},
	{"hands_on_experiment", "科学实验"}, {"open_day", "开放日"}, {"scientist_spirit_talk", "科学家精神宣讲"}, {"performance_video", "表演/微视频"}, {"other", "其他"}}

// ThemeColumn is a themed week (主题科技周) as the statistics table breaks activities held and
// participations down by it.
type ThemeColumn struct {
	// Slug names the theme in counted metrics ("theme_activities_held:agriculture"), as the live
	// statistics name it.
	Slug string
	// Label is the theme's Chinese name.
	Label string
}

// Themes are the themed weeks the notice asks the counties to hold alongside the week, in the
// table's order. Activities of none have no column: a theme's columns are "of which" columns, and
// what the themes leave of the total is the week's own activities.
var Themes = []ThemeColumn{{"agriculture", "农业科技周"}, {"meteorology", "气象科技周"}, {"forestry_grassland", "林草科技周"}, {"transport", "交通运输科技周"}}

// DefaultColumns are the statistics table's usual columns (DOMAIN.md, "Report back"): what the
// system counts first, then what the county types in. The themed weeks come as "of which"
// columns after the activities held and after the participations, as Workers' Day does.
func DefaultColumns() []Column {
	cols := []Column{{Key: "activities_held", Label: "开展活动（项）", Source: SourceCounted, Metric: "activities_held"}}
	for _, f := range Forms {
		cols = append(cols, Column{Key: "held_" + f.Slug, Label: "其中：" + f.Label + "（项）", Source: SourceCounted, Metric: "activities_held:" + f.Slug})
	}
	cols = append(cols,
		Column{Key: "major_activities_held", Label: "其中：重大示范活动（项）", Source: SourceCounted, Metric: "major_activities_held"},
		Column{Key: "workers_day_held", Label: "其中：与科技工作者日联合开展（项）", Source: SourceCounted, Metric: "workers_day_activities_held"})
	for _, th := range Themes {
		cols = append(cols, Column{Key: "theme_held_" + th.Slug, Label: "其中：" + th.Label + "活动（项）", Source: SourceCounted, Metric: "theme_activities_held:" + th.Slug})
	}
	cols = append(cols,
		Column{Key: "participations", Label: "参与人次", Source: SourceCounted, Metric: "participations"},
		Column{Key: "workers_day_participations", Label: "其中：科技工作者日联合活动（人次）", Source: SourceCounted, Metric: "workers_day_participations"})
	for _, th := range Themes {
		cols = append(cols, Column{Key: "theme_participations_" + th.Slug, Label: "其中：" + th.Label + "（人次）", Source: SourceCounted, Metric: "theme_participations:" + th.Slug})
	}
	return append(cols,
		Column{Key: "young_people", Label: "其中：青少年（人次）", Source: SourceCounted, Metric: "young_people"},
		Column{Key: "venues_opened", Label: "开放基地、场馆、实验室（个）", Source: SourceCounted, Metric: "venues_opened"},
		Column{Key: "science_workers", Label: "科技工作者参与（人）", Source: SourceTyped},
		Column{Key: "volunteers", Label: "科普志愿者参与（人）", Source: SourceTyped},
		Column{Key: "materials", Label: "发放资料（份）", Source: SourceTyped},
		Column{Key: "media_reports", Label: "媒体报道（篇）", Source: SourceTyped},
		Column{Key: "online_views", Label: "网络浏览（人次）", Source: SourceTyped},
		Column{Key: "livestream_audience", Label: "直播观看（人次）", Source: SourceTyped},
		Column{Key: "funds", Label: "经费投入（万元）", Source: SourceTyped, Decimals: 2},
	)
}

// CheckColumns rejects a column list a table cannot be made of.
func CheckColumns(cols []Column) error {
	seen := map[string]bool{}
	for i, c := range cols {
		if seen[c.Key] {
			return ErrColumnKeyTwice.New("column", i+1, "key", c.Key, "label", c.Label)
		}
		seen[c.Key] = true
		switch c.Source {
		case SourceCounted:
			if !KnownMetric(c.Metric) {
				return ErrMetricUnknown.New("key", c.Key, "label", c.Label, "metric", c.Metric)
			}
		case SourceTyped:
			if c.Metric != "" {
				return ErrTypedHasMetric.New("key", c.Key, "label", c.Label)
			}
		default:
			return ErrSourceMissing.New("key", c.Key, "label", c.Label)
		}
	}
	return nil
}

// KnownMetric reports whether the system counts m.
func KnownMetric(m string) bool {
	switch m {
	case "activities_held", "major_activities_held", "workers_day_activities_held", "participations", "workers_day_participations", "young_people",
		"venues_opened":
		return true
	}
	if slug, ok := strings.CutPrefix(m, "activities_held:"); ok {
		return slices.ContainsFunc(Forms, func(f FormColumn) bool { return f.Slug == slug })
	}
	for _, prefix := range []string{"theme_activities_held:", "theme_participations:"} {
		if slug, ok := strings.CutPrefix(m, prefix); ok {
			return slug == "none" || slices.ContainsFunc(Themes, func(t ThemeColumn) bool { return t.Slug == slug })
		}
	}
	return false
}

// CountedFigures are what the live statistics say of a county's week.
type CountedFigures struct {
	ActivitiesHeld int64
	// HeldByForm counts activities held by form, by the form's slug.
	HeldByForm          map[string]int64
	MajorActivitiesHeld int64
	// WorkersDayHeld and WorkersDayParticipations count the activities held jointly with
	// Science and Technology Workers' Day (30 May) and their participations.
	WorkersDayHeld, WorkersDayParticipations int64
	Participations                           int64
	YoungPeople                              int64
	VenuesOpened                             int64
	// HeldByTheme and ParticipationsByTheme count activities held and participations by themed
	// week, by the theme's slug ("none" for the activities of none).
	HeldByTheme, ParticipationsByTheme map[string]int64
}

// Value returns the figure a counted metric names.
func (c CountedFigures) Value(metric string) int64 {
	switch metric {
	case "activities_held":
		return c.ActivitiesHeld
	case "major_activities_held":
		return c.MajorActivitiesHeld
	case "workers_day_activities_held":
		return c.WorkersDayHeld
	case "workers_day_participations":
		return c.WorkersDayParticipations
	case "participations":
		return c.Participations
	case "young_people":
		return c.YoungPeople
	case "venues_opened":
		return c.VenuesOpened
	}
	if slug, ok := strings.CutPrefix(metric, "activities_held:"); ok {
		return c.HeldByForm[slug]
	}
	if slug, ok := strings.CutPrefix(metric, "theme_activities_held:"); ok {
		return c.HeldByTheme[slug]
	}
	if slug, ok := strings.CutPrefix(metric, "theme_participations:"); ok {
		return c.ParticipationsByTheme[slug]
	}
	return 0
}

// ReportStatus is where a county's report stands; the numbers match the contract.
type ReportStatus int16

// The statuses.
const (
	ReportNotStarted ReportStatus = 1
	ReportDraft      ReportStatus = 2
	ReportSubmitted  ReportStatus = 3
	ReportReturned   ReportStatus = 4
	ReportAccepted   ReportStatus = 5
)

// Value is a county's own figure of a column: typed, or a correction of a counted one.
type Value struct {
	Typed     string // a decimal, for typed columns
	Corrected string // a whole number, for counted columns
	Reason    string // why the counted figure was corrected
}

// ValueInput is a change a county asks for.
type ValueInput struct {
	ColumnKey string
	Typed     string
	Corrected string
	Reason    string
}

// FileKind is what a report's file is; the numbers match the contract.
type FileKind int16

// The kinds.
const (
	FileSummary FileKind = 1
	FileImage   FileKind = 2
	FileVideo   FileKind = 3
)

// ReportFile is a stored file of a report.
type ReportFile struct {
	ID          uuid.UUID
	Kind        FileKind
	Name        string
	ContentType string
	Size        int64
	Duration    time.Duration
	SHA256      string
	UploadedAt  time.Time
}

// Reporter is who reports: a county, or one of its organizer units (各有关单位), which the
// notice asks to report too.
type Reporter struct {
	CountyCode string
	UnitID     string // empty for the county's own report
}

// IsUnit reports whether the reporter is an organizer unit.
func (r Reporter) IsUnit() bool { return r.UnitID != "" }

// Unit is an organizer unit that holds activities of an edition in a county.
type Unit struct {
	ID, Name, CountyCode string
}

// Report is a county's or a unit's report for an edition.
type Report struct {
	EditionID      string
	CountyCode     string
	UnitID         string // set on a unit's own report
	Status         ReportStatus
	Late           bool
	OnTimeOnce     bool // submitted before the deadline at least once
	Reopened       bool
	Values         map[string]Value
	Files          []ReportFile
	ReturnedReason string
	SubmittedAt    time.Time
	UpdatedAt      time.Time
}

// Deadline is an edition's last day for reports, in its time zone.
type Deadline struct {
	Day string // YYYY-MM-DD
	Loc *time.Location
}

// Passed reports whether the deadline's day has ended at now.
func (d Deadline) Passed(now time.Time) bool {
	if d.Day == "" {
		return false
	}
	day, err := time.ParseInLocation(time.DateOnly, d.Day, d.Loc)
	if err != nil {
		return false
	}
	return !now.Before(day.AddDate(0, 0, 1))
}

// Reporter is who the report is of.
func (r *Report) Reporter() Reporter { return Reporter{CountyCode: r.CountyCode, UnitID: r.UnitID} }

// Handed reports whether the report is in the bureau's hands: submitted or accepted.
func (r *Report) Handed() bool { return r.Status == ReportSubmitted || r.Status == ReportAccepted }

// UnitTotals adds up, per typed column, the figures of the units' reports that are submitted
// or accepted: what a county may include in its own table (the counted columns already count
// every activity of the county, the units' included).
func UnitTotals(cols []Column, units []*Report) map[string]string {
	out := map[string]string{}
	for _, c := range cols {
		if c.Source != SourceTyped {
			continue
		}
		var sum int64
		for _, u := range units {
			if u.Handed() {
				sum += fixed(u.Values[c.Key].Typed)
			}
		}
		out[c.Key] = formatFixed(sum, c.Decimals)
	}
	return out
}

// Editable reports whether the county may change figures and files.
func (r *Report) Editable() error {
	switch r.Status {
	case ReportSubmitted:
		return ErrSubmittedLocked.New()
	case ReportAccepted:
		return ErrAcceptedLocked.New()
	}
	return nil
}

var (
	wholeNumber = regexp.MustCompile(`^[0-9]{1,12}$`)
	decimal     = regexp.MustCompile(`^[0-9]{1,12}(\.[0-9]{1,4})?$`)
)

// Save applies a county's figures as a draft.
func (r *Report) Save(cols []Column, in []ValueInput, now time.Time) error {
	if err := r.Editable(); err != nil {
		return err
	}
	byKey := map[string]Column{}
	for _, c := range cols {
		byKey[c.Key] = c
	}
	if r.Values == nil {
		r.Values = map[string]Value{}
	}
	for _, v := range in {
		c, ok := byKey[v.ColumnKey]
		if !ok {
			return ErrNoSuchColumn.New("key", v.ColumnKey)
		}
		switch c.Source {
		case SourceTyped:
			if v.Corrected != "" || v.Reason != "" {
				return ErrTypedCorrected.New("label", c.Label)
			}
			if v.Typed != "" {
				if !decimal.MatchString(v.Typed) {
					return ErrNotANumber.New("label", c.Label, "value", v.Typed)
				}
				if _, frac, ok := strings.Cut(v.Typed, "."); ok && len(frac) > c.Decimals {
					return ErrTooManyDecimals.New("label", c.Label, "decimals", c.Decimals, "value", v.Typed)
				}
			}
			r.Values[c.Key] = Value{Typed: v.Typed}
		case SourceCounted:
			if v.Typed != "" {
				return ErrCountedTyped.New("label", c.Label)
			}
			if v.Corrected != "" {
				if !wholeNumber.MatchString(v.Corrected) {
					return ErrCorrectionNotWhole.New("label", c.Label, "value", v.Corrected)
				}
				if len(strings.TrimSpace(v.Reason)) < 4 {
					return ErrCorrectionNeedsReason.New("label", c.Label)
				}
			}
			r.Values[c.Key] = Value{Corrected: v.Corrected, Reason: strings.TrimSpace(v.Reason)}
		}
	}
	r.Status, r.UpdatedAt = ReportDraft, now
	return nil
}

// Submit sends the report to the bureau: every typed figure and a summary report are needed,
// and after the deadline only a reopened county may submit (and is marked late).
func (r *Report) Submit(cols []Column, d Deadline, now time.Time) error {
	if r.Status == ReportSubmitted {
		return ErrSubmittedAlready.New()
	}
	if err := r.Editable(); err != nil {
		return err
	}
	passed := d.Passed(now)
	if passed && !r.Reopened {
		return ErrDeadlinePassed.New("deadline", d.Day)
	}
	var missing []string
	for _, c := range cols {
		if c.Source == SourceTyped && r.Values[c.Key].Typed == "" {
			missing = append(missing, c.Label)
		}
	}
	if len(missing) > 0 {
		return ErrFiguresMissing.New("columns", strings.Join(missing, "、"))
	}
	hasSummary := false
	for _, f := range r.Files {
		hasSummary = hasSummary || f.Kind == FileSummary
	}
	if !hasSummary {
		return ErrSummaryMissing.New()
	}
	if !passed {
		r.OnTimeOnce = true
	}
	r.Late = passed && !r.OnTimeOnce
	r.Status, r.SubmittedAt, r.UpdatedAt, r.ReturnedReason = ReportSubmitted, now, now, ""
	return nil
}

// Return sends a submitted report back with a reason. After the deadline the county may
// submit again without asking.
func (r *Report) Return(reason string, d Deadline, now time.Time) error {
	if r.Status != ReportSubmitted {
		return ErrNotReturnable.New()
	}
	if strings.TrimSpace(reason) == "" {
		return ErrReturnNeedsReason.New()
	}
	r.Status, r.ReturnedReason, r.UpdatedAt = ReportReturned, strings.TrimSpace(reason), now
	if d.Passed(now) {
		r.Reopened = true
	}
	return nil
}

// Accept locks a submitted report.
func (r *Report) Accept(now time.Time) error {
	if r.Status != ReportSubmitted {
		return ErrNotAcceptable.New()
	}
	r.Status, r.UpdatedAt = ReportAccepted, now
	return nil
}

// Reopen lets the county submit after the deadline.
func (r *Report) Reopen(now time.Time) error {
	if r.Status == ReportAccepted {
		return ErrNotReopenable.New()
	}
	r.Reopened, r.UpdatedAt = true, now
	return nil
}

// Overdue reports whether the deadline passed without a submission.
func (r *Report) Overdue(d Deadline, now time.Time) bool {
	return d.Passed(now) && (r.Status == ReportNotStarted || r.Status == ReportDraft || r.Status == ReportReturned) && !r.Reopened
}

// Figure is one column's figures: what the system counted, what the county gave, and the one
// that counts.
type Figure struct {
	Column
	Counted   string
	Typed     string
	Corrected string
	Reason    string
	Value     string
}

// Figures lays the report's values over the columns, with today's counted figures.
func (r *Report) Figures(cols []Column, counted CountedFigures) []Figure {
	out := make([]Figure, len(cols))
	for i, c := range cols {
		v := r.Values[c.Key]
		f := Figure{Column: c, Typed: v.Typed, Corrected: v.Corrected, Reason: v.Reason}
		if c.Source == SourceCounted {
			f.Counted = fmt.Sprint(counted.Value(c.Metric))
			f.Value = f.Counted
			if v.Corrected != "" {
				f.Value = v.Corrected
			}
		} else {
			f.Value = v.Typed
		}
		out[i] = f
	}
	return out
}

// AcceptedFigures lays an accepted version's figures over today's columns. A column the version
// holds keeps its accepted figures (under today's label): what was accepted stays what was
// accepted, even after the edition's columns grew (the themed weeks' columns came that way). A
// column added since takes today's figure from current, which is called only then.
func AcceptedFigures(accepted []Figure, cols []Column, current func() ([]Figure, error)) ([]Figure, error) {
	byKey := make(map[string]Figure, len(accepted))
	for _, f := range accepted {
		byKey[f.Key] = f
	}
	out := make([]Figure, len(cols))
	var now []Figure
	for i, c := range cols {
		if f, ok := byKey[c.Key]; ok {
			f.Column = c
			out[i] = f
			continue
		}
		if now == nil {
			var err error
			if now, err = current(); err != nil {
				return nil, err
			}
		}
		out[i] = now[i]
	}
	return out, nil
}

// MergedRow is one county's line of the city's table.
type MergedRow struct {
	CountyCode, CountyName string
	Status                 ReportStatus
	Late                   bool
	Accepted               bool // the figures are an accepted version's
	Figures                []Figure
}

// MergedTable is the city's table: a line per county and the city's total.
type MergedTable struct {
	Columns []Column
	Rows    []MergedRow
	Total   []string // per column: the sum of the counties' figures
}

// Merge adds the counties' figures up, column by column, exactly: typed figures may have
// decimals (funds in 万元) and are summed as fixed-point numbers, not floats.
func Merge(cols []Column, rows []MergedRow) MergedTable {
	t := MergedTable{Columns: cols, Rows: rows, Total: make([]string, len(cols))}
	for i, c := range cols {
		var sum int64 // in ten-thousandths
		for _, r := range rows {
			sum += fixed(r.Figures[i].Value)
		}
		t.Total[i] = formatFixed(sum, c.Decimals)
	}
	return t
}

// fixed reads a decimal of up to four places as ten-thousandths; an empty figure is nought.
func fixed(s string) int64 {
	if s == "" {
		return 0
	}
	whole, frac, _ := strings.Cut(s, ".")
	frac = (frac + "0000")[:4]
	var n int64
	for _, c := range whole + frac {
		n = n*10 + int64(c-'0')
	}
	return n
}

// formatFixed writes ten-thousandths with the column's decimals, or more when the figures
// had more.
func formatFixed(n int64, decimals int) string {
	whole, frac := n/10000, fmt.Sprintf("%04d", n%10000)
	places := strings.TrimRight(frac, "0")
	if len(places) < decimals {
		places = frac[:decimals]
	}
	if places == "" {
		return fmt.Sprint(whole)
	}
	return fmt.Sprintf("%d.%s", whole, places)
}

// ReportEdition is what the report back needs of an edition.
type ReportEdition struct {
	ID       string
	Name     string
	Deadline Deadline
	MaxVideo time.Duration
	// Contact is whom reporters ask about the week; zero when the edition gives none.
	Contact Contact
}

// Contact is an edition's contact for the week: the bureau's office, a person, a phone number
// and a mailbox, each possibly empty.
type Contact struct {
	Office, Person, Phone, Email string
}

// StoredFile is a report's file with where its content is kept.
type StoredFile struct {
	ReportFile
	EditionID, CountyCode, UnitID, StorageKey string
	Deleted                                   bool
}

// Reporter is who the file's report is of.
func (f StoredFile) Reporter() Reporter { return Reporter{CountyCode: f.CountyCode, UnitID: f.UnitID} }

// ReportVersion is an accepted report as it was.
type ReportVersion struct {
	CountyCode string
	UnitID     string
	Version    int
	AcceptedAt time.Time
	AcceptedBy string
	Figures    []Figure
	Files      []ReportFile
}
