// Package adapters connects registration's use cases to PostgreSQL, to the venue service over
// gRPC, and through the outbox to JetStream.
package adapters

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"go.opentelemetry.io/otel/propagation"

	"github.com/sciweek/sciweek/pkg/auth"
	"github.com/sciweek/sciweek/pkg/bus"
	"github.com/sciweek/sciweek/pkg/db"
	"github.com/sciweek/sciweek/pkg/errs"
	"github.com/sciweek/sciweek/services/registration/internal/app"
	"github.com/sciweek/sciweek/services/registration/internal/domain"
)

// Store is the PostgreSQL implementation of the registration repositories.
type Store struct {
	pool      *pgxpool.Pool
	prop      propagation.TextMapPropagator
	committed func()
}

// NewStore returns a store over pool; committed is called after a transaction with events
// commits, to wake the outbox relay.
func NewStore(pool *pgxpool.Pool, prop propagation.TextMapPropagator, committed func()) (*Store, error) {
	if pool == nil || prop == nil || committed == nil {
		return nil, errors.New("registration adapters: pool, propagator and commit hook are required")
	}
	return &Store{pool: pool, prop: prop, committed: committed}, nil
}

// Create stores a new activity, its sessions, its first history step and its event.
func (s *Store) Create(ctx context.Context, a domain.Activity, ev domain.ActivityEvent) error {
	err := db.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO activities (id, edition_id, county_code, venue_id, title, organizer, form, status, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			a.ID, a.EditionID, a.CountyCode, a.VenueID, a.Title, a.Organizer, string(a.Form), string(a.Status), a.CreatedAt, a.UpdatedAt); err != nil {
			return err
		}
		for i, ss := range a.Sessions {
			if _, err := tx.Exec(ctx, `INSERT INTO activity_sessions (id, activity_id, position, starts_at, ends_at, places) VALUES ($1, $2, $3, $4, $5, $6)`,
				ss.ID, a.ID, i, ss.StartsAt, ss.EndsAt, ss.Places); err != nil {
				return err
			}
		}
		if err := insertHistory(ctx, tx, a, 0); err != nil {
			return err
		}
		return bus.Enqueue(ctx, tx, s.prop, activityEvent(ev))
	})
	if err != nil {
		return db.Unavailable(err, "create activity")
	}
	s.committed()
	return nil
}

func insertHistory(ctx context.Context, tx pgx.Tx, a domain.Activity, from int) error {
	for i := from; i < len(a.History); i++ {
		h := a.History[i]
		if _, err := tx.Exec(ctx, `INSERT INTO activity_history (activity_id, position, status, actor, at, reason) VALUES ($1, $2, $3, $4, $5, $6)`,
			a.ID, i, string(h.Status), h.Actor, h.At, h.Reason); err != nil {
			return err
		}
	}
	return nil
}

const activityColumns = `id, edition_id, county_code, venue_id, title, organizer, form, status, created_at, updated_at`

func scanActivity(row pgx.CollectableRow) (domain.Activity, error) {
	var a domain.Activity
	var form, status string
	err := row.Scan(&a.ID, &a.EditionID, &a.CountyCode, &a.VenueID, &a.Title, &a.Organizer, &form, &status, &a.CreatedAt, &a.UpdatedAt)
	a.Form, a.Status = domain.Form(form), domain.Status(status)
	return a, err
}

type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// load reads one activity with sessions and history; lock takes a row lock for an update.
func load(ctx context.Context, q querier, id uuid.UUID, lock bool) (domain.Activity, error) {
	sql := `SELECT ` + activityColumns + ` FROM activities WHERE id = $1`
	if lock {
		sql += ` FOR UPDATE`
	}
	rows, _ := q.Query(ctx, sql, id)
	a, err := pgx.CollectExactlyOneRow(rows, scanActivity)
	if errors.Is(err, pgx.ErrNoRows) {
		return domain.Activity{}, errs.E(errs.NotFound, "activity %s not found", id)
	}
	if err != nil {
		return domain.Activity{}, err
	}
	if a.Sessions, err = loadSessions(ctx, q, id); err != nil {
		return domain.Activity{}, err
	}
	rows, _ = q.Query(ctx, `SELECT status, actor, at, reason FROM activity_history WHERE activity_id = $1 ORDER BY position`, id)
	a.History, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (domain.ReviewStep, error) {
		var h domain.ReviewStep
		var status string
		err := row.Scan(&status, &h.Actor, &h.At, &h.Reason)
		h.Status = domain.Status(status)
		return h, err
	})
	return a, err
}

func loadSessions(ctx context.Context, q querier, id uuid.UUID) ([]domain.Session, error) {
	rows, _ := q.Query(ctx, `SELECT id, starts_at, ends_at, places FROM activity_sessions WHERE activity_id = $1 ORDER BY position`, id)
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (domain.Session, error) {
		var s domain.Session
		err := row.Scan(&s.ID, &s.StartsAt, &s.EndsAt, &s.Places)
		return s, err
	})
}

// Get returns an activity with its sessions and history.
func (s *Store) Get(ctx context.Context, id uuid.UUID) (domain.Activity, error) {
	a, err := load(ctx, s.pool, id, false)
	return a, db.Unavailable(err, "read activity")
}

// Update changes an activity under a row lock; the new history steps and the event commit with
// it.
func (s *Store) Update(ctx context.Context, id uuid.UUID, change func(*domain.Activity) (domain.ActivityEvent, error)) (domain.Activity, error) {
	var out domain.Activity
	err := db.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		a, err := load(ctx, tx, id, true)
		if err != nil {
			return err
		}
		before := len(a.History)
		ev, err := change(&a)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE activities SET title = $2, organizer = $3, form = $4, status = $5, updated_at = $6 WHERE id = $1`,
			a.ID, a.Title, a.Organizer, string(a.Form), string(a.Status), a.UpdatedAt); err != nil {
			return err
		}
		if err := insertHistory(ctx, tx, a, before); err != nil {
			return err
		}
		out = a
		return bus.Enqueue(ctx, tx, s.prop, activityEvent(ev))
	})
	if err != nil {
		return domain.Activity{}, db.Unavailable(err, "update activity")
	}
	s.committed()
	return out, nil
}

// List returns a page of activities with their sessions.
func (s *Store) List(ctx context.Context, f app.ActivityFilter, offset, limit int) ([]domain.Activity, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+activityColumns+` FROM activities
		WHERE edition_id = $1 AND ($2 = '' OR county_code = $2) AND ($3 = '' OR status = $3)
		ORDER BY created_at DESC, id OFFSET $4 LIMIT $5`, f.EditionID, f.CountyCode, string(f.Status), offset, limit)
	list, err := pgx.CollectRows(rows, scanActivity)
	if err != nil || len(list) == 0 {
		return list, db.Unavailable(err, "list activities")
	}
	ids := make([]uuid.UUID, len(list))
	index := make(map[uuid.UUID]int, len(list))
	for i, a := range list {
		ids[i], index[a.ID] = a.ID, i
	}
	rows, _ = s.pool.Query(ctx, `SELECT activity_id, id, starts_at, ends_at, places FROM activity_sessions WHERE activity_id = ANY($1) ORDER BY activity_id, position`, ids)
	_, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (struct{}, error) {
		var aid uuid.UUID
		var ss domain.Session
		if err := row.Scan(&aid, &ss.ID, &ss.StartsAt, &ss.EndsAt, &ss.Places); err != nil {
			return struct{}{}, err
		}
		list[index[aid]].Sessions = append(list[index[aid]].Sessions, ss)
		return struct{}{}, nil
	})
	return list, db.Unavailable(err, "list activities")
}

// Edition returns an edition with its counties.
func (s *Store) Edition(ctx context.Context, id string) (domain.Edition, error) {
	var e domain.Edition
	var tz string
	var starts, ends, deadline time.Time
	err := s.pool.QueryRow(ctx, `SELECT id, name, theme, starts_on, ends_on, report_deadline, max_video_seconds, time_zone FROM editions WHERE id = $1`, id).
		Scan(&e.ID, &e.Name, &e.Theme, &starts, &ends, &deadline, &e.MaxVideoSeconds, &tz)
	if errors.Is(err, pgx.ErrNoRows) {
		return domain.Edition{}, errs.E(errs.NotFound, "edition %q not found", id)
	}
	if err != nil {
		return domain.Edition{}, db.Unavailable(err, "read edition")
	}
	if e.Location, err = time.LoadLocation(tz); err != nil {
		return domain.Edition{}, fmt.Errorf("edition %s: time zone %q: %w", id, tz, err)
	}
	day := func(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, e.Location) }
	e.StartsOn, e.EndsOn, e.ReportDeadline = day(starts), day(ends), day(deadline)
	rows, _ := s.pool.Query(ctx, `SELECT code, name FROM edition_counties WHERE edition_id = $1 ORDER BY position`, id)
	e.Counties, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (domain.County, error) {
		var c domain.County
		err := row.Scan(&c.Code, &c.Name)
		return c, err
	})
	return e, db.Unavailable(err, "read edition counties")
}

// Account returns an account.
func (s *Store) Account(ctx context.Context, username string) (domain.Account, error) {
	var a domain.Account
	var role string
	err := s.pool.QueryRow(ctx, `SELECT username, password_hash, role, county_code, display_name FROM accounts WHERE username = $1`, username).
		Scan(&a.Username, &a.PasswordHash, &role, &a.CountyCode, &a.DisplayName)
	a.Role = auth.Role(role)
	if errors.Is(err, pgx.ErrNoRows) {
		return domain.Account{}, errs.E(errs.NotFound, "account %q not found", username)
	}
	return a, db.Unavailable(err, "read account")
}

// Save creates or replaces an account.
func (s *Store) Save(ctx context.Context, a domain.Account) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO accounts (username, password_hash, role, county_code, display_name, updated_at) VALUES ($1, $2, $3, $4, $5, now())
		ON CONFLICT (username) DO UPDATE SET password_hash = EXCLUDED.password_hash, role = EXCLUDED.role,
		county_code = EXCLUDED.county_code, display_name = EXCLUDED.display_name, updated_at = now()`,
		a.Username, a.PasswordHash, string(a.Role), a.CountyCode, a.DisplayName)
	return db.Unavailable(err, "save account")
}

// SigningKey returns the service's private key for purpose, generating and storing it on first
// use. Concurrent first starts agree on one key: the first insert wins and all read it back.
func (s *Store) SigningKey(ctx context.Context, purpose string) (ed25519.PrivateKey, error) {
	_, fresh, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	if _, err := s.pool.Exec(ctx, `INSERT INTO signing_keys (purpose, private_key) VALUES ($1, $2) ON CONFLICT (purpose) DO NOTHING`, purpose, fresh.Seed()); err != nil {
		return nil, err
	}
	var seed []byte
	if err := s.pool.QueryRow(ctx, `SELECT private_key FROM signing_keys WHERE purpose = $1`, purpose).Scan(&seed); err != nil {
		return nil, err
	}
	if len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("signing key %s is corrupt", purpose)
	}
	return ed25519.NewKeyFromSeed(seed), nil
}
