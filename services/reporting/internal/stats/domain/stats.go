// Package domain holds the live statistics' rules: how check-ins fold into counts, on which day
// they count, and what a county may see. No SQL, no proto.
package domain

import (
	"sort"
	"time"

	"github.com/google/uuid"
)

// Admission is one admitted check-in as the statistics see it: who came in, by category.
type Admission struct {
	EditionID  string
	CountyCode string
	VenueID    uuid.UUID
	ActivityID uuid.UUID
	Ticketed   bool
	// TicketID is the admitted ticket, for counting distinct people; Nil for walk-ins.
	TicketID   uuid.UUID
	People     People
	OccurredAt time.Time
	// OverCapacity is set when the door's staff confirmed the admission at the alarm level;
	// TerminalID is then the door.
	OverCapacity bool
	TerminalID   uuid.UUID
}

// OverCapacityKey is one door's confirmed admissions at a venue on a day.
type OverCapacityKey struct {
	VenueID    uuid.UUID
	Day        string
	TerminalID uuid.UUID
}

// People are participations by category (the statistics table's columns).
type People struct {
	YoungPeople    int64
	Adults         int64
	ScienceWorkers int64
	Volunteers     int64
}

// Total is everyone.
func (p People) Total() int64 { return p.YoungPeople + p.Adults + p.ScienceWorkers + p.Volunteers }

// Add adds q to p.
func (p People) Add(q People) People {
	return People{p.YoungPeople + q.YoungPeople, p.Adults + q.Adults, p.ScienceWorkers + q.ScienceWorkers, p.Volunteers + q.Volunteers}
}

// Category is who came through the door. Its numbers are stored in the aggregates; convert maps
// them to check-in's contract.
type Category int16

// The categories.
const (
	CategoryUnspecified   Category = 0
	CategoryYoungPerson   Category = 1
	CategoryAdult         Category = 2
	CategoryScienceWorker Category = 3
	CategoryVolunteer     Category = 4
)

// PeopleOf counts n people of a category; people of no stated category count as adults, the
// statistics table's remainder.
func PeopleOf(c Category, n int64) People {
	switch c {
	case CategoryYoungPerson:
		return People{YoungPeople: n}
	case CategoryScienceWorker:
		return People{ScienceWorkers: n}
	case CategoryVolunteer:
		return People{Volunteers: n}
	}
	return People{Adults: n}
}

// Refusal is one refused scan.
type Refusal struct {
	EditionID  string
	CountyCode string
	VenueID    uuid.UUID
	Reason     RefusalReason
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
	People
}

// HourKey is one row of hourly participations: an activity in an hour of a day.
type HourKey struct {
	EditionID  string
	CountyCode string
	Day        string
	Hour       int
	ActivityID uuid.UUID
}

// TicketAdmission is an admitted ticket, for counting the distinct people of an edition.
type TicketAdmission struct {
	EditionID  string
	CountyCode string
	TicketID   uuid.UUID
}

// RefusalKey is one row of refusal counts.
type RefusalKey struct {
	EditionID  string
	CountyCode string
	Day        string
	VenueID    uuid.UUID
	Reason     RefusalReason
}

// Tally folds a batch of events into the increments to add, so a batch of thousands of events
// becomes one write per distinct row.
type Tally struct {
	loc      *time.Location
	Counts   map[CountKey]Counts
	Hours    map[HourKey]int64
	Refusals map[RefusalKey]int64
	Flows    map[OccupancyKey]flow
	Tickets  []TicketAdmission
	// OverCapacity counts people admitted after staff confirmed at the alarm level, by door.
	OverCapacity map[OverCapacityKey]int64
}

// NewTally returns an empty tally that counts days in loc.
func NewTally(loc *time.Location) *Tally {
	return &Tally{loc: loc, Counts: map[CountKey]Counts{}, Refusals: map[RefusalKey]int64{}, Flows: map[OccupancyKey]flow{}, Hours: map[HourKey]int64{},
		OverCapacity: map[OverCapacityKey]int64{}}
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
	local := a.OccurredAt.In(t.loc)
	day := local.Format(time.DateOnly)
	n := a.People.Total()
	k := CountKey{EditionID: a.EditionID, CountyCode: a.CountyCode, Day: day, VenueID: a.VenueID, ActivityID: a.ActivityID}
	c := t.Counts[k]
	if a.Ticketed {
		c.Ticketed += n
	} else {
		c.WalkIns += n
	}
	c.People = c.People.Add(a.People)
	t.Counts[k] = c
	// Late records from offline terminals land in the hour they happened.
	t.Hours[HourKey{EditionID: a.EditionID, CountyCode: a.CountyCode, Day: day, Hour: local.Hour(), ActivityID: a.ActivityID}] += n
	if a.Ticketed && a.TicketID != uuid.Nil {
		t.Tickets = append(t.Tickets, TicketAdmission{EditionID: a.EditionID, CountyCode: a.CountyCode, TicketID: a.TicketID})
	}
	if a.OverCapacity {
		t.OverCapacity[OverCapacityKey{VenueID: a.VenueID, Day: day, TerminalID: a.TerminalID}] += n
	}
	ok := OccupancyKey{VenueID: a.VenueID, Day: day}
	f := t.Flows[ok]
	f.Entered += n
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
func (t *Tally) Empty() bool {
	return len(t.Counts) == 0 && len(t.Refusals) == 0 && len(t.Flows) == 0 && len(t.Hours) == 0 && len(t.OverCapacity) == 0
}

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
