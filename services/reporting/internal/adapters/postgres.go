// Package adapters keeps the live aggregates in PostgreSQL.
package adapters

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sciweek/sciweek/pkg/db"
	"github.com/sciweek/sciweek/pkg/errs"
	"github.com/sciweek/sciweek/services/reporting/internal/domain"
)

// ProjectionName is the name of the projection that applies check-in events; its checkpoint is
// the stream position the figures are complete up to.
const ProjectionName = "reporting.checkin-events"

// Store reads and writes the aggregates.
type Store struct {
	pool *pgxpool.Pool
}

// NewStore returns a store over pool.
func NewStore(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

// Apply adds a tally's increments inside the projection's transaction: one statement per
// table, whatever the batch size.
func Apply(ctx context.Context, tx pgx.Tx, t *domain.Tally) error {
	if len(t.Counts) > 0 {
		n := len(t.Counts)
		editions, counties, days := make([]string, 0, n), make([]string, 0, n), make([]string, 0, n)
		venues, activities := make([]uuid.UUID, 0, n), make([]uuid.UUID, 0, n)
		ticketed, walkIns := make([]int64, 0, n), make([]int64, 0, n)
		for k, c := range t.Counts {
			editions, counties, days = append(editions, k.EditionID), append(counties, k.CountyCode), append(days, k.Day)
			venues, activities = append(venues, k.VenueID), append(activities, k.ActivityID)
			ticketed, walkIns = append(ticketed, c.Ticketed), append(walkIns, c.WalkIns)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO participation_counts (edition_id, county_code, day, venue_id, activity_id, ticketed, walk_ins)
			SELECT * FROM unnest($1::text[], $2::text[], $3::text[]::date[], $4::uuid[], $5::uuid[], $6::bigint[], $7::bigint[])
			ON CONFLICT (edition_id, county_code, day, venue_id, activity_id) DO UPDATE
			SET ticketed = participation_counts.ticketed + EXCLUDED.ticketed, walk_ins = participation_counts.walk_ins + EXCLUDED.walk_ins`,
			editions, counties, days, venues, activities, ticketed, walkIns); err != nil {
			return err
		}
	}
	if len(t.Refusals) > 0 {
		n := len(t.Refusals)
		editions, counties, days := make([]string, 0, n), make([]string, 0, n), make([]string, 0, n)
		venues, reasons, refused := make([]uuid.UUID, 0, n), make([]int16, 0, n), make([]int64, 0, n)
		for k, c := range t.Refusals {
			editions, counties, days = append(editions, k.EditionID), append(counties, k.CountyCode), append(days, k.Day)
			venues, reasons, refused = append(venues, k.VenueID), append(reasons, k.Reason), append(refused, c)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO refusal_counts (edition_id, county_code, day, venue_id, reason, refused)
			SELECT * FROM unnest($1::text[], $2::text[], $3::text[]::date[], $4::uuid[], $5::smallint[], $6::bigint[])
			ON CONFLICT (edition_id, county_code, day, venue_id, reason) DO UPDATE SET refused = refusal_counts.refused + EXCLUDED.refused`,
			editions, counties, days, venues, reasons, refused); err != nil {
			return err
		}
	}
	return nil
}

// Overview returns an edition's figures per county, and the stream position they include.
func (s *Store) Overview(ctx context.Context, edition, county, today string) (domain.Overview, error) {
	rows, _ := s.pool.Query(ctx, `SELECT county_code, sum(ticketed), sum(walk_ins),
			coalesce(sum(ticketed + walk_ins) FILTER (WHERE day = $3::date), 0)
		FROM participation_counts WHERE edition_id = $1 AND ($2 = '' OR county_code = $2)
		GROUP BY county_code`, edition, county, today)
	counties, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (domain.CountyTotals, error) {
		var c domain.CountyTotals
		err := row.Scan(&c.CountyCode, &c.Ticketed, &c.WalkIns, &c.Today)
		return c, err
	})
	if err != nil {
		return domain.Overview{}, db.Unavailable(err, "read overview")
	}
	var refused int64
	var position int64
	var updated *time.Time
	err = s.pool.QueryRow(ctx, `SELECT
			(SELECT coalesce(sum(refused), 0) FROM refusal_counts WHERE edition_id = $1 AND ($2 = '' OR county_code = $2)),
			coalesce((SELECT last_sequence FROM projection_checkpoints WHERE name = $3), 0),
			(SELECT updated_at FROM projection_checkpoints WHERE name = $3)`, edition, county, ProjectionName).
		Scan(&refused, &position, &updated)
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
		return nil, errs.E(errs.Invalid, "cannot group by %q", q.GroupBy)
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
