// Package domain holds check-in's rules: what a terminal may record, when a scan is admitted or
// refused and why, which records deserve a second look, and what makes two submissions the same
// record. No SQL, no proto.
package domain

import (
	"crypto/sha256"
	"math"
	"time"

	"github.com/google/uuid"
)

// Kind is what a record counts; the numbers are stored and match the contract's enum.
type Kind int16

// The record kinds.
const (
	KindTicket   Kind = 1
	KindWalkIn   Kind = 2
	KindGroup    Kind = 3
	KindCheckout Kind = 4
)

// Category is who came through the door; the numbers match the contract's enum.
type Category int16

// The participant categories.
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

// The outcomes.
const (
	Admitted Outcome = 1
	Refused  Outcome = 2
)

// Refusal says why a scan was refused; the numbers match the contract's enum.
type Refusal int16

// The refusal reasons.
const (
	RefusalNone             Refusal = 0
	RefusalAlreadyCheckedIn Refusal = 1
	RefusalInvalidSignature Refusal = 2
	RefusalWrongVenue       Refusal = 3
	RefusalNotYetValid      Refusal = 4
	RefusalExpired          Refusal = 5
	RefusalRevoked          Refusal = 6
	RefusalActivityNotOpen  Refusal = 7
	RefusalTimeOutOfRange   Refusal = 8
)

// Anomalies are flags a record keeps; they do not stop it from counting.
type Anomalies int16

// The anomalies, as bits.
const (
	AnomalyOutsideSession Anomalies = 1 << iota
	AnomalyBurst
	AnomalyClockSkew
	// AnomalyOverCapacity marks an admission staff confirmed while the venue was at its alarm
	// level.
	AnomalyOverCapacity
)

// Thresholds of the anomaly checks.
const (
	// SessionMargin is how long before and after a session scans are expected.
	SessionMargin = time.Hour
	// MinGap is the least time between two people through one gate; scans closer than that
	// come faster than people walk.
	MinGap = 400 * time.Millisecond
	// MaxSkew is how far a terminal's clock may be from the server's.
	MaxSkew = 2 * time.Minute
	// MaxHeadcount is the most people one walk-in or check-out record may count.
	MaxHeadcount = 1000
	// MaxSequence is the largest terminal sequence number: it is stored as a signed 64-bit
	// number.
	MaxSequence = math.MaxInt64
	// EditionTolerance is how far before an edition's first day or after its last a scan may
	// lie and still count: a day, for clocks set to the wrong day and sessions past midnight.
	EditionTolerance = 24 * time.Hour
	// MaxGroup is the most young people, and MaxTeachers the most adults, one group may have.
	MaxGroup, MaxTeachers = 1000, 200
)

// Terminal is what check-in knows of a terminal, from the venue service's events.
type Terminal struct {
	ID             uuid.UUID
	VenueID        uuid.UUID
	CountyCode     string
	Name           string
	CredentialHash [32]byte
	Revoked        bool
}

// Venue is what check-in knows of a venue.
type Venue struct {
	ID         uuid.UUID
	CountyCode string
	Name       string
	// SafeCapacity is how many may be inside at once; 0 when not set.
	SafeCapacity int
	// WarnPercent and AlarmPercent are the occupancy levels, in percent of SafeCapacity.
	WarnPercent, AlarmPercent int
}

// Edition is what check-in knows of an edition: its ticket key and its days. Build it with
// NewEdition, which reads the days once: the judge asks for them on every scan.
type Edition struct {
	ID  string
	Key []byte
	// StartsOn and EndsOn are the first and last day, YYYY-MM-DD in TimeZone; empty when the
	// edition's event did not say.
	StartsOn, EndsOn, TimeZone string

	parsed      bool
	from, until time.Time
	days        bool
}

// NewEdition returns an edition with its days read.
func NewEdition(id string, key []byte, startsOn, endsOn, timeZone string) Edition {
	e := Edition{ID: id, Key: key, StartsOn: startsOn, EndsOn: endsOn, TimeZone: timeZone, parsed: true}
	e.from, e.until, e.days = e.window()
	return e
}

// Window returns when the edition runs: from the start of its first day to the end of its last,
// in its time zone. ok is false when its days are not known.
func (e Edition) Window() (from, until time.Time, ok bool) {
	if e.parsed {
		return e.from, e.until, e.days
	}
	return e.window()
}

func (e Edition) window() (from, until time.Time, ok bool) {
	loc, err := time.LoadLocation(e.TimeZone)
	if err != nil || e.TimeZone == "" {
		loc = time.UTC
	}
	start, err1 := time.ParseInLocation(time.DateOnly, e.StartsOn, loc)
	end, err2 := time.ParseInLocation(time.DateOnly, e.EndsOn, loc)
	if err1 != nil || err2 != nil || end.Before(start) {
		return time.Time{}, time.Time{}, false
	}
	return start, end.AddDate(0, 0, 1), true
}

// Session is a time slot of an activity.
type Session struct {
	StartsAt, EndsAt time.Time
}

// Activity is what check-in knows of an activity, from registration's events.
type Activity struct {
	ID         uuid.UUID
	EditionID  string
	CountyCode string
	VenueID    uuid.UUID
	Title      string
	Approved   bool
	Sessions   []Session
}

// SessionsOn returns the activity's sessions that overlap the local day of t in loc.
func (a Activity) SessionsOn(t time.Time, loc *time.Location) []Session {
	y, m, d := t.In(loc).Date()
	start := time.Date(y, m, d, 0, 0, 0, 0, loc)
	end := start.AddDate(0, 0, 1)
	var out []Session
	for _, s := range a.Sessions {
		if s.StartsAt.Before(end) && s.EndsAt.After(start) {
			out = append(out, s)
		}
	}
	return out
}

// During reports whether t falls within a session, give or take SessionMargin.
func (a Activity) During(t time.Time) bool {
	for _, s := range a.Sessions {
		if !t.Before(s.StartsAt.Add(-SessionMargin)) && !t.After(s.EndsAt.Add(SessionMargin)) {
			return true
		}
	}
	return len(a.Sessions) == 0
}

// Scan is one record as a terminal sends it.
type Scan struct {
	Sequence      uint64
	OccurredAt    time.Time
	VenueID       uuid.UUID
	ActivityID    uuid.UUID // may be Nil for tickets: the ticket names its activity
	Kind          Kind
	TicketPayload string
	PayloadHash   [16]byte // of TicketPayload: what is stored of it, to recognise a replay
	Category      Category
	Headcount     int // people counted; for a group, its young people
	Adults        int // for a group, its teachers
	GroupName     string
	// OverCapacityConfirmed is set when staff confirmed the admission at the alarm level.
	OverCapacityConfirmed bool
}

// Record is a stored scan: the system of record for attendance.
type Record struct {
	ID              uuid.UUID
	TerminalID      uuid.UUID
	Scan            Scan
	EditionID       string
	CountyCode      string
	TicketID        uuid.UUID
	Outcome         Outcome
	Refusal         Refusal
	FirstAdmittedAt time.Time
	// FirstTerminalID is the terminal that admitted the ticket first, for already-checked-in
	// refusals; Nil when not known (a replay of such a refusal).
	FirstTerminalID uuid.UUID
	Anomalies       Anomalies
	RecordedAt      time.Time
}

// Check rejects a scan a terminal should never send; such a request fails as a whole.
func (s Scan) Check(t Terminal) error {
	if s.Sequence == 0 {
		return ErrSequenceZero.New()
	}
	if s.Sequence > MaxSequence {
		return ErrSequenceTooLarge.New("sequence", s.Sequence)
	}
	if s.OccurredAt.IsZero() {
		return ErrTimeMissing.New("sequence", s.Sequence)
	}
	if y := s.OccurredAt.Year(); y < 1 || y > 9999 {
		return ErrTimeOutOfYears.New("sequence", s.Sequence)
	}
	if s.VenueID != t.VenueID {
		return ErrOtherVenue.New("own", t.VenueID, "venue", s.VenueID)
	}
	switch s.Kind {
	case KindTicket:
		if s.TicketPayload == "" {
			return ErrTicketPayloadMissing.New("sequence", s.Sequence)
		}
	case KindWalkIn:
		if !s.Category.Valid() {
			return ErrCategoryMissing.New("sequence", s.Sequence)
		}
		if s.Headcount < 1 || s.Headcount > MaxHeadcount {
			return ErrWalkInHeadcount.New("sequence", s.Sequence, "max", MaxHeadcount)
		}
	case KindGroup:
		if s.Headcount < 0 || s.Adults < 0 || s.Headcount+s.Adults < 1 {
			return ErrGroupEmpty.New("sequence", s.Sequence)
		}
		if s.Headcount > MaxGroup || s.Adults > MaxTeachers {
			return ErrGroupTooLarge.New("sequence", s.Sequence, "maxYoung", MaxGroup, "maxTeachers", MaxTeachers)
		}
		if len(s.GroupName) > 400 {
			return ErrGroupNameLength.New("sequence", s.Sequence)
		}
	case KindCheckout:
		if s.Headcount < 1 || s.Headcount > MaxHeadcount {
			return ErrCheckoutHeadcount.New("sequence", s.Sequence, "max", MaxHeadcount)
		}
	default:
		return ErrKindUnknown.New("sequence", s.Sequence)
	}
	if s.Kind != KindTicket && s.ActivityID == uuid.Nil {
		return ErrActivityMissing.New("sequence", s.Sequence)
	}
	return nil
}

// Normalize keeps times to the microsecond, as stored, so a replay compares equal to its
// original, and clears what does not belong to the kind.
func (s Scan) Normalize() Scan {
	s.OccurredAt = s.OccurredAt.UTC().Truncate(time.Microsecond)
	switch s.Kind {
	case KindTicket:
		s.Headcount, s.Adults, s.Category, s.GroupName = 1, 0, CategoryUnspecified, ""
		h := sha256.Sum256([]byte(s.TicketPayload))
		copy(s.PayloadHash[:], h[:16])
	case KindWalkIn:
		s.Adults, s.TicketPayload, s.GroupName = 0, "", ""
	case KindGroup:
		s.Category, s.TicketPayload = CategoryYoungPerson, ""
	case KindCheckout:
		s.Adults, s.Category, s.TicketPayload, s.GroupName = 0, CategoryUnspecified, "", ""
	}
	return s
}

// SameScan reports whether a resubmission under the same terminal sequence number is the same
// scan, so it may be answered with the first result. A terminal that reuses a number for another
// scan has a bug worth reporting, not hiding.
func (r Record) SameScan(s Scan) bool {
	a := r.Scan
	if s.Kind == KindTicket {
		return a.Sequence == s.Sequence && a.VenueID == s.VenueID && a.Kind == s.Kind && a.PayloadHash == s.PayloadHash && a.OccurredAt.Equal(s.OccurredAt)
	}
	return a.Sequence == s.Sequence && a.VenueID == s.VenueID && a.Kind == s.Kind && a.Category == s.Category &&
		a.Headcount == s.Headcount && a.Adults == s.Adults && a.OccurredAt.Equal(s.OccurredAt) && a.ActivityID == s.ActivityID
}

// Refuse marks the record refused for reason.
func (r *Record) Refuse(reason Refusal) { r.Outcome, r.Refusal = Refused, reason }

// RefuseAsAlreadyCheckedIn turns an admitted ticket record into a refusal, because the ticket
// was admitted first at firstAt.
func (r *Record) RefuseAsAlreadyCheckedIn(firstAt time.Time) {
	r.Outcome, r.Refusal, r.FirstAdmittedAt = Refused, RefusalAlreadyCheckedIn, firstAt
}
