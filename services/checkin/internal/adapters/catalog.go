// Package adapters connects check-in's use cases to memory (the catalog), to PostgreSQL (the
// records, written in group-committed batches, and the catalog's durable copy) and, through
// the outbox, to JetStream.
package adapters

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sciweek/sciweek/pkg/db"
	"github.com/sciweek/sciweek/services/checkin/internal/domain"
)

// Catalog is the in-memory read model: terminals, venues, activities, ticket keys and revoked
// tickets. It is loaded from PostgreSQL at start and kept current by the projections, which
// write the same facts to PostgreSQL in their transactions; so a restart loses nothing and the
// hot path never waits for a query.
type Catalog struct {
	mu         sync.RWMutex
	terminals  map[uuid.UUID]domain.Terminal
	venues     map[uuid.UUID]domain.Venue
	activities map[uuid.UUID]domain.Activity
	editions   map[string]domain.Edition
	revoked    map[uuid.UUID]struct{}
}

// NewCatalog returns an empty catalog.
func NewCatalog() *Catalog {
	return &Catalog{terminals: map[uuid.UUID]domain.Terminal{}, venues: map[uuid.UUID]domain.Venue{},
		activities: map[uuid.UUID]domain.Activity{}, editions: map[string]domain.Edition{}, revoked: map[uuid.UUID]struct{}{}}
}

// Terminal returns a known terminal.
func (c *Catalog) Terminal(id uuid.UUID) (domain.Terminal, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	t, ok := c.terminals[id]
	return t, ok
}

// Venue returns a known venue.
func (c *Catalog) Venue(id uuid.UUID) (domain.Venue, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	v, ok := c.venues[id]
	return v, ok
}

// Activity returns a known activity.
func (c *Catalog) Activity(id uuid.UUID) (domain.Activity, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	a, ok := c.activities[id]
	return a, ok
}

// ActivitiesAt returns the approved activities held at a venue. It walks every activity: it
// serves terminals saying hello, not scans.
func (c *Catalog) ActivitiesAt(venue uuid.UUID) []domain.Activity {
	c.mu.RLock()
	defer c.mu.RUnlock()
	var out []domain.Activity
	for _, a := range c.activities {
		if a.VenueID == venue && a.Approved {
			out = append(out, a)
		}
	}
	return out
}

// TicketKey returns an edition's ticket key.
func (c *Catalog) TicketKey(edition string) (ed25519.PublicKey, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e, ok := c.editions[edition]
	return ed25519.PublicKey(e.Key), ok
}

// Edition returns a known edition.
func (c *Catalog) Edition(id string) (domain.Edition, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e, ok := c.editions[id]
	return e, ok
}

// Editions returns every known edition, for terminals that verify tickets themselves.
func (c *Catalog) Editions() []domain.Edition {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := make([]domain.Edition, 0, len(c.editions))
	for _, e := range c.editions {
		out = append(out, e)
	}
	return out
}

// AllActivitiesAt returns every activity held at a venue, approved or not.
func (c *Catalog) AllActivitiesAt(venue uuid.UUID) []domain.Activity {
	c.mu.RLock()
	defer c.mu.RUnlock()
	var out []domain.Activity
	for _, a := range c.activities {
		if a.VenueID == venue {
			out = append(out, a)
		}
	}
	return out
}

// Revoked reports whether a ticket was revoked.
func (c *Catalog) Revoked(id uuid.UUID) bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	_, ok := c.revoked[id]
	return ok
}

// Load fills the catalog from its durable copy.
func (c *Catalog) Load(ctx context.Context, pool *pgxpool.Pool) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	rows, _ := pool.Query(ctx, `SELECT id, venue_id, county_code, name, credential_sha256, revoked FROM known_terminals`)
	if _, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (struct{}, error) {
		var t domain.Terminal
		var hash []byte
		err := row.Scan(&t.ID, &t.VenueID, &t.CountyCode, &t.Name, &hash, &t.Revoked)
		copy(t.CredentialHash[:], hash)
		c.terminals[t.ID] = t
		return struct{}{}, err
	}); err != nil {
		return err
	}
	rows, _ = pool.Query(ctx, `SELECT id, county_code, name, safe_capacity, warn_percent, alarm_percent FROM known_venues`)
	if _, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (struct{}, error) {
		var v domain.Venue
		err := row.Scan(&v.ID, &v.CountyCode, &v.Name, &v.SafeCapacity, &v.WarnPercent, &v.AlarmPercent)
		c.venues[v.ID] = v
		return struct{}{}, err
	}); err != nil {
		return err
	}
	rows, _ = pool.Query(ctx, `SELECT id, edition_id, county_code, venue_id, status, sessions, title FROM known_activities`)
	if _, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (struct{}, error) {
		var a domain.Activity
		var status string
		var sessions []byte
		if err := row.Scan(&a.ID, &a.EditionID, &a.CountyCode, &a.VenueID, &status, &sessions, &a.Title); err != nil {
			return struct{}{}, err
		}
		a.Approved = status == StatusApproved
		_ = json.Unmarshal(sessions, &a.Sessions)
		c.activities[a.ID] = a
		return struct{}{}, nil
	}); err != nil {
		return err
	}
	rows, _ = pool.Query(ctx, `SELECT id, ticket_key, starts_on, ends_on, time_zone FROM known_editions`)
	if _, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (struct{}, error) {
		var id, startsOn, endsOn, tz string
		var key []byte
		err := row.Scan(&id, &key, &startsOn, &endsOn, &tz)
		c.editions[id] = domain.NewEdition(id, key, startsOn, endsOn, tz)
		return struct{}{}, err
	}); err != nil {
		return err
	}
	rows, _ = pool.Query(ctx, `SELECT ticket_id FROM revoked_tickets`)
	_, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (struct{}, error) {
		var id uuid.UUID
		err := row.Scan(&id)
		c.revoked[id] = struct{}{}
		return struct{}{}, err
	})
	return err
}

// StatusApproved is the stored status of approved activities.
const StatusApproved = "approved"

// The Put methods below write a fact to PostgreSQL inside the unit of work their event's
// projection opened (db.TxFrom) and to memory at once. If the transaction rolls back the projection applies the event again, and
// the facts are idempotent, so memory being briefly ahead does no harm.

// PutVenue stores a venue's state as of at, unless a newer state is stored.
func (c *Catalog) PutVenue(ctx context.Context, v domain.Venue, at time.Time) error {
	tx, err := unitOfWork(ctx)
	if err != nil {
		return err
	}
	tag, err := tx.Exec(ctx, `INSERT INTO known_venues (id, county_code, name, safe_capacity, warn_percent, alarm_percent, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (id) DO UPDATE SET county_code = EXCLUDED.county_code, name = EXCLUDED.name, safe_capacity = EXCLUDED.safe_capacity,
		warn_percent = EXCLUDED.warn_percent, alarm_percent = EXCLUDED.alarm_percent, updated_at = EXCLUDED.updated_at
		WHERE known_venues.updated_at <= EXCLUDED.updated_at`, v.ID, v.CountyCode, v.Name, v.SafeCapacity, v.WarnPercent, v.AlarmPercent, at)
	if err == nil && tag.RowsAffected() == 1 {
		c.mu.Lock()
		c.venues[v.ID] = v
		c.mu.Unlock()
	}
	return err
}

// PutTerminal stores a terminal's state as of at, unless a newer state is stored.
func (c *Catalog) PutTerminal(ctx context.Context, t domain.Terminal, at time.Time) error {
	tx, err := unitOfWork(ctx)
	if err != nil {
		return err
	}
	tag, err := tx.Exec(ctx, `INSERT INTO known_terminals (id, venue_id, county_code, name, credential_sha256, revoked, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (id) DO UPDATE SET venue_id = EXCLUDED.venue_id, county_code = EXCLUDED.county_code, name = EXCLUDED.name,
		credential_sha256 = EXCLUDED.credential_sha256, revoked = known_terminals.revoked OR EXCLUDED.revoked, updated_at = EXCLUDED.updated_at
		WHERE known_terminals.updated_at <= EXCLUDED.updated_at RETURNING revoked`, t.ID, t.VenueID, t.CountyCode, t.Name, t.CredentialHash[:], t.Revoked, at)
	if err == nil && tag.RowsAffected() == 1 {
		c.mu.Lock()
		if old, ok := c.terminals[t.ID]; ok && old.Revoked {
			t.Revoked = true // revocation is final
		}
		c.terminals[t.ID] = t
		c.mu.Unlock()
	}
	return err
}

// RevokeTerminal marks a terminal revoked. Revocation is final, so it needs no ordering guard.
func (c *Catalog) RevokeTerminal(ctx context.Context, id uuid.UUID, at time.Time) error {
	tx, err := unitOfWork(ctx)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE known_terminals SET revoked = true, updated_at = greatest(updated_at, $2) WHERE id = $1`, id, at)
	if err == nil {
		c.mu.Lock()
		if t, ok := c.terminals[id]; ok {
			t.Revoked = true
			c.terminals[id] = t
		}
		c.mu.Unlock()
	}
	return err
}

// PutActivity stores an activity's state as of at, unless a newer state is stored.
func (c *Catalog) PutActivity(ctx context.Context, a domain.Activity, at time.Time) error {
	tx, err := unitOfWork(ctx)
	if err != nil {
		return err
	}
	status := "other"
	if a.Approved {
		status = StatusApproved
	}
	sessions, _ := json.Marshal(a.Sessions)
	tag, err := tx.Exec(ctx, `INSERT INTO known_activities (id, edition_id, county_code, venue_id, status, sessions, title, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (id) DO UPDATE SET edition_id = EXCLUDED.edition_id, county_code = EXCLUDED.county_code, venue_id = EXCLUDED.venue_id,
		status = EXCLUDED.status, sessions = EXCLUDED.sessions, title = EXCLUDED.title, updated_at = EXCLUDED.updated_at
		WHERE known_activities.updated_at <= EXCLUDED.updated_at`, a.ID, a.EditionID, a.CountyCode, a.VenueID, status, sessions, a.Title, at)
	if err == nil && tag.RowsAffected() == 1 {
		c.mu.Lock()
		c.activities[a.ID] = a
		c.mu.Unlock()
	}
	return err
}

// PutEdition stores an edition's ticket key and days.
func (c *Catalog) PutEdition(ctx context.Context, e domain.Edition, at time.Time) error {
	tx, err := unitOfWork(ctx)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO known_editions (id, ticket_key, starts_on, ends_on, time_zone, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (id) DO UPDATE SET ticket_key = EXCLUDED.ticket_key, starts_on = EXCLUDED.starts_on, ends_on = EXCLUDED.ends_on,
		time_zone = EXCLUDED.time_zone, updated_at = EXCLUDED.updated_at`, e.ID, e.Key, e.StartsOn, e.EndsOn, e.TimeZone, at)
	if err == nil {
		c.mu.Lock()
		c.editions[e.ID] = e
		c.mu.Unlock()
	}
	return err
}

// RevokeTicket stores a revoked ticket.
func (c *Catalog) RevokeTicket(ctx context.Context, id uuid.UUID, at time.Time) error {
	tx, err := unitOfWork(ctx)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO revoked_tickets (ticket_id, revoked_at) VALUES ($1, $2) ON CONFLICT DO NOTHING`, id, at)
	if err == nil {
		c.mu.Lock()
		c.revoked[id] = struct{}{}
		c.mu.Unlock()
	}
	return err
}

// unitOfWork is the transaction of the event being applied: catalog facts are written only from
// events, in their projection's unit of work.
func unitOfWork(ctx context.Context) (pgx.Tx, error) {
	tx, ok := db.TxFrom(ctx)
	if !ok {
		return nil, fmt.Errorf("write the catalog: %w", db.ErrNoTx)
	}
	return tx, nil
}
