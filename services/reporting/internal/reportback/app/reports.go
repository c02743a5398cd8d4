// Package app holds the report back's use cases: each county's statistics table, summary and
// media after the week, from draft to acceptance, the checks on its files, and the merged table.
package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/sciweek/sciweek/pkg/auth"
	"github.com/sciweek/sciweek/pkg/errs"
	"github.com/sciweek/sciweek/pkg/sheet"
	"github.com/sciweek/sciweek/services/reporting/internal/reportback/domain"
)

// ReportTx is what a report's use case may add in the transaction that saves the report.
type ReportTx interface {
	// AddFile records a stored file.
	AddFile(f domain.StoredFile) error
	// DeleteFile marks a file deleted; kept says an accepted version still shows it.
	DeleteFile(id uuid.UUID, at time.Time) (kept bool, err error)
	// AddVersion keeps an accepted report and returns its number.
	AddVersion(v domain.ReportVersion) (int, error)
	// HoldColumns keeps the edition's columns from changing until the transaction ends.
	HoldColumns() error
}

// ReportStore keeps the reports.
type ReportStore interface {
	// Edition returns an edition's report settings.
	Edition(ctx context.Context, id string) (domain.ReportEdition, error)
	// CountyNames returns the names of an edition's counties, by code.
	CountyNames(ctx context.Context, edition string) (map[string]string, error)
	// Columns returns an edition's statistics table columns.
	Columns(ctx context.Context, edition string) ([]domain.Column, error)
	// SetColumns replaces them, unless a county has submitted.
	SetColumns(ctx context.Context, edition string, cols []domain.Column) error
	// Units returns the organizer units that hold approved activities of an edition, in one
	// county or (county empty) all, by county and name.
	Units(ctx context.Context, edition, county string) ([]domain.Unit, error)
	// ReadReport returns a county's or a unit's report.
	ReadReport(ctx context.Context, edition string, who domain.Reporter) (*domain.Report, error)
	// UpdateReport runs fn on a report, locked, and saves it with what fn added.
	UpdateReport(ctx context.Context, edition string, who domain.Reporter, fn func(tx ReportTx, r *domain.Report) error) (*domain.Report, error)
	// File returns a file, deleted or not.
	File(ctx context.Context, id uuid.UUID) (domain.StoredFile, error)
	// Versions returns a report's accepted versions (every report's when who is nil).
	Versions(ctx context.Context, edition string, who *domain.Reporter) ([]domain.ReportVersion, error)
	// Editions returns every edition's report settings.
	Editions(ctx context.Context) ([]domain.ReportEdition, error)
}

// Notifier tells a county or unit what happened to its report (the notification centre,
// another context of the service, answered in the wiring).
type Notifier interface {
	// ReportReturned tells them the bureau sent their report back, and why.
	ReportReturned(ctx context.Context, ed domain.ReportEdition, who domain.Reporter, name, reason string, at time.Time) error
}

// Featured exports the edition's featured activities (附件2) as an XLSX workbook.
type Featured interface {
	Export(ctx context.Context, edition string) ([]byte, error)
}

// Limits are the largest files a report takes, by kind.
type Limits struct {
	Summary, Image, Video int64
}

// DefaultLimits are a summary of 50 MB, images of 20 MB, videos of 1 GiB (three minutes of
// 1080p from a phone is a few hundred MB).
var DefaultLimits = Limits{Summary: 50 << 20, Image: 20 << 20, Video: 1 << 30}

// Reports runs the report back's use cases.
type Reports struct {
	ReportsConfig
}

// ReportsConfig is what the report back's use cases need.
type ReportsConfig struct {
	// Store keeps the reports.
	Store ReportStore
	// Counter says what the live statistics counted.
	Counter Counter
	// Files keeps the files' content.
	Files Files
	// Inspect reads what an uploaded file is.
	Inspect Inspector
	// Featured, if set, exports the featured activities for the merged table.
	Featured Featured
	// Tables lays the merged table out as files.
	Tables TableWriter
	// Notify, if set, tells counties and units what happened to their reports.
	Notify Notifier
	// Limits are the largest files by kind; zero means DefaultLimits.
	Limits Limits
	// TempDir holds uploads until they are checked; empty means the system's.
	TempDir string
	// Now is the clock.
	Now func() time.Time
}

// NewReports returns the use cases.
func NewReports(cfg ReportsConfig) (*Reports, error) {
	if cfg.Store == nil || cfg.Counter == nil || cfg.Tables == nil || cfg.Files == nil || cfg.Inspect == nil || cfg.Now == nil {
		return nil, errors.New("reports: store, statistics, files, inspector and clock are required")
	}
	if cfg.Limits == (Limits{}) {
		cfg.Limits = DefaultLimits
	}
	if cfg.TempDir == "" {
		cfg.TempDir = os.TempDir()
	}
	if err := os.MkdirAll(cfg.TempDir, 0o750); err != nil {
		return nil, err
	}
	return &Reports{cfg}, nil
}

// The reasons a unit's report is refused.
var (
	// ErrUnitReportReadOnly refuses a county admin changing a unit's own report.
	ErrUnitReportReadOnly = errs.Reason{Code: "UNIT_REPORT_READ_ONLY_FOR_COUNTY", Kind: errs.PermissionDenied,
		English: "a unit writes and submits its own report; its county may only read it",
		Chinese: "单位的总结报送由单位自己填写和提交，县（市、区）只能查看"}
	// ErrOtherUnitsReport refuses an organizer another unit's or a county's report.
	ErrOtherUnitsReport = errs.Reason{Code: "REPORT_OF_ANOTHER_UNIT", Kind: errs.PermissionDenied,
		English: "an organizer may see and write their own unit's report only",
		Chinese: "组织单位只能查看和填写本单位的总结报送"}
	// ErrUnitListsReports refuses an organizer a county's list of reports.
	ErrUnitListsReports = errs.Reason{Code: "REPORT_LIST_NOT_FOR_UNITS", Kind: errs.PermissionDenied,
		English: "organizers cannot list a county's reports",
		Chinese: "组织单位不能查看县（市、区）的报送列表"}
	// ErrUnitNotReporting refuses a unit that holds no approved activity of the edition in the county.
	ErrUnitNotReporting = errs.Reason{Code: "UNIT_HAS_NO_ACTIVITY_TO_REPORT", Kind: errs.NotFound,
		English: "the unit holds no approved activity of this edition in {county}; it has nothing to report",
		Chinese: "该单位在本届活动周没有{county}已通过审核的活动，无需报送"}
)

// reportScope lets city admins at every report, county admins at their county's own and
// (to read) its units', and organizers at their unit's own.
func reportScope(p auth.Principal, who domain.Reporter, write bool) error {
	switch {
	case p.Is(auth.RoleCityAdmin):
		return nil
	case p.Is(auth.RoleCountyAdmin) && p.CountyCode == who.CountyCode:
		if who.IsUnit() && write {
			return ErrUnitReportReadOnly.New()
		}
		return nil
	case p.Is(auth.RoleCountyAdmin):
		return ErrOwnCountyOnly.New("county", p.CountyCode)
	case p.Is(auth.RoleOrganizer) && who.IsUnit() && p.UnitID == who.UnitID:
		return nil
	case p.Is(auth.RoleOrganizer):
		return ErrOtherUnitsReport.New()
	}
	return ErrRoleHasNoReports.New("role", p.Role, "roleLabel", p.Role.Label())
}

// cityOnly lets only the city admin do what (in English and Chinese).
func cityOnly(p auth.Principal, what, whatChinese string) error {
	if !p.Is(auth.RoleCityAdmin) {
		return ErrCityOnly.New("what", what, "whatChinese", whatChinese)
	}
	return nil
}

// ReportView is a county's or a unit's report as people see it.
type ReportView struct {
	Report     *domain.Report
	Edition    domain.ReportEdition
	CountyName string
	UnitName   string // a unit's report
	Columns    []domain.Column
	Figures    []domain.Figure
	Overdue    bool
	Versions   []domain.ReportVersion
	// Units are, on a county's report, its units' lines; UnitTotals the sums of the typed
	// figures of those submitted or accepted, by column.
	Units      []ReportLine
	UnitTotals map[string]string
}

// Counter is the report back's one question to the live statistics (the stats context): what
// they counted of a county's (or one of its units') whole week. The report back reads no
// statistics table itself, so the two can become services of their own.
type Counter interface {
	Counted(ctx context.Context, edition string, who domain.Reporter) (domain.CountedFigures, error)
}

// counted reads what the live statistics say of a county's or a unit's whole week.
func (rs *Reports) counted(ctx context.Context, edition string, who domain.Reporter) (domain.CountedFigures, error) {
	return rs.Counter.Counted(ctx, edition, who)
}

func (rs *Reports) view(ctx context.Context, r *domain.Report) (ReportView, error) {
	ed, err := rs.Store.Edition(ctx, r.EditionID)
	if err != nil {
		return ReportView{}, err
	}
	cols, err := rs.Store.Columns(ctx, r.EditionID)
	if err != nil {
		return ReportView{}, err
	}
	names, err := rs.Store.CountyNames(ctx, r.EditionID)
	if err != nil {
		return ReportView{}, err
	}
	who := r.Reporter()
	counted, err := rs.counted(ctx, r.EditionID, who)
	if err != nil {
		return ReportView{}, err
	}
	versions, err := rs.Store.Versions(ctx, r.EditionID, &who)
	if err != nil {
		return ReportView{}, err
	}
	v := ReportView{Report: r, Edition: ed, CountyName: names[r.CountyCode], Columns: cols, Figures: r.Figures(cols, counted),
		Overdue: r.Overdue(ed.Deadline, rs.Now()), Versions: versions}
	units, err := rs.Store.Units(ctx, r.EditionID, r.CountyCode)
	if err != nil {
		return ReportView{}, err
	}
	if who.IsUnit() {
		for _, u := range units {
			if u.ID == who.UnitID {
				v.UnitName = u.Name
			}
		}
		return v, nil
	}
	var reports []*domain.Report
	for _, u := range units {
		ur, err := rs.Store.ReadReport(ctx, r.EditionID, domain.Reporter{CountyCode: u.CountyCode, UnitID: u.ID})
		if err != nil {
			return ReportView{}, err
		}
		reports = append(reports, ur)
		v.Units = append(v.Units, ReportLine{CountyCode: u.CountyCode, CountyName: v.CountyName, UnitID: u.ID, UnitName: u.Name, Report: ur,
			Overdue: ur.Overdue(ed.Deadline, rs.Now())})
	}
	v.UnitTotals = domain.UnitTotals(cols, reports)
	return v, nil
}

// checkReporter refuses a county the edition does not have, and a unit that holds no approved
// activity of the edition in that county.
func (rs *Reports) checkReporter(ctx context.Context, edition string, who domain.Reporter) error {
	names, err := rs.Store.CountyNames(ctx, edition)
	if err != nil {
		return err
	}
	if _, ok := names[who.CountyCode]; !ok {
		return ErrCountyNotInEdition.New("edition", edition, "county", who.CountyCode)
	}
	if !who.IsUnit() {
		return nil
	}
	units, err := rs.Store.Units(ctx, edition, who.CountyCode)
	if err != nil {
		return err
	}
	for _, u := range units {
		if u.ID == who.UnitID {
			return nil
		}
	}
	return ErrUnitNotReporting.New("county", names[who.CountyCode])
}

// reachable checks that p may read (or, with write, change) who's report and that who reports
// in the edition: how every use case of a county's or unit's own report begins.
func (rs *Reports) reachable(ctx context.Context, p auth.Principal, edition string, who domain.Reporter, write bool) error {
	if err := reportScope(p, who, write); err != nil {
		return err
	}
	return rs.checkReporter(ctx, edition, who)
}

// reviewable checks that p, the city admin, may do what (in English and Chinese) to who's report
// and that who reports in the edition: how every review use case begins.
func (rs *Reports) reviewable(ctx context.Context, p auth.Principal, edition string, who domain.Reporter, what, whatChinese string) error {
	if err := cityOnly(p, what, whatChinese); err != nil {
		return err
	}
	return rs.checkReporter(ctx, edition, who)
}

// Get returns a county's or a unit's report.
func (rs *Reports) Get(ctx context.Context, p auth.Principal, edition string, who domain.Reporter) (ReportView, error) {
	if err := rs.reachable(ctx, p, edition, who, false); err != nil {
		return ReportView{}, err
	}
	r, err := rs.Store.ReadReport(ctx, edition, who)
	if err != nil {
		return ReportView{}, err
	}
	return rs.view(ctx, r)
}

// Save stores the figures of a county or unit as a draft.
func (rs *Reports) Save(ctx context.Context, p auth.Principal, edition string, who domain.Reporter, in []domain.ValueInput) (ReportView, error) {
	if err := rs.reachable(ctx, p, edition, who, true); err != nil {
		return ReportView{}, err
	}
	cols, err := rs.Store.Columns(ctx, edition)
	if err != nil {
		return ReportView{}, err
	}
	r, err := rs.Store.UpdateReport(ctx, edition, who, func(_ ReportTx, r *domain.Report) error {
		return r.Save(cols, in, rs.Now())
	})
	if err != nil {
		return ReportView{}, err
	}
	return rs.view(ctx, r)
}

// Submit sends the report to the bureau.
func (rs *Reports) Submit(ctx context.Context, p auth.Principal, edition string, who domain.Reporter) (ReportView, error) {
	if err := rs.reachable(ctx, p, edition, who, true); err != nil {
		return ReportView{}, err
	}
	ed, err := rs.Store.Edition(ctx, edition)
	if err != nil {
		return ReportView{}, err
	}
	r, err := rs.Store.UpdateReport(ctx, edition, who, func(tx ReportTx, r *domain.Report) error {
		if err := tx.HoldColumns(); err != nil {
			return err
		}
		cols, err := rs.Store.Columns(ctx, edition)
		if err != nil {
			return err
		}
		return r.Submit(cols, ed.Deadline, rs.Now())
	})
	if err != nil {
		return ReportView{}, err
	}
	return rs.view(ctx, r)
}

// Return sends a submitted report back (city admin).
func (rs *Reports) Return(ctx context.Context, p auth.Principal, edition string, who domain.Reporter, reason string) (ReportView, error) {
	if err := rs.reviewable(ctx, p, edition, who, "send reports back", "退回报送"); err != nil {
		return ReportView{}, err
	}
	ed, err := rs.Store.Edition(ctx, edition)
	if err != nil {
		return ReportView{}, err
	}
	r, err := rs.Store.UpdateReport(ctx, edition, who, func(_ ReportTx, r *domain.Report) error {
		return r.Return(reason, ed.Deadline, rs.Now())
	})
	if err != nil {
		return ReportView{}, err
	}
	v, err := rs.view(ctx, r)
	if err != nil {
		return ReportView{}, err
	}
	if rs.Notify != nil {
		// After the commit: a notice lost to a crash here is the one thing the county would
		// also see on its report page, marked returned with the reason.
		name := v.CountyName
		if v.UnitName != "" {
			name = v.UnitName
		}
		if err := rs.Notify.ReportReturned(ctx, ed, who, name, r.ReturnedReason, r.UpdatedAt); err != nil {
			return ReportView{}, err
		}
	}
	return v, nil
}

// Outstanding lists, for every edition with a deadline, the counties and units whose reports
// are not in the bureau's hands (neither submitted nor accepted): whom the deadline reminders
// are for.
func (rs *Reports) Outstanding(ctx context.Context) ([]OutstandingReports, error) {
	eds, err := rs.Store.Editions(ctx)
	if err != nil {
		return nil, err
	}
	var out []OutstandingReports
	for _, ed := range eds {
		if ed.Deadline.Day == "" || ed.Deadline.Passed(rs.Now()) {
			continue
		}
		lines, err := rs.lines(ctx, ed, "")
		if err != nil {
			return nil, err
		}
		o := OutstandingReports{Edition: ed}
		for _, l := range lines {
			if !l.Report.Handed() {
				o.Lines = append(o.Lines, l)
			}
		}
		out = append(out, o)
	}
	return out, nil
}

// OutstandingReports are an edition's reports not yet in the bureau's hands.
type OutstandingReports struct {
	Edition domain.ReportEdition
	Lines   []ReportLine
}

// Accept locks a submitted report and keeps it as a new version, with today's counted figures
// (city admin).
func (rs *Reports) Accept(ctx context.Context, p auth.Principal, edition string, who domain.Reporter) (ReportView, error) {
	if err := rs.reviewable(ctx, p, edition, who, "accept reports", "接收报送"); err != nil {
		return ReportView{}, err
	}
	cols, err := rs.Store.Columns(ctx, edition)
	if err != nil {
		return ReportView{}, err
	}
	counted, err := rs.counted(ctx, edition, who)
	if err != nil {
		return ReportView{}, err
	}
	now := rs.Now()
	r, err := rs.Store.UpdateReport(ctx, edition, who, func(tx ReportTx, r *domain.Report) error {
		if err := r.Accept(now); err != nil {
			return err
		}
		_, err := tx.AddVersion(domain.ReportVersion{AcceptedAt: now, AcceptedBy: p.Subject, Figures: r.Figures(cols, counted), Files: r.Files})
		return err
	})
	if err != nil {
		return ReportView{}, err
	}
	return rs.view(ctx, r)
}

// Reopen lets a county submit after the deadline (city admin).
func (rs *Reports) Reopen(ctx context.Context, p auth.Principal, edition string, who domain.Reporter) (ReportView, error) {
	if err := rs.reviewable(ctx, p, edition, who, "reopen reports", "重新开放报送"); err != nil {
		return ReportView{}, err
	}
	r, err := rs.Store.UpdateReport(ctx, edition, who, func(_ ReportTx, r *domain.Report) error { return r.Reopen(rs.Now()) })
	if err != nil {
		return ReportView{}, err
	}
	return rs.view(ctx, r)
}

// ReportLine is a county's or a unit's line in a list of reports.
type ReportLine struct {
	CountyCode, CountyName string
	UnitID, UnitName       string // a unit's line
	Report                 *domain.Report
	Overdue                bool
}

// List returns the report state of every county and unit (city admin), or of one county and
// its units (the city admin, or that county's admin): counties by code, each followed by its
// units by name.
func (rs *Reports) List(ctx context.Context, p auth.Principal, edition, county string) (domain.ReportEdition, []ReportLine, error) {
	if county == "" {
		if err := cityOnly(p, "list every county's report", "查看各县（市、区）的报送情况"); err != nil {
			return domain.ReportEdition{}, nil, err
		}
	} else if err := reportScope(p, domain.Reporter{CountyCode: county}, false); err != nil || p.Is(auth.RoleOrganizer) {
		if err == nil {
			err = ErrUnitListsReports.New()
		}
		return domain.ReportEdition{}, nil, err
	}
	ed, err := rs.Store.Edition(ctx, edition)
	if err != nil {
		return domain.ReportEdition{}, nil, err
	}
	lines, err := rs.lines(ctx, ed, county)
	return ed, lines, err
}

// lines reads the report state of an edition's counties (or one) and their units, unscoped.
func (rs *Reports) lines(ctx context.Context, ed domain.ReportEdition, county string) ([]ReportLine, error) {
	names, err := rs.Store.CountyNames(ctx, ed.ID)
	if err != nil {
		return nil, err
	}
	if _, ok := names[county]; county != "" && !ok {
		return nil, ErrCountyNotInEdition.New("edition", ed.ID, "county", county)
	}
	units, err := rs.Store.Units(ctx, ed.ID, county)
	if err != nil {
		return nil, err
	}
	var lines []ReportLine
	for _, code := range slices.Sorted(maps.Keys(names)) {
		if county != "" && code != county {
			continue
		}
		r, err := rs.Store.ReadReport(ctx, ed.ID, domain.Reporter{CountyCode: code})
		if err != nil {
			return nil, err
		}
		lines = append(lines, ReportLine{CountyCode: code, CountyName: names[code], Report: r, Overdue: r.Overdue(ed.Deadline, rs.Now())})
		for _, u := range units { // by county and name
			if u.CountyCode != code {
				continue
			}
			ur, err := rs.Store.ReadReport(ctx, ed.ID, domain.Reporter{CountyCode: code, UnitID: u.ID})
			if err != nil {
				return nil, err
			}
			lines = append(lines, ReportLine{CountyCode: code, CountyName: names[code], UnitID: u.ID, UnitName: u.Name, Report: ur,
				Overdue: ur.Overdue(ed.Deadline, rs.Now())})
		}
	}
	return lines, nil
}

// FileHeader names an upload.
type FileHeader struct {
	EditionID, CountyCode, UnitID string
	Kind                          domain.FileKind
	Name                          string
}

// Reporter is who the upload's report is of.
func (h FileHeader) Reporter() domain.Reporter {
	return domain.Reporter{CountyCode: h.CountyCode, UnitID: h.UnitID}
}

// Upload stores a report's file from content, streamed: it is written to a temporary file
// (never held whole in memory) while its size is checked, then its kind, and a video's length,
// are read from its own bytes; only then does it go to the store and the report. Whatever
// fails, nothing is left behind.
func (rs *Reports) Upload(ctx context.Context, p auth.Principal, h FileHeader, content io.Reader) (domain.ReportFile, error) {
	if err := reportScope(p, h.Reporter(), true); err != nil {
		return domain.ReportFile{}, err
	}
	ed, err := rs.Store.Edition(ctx, h.EditionID)
	if err != nil {
		return domain.ReportFile{}, err
	}
	if err := rs.checkReporter(ctx, h.EditionID, h.Reporter()); err != nil {
		return domain.ReportFile{}, err
	}
	current, err := rs.Store.ReadReport(ctx, h.EditionID, h.Reporter())
	if err != nil {
		return domain.ReportFile{}, err
	}
	if err := current.Editable(); err != nil {
		return domain.ReportFile{}, err
	}
	limit := map[domain.FileKind]int64{domain.FileSummary: rs.Limits.Summary, domain.FileImage: rs.Limits.Image, domain.FileVideo: rs.Limits.Video}[h.Kind]
	if limit == 0 {
		return domain.ReportFile{}, ErrFileKind.New()
	}
	tmp, err := os.CreateTemp(rs.TempDir, "upload-*")
	if err != nil {
		return domain.ReportFile{}, err
	}
	defer func() {
		tmp.Close()
		os.Remove(tmp.Name()) // gone after a move into the store; removed on any failure
	}()
	sum := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, sum), io.LimitReader(content, limit+1))
	if err != nil {
		return domain.ReportFile{}, ErrUploadBrokeOff.Wrap(err)
	}
	if n > limit {
		return domain.ReportFile{}, ErrFileTooLarge.New("file", h.Name, "limit", megabytes(limit))
	}
	if n == 0 {
		return domain.ReportFile{}, ErrFileEmpty.New("file", h.Name)
	}
	if err := tmp.Sync(); err != nil {
		return domain.ReportFile{}, err
	}
	contentType, length, err := rs.Inspect(h.Kind, tmp, n)
	if err != nil {
		return domain.ReportFile{}, err
	}
	// Judged to the whole second, as players show it: a 3:00 recording whose sound runs an AAC
	// frame (a tenth of a second) past its picture is three minutes long to everyone.
	if h.Kind == domain.FileVideo && length.Truncate(time.Second) > ed.MaxVideo {
		return domain.ReportFile{}, ErrVideoTooLong.New("file", h.Name, "length", clock(length), "max", clock(ed.MaxVideo))
	}
	f := domain.StoredFile{ReportFile: domain.ReportFile{ID: uuid.New(), Kind: h.Kind, Name: h.Name, ContentType: contentType, Size: n,
		Duration: length, SHA256: hex.EncodeToString(sum.Sum(nil)), UploadedAt: rs.Now()},
		EditionID: h.EditionID, CountyCode: h.CountyCode, UnitID: h.UnitID}
	f.StorageKey = fmt.Sprintf("%s/%s/%s", h.EditionID, h.CountyCode, f.ID)
	if h.UnitID != "" {
		f.StorageKey = fmt.Sprintf("%s/%s/units/%s/%s", h.EditionID, h.CountyCode, h.UnitID, f.ID)
	}
	if err := rs.Files.Put(ctx, f.StorageKey, tmp.Name(), n, f.ContentType); err != nil {
		return domain.ReportFile{}, err
	}
	_, err = rs.Store.UpdateReport(ctx, h.EditionID, h.Reporter(), func(tx ReportTx, r *domain.Report) error {
		if err := r.Editable(); err != nil { // it may have been submitted meanwhile
			return err
		}
		if r.Status == domain.ReportNotStarted {
			r.Status = domain.ReportDraft
		}
		r.UpdatedAt = f.UploadedAt
		return tx.AddFile(f)
	})
	if err != nil {
		_ = rs.Files.Delete(context.WithoutCancel(ctx), f.StorageKey)
		return domain.ReportFile{}, err
	}
	return f.ReportFile, nil
}

// Inspector reads what a file is; set by the wiring (the adapters know the formats).
type Inspector func(kind domain.FileKind, r io.ReaderAt, size int64) (contentType string, length time.Duration, err error)

// Open returns a file and its content, to whoever may see its county's report.
func (rs *Reports) Open(ctx context.Context, p auth.Principal, id uuid.UUID) (domain.StoredFile, io.ReadCloser, int64, error) {
	f, err := rs.Store.File(ctx, id)
	if err != nil {
		return domain.StoredFile{}, nil, 0, err
	}
	if err := reportScope(p, f.Reporter(), false); err != nil {
		return domain.StoredFile{}, nil, 0, err
	}
	r, size, err := rs.Files.Open(ctx, f.StorageKey)
	return f, r, size, err
}

// Delete removes a file from a report that can still change; its content stays while an
// accepted version shows it.
func (rs *Reports) Delete(ctx context.Context, p auth.Principal, id uuid.UUID) error {
	f, err := rs.Store.File(ctx, id)
	if err != nil {
		return err
	}
	if err := reportScope(p, f.Reporter(), true); err != nil {
		return err
	}
	if f.Deleted {
		return ErrFileDeleted.New("id", id)
	}
	var kept bool
	_, err = rs.Store.UpdateReport(ctx, f.EditionID, f.Reporter(), func(tx ReportTx, r *domain.Report) error {
		if err := r.Editable(); err != nil {
			return err
		}
		r.UpdatedAt = rs.Now()
		var err error
		kept, err = tx.DeleteFile(id, r.UpdatedAt)
		return err
	})
	if err != nil {
		return err
	}
	if !kept {
		return rs.Files.Delete(ctx, f.StorageKey)
	}
	return nil
}

// SetColumns changes an edition's columns (city admin).
func (rs *Reports) SetColumns(ctx context.Context, p auth.Principal, edition string, cols []domain.Column) ([]domain.Column, error) {
	if err := cityOnly(p, "change the statistics table", "修改统计表的列"); err != nil {
		return nil, err
	}
	if err := domain.CheckColumns(cols); err != nil {
		return nil, err
	}
	if err := rs.Store.SetColumns(ctx, edition, cols); err != nil {
		return nil, err
	}
	return rs.Store.Columns(ctx, edition)
}

// Merged builds the city's table (city admin), a line per county: accepted counties show their
// latest accepted version; the others their current figures with today's counts. The units'
// figures reach it through their counties (the counted ones always, the typed ones when a
// county includes them).
func (rs *Reports) Merged(ctx context.Context, p auth.Principal, edition string) (domain.ReportEdition, domain.MergedTable, error) {
	ed, all, err := rs.List(ctx, p, edition, "")
	if err != nil {
		return domain.ReportEdition{}, domain.MergedTable{}, err
	}
	cols, err := rs.Store.Columns(ctx, edition)
	if err != nil {
		return domain.ReportEdition{}, domain.MergedTable{}, err
	}
	versions, err := rs.Store.Versions(ctx, edition, nil)
	if err != nil {
		return domain.ReportEdition{}, domain.MergedTable{}, err
	}
	var lines []ReportLine
	for _, l := range all {
		if l.UnitID == "" {
			lines = append(lines, l)
		}
	}
	rows := make([]domain.MergedRow, 0, len(lines))
	for _, l := range lines {
		row := domain.MergedRow{CountyCode: l.CountyCode, CountyName: l.CountyName, Status: l.Report.Status, Late: l.Report.Late}
		current := func() ([]domain.Figure, error) {
			counted, err := rs.counted(ctx, edition, domain.Reporter{CountyCode: l.CountyCode})
			if err != nil {
				return nil, err
			}
			return l.Report.Figures(cols, counted), nil
		}
		var err error
		if v := latestVersion(versions, l.CountyCode); l.Report.Status == domain.ReportAccepted && v != nil {
			row.Figures, err = domain.AcceptedFigures(v.Figures, cols, current)
			row.Accepted = true
		} else {
			row.Figures, err = current()
		}
		if err != nil {
			return domain.ReportEdition{}, domain.MergedTable{}, err
		}
		rows = append(rows, row)
	}
	return ed, domain.Merge(cols, rows), nil
}

// FeaturedList returns the featured activities' workbook, or nil when there is no exporter.
func (rs *Reports) FeaturedList(ctx context.Context, edition string) ([]byte, error) {
	if rs.Featured == nil {
		return nil, nil
	}
	return rs.Featured.Export(ctx, edition)
}

// latestVersion is the county's own last version (not one of its units'); versions are read in
// county then version order.
func latestVersion(all []domain.ReportVersion, county string) *domain.ReportVersion {
	var out *domain.ReportVersion
	for i := range all {
		if all[i].CountyCode == county && all[i].UnitID == "" {
			out = &all[i]
		}
	}
	return out
}

func megabytes(n int64) string {
	if n >= 1<<30 {
		return fmt.Sprintf("%.0f GB", float64(n)/(1<<30))
	}
	return fmt.Sprintf("%.0f MB", float64(n)/(1<<20))
}

// clock writes a length as minutes and seconds, e.g. 4:00.
func clock(d time.Duration) string {
	s := int(d.Round(time.Second).Seconds())
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// TableFormat is the kind of file the merged table is exported as.
type TableFormat int

// The formats.
const (
	TableXLSX TableFormat = iota
	TableCSV
)

// TableWriter lays the merged table out as the files people open.
type TableWriter interface {
	// Workbook writes it as XLSX in the official table's layout, the featured activities'
	// workbook (附件2) as its second sheet when there is one.
	Workbook(title, line string, t domain.MergedTable, featured []byte) ([]byte, error)
	// CSV writes it as CSV.
	CSV(t domain.MergedTable) ([]byte, error)
}

// ExportedFile is a file to hand out.
type ExportedFile struct {
	Name, ContentType string
	Content           []byte
}

// ExportMerged exports the merged table of the counties the caller may see, titled after the
// edition; the workbook carries the featured list too.
func (rs *Reports) ExportMerged(ctx context.Context, p auth.Principal, edition string, format TableFormat) (ExportedFile, error) {
	ed, t, err := rs.Merged(ctx, p, edition)
	if err != nil {
		return ExportedFile{}, err
	}
	title := ed.Name + "开展情况统计表"
	if format == TableCSV {
		content, err := rs.Tables.CSV(t)
		return ExportedFile{Name: title + ".csv", ContentType: "text/csv; charset=utf-8", Content: content}, err
	}
	featured, err := rs.FeaturedList(ctx, edition)
	if err != nil {
		return ExportedFile{}, err
	}
	// The line under the title, as offices print it: the unit stamps it, the date is the export's.
	line := "汇总单位（盖章）：                    制表日期：" + rs.Now().In(zoneOf(ed)).Format("2006年1月2日")
	content, err := rs.Tables.Workbook(title, line, t, featured)
	return ExportedFile{Name: title + ".xlsx", ContentType: sheet.XLSXContentType, Content: content}, err
}

// zoneOf is the edition's time zone (UTC when it has none).
func zoneOf(ed domain.ReportEdition) *time.Location {
	if ed.Deadline.Loc != nil {
		return ed.Deadline.Loc
	}
	return time.UTC
}
