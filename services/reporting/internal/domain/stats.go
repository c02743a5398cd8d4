// Package domain holds the live statistics' rules: how check-ins fold into counts, on which day
// they count, and what a county may see. No SQL, no proto.
package domain

import (
	"sort"
	"time"

	"github.com/google/uuid"
)

// Admission is one admitted check-in as the statistics see it.
type Admission struct {
	EditionID  string
	CountyCode string
	VenueID    uuid.UUID
	ActivityID uuid.UUID
	Ticketed   bool
	Headcount  int64
	OccurredAt time.Time
}

// Refusal is one refused scan.
type Refusal struct {
	EditionID  string
	CountyCode string
	VenueID    uuid.UUID
	Reason     int16
	OccurredAt time.Time
}

// CountKey is one row of participation counts: an activity at a venue on a day.
type CountKey struct {
	EditionID  string
	CountyCode string
	Day        string // YYYY-MM-DD in the city's calendar
	VenueID    uuid.UUID
	ActivityID uuid.UUID
}

// Counts are the participations of one key.
type Counts struct {
	Ticketed int64
	WalkIns  int64
}

// RefusalKey is one row of refusal counts.
type RefusalKey struct {
	EditionID  string
	CountyCode string
	Day        string
	VenueID    uuid.UUID
	Reason     int16
}

// Tally folds a batch of events into the increments to add, so a batch of thousands of events
// becomes one write per distinct row.
type Tally struct {
	loc      *time.Location
	Counts   map[CountKey]Counts
	Refusals map[RefusalKey]int64
	Flows    map[OccupancyKey]flow
}

// NewTally returns an empty tally that counts days in loc.
func NewTally(loc *time.Location) *Tally {
	return &Tally{loc: loc, Counts: map[CountKey]Counts{}, Refusals: map[RefusalKey]int64{}, Flows: map[OccupancyKey]flow{}}
}

// Exit is people checking out of a venue.
type Exit struct {
	CountyCode string
	VenueID    uuid.UUID
	Headcount  int64
	OccurredAt time.Time
}

// Leave takes people out of a venue's occupancy on the day they left.
func (t *Tally) Leave(e Exit) {
	k := OccupancyKey{VenueID: e.VenueID, Day: Day(e.OccurredAt, t.loc)}
	f := t.Flows[k]
	f.Exited += e.Headcount
	f.CountyCode = e.CountyCode
	t.Flows[k] = f
}

// Day is the city's calendar day of t: records that arrive late count on the day they happened.
func Day(t time.Time, loc *time.Location) string { return t.In(loc).Format(time.DateOnly) }

// Admit adds an admission.
func (t *Tally) Admit(a Admission) {
	k := CountKey{EditionID: a.EditionID, CountyCode: a.CountyCode, Day: Day(a.OccurredAt, t.loc), VenueID: a.VenueID, ActivityID: a.ActivityID}
	c := t.Counts[k]
	if a.Ticketed {
		c.Ticketed += a.Headcount
	} else {
		c.WalkIns += a.Headcount
	}
	t.Counts[k] = c
	ok := OccupancyKey{VenueID: a.VenueID, Day: k.Day}
	f := t.Flows[ok]
	f.Entered += a.Headcount
	f.CountyCode = a.CountyCode
	t.Flows[ok] = f
}

// Refuse adds a refusal.
func (t *Tally) Refuse(r Refusal) {
	t.Refusals[RefusalKey{EditionID: r.EditionID, CountyCode: r.CountyCode, Day: Day(r.OccurredAt, t.loc), VenueID: r.VenueID, Reason: r.Reason}]++
}

// Flow returns the people in and out of a venue on a day in the tally, and their county.
func (t *Tally) Flow(k OccupancyKey) (Flow, string) { f := t.Flows[k]; return f.Flow, f.CountyCode }

// Empty reports whether the tally has nothing to write.
func (t *Tally) Empty() bool { return len(t.Counts) == 0 && len(t.Refusals) == 0 && len(t.Flows) == 0 }

// Totals are participation figures.
type Totals struct {
	Ticketed int64
	WalkIns  int64
	Today    int64
}

// Participations counts people admitted (人次): ticket holders and walk-ins.
func (t Totals) Participations() int64 { return t.Ticketed + t.WalkIns }

// CountyTotals are one county's figures.
type CountyTotals struct {
	CountyCode string
	Totals
}

// Overview is the live picture of an edition for one viewer.
type Overview struct {
	EditionID      string
	City           Totals
	Counties       []CountyTotals
	Refused        int64
	StreamPosition uint64
	UpdatedAt      time.Time
	Occupancy      OccupancySummary
}

// NewOverview sums county figures into the city's, sorted by county code.
func NewOverview(edition string, counties []CountyTotals, refused int64, position uint64, updated time.Time) Overview {
	sort.Slice(counties, func(i, j int) bool { return counties[i].CountyCode < counties[j].CountyCode })
	o := Overview{EditionID: edition, Counties: counties, Refused: refused, StreamPosition: position, UpdatedAt: updated}
	for _, c := range counties {
		o.City.Ticketed += c.Ticketed
		o.City.WalkIns += c.WalkIns
		o.City.Today += c.Today
	}
	return o
}

// Dimension is what participation rows are grouped by.
type Dimension string

// The dimensions.
const (
	ByCounty   Dimension = "county"
	ByVenue    Dimension = "venue"
	ByActivity Dimension = "activity"
	ByDay      Dimension = "day"
)

// Query asks for participation rows.
type Query struct {
	EditionID  string
	GroupBy    Dimension
	CountyCode string // empty: all the viewer may see
	FromDay    string // empty: no bound
	ToDay      string // empty: no bound
}

// Row is one group's counts.
type Row struct {
	Key string
	Totals
}
