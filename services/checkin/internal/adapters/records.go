// Package adapters connects check-in's use cases to PostgreSQL (records and the read model) and,
// through the outbox, to JetStream.
package adapters

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"go.opentelemetry.io/otel/propagation"

	"github.com/sciweek/sciweek/pkg/bus"
	"github.com/sciweek/sciweek/pkg/db"
	"github.com/sciweek/sciweek/pkg/errs"
	"github.com/sciweek/sciweek/services/checkin/internal/domain"
)

// Records is the PostgreSQL store of check-in records.
type Records struct {
	pool      *pgxpool.Pool
	prop      propagation.TextMapPropagator
	committed func()
}

// NewRecords returns the store; committed is called after each commit, to wake the relay.
func NewRecords(pool *pgxpool.Pool, prop propagation.TextMapPropagator, committed func()) (*Records, error) {
	if pool == nil || prop == nil || committed == nil {
		return nil, errors.New("checkin adapters: pool, propagator and commit hook are required")
	}
	return &Records{pool: pool, prop: prop, committed: committed}, nil
}

// Save stores a record and its event in one transaction; see app.Records. The commit is the
// durability point: PostgreSQL has fsynced the WAL when it returns.
func (s *Records) Save(ctx context.Context, r domain.Record) (domain.Record, bool, error) {
	var (
		stored   domain.Record
		replayed bool
	)
	err := db.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		inserted, err := insertRecord(ctx, tx, r)
		if err != nil {
			return err
		}
		if inserted {
			stored = r
			return bus.Enqueue(ctx, tx, s.prop, recordEvent(r))
		}
		// Nothing was inserted: either this terminal sent this sequence number before, or the
		// ticket was admitted before (the two unique keys of the table).
		prev, err := recordBySequence(ctx, tx, r.Scan.TerminalID, r.Scan.Sequence)
		if err == nil {
			if !prev.SameScan(r.Scan) {
				return errs.E(errs.Exists, "sequence %d of this terminal was already used for a different scan", r.Scan.Sequence)
			}
			stored, replayed = prev, true
			return nil
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		var firstAt time.Time
		if err := tx.QueryRow(ctx, `SELECT occurred_at FROM checkin_records WHERE ticket_key = $1 AND outcome = $2`,
			r.Scan.TicketKey, domain.Admitted).Scan(&firstAt); err != nil {
			return err
		}
		r.RefuseAsAlreadyCheckedIn(firstAt)
		if inserted, err = insertRecord(ctx, tx, r); err != nil || !inserted {
			if err == nil {
				err = errs.E(errs.Unavailable, "the same scan arrived twice at once; retry it")
			}
			return err
		}
		stored = r
		return bus.Enqueue(ctx, tx, s.prop, recordEvent(r))
	})
	if err != nil {
		return domain.Record{}, false, db.Unavailable(err, "record check-in")
	}
	if !replayed {
		s.committed()
	}
	return stored, replayed, nil
}

func insertRecord(ctx context.Context, tx pgx.Tx, r domain.Record) (bool, error) {
	var ticket *string
	if r.Scan.TicketKey != "" {
		ticket = &r.Scan.TicketKey
	}
	var firstAt *time.Time
	if !r.FirstAdmittedAt.IsZero() {
		firstAt = &r.FirstAdmittedAt
	}
	tag, err := tx.Exec(ctx, `INSERT INTO checkin_records (id, terminal_id, terminal_sequence, edition_id, county_code, venue_id, activity_id,
		kind, category, headcount, ticket_key, outcome, refusal, first_admitted_at, occurred_at, recorded_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) ON CONFLICT DO NOTHING`,
		r.ID, r.Scan.TerminalID, int64(r.Scan.Sequence), r.EditionID, r.CountyCode, r.Scan.VenueID, r.Scan.ActivityID,
		r.Scan.Kind, r.Scan.Category, r.Scan.Headcount, ticket, r.Outcome, r.Refusal, firstAt, r.Scan.OccurredAt, r.RecordedAt)
	return tag.RowsAffected() == 1, err
}

func recordBySequence(ctx context.Context, tx pgx.Tx, terminal uuid.UUID, seq uint64) (domain.Record, error) {
	var r domain.Record
	var ticket *string
	var firstAt *time.Time
	var s int64
	err := tx.QueryRow(ctx, `SELECT id, terminal_id, terminal_sequence, edition_id, county_code, venue_id, activity_id, kind, category,
		headcount, ticket_key, outcome, refusal, first_admitted_at, occurred_at, recorded_at
		FROM checkin_records WHERE terminal_id = $1 AND terminal_sequence = $2`, terminal, int64(seq)).
		Scan(&r.ID, &r.Scan.TerminalID, &s, &r.EditionID, &r.CountyCode, &r.Scan.VenueID, &r.Scan.ActivityID, &r.Scan.Kind,
			&r.Scan.Category, &r.Scan.Headcount, &ticket, &r.Outcome, &r.Refusal, &firstAt, &r.Scan.OccurredAt, &r.RecordedAt)
	r.Scan.Sequence = uint64(s)
	if ticket != nil {
		r.Scan.TicketKey = *ticket
	}
	if firstAt != nil {
		r.FirstAdmittedAt = *firstAt
	}
	return r, err
}
