// Package adapters keeps the live aggregates in PostgreSQL.
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
	"github.com/sciweek/sciweek/services/reporting/internal/stats/domain"
)

// Store reads and writes the aggregates.
type Store struct {
	pool *pgxpool.Pool
}

// NewStore returns a store over pool.
func NewStore(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

// apply adds a tally's increments inside the projection's transaction: one statement per
// table, whatever the batch size. It returns the venues whose occupancy level changed today.
func apply(ctx context.Context, tx pgx.Tx, t *domain.Tally, today string, now time.Time) ([]domain.LevelChange, error) {
	if err := applyCounts(ctx, tx, t); err != nil {
		return nil, err
	}
	if err := applyOverCapacity(ctx, tx, t); err != nil {
		return nil, err
	}
	return applyFlows(ctx, tx, t, today, now)
}

// applyCounts adds the participation, hour, refusal and distinct-people increments, one
// statement per table, sent together in one round trip.
func applyCounts(ctx context.Context, tx pgx.Tx, t *domain.Tally) error {
	batch := &pgx.Batch{}
	if n := len(t.Counts); n > 0 {
		editions, counties, days := make([]string, 0, n), make([]string, 0, n), make([]string, 0, n)
		venues, activities := make([][16]byte, 0, n), make([][16]byte, 0, n)
		ticketed, walkIns := make([]int64, 0, n), make([]int64, 0, n)
		young, adults, workers, volunteers := make([]int64, 0, n), make([]int64, 0, n), make([]int64, 0, n), make([]int64, 0, n)
		for k, c := range t.Counts {
			editions, counties, days = append(editions, k.EditionID), append(counties, k.CountyCode), append(days, k.Day)
			venues, activities = append(venues, k.VenueID), append(activities, k.ActivityID)
			ticketed, walkIns = append(ticketed, c.Ticketed), append(walkIns, c.WalkIns)
			young, adults = append(young, c.YoungPeople), append(adults, c.Adults)
			workers, volunteers = append(workers, c.ScienceWorkers), append(volunteers, c.Volunteers)
		}
		batch.Queue(`INSERT INTO participation_counts AS p (edition_id, county_code, day, venue_id, activity_id, ticketed, walk_ins,
				young_people, adults, science_workers, volunteers)
			SELECT * FROM unnest($1::text[], $2::text[], $3::text[]::date[], $4::uuid[], $5::uuid[], $6::bigint[], $7::bigint[],
				$8::bigint[], $9::bigint[], $10::bigint[], $11::bigint[])
			ON CONFLICT (edition_id, county_code, day, venue_id, activity_id) DO UPDATE
			SET ticketed = p.ticketed + EXCLUDED.ticketed, walk_ins = p.walk_ins + EXCLUDED.walk_ins,
				young_people = p.young_people + EXCLUDED.young_people, adults = p.adults + EXCLUDED.adults,
				science_workers = p.science_workers + EXCLUDED.science_workers, volunteers = p.volunteers + EXCLUDED.volunteers`,
			editions, counties, days, venues, activities, ticketed, walkIns, young, adults, workers, volunteers)
	}
	if n := len(t.Hours); n > 0 {
		editions, counties, days := make([]string, 0, n), make([]string, 0, n), make([]string, 0, n)
		hours, activities, people := make([]int16, 0, n), make([][16]byte, 0, n), make([]int64, 0, n)
		for k, c := range t.Hours {
			editions, counties, days = append(editions, k.EditionID), append(counties, k.CountyCode), append(days, k.Day)
			hours, activities, people = append(hours, int16(k.Hour)), append(activities, k.ActivityID), append(people, c)
		}
		batch.Queue(`INSERT INTO participation_hours AS h (edition_id, county_code, day, hour, activity_id, people)
			SELECT * FROM unnest($1::text[], $2::text[], $3::text[]::date[], $4::smallint[], $5::uuid[], $6::bigint[])
			ON CONFLICT (edition_id, day, hour, county_code, activity_id) DO UPDATE SET people = h.people + EXCLUDED.people`,
			editions, counties, days, hours, activities, people)
		batch.Queue(`INSERT INTO participation_county_hours AS h (edition_id, county_code, day, hour, people)
			SELECT e, c, d, hr, sum(p) FROM unnest($1::text[], $2::text[], $3::text[]::date[], $4::smallint[], $5::bigint[]) AS u(e, c, d, hr, p)
			GROUP BY e, c, d, hr
			ON CONFLICT (edition_id, day, hour, county_code) DO UPDATE SET people = h.people + EXCLUDED.people`,
			editions, counties, days, hours, people)
		batch.Queue(`INSERT INTO participation_form_hours AS h (edition_id, county_code, day, hour, form, people)
			SELECT u.e, u.c, u.d, u.hr, coalesce(a.form, 0), sum(u.p)
			FROM unnest($1::text[], $2::text[], $3::text[]::date[], $4::smallint[], $5::uuid[], $6::bigint[]) AS u(e, c, d, hr, act, p)
			LEFT JOIN activities a ON a.id = u.act
			GROUP BY 1, 2, 3, 4, 5
			ON CONFLICT (edition_id, form, day, hour, county_code) DO UPDATE SET people = h.people + EXCLUDED.people`,
			editions, counties, days, hours, activities, people)
		batch.Queue(`INSERT INTO participation_group_hours AS h (edition_id, county_code, day, hour, target_group, people)
			SELECT u.e, u.c, u.d, u.hr, g, sum(u.p)
			FROM unnest($1::text[], $2::text[], $3::text[]::date[], $4::smallint[], $5::uuid[], $6::bigint[]) AS u(e, c, d, hr, act, p)
			JOIN activities a ON a.id = u.act, unnest(a.target_groups) AS g
			GROUP BY 1, 2, 3, 4, 5
			ON CONFLICT (edition_id, target_group, day, hour, county_code) DO UPDATE SET people = h.people + EXCLUDED.people`,
			editions, counties, days, hours, activities, people)
	}
	if n := len(t.Refusals); n > 0 {
		editions, counties, days := make([]string, 0, n), make([]string, 0, n), make([]string, 0, n)
		venues, reasons, refused := make([][16]byte, 0, n), make([]domain.RefusalReason, 0, n), make([]int64, 0, n)
		for k, c := range t.Refusals {
			editions, counties, days = append(editions, k.EditionID), append(counties, k.CountyCode), append(days, k.Day)
			venues, reasons, refused = append(venues, k.VenueID), append(reasons, k.Reason), append(refused, c)
		}
		batch.Queue(`INSERT INTO refusal_counts (edition_id, county_code, day, venue_id, reason, refused)
			SELECT * FROM unnest($1::text[], $2::text[], $3::text[]::date[], $4::uuid[], $5::smallint[], $6::bigint[])
			ON CONFLICT (edition_id, county_code, day, venue_id, reason) DO UPDATE SET refused = refusal_counts.refused + EXCLUDED.refused`,
			editions, counties, days, venues, reasons, refused)
	}
	if n := len(t.Tickets); n > 0 {
		editions, counties, tickets := make([]string, 0, n), make([]string, 0, n), make([][16]byte, 0, n)
		for _, a := range t.Tickets {
			editions, counties, tickets = append(editions, a.EditionID), append(counties, a.CountyCode), append(tickets, a.TicketID)
		}
		// A ticket whose holder is not known (its TicketIssued event not seen) counts as a
		// person of its own: the count errs towards more people, never fewer.
		batch.Queue(`WITH seen AS (
				INSERT INTO people_seen (edition_id, county_code, holder_key)
				SELECT u.e, u.c, coalesce(h.holder_key, 'ticket:' || u.t::text)
				FROM unnest($1::text[], $2::text[], $3::uuid[]) AS u(e, c, t) LEFT JOIN ticket_holders h ON h.ticket_id = u.t
				ON CONFLICT DO NOTHING RETURNING edition_id, county_code
			)
			INSERT INTO people_counts AS p (edition_id, county_code, people) SELECT edition_id, county_code, count(*) FROM seen GROUP BY 1, 2
			ON CONFLICT (edition_id, county_code) DO UPDATE SET people = p.people + EXCLUDED.people`, editions, counties, tickets)
	}
	if batch.Len() == 0 {
		return nil
	}
	if len(t.Hours) > 0 {
		if err := lockRollups(ctx, tx); err != nil {
			return err
		}
	}
	if len(t.Tickets) > 0 {
		if err := lockPeople(ctx, tx); err != nil {
			return err
		}
	}
	return tx.SendBatch(ctx, batch).Close()
}

// applyFlows adds people in and out, then re-levels today's venues that moved. Only today's
// changes are announced: a late upload from yesterday changes yesterday's figures, not anyone's
// safety now.
func applyFlows(ctx context.Context, tx pgx.Tx, t *domain.Tally, today string, now time.Time) ([]domain.LevelChange, error) {
	if len(t.Flows) == 0 {
		return nil, nil
	}
	n := len(t.Flows)
	venues, days, counties := make([][16]byte, 0, n), make([]string, 0, n), make([]string, 0, n)
	entered, exited := make([]int64, 0, n), make([]int64, 0, n)
	for k, f := range t.Flows {
		venues, days, counties = append(venues, k.VenueID), append(days, k.Day), append(counties, f.CountyCode)
		entered, exited = append(entered, f.Entered), append(exited, f.Exited)
	}
	rows, _ := tx.Query(ctx, `WITH up AS (
			INSERT INTO venue_occupancy AS o (venue_id, day, county_code, entered, exited, updated_at)
			SELECT * FROM unnest($1::uuid[], $2::text[]::date[], $3::text[], $4::bigint[], $5::bigint[]), (VALUES ($7::timestamptz)) AS n
			ON CONFLICT (day, venue_id) DO UPDATE
			SET county_code = EXCLUDED.county_code, entered = o.entered + EXCLUDED.entered, exited = o.exited + EXCLUDED.exited, updated_at = EXCLUDED.updated_at
			RETURNING o.venue_id, o.day, o.county_code, o.entered, o.exited, o.level, o.updated_at
		)
		SELECT up.venue_id, up.county_code, up.entered, up.exited, up.level, up.updated_at,
			coalesce(l.name, ''), coalesce(l.safe_capacity, 0), coalesce(l.warn_percent, 0), coalesce(l.alarm_percent, 0)
		FROM up LEFT JOIN venue_limits l USING (venue_id)
		WHERE up.day = $6::date`, venues, days, counties, entered, exited, today, now)
	current, err := pgx.CollectRows(rows, scanOccupancy)
	if err != nil {
		return nil, err
	}
	var changes []domain.LevelChange
	var changed [][16]byte // pgx encodes [16]byte directly, uuid.UUID as text
	var levels []int16
	for _, o := range current {
		previous := o.Level
		o.Level = o.LevelOf(o.Inside())
		if o.Level != previous {
			changes = append(changes, domain.LevelChange{Occupancy: o, Previous: previous})
			changed, levels = append(changed, o.VenueID), append(levels, int16(o.Level))
		}
	}
	if len(changed) > 0 {
		if _, err := tx.Exec(ctx, `UPDATE venue_occupancy o SET level = u.level
			FROM unnest($1::uuid[], $2::smallint[]) AS u(venue_id, level)
			WHERE o.day = $3::date AND o.venue_id = u.venue_id`, changed, levels, today); err != nil {
			return nil, err
		}
	}
	return changes, nil
}

// applyOverCapacity adds the people doors admitted after confirming at the alarm level.
func applyOverCapacity(ctx context.Context, tx pgx.Tx, t *domain.Tally) error {
	if len(t.OverCapacity) == 0 {
		return nil
	}
	n := len(t.OverCapacity)
	venues, terminals, days, people := make([][16]byte, 0, n), make([][16]byte, 0, n), make([]string, 0, n), make([]int64, 0, n)
	for k, v := range t.OverCapacity {
		venues, terminals, days, people = append(venues, k.VenueID), append(terminals, k.TerminalID), append(days, k.Day), append(people, v)
	}
	_, err := tx.Exec(ctx, `INSERT INTO venue_over_capacity AS o (venue_id, terminal_id, day, admitted)
		SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[]::date[], $4::bigint[])
		ON CONFLICT (day, venue_id, terminal_id) DO UPDATE SET admitted = o.admitted + EXCLUDED.admitted`, venues, terminals, days, people)
	return err
}

func scanOccupancy(row pgx.CollectableRow) (domain.Occupancy, error) {
	var o domain.Occupancy
	err := row.Scan(&o.VenueID, &o.CountyCode, &o.Entered, &o.Exited, &o.Level, &o.UpdatedAt,
		&o.Name, &o.SafeCapacity, &o.WarnPercent, &o.AlarmPercent)
	return o, err
}

// putVenueLimits records what the venue registry says of a venue's crowd, and re-levels today's
// occupancy against the new limits (so raising a capacity stands an alarm down).
func putVenueLimits(ctx context.Context, tx pgx.Tx, v domain.VenueLimits, today string, now time.Time) ([]domain.LevelChange, error) {
	if _, err := tx.Exec(ctx, `INSERT INTO venue_limits (venue_id, name, county_code, safe_capacity, warn_percent, alarm_percent)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (venue_id) DO UPDATE SET name = EXCLUDED.name, county_code = EXCLUDED.county_code,
			safe_capacity = EXCLUDED.safe_capacity, warn_percent = EXCLUDED.warn_percent, alarm_percent = EXCLUDED.alarm_percent`,
		v.VenueID, v.Name, v.CountyCode, v.SafeCapacity, v.WarnPercent, v.AlarmPercent); err != nil {
		return nil, err
	}
	var o domain.Occupancy
	err := tx.QueryRow(ctx, `SELECT venue_id, county_code, entered, exited, level, updated_at FROM venue_occupancy
		WHERE day = $1::date AND venue_id = $2`, today, v.VenueID).Scan(&o.VenueID, &o.CountyCode, &o.Entered, &o.Exited, &o.Level, &o.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	o.VenueLimits = v
	previous := o.Level
	if o.Level = v.LevelOf(o.Inside()); o.Level == previous {
		return nil, nil
	}
	o.UpdatedAt = now
	if _, err := tx.Exec(ctx, `UPDATE venue_occupancy SET level = $3 WHERE day = $1::date AND venue_id = $2`, today, v.VenueID, int16(o.Level)); err != nil {
		return nil, err
	}
	return []domain.LevelChange{{Occupancy: o, Previous: previous}}, nil
}

// occupancyQuery reads today's occupancy ($1) of the venues with anyone checked in, of one
// county ($2) or all.
const occupancyQuery = `SELECT o.venue_id, o.county_code, o.entered, o.exited, o.level, o.updated_at,
		coalesce(l.name, ''), coalesce(l.safe_capacity, 0), coalesce(l.warn_percent, 0), coalesce(l.alarm_percent, 0)
	FROM venue_occupancy o LEFT JOIN venue_limits l USING (venue_id)
	WHERE o.day = $1::date AND ($2 = '' OR o.county_code = $2) AND o.entered > 0`

// Occupancy returns today's occupancy of the venues with anyone checked in, of one county when
// county is set, fullest first.
func (s *Store) Occupancy(ctx context.Context, county, today string) ([]domain.Occupancy, error) {
	rows, _ := s.pool.Query(ctx, occupancyQuery, today, county)
	out, err := pgx.CollectRows(rows, scanOccupancy)
	if err != nil {
		return nil, db.Unavailable(err, "read occupancy")
	}
	// The doors that admitted over capacity are few (only at the alarm level): one more query.
	rows, _ = s.pool.Query(ctx, `SELECT venue_id, terminal_id, admitted FROM venue_over_capacity
		WHERE day = $1::date ORDER BY admitted DESC, terminal_id`, today)
	doors := map[uuid.UUID][]domain.DoorConfirmations{}
	if _, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (struct{}, error) {
		var venue, terminal [16]byte
		var n int64
		err := row.Scan(&venue, &terminal, &n)
		doors[venue] = append(doors[venue], domain.DoorConfirmations{TerminalID: terminal, Admitted: n})
		return struct{}{}, err
	}); err != nil {
		return nil, db.Unavailable(err, "read the doors that admitted over capacity")
	}
	for i := range out {
		out[i].OverCapacity = doors[out[i].VenueID]
	}
	domain.SortFullest(out)
	return out, nil
}

// Overview returns an edition's figures per county, and the stream position they include.
func (s *Store) Overview(ctx context.Context, edition, county, today string) (domain.Overview, error) {
	var counties []domain.CountyTotals
	var refused, position int64
	var updated *time.Time
	// One read-only snapshot: the position must name exactly the events the counts include, or a
	// reader waiting for a position could see counts from before it.
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `SELECT county_code, sum(ticketed), sum(walk_ins),
				coalesce(sum(ticketed + walk_ins) FILTER (WHERE day = $3::date), 0)
			FROM participation_counts WHERE edition_id = $1 AND ($2 = '' OR county_code = $2)
			GROUP BY county_code`, edition, county, today)
		var err error
		counties, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (domain.CountyTotals, error) {
			var c domain.CountyTotals
			err := row.Scan(&c.CountyCode, &c.Ticketed, &c.WalkIns, &c.Today)
			return c, err
		})
		if err != nil {
			return err
		}
		return tx.QueryRow(ctx, `SELECT
				(SELECT coalesce(sum(refused), 0) FROM refusal_counts WHERE edition_id = $1 AND ($2 = '' OR county_code = $2)),
				coalesce((SELECT last_sequence FROM projection_checkpoints WHERE name = $3), 0),
				(SELECT updated_at FROM projection_checkpoints WHERE name = $3)`, edition, county, domain.CheckinProjection).
			Scan(&refused, &position, &updated)
	})
	if err != nil {
		return domain.Overview{}, db.Unavailable(err, "read overview")
	}
	at := time.Time{}
	if updated != nil {
		at = *updated
	}
	return domain.NewOverview(edition, counties, refused, uint64(position), at), nil
}

// Rows groups participation counts by the query's dimension.
func (s *Store) Rows(ctx context.Context, q domain.Query) ([]domain.Row, error) {
	var key string
	switch q.GroupBy {
	case domain.ByCounty:
		key = "county_code"
	case domain.ByVenue:
		key = "venue_id::text"
	case domain.ByActivity:
		key = "activity_id::text"
	case domain.ByDay:
		key = "to_char(day, 'YYYY-MM-DD')"
	default:
		return nil, ErrGroupByUnknown.New("value", q.GroupBy)
	}
	rows, _ := s.pool.Query(ctx, `SELECT `+key+` AS k, sum(ticketed), sum(walk_ins) FROM participation_counts
		WHERE edition_id = $1 AND ($2 = '' OR county_code = $2)
		AND ($3 = '' OR day >= $3::date) AND ($4 = '' OR day <= $4::date)
		GROUP BY k ORDER BY sum(ticketed + walk_ins) DESC, k`, q.EditionID, q.CountyCode, q.FromDay, q.ToDay)
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (domain.Row, error) {
		var r domain.Row
		err := row.Scan(&r.Key, &r.Ticketed, &r.WalkIns)
		return r, err
	})
	return out, db.Unavailable(err, "query participations")
}

// ErrGroupByUnknown is a participation query by a dimension the store does not keep.
var ErrGroupByUnknown = errs.Reason{Code: "STATS_GROUP_BY_UNKNOWN", Kind: errs.Invalid,
	English: "cannot group by {value}",
	Chinese: "不能按这种方式统计，请选择按县（市、区）、场馆、活动或日期"}
