package domain

import (
	"time"

	"github.com/google/uuid"
)

// CheckinProjection is the name of the projection that folds check-in events; its checkpoint
// is the stream position the figures are complete up to, and a rebuild moves it back.
const CheckinProjection = "reporting.checkin-events"

// Activity is what the statistics need of an activity, as registration last announced it.
type Activity struct {
	ID           uuid.UUID
	EditionID    string
	CountyCode   string
	Title        string
	Form         Form
	TargetGroups []TargetGroup
	VenueID      uuid.UUID // Nil for online activities
	Planned      bool      // approved, not cancelled
	Online       bool
	Major        bool // a major demonstration activity (重大示范活动)
	WorkersDay   bool // held jointly with Science and Technology Workers' Day (30 May)
	Theme        Theme
	UnitID       uuid.UUID
	UnitName     string
	UpdatedAt    time.Time
}

// IsOnline is the online rule: an activity of the online-interaction form, or one held at no
// venue, takes no check-ins, and the dashboard lists it apart.
func IsOnline(form Form, venue uuid.UUID) bool {
	return form == FormOnlineInteraction || venue == uuid.Nil
}

// County is a county of an edition.
type County struct {
	Code, Name string
}

// Edition is what the statistics and the report back need of an edition.
type Edition struct {
	ID              string
	Name            string
	ReportDeadline  string
	MaxVideoSeconds int
	TimeZone        string
	Counties        []County
	// Contact is the week's contact (office, person, phone, mailbox), quoted in the reminders.
	Contact Contact
}

// Contact is an edition's contact for the week as registration keeps it; empty parts are not
// given.
type Contact struct {
	Office, Person, Phone, Email string
}

// The defaults for what an edition leaves unset.
const (
	// DefaultTimeZone is the city's.
	DefaultTimeZone = "Asia/Shanghai"
	// DefaultMaxVideoSeconds is the notice's three minutes.
	DefaultMaxVideoSeconds = 180
)

// WithDefaults fills in what the edition leaves unset.
func (e Edition) WithDefaults() Edition {
	if e.TimeZone == "" {
		e.TimeZone = DefaultTimeZone
	}
	if e.MaxVideoSeconds == 0 {
		e.MaxVideoSeconds = DefaultMaxVideoSeconds
	}
	return e
}

// RecordKind is what a check-in record counts.
type RecordKind int

// The record kinds.
const (
	RecordUnspecified RecordKind = iota
	RecordTicket
	RecordWalkIn
	RecordGroup
	RecordCheckout
)

// CheckinRecord is one record check-in stored, as its CheckinsRecorded event tells it.
type CheckinRecord struct {
	EditionID    string
	CountyCode   string
	VenueID      uuid.UUID
	ActivityID   uuid.UUID
	TerminalID   uuid.UUID
	TicketID     uuid.UUID // Nil unless a ticket was scanned
	Kind         RecordKind
	Category     Category
	Headcount    int64
	Adults       int64 // a group's teachers
	Refused      bool
	Refusal      RefusalReason
	OverCapacity bool
	OccurredAt   time.Time
	RecordedAt   time.Time
}

// Fold counts one record.
func (t *Tally) Fold(r CheckinRecord) {
	at := r.OccurredAt
	if r.Refused {
		if r.Refusal == RefusalTimeOutOfRange {
			// The terminal's clock was broken: its time would make a day of its own.
			at = r.RecordedAt
		}
		t.Refuse(Refusal{EditionID: r.EditionID, CountyCode: r.CountyCode, VenueID: r.VenueID, Reason: r.Refusal, OccurredAt: at})
		return
	}
	if r.Kind == RecordCheckout {
		t.Leave(Exit{CountyCode: r.CountyCode, VenueID: r.VenueID, Headcount: r.Headcount, OccurredAt: at})
		return
	}
	a := Admission{EditionID: r.EditionID, CountyCode: r.CountyCode, VenueID: r.VenueID, ActivityID: r.ActivityID, OccurredAt: at}
	if r.OverCapacity {
		a.OverCapacity, a.TerminalID = true, r.TerminalID
	}
	switch r.Kind {
	case RecordTicket:
		a.Ticketed, a.TicketID = true, r.TicketID
		a.People = PeopleOf(r.Category, 1)
	case RecordGroup:
		// A class and its teachers: the young people count as such, the teachers as adults.
		a.People = People{YoungPeople: r.Headcount, Adults: r.Adults}
	default:
		a.People = PeopleOf(r.Category, r.Headcount)
	}
	t.Admit(a)
}
