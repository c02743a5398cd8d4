package domain

import (
	"crypto/ed25519"
	"errors"
	"time"

	"github.com/google/uuid"

	"github.com/sciweek/sciweek/pkg/ticket"
)

// Catalog is what the judge knows, from events, held in memory: nothing on the hot path waits
// for a database or another service.
type Catalog interface {
	// Activity returns a known activity.
	Activity(id uuid.UUID) (Activity, bool)
	// TicketKey returns an edition's ticket public key.
	TicketKey(edition string) (ed25519.PublicKey, bool)
	// Revoked reports whether a ticket was revoked.
	Revoked(ticketID uuid.UUID) bool
	// Edition returns a known edition.
	Edition(id string) (Edition, bool)
}

// Plausible reports whether a scan at time at can count for activity a of edition e, judged at
// now: not ahead of the server's clock by more than MaxSkew, and within the edition's days (or,
// when those are not known, the activity's sessions), give or take EditionTolerance. A terminal
// whose clock says 1970 or 9999 is broken, and its records must not make days of their own in
// the official figures.
func Plausible(at, now time.Time, a Activity, e Edition, known bool) bool {
	if at.After(now.Add(MaxSkew)) {
		return false
	}
	var from, until time.Time
	ok := false
	if known {
		from, until, ok = e.Window()
	}
	for _, s := range a.Sessions {
		if !ok || s.StartsAt.Before(from) {
			from = s.StartsAt
		}
		if !ok || s.EndsAt.After(until) {
			until = s.EndsAt
		}
		ok = true
	}
	if !ok {
		return true
	}
	return !at.Before(from.Add(-EditionTolerance)) && !at.After(until.Add(EditionTolerance))
}

// DoorEdition is the edition a door was serving when it refused a scan whose own edition cannot
// be read (a damaged ticket, an activity the catalogue does not hold): the one edition of the
// venue's approved activities acts for which the scan's time is plausible. "" when there is
// none, or more than one: the refusal then counts in no edition rather than in a wrong one.
func DoorEdition(c Catalog, acts []Activity, at, now time.Time) string {
	found := ""
	for _, a := range acts {
		if e, known := c.Edition(a.EditionID); !Plausible(at, now, a, e, known) {
			continue
		}
		if found != "" && found != a.EditionID {
			return ""
		}
		found = a.EditionID
	}
	return found
}

// Judge decides a terminal's scan: admitted or refused and why, with its anomalies. Whether a
// ticket was admitted before is left to the store, which sees every terminal's records.
func Judge(c Catalog, t Terminal, v Venue, s Scan, now time.Time) Record {
	s = s.Normalize()
	r := Record{ID: uuid.New(), TerminalID: t.ID, Scan: s, CountyCode: v.CountyCode, Outcome: Admitted, RecordedAt: now.UTC().Truncate(time.Microsecond)}
	activityID := s.ActivityID
	var tk0 ticket.Ticket
	if s.Kind == KindTicket {
		tk, err := ticket.Verify(s.TicketPayload, ticket.Keys(c.TicketKey))
		switch {
		case errors.Is(err, ticket.ErrMalformed), errors.Is(err, ticket.ErrBadSignature), errors.Is(err, ticket.ErrUnknownEdition):
			r.Refuse(RefusalInvalidSignature)
			return r
		case err != nil:
			r.Refuse(RefusalInvalidSignature)
			return r
		}
		r.TicketID, r.EditionID, activityID = tk.TicketID, tk.EditionID, tk.ActivityID
		r.Scan.ActivityID = tk.ActivityID
		switch tk.Holder {
		case ticket.HolderMinor:
			r.Scan.Category = CategoryYoungPerson
		case ticket.HolderAdult:
			r.Scan.Category = CategoryAdult
		}
		tk0 = tk
	}
	a, ok := c.Activity(activityID)
	if ok && r.EditionID == "" {
		// A refusal counts in its activity's edition whenever the activity is known (a walk-in
		// sent to the wrong venue, an activity not approved): without an edition it would count
		// in none, and the dashboard would miss the scans the door refused.
		r.EditionID = a.EditionID
	}
	switch {
	case !ok || !a.Approved:
		r.Refuse(RefusalActivityNotOpen)
		return r
	case a.VenueID != t.VenueID:
		r.Refuse(RefusalWrongVenue)
		return r
	}
	r.EditionID = a.EditionID
	if e, known := c.Edition(a.EditionID); !Plausible(s.OccurredAt, now, a, e, known) {
		r.Refuse(RefusalTimeOutOfRange)
		return r
	}
	if s.Kind == KindTicket {
		// Checked after the venue so that a ticket for another venue reads as such, whatever its window.
		switch err := tk0.ValidAt(s.OccurredAt); {
		case errors.Is(err, ticket.ErrNotYetValid):
			r.Refuse(RefusalNotYetValid)
			return r
		case errors.Is(err, ticket.ErrExpired):
			r.Refuse(RefusalExpired)
			return r
		}
		if c.Revoked(tk0.TicketID) {
			r.Refuse(RefusalRevoked)
			return r
		}
	}
	if !a.During(s.OccurredAt) {
		r.Anomalies |= AnomalyOutsideSession
	}
	if s.OverCapacityConfirmed && s.Kind != KindCheckout {
		r.Anomalies |= AnomalyOverCapacity
	}
	return r
}

// Gate notices bursts at one terminal: individual scans closer together than people walk.
type Gate struct {
	last time.Time
}

// Pass notes a record's time and flags it when it follows the previous scan too closely.
// Records of a batch pass in the order they happened.
func (g *Gate) Pass(r *Record) {
	if r.Scan.Kind != KindTicket && !(r.Scan.Kind == KindWalkIn && r.Scan.Headcount == 1) {
		return // groups and headcounts come through together by nature
	}
	at := r.Scan.OccurredAt
	if !g.last.IsZero() {
		gap := at.Sub(g.last)
		if gap >= 0 && gap < MinGap {
			r.Anomalies |= AnomalyBurst
		}
	}
	if at.After(g.last) {
		g.last = at
	}
}

// Skewed reports whether a terminal's clock, as it stamped sentAt, is far from the server's.
func Skewed(sentAt, now time.Time) bool {
	if sentAt.IsZero() {
		return false
	}
	d := now.Sub(sentAt)
	return d > MaxSkew || d < -MaxSkew
}
