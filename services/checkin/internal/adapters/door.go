package adapters

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sciweek/sciweek/pkg/db"
	"github.com/sciweek/sciweek/services/checkin/internal/domain"
)

// Door reads what doors sync from check-in's own tables. It implements app.DoorStore.
//
// Occupancy is counted for every venue at once, at most every FlowEvery, from the rows stored
// today (a BRIN index on recorded_at finds them): one query serves every door of the city, so
// the cost does not grow with the number of doors polling, and every replica of the service
// counts the same rows.
type Door struct {
	pool *pgxpool.Pool
	now  func() time.Time
	// FlowEvery is how old the counts a door sees may be.
	flowEvery time.Duration

	genMu sync.Mutex
	gen   uuid.UUID // Nil until read

	flowMu  sync.Mutex
	flowDay time.Time
	flowAt  time.Time
	flows   map[uuid.UUID]domain.DayFlow
}

// NewDoor returns the store; flowEvery (0 means 3 s) bounds how often occupancy is counted.
func NewDoor(pool *pgxpool.Pool, now func() time.Time, flowEvery time.Duration) (*Door, error) {
	if pool == nil || now == nil {
		return nil, errors.New("checkin adapters: pool and clock are required")
	}
	if flowEvery <= 0 {
		flowEvery = 3 * time.Second
	}
	return &Door{pool: pool, now: now, flowEvery: flowEvery}, nil
}

// Generation names this database; see app.DoorStore. It is read once, and again after a failure.
func (d *Door) Generation(ctx context.Context) (uuid.UUID, error) {
	d.genMu.Lock()
	defer d.genMu.Unlock()
	if d.gen != uuid.Nil {
		return d.gen, nil
	}
	var gen uuid.UUID
	if err := d.pool.QueryRow(ctx, `SELECT generation FROM sync_generation`).Scan(&gen); err != nil {
		return uuid.Nil, db.Unavailable(err, "read the sync generation")
	}
	d.gen = gen
	return gen, nil
}

// AdmittedSince returns the tickets admitted at venue stored after since; see app.DoorStore.
func (d *Door) AdmittedSince(ctx context.Context, venue uuid.UUID, since time.Time) ([]domain.AdmittedTicket, error) {
	rows, _ := d.pool.Query(ctx, `SELECT ticket_id, occurred_at, terminal_id FROM checkin_records
		WHERE venue_id = $1 AND outcome = 1 AND ticket_id IS NOT NULL AND recorded_at > $2 ORDER BY recorded_at`, venue, since)
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (domain.AdmittedTicket, error) {
		var a domain.AdmittedTicket
		var ticket, terminal [16]byte
		err := row.Scan(&ticket, &a.AdmittedAt, &terminal)
		a.TicketID, a.TerminalID = ticket, terminal
		return a, err
	})
	return out, db.Unavailable(err, "read the tickets admitted at the venue")
}

// RevokedAfter returns the tickets revoked after the one numbered after; see app.DoorStore.
func (d *Door) RevokedAfter(ctx context.Context, after int64) ([]uuid.UUID, int64, error) {
	rows, _ := d.pool.Query(ctx, `SELECT ticket_id, seq FROM revoked_tickets WHERE seq > $1 ORDER BY seq`, after)
	var last int64
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (uuid.UUID, error) {
		var id [16]byte
		err := row.Scan(&id, &last)
		return id, err
	})
	return out, last, db.Unavailable(err, "read the revoked tickets")
}

// PutTicket stores a ticket issued for an activity at a venue, in its event's unit of work;
// a ticket seen again is left as it was.
func (d *Door) PutTicket(ctx context.Context, t domain.VenueTicket) error {
	tx, err := unitOfWork(ctx)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO venue_tickets (ticket_id, venue_id, short_code, payload, valid_until) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (ticket_id) DO NOTHING`, t.TicketID, t.VenueID, t.ShortCode, t.Payload, t.ValidUntil)
	return err
}

// TicketsAfter returns a venue's tickets numbered after after; see app.DoorStore.
func (d *Door) TicketsAfter(ctx context.Context, venue uuid.UUID, after int64, validAfter time.Time, limit int) ([]domain.VenueTicket, int64, error) {
	rows, _ := d.pool.Query(ctx, `SELECT ticket_id, short_code, payload, valid_until, seq FROM venue_tickets
		WHERE venue_id = $1 AND seq > $2 AND valid_until > $3 ORDER BY seq LIMIT $4`, venue, after, validAfter, limit)
	last := after
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (domain.VenueTicket, error) {
		t := domain.VenueTicket{VenueID: venue}
		var id [16]byte
		err := row.Scan(&id, &t.ShortCode, &t.Payload, &t.ValidUntil, &last)
		t.TicketID = id
		return t, err
	})
	return out, last, db.Unavailable(err, "read the venue's tickets")
}

// Flow returns a venue's people in and out today; see app.DoorStore.
func (d *Door) Flow(ctx context.Context, venue uuid.UUID, dayStart time.Time) (domain.DayFlow, time.Time, error) {
	d.flowMu.Lock()
	defer d.flowMu.Unlock()
	now := d.now()
	if !d.flowDay.Equal(dayStart) || now.Sub(d.flowAt) >= d.flowEvery || now.Before(d.flowAt) {
		flows, err := countFlows(ctx, d.pool, dayStart)
		if err != nil {
			return domain.DayFlow{}, time.Time{}, db.Unavailable(err, "count today's occupancy")
		}
		d.flows, d.flowDay, d.flowAt = flows, dayStart, now
	}
	return d.flows[venue], d.flowAt, nil
}

// countFlows counts every venue's admitted people and check-outs of the day. A group counts its
// young people and its teachers.
func countFlows(ctx context.Context, pool *pgxpool.Pool, dayStart time.Time) (map[uuid.UUID]domain.DayFlow, error) {
	end := dayStart.AddDate(0, 0, 1)
	rows, _ := pool.Query(ctx, `SELECT venue_id, kind = $3 AS checkout, sum(headcount + adults)::bigint FROM checkin_records
		WHERE recorded_at >= $1 AND occurred_at >= $1 AND occurred_at < $2 AND outcome = 1 GROUP BY 1, 2`,
		dayStart, end, int16(domain.KindCheckout))
	out := map[uuid.UUID]domain.DayFlow{}
	_, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (struct{}, error) {
		var venue [16]byte
		var checkout bool
		var n int64
		if err := row.Scan(&venue, &checkout, &n); err != nil {
			return struct{}{}, err
		}
		f := out[venue]
		if checkout {
			f.Left += n
		} else {
			f.Admitted += n
		}
		out[venue] = f
		return struct{}{}, nil
	})
	return out, err
}
