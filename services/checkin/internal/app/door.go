package app

import (
	"context"
	"sort"
	"time"

	"github.com/google/uuid"

	"github.com/sciweek/sciweek/pkg/auth"
	"github.com/sciweek/sciweek/services/checkin/internal/domain"
)

// DoorStore reads from check-in's own records what a door needs to judge scans by itself.
type DoorStore interface {
	// Generation names this database, so cursors from another one are recognised.
	Generation(ctx context.Context) (uuid.UUID, error)
	// AdmittedSince returns the tickets admitted at a venue stored after since, oldest first.
	AdmittedSince(ctx context.Context, venue uuid.UUID, since time.Time) ([]domain.AdmittedTicket, error)
	// RevokedAfter returns the tickets whose revocation check-in learnt of after the one
	// numbered after, and the number of the last.
	RevokedAfter(ctx context.Context, after int64) (ids []uuid.UUID, last int64, err error)
	// TicketsAfter returns up to limit of a venue's tickets numbered after after that are valid
	// after validAfter, oldest first, and the number of the last (after when there is none).
	TicketsAfter(ctx context.Context, venue uuid.UUID, after int64, validAfter time.Time, limit int) (tickets []domain.VenueTicket, last int64, err error)
	// Flow returns a venue's people in and out on the local day that starts at dayStart, as
	// counted at countedAt (a few seconds' cache at most).
	Flow(ctx context.Context, venue uuid.UUID, dayStart time.Time) (flow domain.DayFlow, countedAt time.Time, err error)
}

// DoorCatalog is what a door's sync reads of the catalog besides the judge's view.
type DoorCatalog interface {
	// Editions returns every known edition.
	Editions() []domain.Edition
	// AllActivitiesAt returns every activity at a venue, approved or not.
	AllActivitiesAt(venue uuid.UUID) []domain.Activity
}

// DoorSync is what changed for a door since its cursor.
type DoorSync struct {
	Cursor     domain.Cursor
	Full       bool
	Now        time.Time
	Skewed     bool
	Terminal   domain.Terminal
	Venue      domain.Venue
	Editions   []domain.Edition
	Activities []domain.Activity
	Revoked    []uuid.UUID
	Admitted   []domain.AdmittedTicket
	Tickets    []domain.VenueTicket
	// Doors names the terminals in Admitted.
	Doors   map[uuid.UUID]string
	Day     string
	Flow    domain.DayFlow
	Level   domain.Level
	Counted time.Time
}

// Sync tells a door what it needs to verify tickets offline, as a delta since its cursor.
func (s *Service) Sync(ctx context.Context, p auth.Principal, cursor string, sentAt time.Time) (DoorSync, error) {
	term, err := s.terminal(p)
	if err != nil {
		return DoorSync{}, err
	}
	gen, err := s.door.Generation(ctx)
	if err != nil {
		return DoorSync{}, err
	}
	// The cursor is read before the queries, so nothing stored while they run is left behind.
	now := s.now()
	out := DoorSync{Now: now, Skewed: domain.Skewed(sentAt, now), Terminal: term, Cursor: domain.Cursor{Generation: gen, At: now.UTC()},
		Editions: s.doorCatalog.Editions(), Doors: map[uuid.UUID]string{}}
	out.Venue, _ = s.catalog.Venue(term.VenueID)
	out.Activities = s.doorCatalog.AllActivitiesAt(term.VenueID)
	sort.Slice(out.Activities, func(i, j int) bool { return firstStart(out.Activities[i]).Before(firstStart(out.Activities[j])) })
	sort.Slice(out.Editions, func(i, j int) bool { return out.Editions[i].ID < out.Editions[j].ID })
	since := now.Add(-domain.FullSyncWindow)
	c, ok := domain.ParseCursor(cursor)
	if ok && c.Generation == gen && !c.At.After(now) && c.At.After(since) {
		since = c.At.Add(-domain.SyncOverlap)
	} else {
		out.Full = true
		since = time.Time{}
	}
	revokedAfter := int64(0)
	if !out.Full {
		revokedAfter = c.Revoked
	}
	if out.Revoked, out.Cursor.Revoked, err = s.door.RevokedAfter(ctx, revokedAfter); err != nil {
		return DoorSync{}, err
	}
	if out.Cursor.Revoked == 0 {
		out.Cursor.Revoked = revokedAfter
	}
	ticketsAfter := int64(0)
	if !out.Full {
		ticketsAfter = c.Tickets
	}
	if out.Tickets, out.Cursor.Tickets, err = s.door.TicketsAfter(ctx, term.VenueID, ticketsAfter, now.Add(-domain.TicketKeepAfterExpiry), domain.TicketsPerSync); err != nil {
		return DoorSync{}, err
	}
	admittedSince := since
	if out.Full {
		admittedSince = now.Add(-domain.FullSyncWindow)
	}
	if out.Admitted, err = s.door.AdmittedSince(ctx, term.VenueID, admittedSince); err != nil {
		return DoorSync{}, err
	}
	for _, a := range out.Admitted {
		if _, ok := out.Doors[a.TerminalID]; !ok {
			t, _ := s.catalog.Terminal(a.TerminalID)
			out.Doors[a.TerminalID] = t.Name
		}
	}
	y, m, d := now.In(s.loc).Date()
	dayStart := time.Date(y, m, d, 0, 0, 0, 0, s.loc)
	out.Day = dayStart.Format(time.DateOnly)
	if out.Flow, out.Counted, err = s.door.Flow(ctx, term.VenueID, dayStart); err != nil {
		return DoorSync{}, err
	}
	out.Level = domain.LevelOf(out.Venue, out.Flow.Inside())
	return out, nil
}

func firstStart(a domain.Activity) time.Time {
	if len(a.Sessions) == 0 {
		return time.Time{}
	}
	t := a.Sessions[0].StartsAt
	for _, s := range a.Sessions[1:] {
		if s.StartsAt.Before(t) {
			t = s.StartsAt
		}
	}
	return t
}
