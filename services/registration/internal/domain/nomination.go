package domain

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
)

// NominationStatus is where a featured-activity nomination stands.
type NominationStatus string

// The nomination statuses.
const (
	NominationNominated NominationStatus = "nominated"
	NominationAccepted  NominationStatus = "accepted"
	NominationDeclined  NominationStatus = "declined"
)

// Nomination is a county's recommendation of one of its approved activities for the city's
// featured list (附件2).
type Nomination struct {
	ActivityID     uuid.UUID
	EditionID      string
	CountyCode     string
	ActivityTitle  string
	Organizer      string
	Recommendation string
	Status         NominationStatus
	NominatedBy    string
	NominatedAt    time.Time
	DecidedBy      string
	DecidedAt      time.Time
	DecisionNote   string
}

// Nominate recommends an approved activity.
func Nominate(a Activity, recommendation, actor string, now time.Time) (Nomination, error) {
	if a.Status != StatusApproved {
		return Nomination{}, ErrNotNominable.New("status", a.Status, "statusLabel", a.Status.Label())
	}
	recommendation = strings.TrimSpace(recommendation)
	if n := utf8.RuneCountInString(recommendation); n < 5 || n > 500 {
		return Nomination{}, ErrRecommendationLength.New("length", n)
	}
	return Nomination{
		ActivityID: a.ID, EditionID: a.EditionID, CountyCode: a.CountyCode, ActivityTitle: a.Details.Title, Organizer: a.Organizer,
		Recommendation: recommendation, Status: NominationNominated, NominatedBy: actor, NominatedAt: now,
	}, nil
}

// Decide accepts or declines a nomination; declining needs a note.
func (n *Nomination) Decide(accept bool, note, actor string, now time.Time) error {
	if n.Status != NominationNominated {
		return ErrNominationDecided.New("status", n.Status, "statusLabel", n.Status.Label())
	}
	note = strings.TrimSpace(note)
	if !accept && utf8.RuneCountInString(note) < 2 {
		return ErrDeclineNeedsNote.New()
	}
	n.Status = NominationDeclined
	if accept {
		n.Status = NominationAccepted
	}
	n.DecidedBy, n.DecidedAt, n.DecisionNote = actor, now, note
	return nil
}
