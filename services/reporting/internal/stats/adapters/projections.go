package adapters

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"go.opentelemetry.io/otel/propagation"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/sciweek/sciweek/pkg/bus"
	"github.com/sciweek/sciweek/pkg/db"
	"github.com/sciweek/sciweek/pkg/events"
	reportingv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/reporting/v1"
	"github.com/sciweek/sciweek/services/reporting/internal/stats/convert"
	"github.com/sciweek/sciweek/services/reporting/internal/stats/domain"
)

// The writes below come from events: each joins the unit of work of the event being applied (the
// projection's transaction, carried in ctx), so what an event changes and the projection's
// checkpoint commit together. They implement app.EventStore.

// unitOfWork is the transaction of the event being applied.
func unitOfWork(ctx context.Context, what string) (pgx.Tx, error) {
	tx, ok := db.TxFrom(ctx)
	if !ok {
		return nil, fmt.Errorf("%s: %w", what, db.ErrNoTx)
	}
	return tx, nil
}

// Fold adds a batch of check-ins to the aggregates and the venues' occupancy, and returns the
// venues whose level changed.
func (s *Store) Fold(ctx context.Context, t *domain.Tally, today string, now time.Time) ([]domain.LevelChange, error) {
	tx, err := unitOfWork(ctx, "fold check-ins")
	if err != nil {
		return nil, err
	}
	return apply(ctx, tx, t, today, now)
}

// ReplayUntil returns the stream position up to which the check-in projection is replaying
// after a rebuild (0 when none): events up to it were folded before and announce nothing again.
func (s *Store) ReplayUntil(ctx context.Context) (uint64, error) {
	tx, err := unitOfWork(ctx, "read the rebuild")
	if err != nil {
		return 0, err
	}
	return replayUntil(ctx, tx)
}

// PutVenueLimits stores a venue's name, capacity and thresholds and returns its level change,
// if any.
func (s *Store) PutVenueLimits(ctx context.Context, v domain.VenueLimits, today string, now time.Time) ([]domain.LevelChange, error) {
	tx, err := unitOfWork(ctx, "store a venue's limits")
	if err != nil {
		return nil, err
	}
	return putVenueLimits(ctx, tx, v, today, now)
}

// PutActivity stores an activity's state unless a newer one is stored.
func (s *Store) PutActivity(ctx context.Context, a domain.Activity) error {
	tx, err := unitOfWork(ctx, "store an activity")
	if err != nil {
		return err
	}
	return putActivity(ctx, tx, a)
}

// PutEdition stores an edition's report settings and its counties' names.
func (s *Store) PutEdition(ctx context.Context, e domain.Edition) error {
	tx, err := unitOfWork(ctx, "store an edition")
	if err != nil {
		return err
	}
	if err := putEdition(ctx, tx, e); err != nil {
		return err
	}
	return putEditionCounties(ctx, tx, e.ID, e.Counties)
}

// PutTicketHolder records whose ticket it is, by the person's opaque key.
func (s *Store) PutTicketHolder(ctx context.Context, ticket uuid.UUID, holderKey string) error {
	tx, err := unitOfWork(ctx, "store a ticket's holder")
	if err != nil {
		return err
	}
	return putTicketHolder(ctx, tx, ticket, holderKey)
}

// Alarms announces occupancy level changes through the outbox of the unit of work that stored
// the counts: an alarm is published if and only if the counts that raised it are stored. It
// implements app.Announcer.
type Alarms struct {
	prop propagation.TextMapPropagator
}

// NewAlarms returns the announcer; prop carries the trace into the outbox rows.
func NewAlarms(prop propagation.TextMapPropagator) *Alarms { return &Alarms{prop: prop} }

// Announce writes an OccupancyAlarm for each change.
func (a *Alarms) Announce(ctx context.Context, changes []domain.LevelChange, now time.Time) error {
	if len(changes) == 0 {
		return nil
	}
	tx, err := unitOfWork(ctx, "announce occupancy levels")
	if err != nil {
		return err
	}
	out := make([]bus.Event, 0, len(changes))
	for _, c := range changes {
		id := bus.NewEventID()
		out = append(out, bus.Event{ID: id, Subject: events.OccupancyAlarm.For(c.CountyCode), Message: &reportingv1.OccupancyAlarm{
			EventId: id.String(), OccurredAt: timestamppb.New(now), Occupancy: convert.OccupancyToProto(c.Occupancy),
			PreviousLevel: convert.Level(c.Previous),
		}})
	}
	return bus.Enqueue(ctx, tx, a.prop, out...)
}
