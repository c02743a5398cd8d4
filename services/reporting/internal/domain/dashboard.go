package domain

import (
	"time"

	"github.com/google/uuid"

	"github.com/sciweek/sciweek/pkg/errs"
)

// Filter narrows the dashboard. Zero values keep everything.
type Filter struct {
	CountyCode  string
	FromDay     string // YYYY-MM-DD
	ToDay       string
	Form        int16 // registration's ActivityForm
	TargetGroup int16 // registration's TargetGroup
}

// Check rejects a filter a person could not have meant.
func (f Filter) Check() error {
	for _, d := range []string{f.FromDay, f.ToDay} {
		if _, err := time.Parse(time.DateOnly, d); d != "" && err != nil {
			return errs.E(errs.Invalid, "%q is not a date (YYYY-MM-DD)", d)
		}
	}
	if f.FromDay != "" && f.ToDay != "" && f.FromDay > f.ToDay {
		return errs.E(errs.Invalid, "the day range starts (%s) after it ends (%s)", f.FromDay, f.ToDay)
	}
	return nil
}

// FormOnline is registration's online-interaction form: nobody checks in to such activities,
// so the dashboard lists them apart.
const FormOnline int16 = 4

// DashboardTotals are the headline figures.
type DashboardTotals struct {
	Ticketed, WalkIns int64
	People
	DistinctPeople    int64
	Today, Yesterday  int64
	Refused           int64
	ActivitiesPlanned int64
	ActivitiesHeld    int64
	OnlineActivities  int64
	VenuesOpened      int64
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

// FormCount is one form's activities and participations.
type FormCount struct {
	Form                              int16
	ActivitiesPlanned, ActivitiesHeld int64
	Participations                    int64
}

// TargetGroupCount is one target group's activities and participations.
type TargetGroupCount struct {
	TargetGroup       int16
	ActivitiesPlanned int64
	Participations    int64
}

// ActivityCount is one activity's participations.
type ActivityCount struct {
	ActivityID     uuid.UUID
	Title          string
	CountyCode     string
	VenueName      string
	Form           int16
	Participations int64
}

// RefusalCount is the refused scans of one reason.
type RefusalCount struct {
	Reason  int16
	Refused int64
}

// Dashboard is every panel for one filter.
type Dashboard struct {
	EditionID        string
	Filter           Filter
	Today            string
	Totals           DashboardTotals
	Counties         []CountyRanking
	ByHour           []HourCount
	ByDay            []DayCount
	Forms            []FormCount
	TargetGroups     []TargetGroupCount
	TopActivities    []ActivityCount
	OnlineActivities []ActivityCount
	Refusals         []RefusalCount
	Occupancy        OccupancySummary
	VenuesInAlarm    []Occupancy
	StreamPosition   uint64
	UpdatedAt        time.Time
}

// Sum fills the totals that are sums of the county lines.
func (d *Dashboard) Sum() {
	t := &d.Totals
	t.ActivitiesHeld, t.VenuesOpened, t.Today = 0, 0, 0
	for _, c := range d.Counties {
		t.ActivitiesHeld += c.ActivitiesHeld
		t.VenuesOpened += c.VenuesOpened
		t.Today += c.Today
	}
}
