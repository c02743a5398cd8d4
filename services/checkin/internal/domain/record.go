// Package domain holds check-in's rules: what a terminal may record, when a scan is admitted or
// refused, and what makes two submissions the same record. No SQL, no proto.
package domain

import (
	"time"

	"github.com/google/uuid"

	"github.com/sciweek/sciweek/pkg/errs"
)

// Kind is what a record counts.
type Kind int16

// The record kinds; the numbers are stored.
const (
	KindTicket Kind = 1
	KindWalkIn Kind = 2
)

// Category is who came through the door.
type Category int16

// The participant categories; the numbers are stored.
const (
	CategoryUnspecified   Category = 0
	CategoryYoungPerson   Category = 1
	CategoryAdult         Category = 2
	CategoryScienceWorker Category = 3
	CategoryVolunteer     Category = 4
)

// Valid reports whether c names a category.
func (c Category) Valid() bool { return c >= CategoryYoungPerson && c <= CategoryVolunteer }

// Outcome says whether a scan was admitted.
type Outcome int16

// The outcomes; the numbers are stored.
const (
	Admitted Outcome = 1
	Refused  Outcome = 2
)

// Refusal says why a scan was refused.
type Refusal int16

// The refusal reasons; the numbers are stored.
const (
	RefusalNone             Refusal = 0
	RefusalAlreadyCheckedIn Refusal = 1
)

// MaxHeadcount is the most people one walk-in record may count.
const MaxHeadcount = 1000

// Terminal is what check-in knows of a terminal, from the venue service's events.
type Terminal struct {
	ID             uuid.UUID
	VenueID        uuid.UUID
	CountyCode     string
	CredentialHash [32]byte
	Revoked        bool
}

// Venue is what check-in knows of a venue.
type Venue struct {
	ID         uuid.UUID
	CountyCode string
}

// Activity is what check-in knows of an activity, from registration's events.
type Activity struct {
	ID         uuid.UUID
	EditionID  string
	CountyCode string
	VenueID    uuid.UUID
	Approved   bool
}

// Scan is one submission from a terminal.
type Scan struct {
	TerminalID uuid.UUID
	Sequence   uint64
	OccurredAt time.Time
	VenueID    uuid.UUID
	ActivityID uuid.UUID
	Kind       Kind
	TicketKey  string // the ticket's identity, for ticket scans
	Category   Category
	Headcount  int
}

// Record is a stored scan: the system of record for attendance.
type Record struct {
	ID              uuid.UUID
	Scan            Scan
	EditionID       string
	CountyCode      string
	Outcome         Outcome
	Refusal         Refusal
	FirstAdmittedAt time.Time // for already-checked-in refusals
	RecordedAt      time.Time
}

// NewRecord checks a scan from terminal t at venue v for activity a and returns the record to
// store, admitted. Whether a ticket was already used is decided by the store, which sees every
// terminal's records.
func NewRecord(t Terminal, v Venue, a Activity, s Scan, now time.Time) (Record, error) {
	if t.VenueID != s.VenueID {
		return Record{}, errs.E(errs.PermissionDenied, "this terminal records at venue %s, not at %s", t.VenueID, s.VenueID)
	}
	if !a.Approved {
		return Record{}, errs.E(errs.FailedPrecondition, "activity %s is not approved, so it cannot take check-ins", a.ID)
	}
	if a.VenueID != v.ID {
		return Record{}, errs.E(errs.FailedPrecondition, "activity %s is held at another venue (%s)", a.ID, a.VenueID)
	}
	if s.Sequence == 0 {
		return Record{}, errs.E(errs.Invalid, "sequence numbers start at 1")
	}
	if s.OccurredAt.IsZero() {
		return Record{}, errs.E(errs.Invalid, "a scan needs the time it happened")
	}
	switch s.Kind {
	case KindTicket:
		if s.TicketKey == "" {
			return Record{}, errs.E(errs.Invalid, "a ticket scan needs the ticket's QR payload")
		}
		s.Headcount, s.Category = 1, CategoryUnspecified
	case KindWalkIn:
		if !s.Category.Valid() {
			return Record{}, errs.E(errs.Invalid, "a walk-in needs a participant category")
		}
		if s.Headcount < 1 || s.Headcount > MaxHeadcount {
			return Record{}, errs.E(errs.Invalid, "walk-in headcount must be 1 to %d", MaxHeadcount)
		}
		s.TicketKey = ""
	default:
		return Record{}, errs.E(errs.Invalid, "a scan is either a ticket or a walk-in")
	}
	s.TerminalID = t.ID
	// Times are kept to the microsecond, as stored, so a replay compares equal to its original.
	s.OccurredAt = s.OccurredAt.UTC().Truncate(time.Microsecond)
	return Record{
		ID: uuid.New(), Scan: s, EditionID: a.EditionID, CountyCode: v.CountyCode, Outcome: Admitted,
		RecordedAt: now.UTC().Truncate(time.Microsecond),
	}, nil
}

// RefuseAsAlreadyCheckedIn turns an admitted ticket record into a refusal, because the ticket
// was admitted first at firstAt.
func (r *Record) RefuseAsAlreadyCheckedIn(firstAt time.Time) {
	r.Outcome, r.Refusal, r.FirstAdmittedAt = Refused, RefusalAlreadyCheckedIn, firstAt
}

// SameScan reports whether a resubmission under the same terminal sequence number is the same
// scan, so it may be answered with the first reply. A terminal that reuses a number for another
// scan has a bug worth reporting, not hiding.
func (r Record) SameScan(s Scan) bool {
	a := r.Scan
	return a.TerminalID == s.TerminalID && a.Sequence == s.Sequence && a.VenueID == s.VenueID && a.ActivityID == s.ActivityID &&
		a.Kind == s.Kind && a.TicketKey == s.TicketKey && a.Category == s.Category && a.Headcount == s.Headcount &&
		a.OccurredAt.Equal(s.OccurredAt)
}
