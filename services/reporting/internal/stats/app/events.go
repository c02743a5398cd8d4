package app

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"

	"github.com/sciweek/sciweek/services/reporting/internal/stats/domain"
)

// EventStore is where the projections write what other services announce. Every write joins
// the unit of work of the event being applied (the projection's transaction, carried in ctx).
type EventStore interface {
	// Fold adds a batch of check-ins to the aggregates and the venues' occupancy and returns
	// the venues whose level changed.
	Fold(ctx context.Context, t *domain.Tally, today string, now time.Time) ([]domain.LevelChange, error)
	// ReplayUntil is the stream position a rebuild replays up to (0 when none).
	ReplayUntil(ctx context.Context) (uint64, error)
	// PutVenueLimits stores a venue's limits and returns its level change, if any.
	PutVenueLimits(ctx context.Context, v domain.VenueLimits, today string, now time.Time) ([]domain.LevelChange, error)
	// PutActivity stores an activity's state unless a newer one is stored.
	PutActivity(ctx context.Context, a domain.Activity) error
	// PutEdition stores an edition's report settings and its counties.
	PutEdition(ctx context.Context, e domain.Edition) error
	// PutTicketHolder records whose ticket it is, by the person's opaque key.
	PutTicketHolder(ctx context.Context, ticket uuid.UUID, holderKey string) error
	// SkipOnce returns which of the check-in events a rebuild from check-in's table counted
	// before they arrived, and forgets them.
	SkipOnce(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]bool, error)
}

// Announcer publishes occupancy level changes in the same unit of work as the counts behind them.
type Announcer interface {
	Announce(ctx context.Context, changes []domain.LevelChange, now time.Time) error
}

// Projector is the use cases of the events reporting takes in: check-ins folded into the
// statistics, and what registration and the venue registry say about activities, editions,
// tickets and venues.
type Projector struct {
	store  EventStore
	alarms Announcer
	now    func() time.Time
	loc    *time.Location
}

// NewProjector returns the event use cases; loc is the city's time zone, in which days are
// counted.
func NewProjector(store EventStore, alarms Announcer, now func() time.Time, loc *time.Location) (*Projector, error) {
	if store == nil || alarms == nil || now == nil || loc == nil {
		return nil, errors.New("reporting app: event store, announcer, clock and location are required")
	}
	return &Projector{store: store, alarms: alarms, now: now, loc: loc}, nil
}

// SkipOnce returns which of a batch's check-in events are counted already (a rebuild from
// check-in's table counted them before they arrived): each is skipped once.
func (p *Projector) SkipOnce(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]bool, error) {
	return p.store.SkipOnce(ctx, ids)
}

// Tally starts a batch of check-ins.
func (p *Projector) Tally() *domain.Tally { return domain.NewTally(p.loc) }

// CheckinsRecorded stores a batch of check-ins, the last of them at stream position last, and
// announces the occupancy levels they change. A rebuild replays events folded before, whose
// level changes were announced then: those announce nothing.
func (p *Projector) CheckinsRecorded(ctx context.Context, t *domain.Tally, last uint64) error {
	now := p.now()
	changes, err := p.store.Fold(ctx, t, domain.Day(now, p.loc), now)
	if err != nil {
		return err
	}
	replayUntil, err := p.store.ReplayUntil(ctx)
	if err != nil {
		return err
	}
	if last <= replayUntil {
		return nil
	}
	return p.alarms.Announce(ctx, changes, now)
}

// VenueChanged keeps a venue's name, safe capacity and thresholds, and announces the level a
// new capacity puts it at.
func (p *Projector) VenueChanged(ctx context.Context, v domain.VenueLimits) error {
	now := p.now()
	changes, err := p.store.PutVenueLimits(ctx, v, domain.Day(now, p.loc), now)
	if err != nil {
		return err
	}
	return p.alarms.Announce(ctx, changes, now)
}

// ActivityChanged keeps an activity's form, target groups, venue and status.
func (p *Projector) ActivityChanged(ctx context.Context, a domain.Activity) error {
	a.Online = domain.IsOnline(a.Form, a.VenueID)
	return p.store.PutActivity(ctx, a)
}

// EditionChanged keeps an edition's report settings and its counties' names.
func (p *Projector) EditionChanged(ctx context.Context, e domain.Edition) error {
	return p.store.PutEdition(ctx, e.WithDefaults())
}

// TicketIssued records whose ticket it is, for counting distinct people. A ticket of before
// holder keys counts as its own person.
func (p *Projector) TicketIssued(ctx context.Context, ticket uuid.UUID, holderKey string) error {
	if ticket == uuid.Nil || holderKey == "" {
		return nil
	}
	return p.store.PutTicketHolder(ctx, ticket, holderKey)
}
