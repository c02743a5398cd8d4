package adapters

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/sciweek/sciweek/pkg/bus"
	"github.com/sciweek/sciweek/pkg/db"
	"github.com/sciweek/sciweek/services/reporting/internal/stats/app"
	"github.com/sciweek/sciweek/services/reporting/internal/stats/domain"
)

// ReplaceAggregates empties the check-in aggregates and fills them again from the system of
// record, in one transaction: readers see the old figures until the new ones commit. The
// admitted tickets are copied into a temporary table as they arrive and turned into distinct
// people at the end; occupancy keeps the levels it announced, so nothing is announced again.
// The checkpoint moves to the cut (the stream's identity and last sequence), and the events
// pending at the cut are remembered, to be skipped when they arrive.
func (s *Store) ReplaceAggregates(ctx context.Context, fill app.Fill, today string, now time.Time) error {
	err := db.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		if err := lockRollups(ctx, tx); err != nil {
			return err
		}
		if err := lockPeople(ctx, tx); err != nil {
			return err
		}
		// Millions of tickets: distinct people hashed in memory, their index built once at the
		// end by sorting (instead of millions of insertions into it).
		if _, err := tx.Exec(ctx, `SET LOCAL work_mem = '256MB'`); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `SET LOCAL maintenance_work_mem = '512MB'`); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `TRUNCATE participation_counts, participation_hours, participation_county_hours, participation_form_hours,
			participation_group_hours, refusal_counts, people_seen, people_counts, venue_over_capacity, reconcile_skip`); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE venue_occupancy SET entered = 0, exited = 0`); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TEMPORARY TABLE rebuilt_tickets (edition_id text, county_code text, ticket_id uuid) ON COMMIT DROP`); err != nil {
			return err
		}
		tally, cut, pending, err := fill(ctx, func(edition, county string, ids []uuid.UUID) error {
			_, err := tx.CopyFrom(ctx, pgx.Identifier{"rebuilt_tickets"}, []string{"edition_id", "county_code", "ticket_id"},
				pgx.CopyFromSlice(len(ids), func(i int) ([]any, error) { return []any{edition, county, [16]byte(ids[i])}, nil }))
			return err
		})
		if err != nil {
			return err
		}
		if _, err := apply(ctx, tx, tally, today, now); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `ALTER TABLE people_seen DROP CONSTRAINT people_seen_pkey`); err != nil {
			return err
		}
		// A ticket whose holder is not known counts as a person of its own, as when folded.
		if _, err := tx.Exec(ctx, `INSERT INTO people_seen (edition_id, county_code, holder_key)
			SELECT DISTINCT t.edition_id, t.county_code, coalesce(h.holder_key, 'ticket:' || t.ticket_id::text)
			FROM rebuilt_tickets t LEFT JOIN ticket_holders h ON h.ticket_id = t.ticket_id`); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `ALTER TABLE people_seen ADD PRIMARY KEY (edition_id, county_code, holder_key)`); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO people_counts (edition_id, county_code, people)
			SELECT edition_id, county_code, count(*) FROM people_seen GROUP BY 1, 2`); err != nil {
			return err
		}
		if len(pending) > 0 {
			ids := make([][16]byte, len(pending))
			for i, id := range pending {
				ids[i] = id
			}
			if _, err := tx.Exec(ctx, `INSERT INTO reconcile_skip (event_id) SELECT unnest($1::uuid[]) ON CONFLICT DO NOTHING`, ids); err != nil {
				return err
			}
		}
		// Replayed stream positions of an earlier rebuild mean nothing in this stream.
		if _, err := tx.Exec(ctx, `DELETE FROM rebuilds WHERE projection = $1`, domain.CheckinProjection); err != nil {
			return err
		}
		return bus.SetCheckpoint(ctx, tx, domain.CheckinProjection, bus.StreamCheckin, cut.LastSeq, cut.Created)
	})
	if err != nil {
		return db.Unavailable(err, "rebuild the statistics from check-in's table")
	}
	return s.Analyze(ctx)
}

// Applied returns the participations and refusals per edition, county and day, the checkpoint
// they are complete up to and the events a rebuild counted before they arrived, read in one
// snapshot: the projection may be committing meanwhile.
func (s *Store) Applied(ctx context.Context) (app.Applied, error) {
	out := app.Applied{Totals: map[domain.DayCounty]domain.DayTotals{}, Skipping: map[uuid.UUID]bool{}}
	err := db.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY`); err != nil {
			return err
		}
		var checkpoint int64
		if err := tx.QueryRow(ctx, `SELECT coalesce((SELECT last_sequence FROM projection_checkpoints WHERE name = $1), 0)`,
			domain.CheckinProjection).Scan(&checkpoint); err != nil {
			return err
		}
		out.Checkpoint = uint64(checkpoint)
		rows, _ := tx.Query(ctx, `SELECT edition_id, county_code, day::text, sum(ticketed + walk_ins), 0 FROM participation_counts GROUP BY 1, 2, 3
			UNION ALL SELECT edition_id, county_code, day::text, 0, sum(refused) FROM refusal_counts GROUP BY 1, 2, 3`)
		var k domain.DayCounty
		var p, r int64
		if _, err := pgx.ForEachRow(rows, []any{&k.EditionID, &k.CountyCode, &k.Day, &p, &r}, func() error {
			v := out.Totals[k]
			v.Participations += p
			v.Refused += r
			if v == (domain.DayTotals{}) {
				delete(out.Totals, k)
				return nil
			}
			out.Totals[k] = v
			return nil
		}); err != nil {
			return err
		}
		// Few rows: the events pending at the last rebuild that have not arrived yet.
		rows, _ = tx.Query(ctx, `SELECT event_id FROM reconcile_skip`)
		var id [16]byte
		_, err := pgx.ForEachRow(rows, []any{&id}, func() error { out.Skipping[id] = true; return nil })
		return err
	})
	return out, db.Unavailable(err, "read the statistics' day totals")
}

// SkipOnce returns which of the events a rebuild counted already, inside the projection's
// unit of work, and forgets them: each is skipped once.
func (s *Store) SkipOnce(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]bool, error) {
	tx, err := unitOfWork(ctx, "skip events counted by a rebuild")
	if err != nil {
		return nil, err
	}
	raw := make([][16]byte, len(ids))
	for i, id := range ids {
		raw[i] = id
	}
	rows, _ := tx.Query(ctx, `DELETE FROM reconcile_skip WHERE event_id = ANY($1) RETURNING event_id`, raw)
	out := map[uuid.UUID]bool{}
	var id [16]byte
	_, err = pgx.ForEachRow(rows, []any{&id}, func() error { out[id] = true; return nil })
	return out, err
}
