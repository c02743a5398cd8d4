package adapters

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sciweek/sciweek/pkg/db"
	"github.com/sciweek/sciweek/pkg/errs"
	"github.com/sciweek/sciweek/services/checkin/internal/domain"
)

// ReadModel reads and writes check-in's local copy of venues, terminals and activities.
type ReadModel struct {
	pool *pgxpool.Pool
}

// NewReadModel returns the read model over pool.
func NewReadModel(pool *pgxpool.Pool) *ReadModel { return &ReadModel{pool: pool} }

// Terminal returns a known terminal.
func (m *ReadModel) Terminal(ctx context.Context, id uuid.UUID) (domain.Terminal, error) {
	var t domain.Terminal
	var hash []byte
	err := m.pool.QueryRow(ctx, `SELECT id, venue_id, county_code, credential_sha256, revoked FROM known_terminals WHERE id = $1`, id).
		Scan(&t.ID, &t.VenueID, &t.CountyCode, &hash, &t.Revoked)
	if errors.Is(err, pgx.ErrNoRows) {
		return domain.Terminal{}, errs.E(errs.NotFound, "terminal %s not known", id)
	}
	copy(t.CredentialHash[:], hash)
	return t, db.Unavailable(err, "read terminal")
}

// Venue returns a known venue.
func (m *ReadModel) Venue(ctx context.Context, id uuid.UUID) (domain.Venue, error) {
	v := domain.Venue{ID: id}
	err := m.pool.QueryRow(ctx, `SELECT county_code FROM known_venues WHERE id = $1`, id).Scan(&v.CountyCode)
	if errors.Is(err, pgx.ErrNoRows) {
		return domain.Venue{}, errs.E(errs.NotFound, "venue %s not known", id)
	}
	return v, db.Unavailable(err, "read venue")
}

// Activity returns a known activity.
func (m *ReadModel) Activity(ctx context.Context, id uuid.UUID) (domain.Activity, error) {
	a := domain.Activity{ID: id}
	var status string
	err := m.pool.QueryRow(ctx, `SELECT edition_id, county_code, venue_id, status FROM known_activities WHERE id = $1`, id).
		Scan(&a.EditionID, &a.CountyCode, &a.VenueID, &status)
	if errors.Is(err, pgx.ErrNoRows) {
		return domain.Activity{}, errs.E(errs.NotFound, "activity %s not known", id)
	}
	a.Approved = status == StatusApproved
	return a, db.Unavailable(err, "read activity")
}

// StatusApproved is the stored status of approved activities.
const StatusApproved = "approved"

// PutVenue stores a venue's state as of at, unless a newer state is stored.
func PutVenue(ctx context.Context, tx pgx.Tx, v domain.Venue, at time.Time) error {
	_, err := tx.Exec(ctx, `INSERT INTO known_venues (id, county_code, updated_at) VALUES ($1, $2, $3)
		ON CONFLICT (id) DO UPDATE SET county_code = EXCLUDED.county_code, updated_at = EXCLUDED.updated_at
		WHERE known_venues.updated_at <= EXCLUDED.updated_at`, v.ID, v.CountyCode, at)
	return err
}

// PutTerminal stores a terminal's state as of at, unless a newer state is stored.
func PutTerminal(ctx context.Context, tx pgx.Tx, t domain.Terminal, at time.Time) error {
	_, err := tx.Exec(ctx, `INSERT INTO known_terminals (id, venue_id, county_code, credential_sha256, revoked, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (id) DO UPDATE SET venue_id = EXCLUDED.venue_id, county_code = EXCLUDED.county_code,
		credential_sha256 = EXCLUDED.credential_sha256, revoked = EXCLUDED.revoked, updated_at = EXCLUDED.updated_at
		WHERE known_terminals.updated_at <= EXCLUDED.updated_at`, t.ID, t.VenueID, t.CountyCode, t.CredentialHash[:], t.Revoked, at)
	return err
}

// RevokeTerminal marks a terminal revoked. Revocation is final, so it needs no ordering guard.
func RevokeTerminal(ctx context.Context, tx pgx.Tx, id uuid.UUID, at time.Time) error {
	_, err := tx.Exec(ctx, `UPDATE known_terminals SET revoked = true, updated_at = greatest(updated_at, $2) WHERE id = $1`, id, at)
	return err
}

// PutActivity stores an activity's state as of at, unless a newer state is stored.
func PutActivity(ctx context.Context, tx pgx.Tx, a domain.Activity, status string, at time.Time) error {
	_, err := tx.Exec(ctx, `INSERT INTO known_activities (id, edition_id, county_code, venue_id, status, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (id) DO UPDATE SET edition_id = EXCLUDED.edition_id, county_code = EXCLUDED.county_code, venue_id = EXCLUDED.venue_id,
		status = EXCLUDED.status, updated_at = EXCLUDED.updated_at
		WHERE known_activities.updated_at <= EXCLUDED.updated_at`, a.ID, a.EditionID, a.CountyCode, a.VenueID, status, at)
	return err
}
