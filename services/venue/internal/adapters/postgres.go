// Package adapters connects the venue use cases to PostgreSQL and, through the outbox, to
// JetStream.
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
	"github.com/sciweek/sciweek/services/venue/internal/domain"
)

// Repository is the PostgreSQL implementation of app.Repository.
type Repository struct {
	pool *pgxpool.Pool
	prop propagation.TextMapPropagator
	// committed is called after a transaction with events commits, to wake the relay.
	committed func()
}

// NewRepository returns a repository over pool.
func NewRepository(pool *pgxpool.Pool, prop propagation.TextMapPropagator, committed func()) (*Repository, error) {
	if pool == nil || prop == nil || committed == nil {
		return nil, errors.New("venue adapters: pool, propagator and commit hook are required")
	}
	return &Repository{pool: pool, prop: prop, committed: committed}, nil
}

func (r *Repository) inTx(ctx context.Context, what string, fn func(pgx.Tx) error) error {
	if err := db.InTx(ctx, r.pool, fn); err != nil {
		return db.Unavailable(err, what)
	}
	r.committed()
	return nil
}

// CreateVenue stores a new venue and its VenueChanged event.
func (r *Repository) CreateVenue(ctx context.Context, v domain.Venue, ev domain.VenueChanged) error {
	return r.inTx(ctx, "create venue", func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO venues (id, name, kind, county_code, address, safe_capacity, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			v.ID, v.Name, string(v.Kind), v.CountyCode, v.Address, v.SafeCapacity, v.CreatedAt, v.UpdatedAt); err != nil {
			return err
		}
		return bus.Enqueue(ctx, tx, r.prop, venueChangedEvent(ev))
	})
}

const venueColumns = `id, name, kind, county_code, address, safe_capacity, created_at, updated_at`

func scanVenue(row pgx.CollectableRow) (domain.Venue, error) {
	var v domain.Venue
	var kind string
	err := row.Scan(&v.ID, &v.Name, &kind, &v.CountyCode, &v.Address, &v.SafeCapacity, &v.CreatedAt, &v.UpdatedAt)
	v.Kind = domain.Kind(kind)
	return v, err
}

// Venue returns one venue.
func (r *Repository) Venue(ctx context.Context, id uuid.UUID) (domain.Venue, error) {
	rows, _ := r.pool.Query(ctx, `SELECT `+venueColumns+` FROM venues WHERE id = $1`, id)
	v, err := pgx.CollectExactlyOneRow(rows, scanVenue)
	if errors.Is(err, pgx.ErrNoRows) {
		return domain.Venue{}, errs.E(errs.NotFound, "venue %s not found", id)
	}
	return v, db.Unavailable(err, "read venue")
}

// Venues lists venues by name.
func (r *Repository) Venues(ctx context.Context, county string, offset, limit int) ([]domain.Venue, error) {
	rows, _ := r.pool.Query(ctx, `SELECT `+venueColumns+` FROM venues WHERE ($1 = '' OR county_code = $1)
		ORDER BY name, id OFFSET $2 LIMIT $3`, county, offset, limit)
	vs, err := pgx.CollectRows(rows, scanVenue)
	return vs, db.Unavailable(err, "list venues")
}

// CreateTerminal stores a terminal with its credential hash and its TerminalProvisioned event.
func (r *Repository) CreateTerminal(ctx context.Context, t domain.Terminal, ev domain.TerminalProvisioned) error {
	return r.inTx(ctx, "provision terminal", func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO terminals (id, venue_id, county_code, name, state, credential_sha256, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			t.ID, t.VenueID, t.CountyCode, t.Name, string(t.State), ev.CredentialHash[:], t.CreatedAt); err != nil {
			return err
		}
		return bus.Enqueue(ctx, tx, r.prop, terminalProvisionedEvent(ev))
	})
}

const terminalColumns = `id, venue_id, county_code, name, state, created_at, revoked_at`

func scanTerminal(row pgx.CollectableRow) (domain.Terminal, error) {
	var t domain.Terminal
	var state string
	var revoked *time.Time
	err := row.Scan(&t.ID, &t.VenueID, &t.CountyCode, &t.Name, &state, &t.CreatedAt, &revoked)
	t.State = domain.TerminalState(state)
	if revoked != nil {
		t.RevokedAt = *revoked
	}
	return t, err
}

// UpdateTerminal changes a terminal under a row lock and stores the change's event with it.
func (r *Repository) UpdateTerminal(ctx context.Context, id uuid.UUID, change func(*domain.Terminal) (domain.TerminalRevoked, error)) (domain.Terminal, error) {
	var out domain.Terminal
	err := r.inTx(ctx, "update terminal", func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `SELECT `+terminalColumns+` FROM terminals WHERE id = $1 FOR UPDATE`, id)
		t, err := pgx.CollectExactlyOneRow(rows, scanTerminal)
		if errors.Is(err, pgx.ErrNoRows) {
			return errs.E(errs.NotFound, "terminal %s not found", id)
		}
		if err != nil {
			return err
		}
		ev, err := change(&t)
		if err != nil {
			return err
		}
		var revoked *time.Time
		if !t.RevokedAt.IsZero() {
			revoked = &t.RevokedAt
		}
		if _, err := tx.Exec(ctx, `UPDATE terminals SET name = $2, state = $3, revoked_at = $4 WHERE id = $1`,
			t.ID, t.Name, string(t.State), revoked); err != nil {
			return err
		}
		out = t
		return bus.Enqueue(ctx, tx, r.prop, terminalRevokedEvent(ev))
	})
	return out, err
}

// Terminals lists a venue's terminals.
func (r *Repository) Terminals(ctx context.Context, venueID uuid.UUID) ([]domain.Terminal, error) {
	rows, _ := r.pool.Query(ctx, `SELECT `+terminalColumns+` FROM terminals WHERE venue_id = $1 ORDER BY created_at DESC, id`, venueID)
	ts, err := pgx.CollectRows(rows, scanTerminal)
	return ts, db.Unavailable(err, "list terminals")
}
