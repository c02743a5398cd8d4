package domain

import (
	"cmp"
	"slices"
	"sort"
	"time"

	"github.com/google/uuid"

	"github.com/sciweek/sciweek/pkg/errs"
)

// Filter narrows the dashboard. Zero values keep everything.
type Filter struct {
	CountyCode  string
	FromDay     string // YYYY-MM-DD
	ToDay       string
	Form        Form
	TargetGroup TargetGroup
	UnitID      string // an organizer unit's activities only
	WorkersDay  bool   // the activities held jointly with Science and Technology Workers' Day only
	Theme       Theme  // one themed week's activities (or, ThemeNone, those of none) only
}

// ByActivity reports whether the filter keeps some activities and not others by what
// registration says of them (form, target group, unit), not only by county and day.
func (f Filter) ByActivity() bool {
	return f.Form != 0 || f.TargetGroup != 0 || f.UnitID != "" || f.WorkersDay || f.Theme != 0
}

// Check rejects a filter a person could not have meant.
func (f Filter) Check() error {
	for _, d := range []string{f.FromDay, f.ToDay} {
		if _, err := time.Parse(time.DateOnly, d); d != "" && err != nil {
			return ErrDayInvalid.New("value", d)
		}
	}
	if f.FromDay != "" && f.ToDay != "" && f.FromDay > f.ToDay {
		return ErrDayRange.New("from", f.FromDay, "to", f.ToDay)
	}
	return nil
}

// DashboardTotals are the headline figures.
type DashboardTotals struct {
	Ticketed, WalkIns int64
	People
	DistinctPeople    int64
	Today, Yesterday  int64
	Refused           int64
	ActivitiesPlanned int64
	ActivitiesHeld    int64
	// MajorActivitiesHeld counts the major demonstration activities (重大示范活动) held.
	MajorActivitiesHeld int64
	OnlineActivities    int64
	VenuesOpened        int64
	// WorkersDayActivities counts the approved activities held jointly with Science and
	// Technology Workers' Day (30 May), WorkersDayHeld those that admitted anyone, and
	// WorkersDayParticipations their participations (part of the total).
	WorkersDayActivities, WorkersDayHeld, WorkersDayParticipations int64
}

// Participations counts people admitted.
func (t DashboardTotals) Participations() int64 { return t.Ticketed + t.WalkIns }

// CountyRanking is one county's line.
type CountyRanking struct {
	CountyCode, CountyName string
	Participations, Today  int64
	YoungPeople            int64
	ActivitiesPlanned      int64
	ActivitiesHeld         int64
	VenuesOpened           int64
}

// UnitRanking is one organizer unit's line: the figures of its activities.
type UnitRanking struct {
	UnitID, UnitName  string
	CountyCode        string
	Participations    int64
	Today             int64
	ActivitiesPlanned int64
	ActivitiesHeld    int64
}

// HourCount is one hour's participations; Hour is YYYY-MM-DDTHH in the city's calendar.
type HourCount struct {
	Hour           string
	Participations int64
}

// DayCount is one day's participations.
type DayCount struct {
	Day                         string
	Participations, YoungPeople int64
}

// ThemeCount is one themed week's activities and participations (or those of none).
type ThemeCount struct {
	Theme Theme
	// ActivitiesPlanned and ActivitiesHeld leave online activities out, as the totals do.
	ActivitiesPlanned, ActivitiesHeld, Participations int64
}

// FormCount is one form's activities and participations.
type FormCount struct {
	Form                              Form
	ActivitiesPlanned, ActivitiesHeld int64
	Participations                    int64
}

// TargetGroupCount is one target group's activities and participations.
type TargetGroupCount struct {
	TargetGroup       TargetGroup
	ActivitiesPlanned int64
	Participations    int64
}

// ActivityCount is one activity's participations.
type ActivityCount struct {
	ActivityID     uuid.UUID
	Title          string
	CountyCode     string
	VenueName      string
	Form           Form
	Participations int64
}

// RefusalCount is the refused scans of one reason.
type RefusalCount struct {
	Reason  RefusalReason
	Refused int64
}

// Dashboard is every panel for one filter.
type Dashboard struct {
	EditionID        string
	Filter           Filter
	Today            string
	Totals           DashboardTotals
	Counties         []CountyRanking
	Units            []UnitRanking
	ByHour           []HourCount
	ByDay            []DayCount
	Forms            []FormCount
	Themes           []ThemeCount // every theme, in order; they add up to the totals
	TargetGroups     []TargetGroupCount
	TopActivities    []ActivityCount
	OnlineActivities []ActivityCount
	Refusals         []RefusalCount
	Occupancy        OccupancySummary
	VenuesInAlarm    []Occupancy
	StreamPosition   uint64
	UpdatedAt        time.Time
}

// ActivityInfo is what the dashboard knows of an activity from registration.
type ActivityInfo struct {
	ID           uuid.UUID
	CountyCode   string
	Title        string
	Form         Form
	TargetGroups []TargetGroup
	Planned      bool
	Online       bool
	Major        bool
	UnitID       string
	UnitName     string
	WorkersDay   bool
	Theme        Theme
}

// Matches reports whether the activity passes the filter's form, target group and unit.
func (a ActivityInfo) Matches(f Filter) bool {
	if f.UnitID != "" && a.UnitID != f.UnitID {
		return false
	}
	if f.WorkersDay && !a.WorkersDay {
		return false
	}
	if f.Theme != 0 && a.Theme.OrNone() != f.Theme {
		return false
	}
	if f.Form != 0 && a.Form != f.Form {
		return false
	}
	if f.TargetGroup != 0 && !slices.Contains(a.TargetGroups, f.TargetGroup) {
		return false
	}
	return true
}

// ActivityFigures are one activity's participations within the filter's counties and days.
type ActivityFigures struct {
	ActivityID        uuid.UUID
	CountyCode        string
	VenueID           uuid.UUID
	VenueName         string
	Ticketed, WalkIns int64
	People
	Today, Yesterday int64
}

// Participations counts people admitted.
func (a ActivityFigures) Participations() int64 { return a.Ticketed + a.WalkIns }

// DashboardInput is what the store reads for one filter; Build turns it into the panels.
type DashboardInput struct {
	EditionID      string
	Filter         Filter
	Today          string
	CountyNames    map[string]string // the counties the viewer may see, by code
	Activities     map[uuid.UUID]ActivityInfo
	Figures        []ActivityFigures // per activity and venue, days and county already applied
	ByHour         []HourCount
	ByDay          []DayCount
	Refusals       []RefusalCount
	DistinctPeople int64
	Venues         []Occupancy
	StreamPosition uint64
	UpdatedAt      time.Time
}

// TopShown and OnlineShown are how many activities the top and online lists carry.
const (
	TopShown    = 10
	OnlineShown = 50
)

// Build folds per-activity figures into every panel: the filter's form and target group apply
// here, through what registration says of each activity (an activity it has not described
// counts only when neither is asked for).
func Build(in DashboardInput) Dashboard {
	d := Dashboard{EditionID: in.EditionID, Filter: in.Filter, Today: in.Today, ByHour: in.ByHour, ByDay: in.ByDay, Refusals: in.Refusals,
		StreamPosition: in.StreamPosition, UpdatedAt: in.UpdatedAt}
	type countyAcc struct {
		CountyRanking
		venues map[uuid.UUID]bool
	}
	counties := map[string]*countyAcc{}
	county := func(code string) *countyAcc {
		c, ok := counties[code]
		if !ok {
			name := in.CountyNames[code]
			if name == "" {
				name = code
			}
			c = &countyAcc{CountyRanking: CountyRanking{CountyCode: code, CountyName: name}, venues: map[uuid.UUID]bool{}}
			counties[code] = c
		}
		return c
	}
	for code := range in.CountyNames {
		county(code)
	}
	units := map[string]*UnitRanking{}
	unit := func(a ActivityInfo, county string) *UnitRanking {
		u, ok := units[a.UnitID]
		if !ok {
			u = &UnitRanking{UnitID: a.UnitID, UnitName: a.UnitName, CountyCode: county}
			units[a.UnitID] = u
		}
		return u
	}
	forms := map[Form]*FormCount{}
	form := func(k Form) *FormCount {
		if forms[k] == nil {
			forms[k] = &FormCount{Form: k}
		}
		return forms[k]
	}
	groups := map[TargetGroup]*TargetGroupCount{}
	group := func(k TargetGroup) *TargetGroupCount {
		if groups[k] == nil {
			groups[k] = &TargetGroupCount{TargetGroup: k}
		}
		return groups[k]
	}
	themes := map[Theme]*ThemeCount{}
	for _, k := range Themes() {
		themes[k] = &ThemeCount{Theme: k}
	}
	theme := func(k Theme) *ThemeCount { return themes[k.OrNone()] }
	for _, a := range in.Activities {
		if !a.Planned || !a.Matches(in.Filter) {
			continue
		}
		if a.Online {
			d.Totals.OnlineActivities++
			d.OnlineActivities = append(d.OnlineActivities, ActivityCount{ActivityID: a.ID, Title: a.Title, CountyCode: a.CountyCode, Form: a.Form})
		} else {
			county(a.CountyCode).ActivitiesPlanned++
			unit(a, a.CountyCode).ActivitiesPlanned++
			d.Totals.ActivitiesPlanned++
			theme(a.Theme).ActivitiesPlanned++
		}
		if a.WorkersDay {
			d.Totals.WorkersDayActivities++
		}
		form(a.Form).ActivitiesPlanned++
		for _, g := range a.TargetGroups {
			group(g).ActivitiesPlanned++
		}
	}
	perActivity := map[uuid.UUID]*ActivityCount{}
	held := map[uuid.UUID]bool{}
	for _, f := range in.Figures {
		info, known := in.Activities[f.ActivityID]
		if !known && in.Filter.ByActivity() {
			continue
		}
		if known && !info.Matches(in.Filter) {
			continue
		}
		n := f.Participations()
		t := &d.Totals
		t.Ticketed, t.WalkIns, t.People = t.Ticketed+f.Ticketed, t.WalkIns+f.WalkIns, t.People.Add(f.People)
		t.Today, t.Yesterday = t.Today+f.Today, t.Yesterday+f.Yesterday
		c := county(f.CountyCode)
		c.Participations, c.Today, c.YoungPeople = c.Participations+n, c.Today+f.Today, c.YoungPeople+f.YoungPeople
		u := unit(info, f.CountyCode)
		u.Participations, u.Today = u.Participations+n, u.Today+f.Today
		if info.WorkersDay {
			t.WorkersDayParticipations += n
		}
		if n > 0 {
			c.venues[f.VenueID] = true
			if !held[f.ActivityID] && !info.Online {
				held[f.ActivityID] = true
				c.ActivitiesHeld++
				u.ActivitiesHeld++
				t.ActivitiesHeld++
				if info.Major {
					t.MajorActivitiesHeld++
				}
				if info.WorkersDay {
					t.WorkersDayHeld++
				}
				form(info.Form).ActivitiesHeld++
				theme(info.Theme).ActivitiesHeld++
			}
		}
		form(info.Form).Participations += n
		theme(info.Theme).Participations += n
		for _, g := range info.TargetGroups {
			group(g).Participations += n
		}
		ac := perActivity[f.ActivityID]
		if ac == nil {
			ac = &ActivityCount{ActivityID: f.ActivityID, Title: info.Title, CountyCode: f.CountyCode, VenueName: f.VenueName, Form: info.Form}
			perActivity[f.ActivityID] = ac
		}
		ac.Participations += n
	}
	for _, c := range counties {
		c.VenuesOpened = int64(len(c.venues))
		d.Totals.VenuesOpened += c.VenuesOpened
		d.Counties = append(d.Counties, c.CountyRanking)
	}
	for _, r := range in.Refusals {
		d.Totals.Refused += r.Refused
	}
	d.Totals.DistinctPeople = in.DistinctPeople
	mostFirst(d.Counties, func(c CountyRanking) int64 { return c.Participations }, func(c CountyRanking) string { return c.CountyCode })
	for _, u := range units {
		d.Units = append(d.Units, *u)
	}
	mostFirst(d.Units, func(u UnitRanking) int64 { return u.Participations }, func(u UnitRanking) string { return u.CountyCode + u.UnitID })
	for _, f := range forms {
		d.Forms = append(d.Forms, *f)
	}
	mostFirst(d.Forms, func(f FormCount) int64 { return f.Participations }, func(f FormCount) Form { return f.Form })
	for _, k := range Themes() {
		d.Themes = append(d.Themes, *themes[k])
	}
	for _, g := range groups {
		d.TargetGroups = append(d.TargetGroups, *g)
	}
	mostFirst(d.TargetGroups, func(g TargetGroupCount) int64 { return g.Participations }, func(g TargetGroupCount) TargetGroup { return g.TargetGroup })
	for _, a := range perActivity {
		d.TopActivities = append(d.TopActivities, *a)
	}
	mostFirst(d.TopActivities, func(a ActivityCount) int64 { return a.Participations }, func(a ActivityCount) string { return a.ActivityID.String() })
	d.TopActivities = d.TopActivities[:min(TopShown, len(d.TopActivities))]
	sort.Slice(d.OnlineActivities, func(i, j int) bool {
		a, b := d.OnlineActivities[i], d.OnlineActivities[j]
		if a.Title != b.Title {
			return a.Title < b.Title
		}
		return a.ActivityID.String() < b.ActivityID.String()
	})
	d.OnlineActivities = d.OnlineActivities[:min(OnlineShown, len(d.OnlineActivities))]
	SortFullest(in.Venues)
	d.Occupancy = Summarize(in.Venues, FullestShown)
	for _, v := range in.Venues {
		if v.Level == LevelAlarm {
			d.VenuesInAlarm = append(d.VenuesInAlarm, v)
		}
	}
	return d
}

// mostFirst orders a panel's rows as the dashboard shows them: most participations first, ties
// by key (each row's key is its own, so the order is the same on every call).
func mostFirst[T any, K cmp.Ordered](rows []T, participations func(T) int64, key func(T) K) {
	slices.SortFunc(rows, func(a, b T) int {
		return cmp.Or(cmp.Compare(participations(b), participations(a)), cmp.Compare(key(a), key(b)))
	})
}

// The problems of a day range.
var (
	ErrDayInvalid = errs.Reason{Code: "STATS_DAY_INVALID", Kind: errs.Invalid,
		English: "{value} is not a date (YYYY-MM-DD)",
		Chinese: "“{value}”不是日期，请写成 2024-05-25 的样子"}
	ErrDayRange = errs.Reason{Code: "STATS_DAY_RANGE", Kind: errs.Invalid,
		English: "the day range starts ({from}) after it ends ({to})",
		Chinese: "开始日期（{from}）晚于结束日期（{to}）"}
)
