// Package adapters connects registration's use cases to PostgreSQL, to the venue service over
// gRPC, to spreadsheets (XLSX with excelize, CSV in UTF-8 or GBK), and through the outbox to
// JetStream.
package adapters

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"go.opentelemetry.io/otel/propagation"

	"github.com/sciweek/sciweek/pkg/bus"
	"github.com/sciweek/sciweek/pkg/db"
	"github.com/sciweek/sciweek/pkg/errs"
	"github.com/sciweek/sciweek/services/registration/internal/app"
	"github.com/sciweek/sciweek/services/registration/internal/domain"
)

// Store is the PostgreSQL implementation of registration's repositories.
type Store struct {
	pool      *pgxpool.Pool
	prop      propagation.TextMapPropagator
	committed func()

	keysMu sync.Mutex
	keys   map[string][]byte // purpose -> Ed25519 seed, cached: keys never change
}

// NewStore returns a store over pool; committed is called after a transaction with events
// commits, to wake the outbox relay.
func NewStore(pool *pgxpool.Pool, prop propagation.TextMapPropagator, committed func()) (*Store, error) {
	if pool == nil || prop == nil || committed == nil {
		return nil, errors.New("registration adapters: pool, propagator and commit hook are required")
	}
	return &Store{pool: pool, prop: prop, committed: committed, keys: map[string][]byte{}}, nil
}

// tx runs fn in a transaction; events written in it wake the relay after the commit.
func (s *Store) tx(ctx context.Context, what string, fn func(pgx.Tx) error) error {
	if err := db.InTx(ctx, s.pool, fn); err != nil {
		if db.IsUniqueViolation(err, "") {
			return err
		}
		return db.Unavailable(err, what)
	}
	s.committed()
	return nil
}

func (s *Store) enqueue(ctx context.Context, tx pgx.Tx, evs ...bus.Event) error {
	return bus.Enqueue(ctx, tx, s.prop, evs...)
}

type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

const activityColumns = `a.id, a.edition_id, a.county_code, a.unit_id, a.organizer, a.venue_id, a.venue_name, a.title, a.form,
	a.target_groups, a.requires_signup, a.online_url, a.major_demonstration, a.workers_day_joint, a.description, a.status, a.created_at, a.updated_at, a.theme,
	a.safety_plan`

func scanActivity(row pgx.CollectableRow) (domain.Activity, error) {
	var a domain.Activity
	var venue *uuid.UUID
	var form, status, theme string
	var groups []string
	var plan safetyPlanJSON
	err := row.Scan(&a.ID, &a.EditionID, &a.CountyCode, &a.UnitID, &a.Organizer, &venue, &a.Details.VenueName, &a.Details.Title, &form,
		&groups, &a.Details.RequiresSignup, &a.Details.OnlineURL, &a.Details.MajorDemonstration, &a.Details.WorkersDayJoint,
		&a.Details.Description, &status, &a.CreatedAt, &a.UpdatedAt, &theme, &plan)
	a.Details.SafetyPlan = domain.SafetyPlan(plan)
	if venue != nil {
		a.Details.VenueID = *venue
	}
	a.Details.Form, a.Status, a.Details.Theme = domain.Form(form), domain.Status(status), domain.Theme(theme)
	for _, g := range groups {
		a.Details.TargetGroups = append(a.Details.TargetGroups, domain.TargetGroup(g))
	}
	return a, err
}

// safetyPlanJSON is how an activity's safety plan is stored (activities.safety_plan, jsonb).
type safetyPlanJSON struct {
	Person          string `json:"person,omitempty"`
	Phone           string `json:"phone,omitempty"`
	CapacityControl string `json:"capacity_control,omitempty"`
	EvacuationRoute string `json:"evacuation_route,omitempty"`
	MedicalPoint    string `json:"medical_point,omitempty"`
	EmergencyPlan   string `json:"emergency_plan,omitempty"`
}

func venueParam(d domain.Details) *uuid.UUID {
	if d.VenueID == uuid.Nil {
		return nil
	}
	return &d.VenueID
}

func groupsParam(d domain.Details) []string {
	out := make([]string, len(d.TargetGroups))
	for i, g := range d.TargetGroups {
		out[i] = string(g)
	}
	return out
}

func insertActivity(ctx context.Context, tx pgx.Tx, a domain.Activity) error {
	d := a.Details
	if _, err := tx.Exec(ctx, `INSERT INTO activities (id, edition_id, county_code, unit_id, organizer, venue_id, venue_name, title, form,
		target_groups, requires_signup, online_url, major_demonstration, workers_day_joint, description, status, created_at, updated_at, theme,
		safety_plan) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)`,
		a.ID, a.EditionID, a.CountyCode, a.UnitID, a.Organizer, venueParam(d), d.VenueName, d.Title, string(d.Form), groupsParam(d),
		d.RequiresSignup, d.OnlineURL, d.MajorDemonstration, d.WorkersDayJoint, d.Description, string(a.Status), a.CreatedAt, a.UpdatedAt, string(d.Theme),
		safetyPlanJSON(d.SafetyPlan)); err != nil {
		return err
	}
	if err := writeSessions(ctx, tx, a); err != nil {
		return err
	}
	return insertHistory(ctx, tx, a, 0)
}

// writeSessions makes the stored sessions those of a: new ones are added, changed ones updated
// (keeping their sign-up counts) and dropped ones deleted.
func writeSessions(ctx context.Context, tx pgx.Tx, a domain.Activity) error {
	ids := make([]uuid.UUID, len(a.Details.Sessions))
	for i, ss := range a.Details.Sessions {
		ids[i] = ss.ID
	}
	if _, err := tx.Exec(ctx, `DELETE FROM activity_sessions WHERE activity_id = $1 AND NOT (id = ANY($2))`, a.ID, ids); err != nil {
		return err
	}
	// Positions are rewritten in two steps so the (activity, position) key never collides.
	if _, err := tx.Exec(ctx, `UPDATE activity_sessions SET position = -position - 1 WHERE activity_id = $1`, a.ID); err != nil {
		return err
	}
	for i, ss := range a.Details.Sessions {
		if _, err := tx.Exec(ctx, `INSERT INTO activity_sessions (id, activity_id, position, starts_at, ends_at, places) VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (id) DO UPDATE SET position = EXCLUDED.position, starts_at = EXCLUDED.starts_at, ends_at = EXCLUDED.ends_at, places = EXCLUDED.places
			WHERE activity_sessions.activity_id = EXCLUDED.activity_id`,
			ss.ID, a.ID, i, ss.StartsAt, ss.EndsAt, ss.Places); err != nil {
			return err
		}
	}
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

// CreateActivity stores a new activity, its sessions, its first history step and its event.
func (s *Store) CreateActivity(ctx context.Context, a domain.Activity, ev domain.ActivityEvent) error {
	return s.tx(ctx, "create activity", func(tx pgx.Tx) error {
		if err := insertActivity(ctx, tx, a); err != nil {
			return err
		}
		return s.enqueue(ctx, tx, activityEvents(ev)...)
	})
}

// ImportActivities stores the new units and activities of an import with their events.
func (s *Store) ImportActivities(ctx context.Context, units []domain.Unit, acts []domain.Activity, evs []domain.ActivityEvent) error {
	err := s.tx(ctx, "import activities", func(tx pgx.Tx) error {
		for _, u := range units {
			if err := insertUnit(ctx, tx, u); err != nil {
				return err
			}
		}
		for _, a := range acts {
			if err := insertActivity(ctx, tx, a); err != nil {
				return err
			}
		}
		var out []bus.Event
		for _, ev := range evs {
			out = append(out, activityEvents(ev)...)
		}
		return s.enqueue(ctx, tx, out...)
	})
	if db.IsUniqueViolation(err, "") {
		return ErrImportUnitRace.New()
	}
	return err
}

// load reads one activity with sessions and history; lock takes a row lock for an update.
func load(ctx context.Context, q querier, id uuid.UUID, lock bool) (domain.Activity, error) {
	sql := `SELECT ` + activityColumns + ` FROM activities a WHERE a.id = $1`
	if lock {
		sql += ` FOR UPDATE`
	}
	rows, _ := q.Query(ctx, sql, id)
	a, err := db.One(rows, scanActivity, domain.ErrActivityNotFound, "id", id)
	if err != nil {
		return domain.Activity{}, err
	}
	if err := loadSessions(ctx, q, []*domain.Activity{&a}); err != nil {
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

// loadSessions fills the sessions of several activities in one query.
func loadSessions(ctx context.Context, q querier, acts []*domain.Activity) error {
	ids := make([]uuid.UUID, len(acts))
	index := make(map[uuid.UUID]*domain.Activity, len(acts))
	for i, a := range acts {
		ids[i], index[a.ID] = a.ID, a
		a.Details.Sessions = nil
	}
	rows, _ := q.Query(ctx, `SELECT activity_id, id, starts_at, ends_at, places, confirmed, waiting FROM activity_sessions
		WHERE activity_id = ANY($1) ORDER BY activity_id, position`, ids)
	_, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (struct{}, error) {
		var aid uuid.UUID
		var ss domain.Session
		if err := row.Scan(&aid, &ss.ID, &ss.StartsAt, &ss.EndsAt, &ss.Places, &ss.Confirmed, &ss.Waiting); err != nil {
			return struct{}{}, err
		}
		index[aid].Details.Sessions = append(index[aid].Details.Sessions, ss)
		return struct{}{}, nil
	})
	return err
}

// Activity returns an activity with its sessions and history.
func (s *Store) Activity(ctx context.Context, id uuid.UUID) (domain.Activity, error) {
	a, err := load(ctx, s.pool, id, false)
	return a, db.Unavailable(err, "read activity")
}

// UpdateActivity changes an activity under a row lock; the new history steps, its event and,
// for a cancellation, the cancelled sign-ups and revoked tickets commit with it.
func (s *Store) UpdateActivity(ctx context.Context, id uuid.UUID, change func(*domain.Activity) (domain.ActivityEvent, error)) (domain.Activity, int, error) {
	var out domain.Activity
	revoked := 0
	err := s.tx(ctx, "update activity", func(tx pgx.Tx) error {
		a, err := load(ctx, tx, id, true)
		if err != nil {
			return err
		}
		before := len(a.History)
		ev, err := change(&a)
		if err != nil {
			return err
		}
		d := a.Details
		if _, err := tx.Exec(ctx, `UPDATE activities SET venue_id = $2, venue_name = $3, title = $4, form = $5, target_groups = $6,
			requires_signup = $7, online_url = $8, major_demonstration = $9, workers_day_joint = $10, description = $11, status = $12, updated_at = $13,
			theme = $14, safety_plan = $15 WHERE id = $1`, a.ID, venueParam(d), d.VenueName, d.Title, string(d.Form), groupsParam(d), d.RequiresSignup, d.OnlineURL,
			d.MajorDemonstration, d.WorkersDayJoint, d.Description, string(a.Status), a.UpdatedAt, string(d.Theme), safetyPlanJSON(d.SafetyPlan)); err != nil {
			return err
		}
		if err := writeSessions(ctx, tx, a); err != nil {
			return err
		}
		if err := insertHistory(ctx, tx, a, before); err != nil {
			return err
		}
		evs := activityEvents(ev)
		if a.Status == domain.StatusCancelled {
			tickets, err := cancelAllSignups(ctx, tx, a, ev.Activity.UpdatedAt)
			if err != nil {
				return err
			}
			revoked = len(tickets)
			for _, t := range tickets {
				evs = append(evs, ticketRevokedEvent(t))
			}
		}
		if err := loadSessions(ctx, tx, []*domain.Activity{&a}); err != nil {
			return err
		}
		out = a
		return s.enqueue(ctx, tx, evs...)
	})
	if err != nil {
		return domain.Activity{}, 0, err
	}
	return out, revoked, nil
}

// Activities returns a page of activities with their sessions.
func (s *Store) Activities(ctx context.Context, f app.ActivityFilter, offset, limit int) ([]domain.Activity, error) {
	where := []string{`a.edition_id = $1`, `($2 = '' OR a.county_code = $2)`, `($3::uuid IS NULL OR a.unit_id = $3)`,
		`($4 = '' OR a.status = $4)`, `($5 = '' OR a.form = $5)`, `($6 = '' OR strpos(a.title, $6) > 0)`, `($9 = '' OR a.theme = $9)`}
	order := `a.created_at DESC, a.id`
	if f.PublicOnly {
		where = append(where, `a.status = 'approved'`)
		order = `(SELECT min(starts_at) FROM activity_sessions s WHERE s.activity_id = a.id), a.id`
	}
	if f.SignupOnly {
		where = append(where, `a.requires_signup`)
	}
	var unit *uuid.UUID
	if f.UnitID != uuid.Nil {
		unit = &f.UnitID
	}
	args := []any{f.EditionID, f.CountyCode, unit, string(f.Status), string(f.Form), f.Query, offset, limit, string(f.Theme)}
	if f.TargetGroup != "" {
		args = append(args, string(f.TargetGroup))
		where = append(where, fmt.Sprintf(`$%d = ANY (a.target_groups)`, len(args)))
	}
	if !f.From.IsZero() {
		args = append(args, f.From, f.To)
		where = append(where, fmt.Sprintf(`EXISTS (SELECT 1 FROM activity_sessions s WHERE s.activity_id = a.id AND s.starts_at < $%d AND s.ends_at > $%d)`,
			len(args), len(args)-1))
	}
	rows, _ := s.pool.Query(ctx, `SELECT `+activityColumns+` FROM activities a WHERE `+strings.Join(where, " AND ")+
		` ORDER BY `+order+` OFFSET $7 LIMIT $8`, args...)
	list, err := pgx.CollectRows(rows, scanActivity)
	if err != nil || len(list) == 0 {
		return list, db.Unavailable(err, "list activities")
	}
	ptrs := make([]*domain.Activity, len(list))
	for i := range list {
		ptrs[i] = &list[i]
	}
	return list, db.Unavailable(loadSessions(ctx, s.pool, ptrs), "list activities")
}

// ErrImportUnitRace is an import that registers a unit another import or change registered
// meanwhile: nothing was written, and the next run finds the unit.
var ErrImportUnitRace = errs.Reason{Code: "IMPORT_UNIT_RACE", Kind: errs.FailedPrecondition,
	English: "another import or change registered the same unit meanwhile; run the import again",
	Chinese: "导入期间有人登记了同名单位，本次未写入任何数据：请重新导入"}
