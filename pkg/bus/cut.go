package bus

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go/jetstream"
)

// Cut is a service's tables and its stream seen at one instant: everything the stream holds up
// to Position.LastSeq was written in the snapshot, and what the snapshot holds beyond that is in
// Pending (written, not yet published). A consumer rebuilt from the snapshot goes on after
// LastSeq and skips the Pending events by id: no event is lost or counted twice.
type Cut struct {
	// Position is the stream's identity and last sequence at the cut.
	Position StreamPosition
	// Pending are the outbox's events at the cut, in the order they will be published.
	Pending []PendingEvent
}

// PendingEvent is an event written but not yet published.
type PendingEvent struct {
	// ID is the event id, its Nats-Msg-Id when published.
	ID uuid.UUID
	// Type is the proto full name of the payload.
	Type string
	// Payload is the serialized event.
	Payload []byte
}

// WithCut runs read in a read-only, repeatable-read transaction of schema's pool whose snapshot
// matches stream's position. It pauses the schema's relay for as long as it takes to open the
// snapshot and read the stream's position (waiting for a batch in flight to commit), so
// nothing is published in between; read itself runs while the relay works on.
func WithCut(ctx context.Context, pool *pgxpool.Pool, js jetstream.JetStream, schema, stream string, read func(ctx context.Context, tx pgx.Tx, cut Cut) error) error {
	lock, err := pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer lock.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // rollback after commit is a no-op
	if _, err := lock.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, lockKey("sciweek-outbox-"+schema)); err != nil {
		return fmt.Errorf("bus: pause the relay: %w", err)
	}
	tx, err := pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return err
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // read-only
	// The first statement takes the snapshot: after the relay's last commit, before its next.
	rows, _ := tx.Query(ctx, `SELECT event_id, msg_type, payload FROM outbox ORDER BY seq`)
	pending, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (PendingEvent, error) {
		var e PendingEvent
		err := row.Scan(&e.ID, &e.Type, &e.Payload)
		return e, err
	})
	if err != nil {
		return fmt.Errorf("bus: read the outbox: %w", err)
	}
	pos, err := Position(ctx, js, stream)
	if err != nil {
		return err
	}
	if err := lock.Commit(ctx); err != nil {
		return err
	}
	if err := read(ctx, tx, Cut{Position: pos, Pending: pending}); err != nil {
		return err
	}
	return tx.Commit(ctx)
}
