package domain

import (
	"crypto/hmac"
	"crypto/sha256"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
)

// AgeGroup is the age group a person signs up in.
type AgeGroup string

// The age groups.
const (
	AgeMinor AgeGroup = "minor"
	AgeAdult AgeGroup = "adult"
)

// SignupStatus is where a sign-up stands.
type SignupStatus string

// The sign-up statuses.
const (
	SignupConfirmed SignupStatus = "confirmed"
	SignupWaiting   SignupStatus = "waiting"
	SignupCancelled SignupStatus = "cancelled"
)

// Ticket windows: a ticket admits from an hour before its session starts until it ends, so
// people can queue and late-comers still get in.
const (
	TicketEarly = time.Hour
	TicketLate  = 0
)

// Signup is one person's sign-up for one session. The phone number itself is not kept: only
// its masked form for lists and a keyed hash that enforces one place per phone and session
// (Personal Information Protection Law: collect the minimum).
type Signup struct {
	ID              uuid.UUID
	EditionID       string
	ActivityID      uuid.UUID
	SessionID       uuid.UUID
	Name            string
	PhoneMasked     string
	AgeGroup        AgeGroup
	Status          SignupStatus
	WaitingPosition int // from 1, when waiting
	Ticket          Ticket
	CreatedAt       time.Time
	CancelledReason string
}

// Ticket is a confirmed sign-up's signed admission.
type Ticket struct {
	ID         uuid.UUID
	Payload    string
	ValidFrom  time.Time
	ValidUntil time.Time
}

var mobile = regexp.MustCompile(`^1[3-9][0-9]{9}$`)

// NormalizePhone accepts a mainland mobile number written with spaces, dashes or +86.
func NormalizePhone(s string) (string, error) {
	s = strings.NewReplacer(" ", "", "-", "", "\u00a0", "").Replace(strings.TrimSpace(s))
	s = strings.TrimPrefix(strings.TrimPrefix(s, "+86"), "0086")
	if !mobile.MatchString(s) {
		return "", ErrPhoneInvalid.New()
	}
	return s, nil
}

// HiddenPhone is how a sign-up's phone shows to anyone but those who manage its activity (its
// organizer unit, its county's admins, the city admin): nothing but that it is a mobile number.
const HiddenPhone = "1**********"

// PhoneHash is the keyed hash of a phone number that enforces one place per phone and session
// without keeping the number. The key is a secret from outside the database
// (SCIWEEK_PHONE_KEY), so a copy of the database cannot test candidate numbers against it.
func PhoneHash(key []byte, phone string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(phone))
	return m.Sum(nil)
}

// MaskPhone hides the middle four digits: 13812341234 becomes 138****1234.
func MaskPhone(phone string) string {
	if len(phone) != 11 {
		return "***"
	}
	return phone[:3] + "****" + phone[7:]
}

// NewSignup checks a sign-up for session s of activity a. Whether it gets a place is decided
// with the session locked (see Admit).
func NewSignup(a Activity, sessionID uuid.UUID, name string, age AgeGroup, now time.Time) (Signup, Session, error) {
	if a.Status != StatusApproved {
		return Signup{}, Session{}, ErrActivityNotOpen.New("status", a.Status, "statusLabel", a.Status.Label())
	}
	if !a.Details.RequiresSignup {
		return Signup{}, Session{}, ErrNoSignupNeeded.New()
	}
	var s Session
	found := false
	for _, x := range a.Details.Sessions {
		if x.ID == sessionID {
			s, found = x, true
		}
	}
	if !found {
		return Signup{}, Session{}, ErrSessionNotOfActivity.New("session", sessionID)
	}
	if !now.Before(s.EndsAt) {
		return Signup{}, Session{}, ErrSessionOver.New()
	}
	name = strings.TrimSpace(name)
	if n := utf8.RuneCountInString(name); n < 1 || n > 50 {
		return Signup{}, Session{}, ErrSignupNameLength.New()
	}
	if age != AgeMinor && age != AgeAdult {
		return Signup{}, Session{}, ErrAgeGroupMissing.New()
	}
	return Signup{ID: uuid.New(), EditionID: a.EditionID, ActivityID: a.ID, SessionID: s.ID, Name: name, AgeGroup: age, CreatedAt: now}, s, nil
}

// Admit decides, with the session's current counts, whether a new sign-up gets a place or goes
// on the waiting list.
func Admit(s Session) SignupStatus {
	if s.Places > 0 && s.Confirmed >= s.Places {
		return SignupWaiting
	}
	return SignupConfirmed
}

// TicketWindow is when a ticket for session s admits.
func TicketWindow(s Session) (from, until time.Time) {
	return s.StartsAt.Add(-TicketEarly), s.EndsAt.Add(TicketLate)
}
