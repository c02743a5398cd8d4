// Package adapters connects the venue use cases to PostgreSQL, to spreadsheets, to the
// registration service (county names) and, through the outbox, to JetStream.
package adapters

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"go.opentelemetry.io/otel/propagation"

	"github.com/sciweek/sciweek/pkg/bus"
	"github.com/sciweek/sciweek/pkg/db"
	"github.com/sciweek/sciweek/pkg/errs"
	"github.com/sciweek/sciweek/services/venue/internal/app"
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
		if db.IsUniqueViolation(err, "venues_unique_name") {
			return ErrNameTaken.New()
		}
		return db.Unavailable(err, what)
	}
	r.committed()
	return nil
}

const venueColumns = `id, name, kind, county_code, address, latitude, longitude, safe_capacity, contact_name, contact_phone,
	safety_plan_on_file, warn_percent, alarm_percent, created_at, updated_at,
	coalesce((SELECT file_name FROM venue_files f WHERE f.venue_id = venues.id), '')`

func scanVenue(row pgx.CollectableRow) (domain.Venue, error) {
	var v domain.Venue
	var kind string
	var lat, lng *float64
	err := row.Scan(&v.ID, &v.Name, &kind, &v.CountyCode, &v.Address, &lat, &lng, &v.SafeCapacity, &v.ContactName, &v.ContactPhone,
		&v.SafetyPlanOnFile, &v.WarnPercent, &v.AlarmPercent, &v.CreatedAt, &v.UpdatedAt, &v.SafetyPlanFileName)
	v.Kind = domain.Kind(kind)
	if lat != nil && lng != nil {
		v.Coordinates = &domain.Coordinates{Latitude: *lat, Longitude: *lng}
	}
	return v, err
}

func coords(v domain.Venue) (*float64, *float64) {
	if v.Coordinates == nil {
		return nil, nil
	}
	return &v.Coordinates.Latitude, &v.Coordinates.Longitude
}

// CreateVenues stores new venues and their VenueChanged events in one transaction.
func (r *Repository) CreateVenues(ctx context.Context, vs []domain.Venue, actor string) error {
	return r.inTx(ctx, "create venues", func(tx pgx.Tx) error {
		evs := make([]bus.Event, 0, len(vs))
		for _, v := range vs {
			lat, lng := coords(v)
			if _, err := tx.Exec(ctx, `INSERT INTO venues (id, name, kind, county_code, address, latitude, longitude, safe_capacity, contact_name,
				contact_phone, safety_plan_on_file, warn_percent, alarm_percent, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
				v.ID, v.Name, string(v.Kind), v.CountyCode, v.Address, lat, lng, v.SafeCapacity, v.ContactName, v.ContactPhone,
				v.SafetyPlanOnFile, v.WarnPercent, v.AlarmPercent, v.CreatedAt, v.UpdatedAt); err != nil {
				return err
			}
			evs = append(evs, venueChangedEvent(domain.VenueChanged{Venue: v, Actor: actor}))
		}
		return bus.Enqueue(ctx, tx, r.prop, evs...)
	})
}

func updateVenueRow(ctx context.Context, tx pgx.Tx, v domain.Venue) error {
	lat, lng := coords(v)
	_, err := tx.Exec(ctx, `UPDATE venues SET name = $2, kind = $3, address = $4, latitude = $5, longitude = $6, safe_capacity = $7,
		contact_name = $8, contact_phone = $9, safety_plan_on_file = $10, warn_percent = $11, alarm_percent = $12, updated_at = $13 WHERE id = $1`,
		v.ID, v.Name, string(v.Kind), v.Address, lat, lng, v.SafeCapacity, v.ContactName, v.ContactPhone, v.SafetyPlanOnFile,
		v.WarnPercent, v.AlarmPercent, v.UpdatedAt)
	return err
}

func lockVenue(ctx context.Context, tx pgx.Tx, id uuid.UUID) (domain.Venue, error) {
	rows, _ := tx.Query(ctx, `SELECT `+venueColumns+` FROM venues WHERE id = $1 FOR UPDATE`, id)
	v, err := db.One(rows, scanVenue, domain.ErrVenueNotFound, "id", id)
	return v, err
}

// UpdateVenue changes a venue under a row lock and stores its event with it.
func (r *Repository) UpdateVenue(ctx context.Context, id uuid.UUID, change func(*domain.Venue) error, actor string) (domain.Venue, error) {
	var out domain.Venue
	err := r.inTx(ctx, "update venue", func(tx pgx.Tx) error {
		v, err := lockVenue(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := change(&v); err != nil {
			return err
		}
		if err := updateVenueRow(ctx, tx, v); err != nil {
			return err
		}
		out = v
		return bus.Enqueue(ctx, tx, r.prop, venueChangedEvent(domain.VenueChanged{Venue: v, Actor: actor}))
	})
	return out, err
}

// AttachSafetyPlan stores a venue's plan, replacing an earlier one, and marks it on file.
func (r *Repository) AttachSafetyPlan(ctx context.Context, id uuid.UUID, f app.File, actor string, now time.Time) (domain.Venue, error) {
	var out domain.Venue
	err := r.inTx(ctx, "attach safety plan", func(tx pgx.Tx) error {
		v, err := lockVenue(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO venue_files (venue_id, file_name, content_type, content, uploaded_at) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (venue_id) DO UPDATE SET file_name = EXCLUDED.file_name, content_type = EXCLUDED.content_type,
			content = EXCLUDED.content, uploaded_at = EXCLUDED.uploaded_at`, id, f.Name, f.ContentType, f.Content, now); err != nil {
			return err
		}
		v.SafetyPlanOnFile, v.SafetyPlanFileName, v.UpdatedAt = true, f.Name, now
		if err := updateVenueRow(ctx, tx, v); err != nil {
			return err
		}
		out = v
		return bus.Enqueue(ctx, tx, r.prop, venueChangedEvent(domain.VenueChanged{Venue: v, Actor: actor}))
	})
	return out, err
}

// SafetyPlan returns a venue's attached plan.
func (r *Repository) SafetyPlan(ctx context.Context, id uuid.UUID) (app.File, error) {
	var f app.File
	err := r.pool.QueryRow(ctx, `SELECT file_name, content_type, content FROM venue_files WHERE venue_id = $1`, id).Scan(&f.Name, &f.ContentType, &f.Content)
	err = db.NotFound(err, ErrNoSafetyPlan, "id", id)
	return f, db.Unavailable(err, "read safety plan")
}

// Venue returns one venue.
func (r *Repository) Venue(ctx context.Context, id uuid.UUID) (domain.Venue, error) {
	rows, _ := r.pool.Query(ctx, `SELECT `+venueColumns+` FROM venues WHERE id = $1`, id)
	v, err := db.One(rows, scanVenue, domain.ErrVenueNotFound, "id", id)
	return v, db.Unavailable(err, "read venue")
}

// Venues lists venues by name.
func (r *Repository) Venues(ctx context.Context, county, query string, offset, limit int) ([]domain.Venue, error) {
	rows, _ := r.pool.Query(ctx, `SELECT `+venueColumns+` FROM venues WHERE ($1 = '' OR county_code = $1) AND ($2 = '' OR strpos(name, $2) > 0)
		ORDER BY name, id OFFSET $3 LIMIT $4`, county, query, offset, limit)
	vs, err := pgx.CollectRows(rows, scanVenue)
	return vs, db.Unavailable(err, "list venues")
}

const terminalColumns = `id, venue_id, county_code, name, state, setup_sha256, setup_expires_at, credential_sha256, created_at,
	activated_at, revoked_at, last_seen_at`

func scanTerminal(row pgx.CollectableRow) (domain.Terminal, error) {
	var t domain.Terminal
	var state string
	var setup, cred []byte
	var setupExp, activated, revoked, seen *time.Time
	err := row.Scan(&t.ID, &t.VenueID, &t.CountyCode, &t.Name, &state, &setup, &setupExp, &cred, &t.CreatedAt, &activated, &revoked, &seen)
	t.State = domain.TerminalState(state)
	copy(t.SetupHash[:], setup)
	copy(t.CredentialHash[:], cred)
	for _, p := range []struct {
		src *time.Time
		dst *time.Time
	}{{setupExp, &t.SetupExpiresAt}, {activated, &t.ActivatedAt}, {revoked, &t.RevokedAt}, {seen, &t.LastSeenAt}} {
		if p.src != nil {
			*p.dst = *p.src
		}
	}
	return t, err
}

func nullHash(h [32]byte) []byte {
	if h == ([32]byte{}) {
		return nil
	}
	return h[:]
}

func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// CreateTerminal stores a new, pending terminal; it has no credential yet, so no event.
func (r *Repository) CreateTerminal(ctx context.Context, t domain.Terminal) error {
	_, err := r.pool.Exec(ctx, `INSERT INTO terminals (`+terminalColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		t.ID, t.VenueID, t.CountyCode, t.Name, string(t.State), nullHash(t.SetupHash), nullTime(t.SetupExpiresAt), nullHash(t.CredentialHash),
		t.CreatedAt, nullTime(t.ActivatedAt), nullTime(t.RevokedAt), nullTime(t.LastSeenAt))
	return db.Unavailable(err, "provision terminal")
}

// UpdateTerminal changes a terminal under a row lock and stores the change's event with it.
func (r *Repository) UpdateTerminal(ctx context.Context, id uuid.UUID, change func(*domain.Terminal) (domain.TerminalEvent, error)) (domain.Terminal, error) {
	var out domain.Terminal
	err := r.inTx(ctx, "update terminal", func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `SELECT `+terminalColumns+` FROM terminals WHERE id = $1 FOR UPDATE`, id)
		t, err := db.One(rows, scanTerminal, domain.ErrTerminalNotFound, "id", id)
		if err != nil {
			return err
		}
		ev, err := change(&t)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE terminals SET name = $2, state = $3, setup_sha256 = $4, setup_expires_at = $5, credential_sha256 = $6,
			activated_at = $7, revoked_at = $8 WHERE id = $1`, t.ID, t.Name, string(t.State), nullHash(t.SetupHash), nullTime(t.SetupExpiresAt),
			nullHash(t.CredentialHash), nullTime(t.ActivatedAt), nullTime(t.RevokedAt)); err != nil {
			return err
		}
		out = t
		if e, ok := terminalEvent(ev); ok {
			return bus.Enqueue(ctx, tx, r.prop, e)
		}
		return nil
	})
	return out, err
}

// TerminalBySetupCode finds the pending terminal whose setup code has this hash.
func (r *Repository) TerminalBySetupCode(ctx context.Context, hash [32]byte) (uuid.UUID, error) {
	var id uuid.UUID
	err := r.pool.QueryRow(ctx, `SELECT id FROM terminals WHERE setup_sha256 = $1 AND state = 'pending'`, hash[:]).Scan(&id)
	err = db.NotFound(err, domain.ErrSetupCodeInvalid)
	return id, db.Unavailable(err, "find setup code")
}

// Terminal returns one terminal.
func (r *Repository) Terminal(ctx context.Context, id uuid.UUID) (domain.Terminal, error) {
	rows, _ := r.pool.Query(ctx, `SELECT `+terminalColumns+` FROM terminals WHERE id = $1`, id)
	t, err := db.One(rows, scanTerminal, domain.ErrTerminalNotFound, "id", id)
	return t, db.Unavailable(err, "read terminal")
}

// Terminals lists a venue's terminals.
func (r *Repository) Terminals(ctx context.Context, venueID uuid.UUID) ([]domain.Terminal, error) {
	rows, _ := r.pool.Query(ctx, `SELECT `+terminalColumns+` FROM terminals WHERE venue_id = $1 ORDER BY created_at DESC, id`, venueID)
	ts, err := pgx.CollectRows(rows, scanTerminal)
	return ts, db.Unavailable(err, "list terminals")
}

// MarkSeen records when a terminal last called check-in, keeping the latest time, in the unit of
// work of the event that says so.
func (r *Repository) MarkSeen(ctx context.Context, id uuid.UUID, at time.Time) error {
	tx, ok := db.TxFrom(ctx)
	if !ok {
		return fmt.Errorf("mark a terminal seen: %w", db.ErrNoTx)
	}
	_, err := tx.Exec(ctx, `UPDATE terminals SET last_seen_at = greatest(coalesce(last_seen_at, $2), $2) WHERE id = $1`, id, at)
	return err
}

// What the registry's tables refuse.
var (
	ErrNameTaken = errs.Reason{Code: "VENUE_NAME_TAKEN", Kind: errs.Exists,
		English: "the county has a venue of that name already",
		Chinese: "本县（市、区）已有同名场馆"}
	ErrNoSafetyPlan = errs.Reason{Code: "SAFETY_PLAN_NONE", Kind: errs.NotFound,
		English: "venue {id} has no safety plan attached",
		Chinese: "这个场馆还没有上传安全预案"}
)
