package domain

import "github.com/google/uuid"

// TicketIssued records that a sign-up got a place and a ticket.
type TicketIssued struct {
	Signup   Signup
	Activity Activity
}

// TicketRevoked records that a ticket no longer admits.
type TicketRevoked struct {
	TicketID   uuid.UUID
	EditionID  string
	ActivityID uuid.UUID
	Reason     string
}

// The reasons a ticket is revoked.
const (
	RevokedSignupCancelled   = "signup_cancelled"
	RevokedActivityCancelled = "activity_cancelled"
)

// NominationEvent records a nomination or a decision on it.
type NominationEvent struct {
	Nomination Nomination
	Actor      string
	Decided    bool
}

// EditionChanged records that an edition was opened or changed, with its ticket public key, or
// republishes it at start so consumers hold every ticket key.
type EditionChanged struct {
	Edition   Edition
	TicketKey []byte
}
