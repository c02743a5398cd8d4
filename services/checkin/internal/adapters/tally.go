package adapters

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/sciweek/sciweek/pkg/bus"
	"github.com/sciweek/sciweek/pkg/db"
	"github.com/sciweek/sciweek/pkg/events"
	"github.com/sciweek/sciweek/services/checkin/internal/app"
	"github.com/sciweek/sciweek/services/checkin/internal/domain"
)

// Tally reads the check-in table folded into counts, at a cut of the check-in stream (see
// bus.WithCut). It implements app.TallyReader.
type Tally struct {
	pool   *pgxpool.Pool
	js     jetstream.JetStream
	schema string
}

// NewTally returns the reader of the table in schema.
func NewTally(pool *pgxpool.Pool, js jetstream.JetStream, schema string) (*Tally, error) {
	if pool == nil || js == nil || schema == "" {
		return nil, errors.New("checkin adapters: the tally needs a pool, JetStream and the schema")
	}
	return &Tally{pool: pool, js: js, schema: schema}, nil
}

// Pages: a page of rows or tickets stays well under gRPC's 4 MB message limit.
const (
	tallyPage   = 5000
	ticketsPage = 50000
)

// countedAt is when a record counts, in local time (the transaction's TimeZone, set by rows): a
// scan refused for a broken clock counts when it was stored, since its own time would make a
// day of its own. Both grains fold by it, so the audit's days are the rebuild's. The cast to
// timestamp converts in the session's zone; `AT TIME ZONE $n` would look the zone up by name for
// every row, a third of the by-day query's time at 3 M records (docs/bench/latency.md).
const countedAt = `(CASE WHEN outcome = $1 AND refusal = $2 THEN recorded_at ELSE occurred_at END)::timestamp`

// tallyQuery folds the records by everything the statistics count them by.
const tallyQuery = `SELECT edition_id, county_code, venue_id, activity_id, date_trunc('hour', ` + countedAt + `),
		kind, outcome, refusal, category,
		CASE WHEN outcome = $3 AND anomalies & $4 <> 0 THEN terminal_id END,
		count(*), sum(headcount), sum(adults)
	FROM checkin_records
	GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10`

// tallyByDayQuery folds the records as tallyQuery does, by local day only, for the statistics
// audit (app.TallyOptions.ByDay): the columns are tallyQuery's, with venue and activity the nil
// UUID and no door, so that one reader serves both.
const tallyByDayQuery = `SELECT edition_id, county_code, '00000000-0000-0000-0000-000000000000'::uuid, '00000000-0000-0000-0000-000000000000'::uuid,
		date_trunc('day', ` + countedAt + `),
		kind, outcome, refusal, category, NULL::uuid,
		count(*), sum(headcount), sum(adults)
	FROM checkin_records
	GROUP BY 1, 2, 5, 6, 7, 8, 9`

// TallyExportApplication is the application_name of the session reading the table for an
// export while it reads: an operator (or the benchmark) looking at pg_stat_activity sees the
// statistics audit's or a rebuild's seconds of reading for what they are.
const TallyExportApplication = "sciweek: check-in tally export"

// ExportTally reads the cut, then the counts, then (when asked) the admitted tickets, handing
// each part to sink as it goes.
func (t *Tally) ExportTally(ctx context.Context, loc *time.Location, opts app.TallyOptions, sink app.TallySink) error {
	err := bus.WithCut(ctx, t.pool, t.js, t.schema, bus.StreamCheckin, func(ctx context.Context, tx pgx.Tx, cut bus.Cut) error {
		if _, err := tx.Exec(ctx, `SELECT set_config('application_name', $1, true)`, TallyExportApplication); err != nil {
			return err
		}
		out := app.TallyCut{Stream: cut.Position.Stream, Created: cut.Position.Created, LastSeq: cut.Position.LastSeq}
		for _, e := range cut.Pending {
			if e.Type == events.CheckinsRecorded.Type {
				out.Pending = append(out.Pending, e.Payload)
			}
		}
		if err := sink.Cut(out); err != nil {
			return err
		}
		if err := t.rows(ctx, tx, loc, opts.ByDay, sink); err != nil {
			return err
		}
		if !opts.Tickets {
			return nil
		}
		return t.tickets(ctx, tx, sink)
	})
	return db.Unavailable(err, "export the check-in tally")
}

func (t *Tally) rows(ctx context.Context, tx pgx.Tx, loc *time.Location, byDay bool, sink app.TallySink) error {
	// Millions of records fold into thousands of groups: enough memory keeps the hash in memory.
	// The days and hours are the city's: countedAt converts in the transaction's zone.
	if _, err := tx.Exec(ctx, `SELECT set_config('work_mem', '256MB', true), set_config('TimeZone', $1, true)`, loc.String()); err != nil {
		return err
	}
	query, args := tallyQuery, []any{int16(domain.Refused), int16(domain.RefusalTimeOutOfRange),
		int16(domain.Admitted), int16(domain.AnomalyOverCapacity)}
	if byDay {
		query, args = tallyByDayQuery, args[:2]
	}
	rows, err := tx.Query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	page := make([]app.TallyRow, 0, tallyPage)
	for rows.Next() {
		var r app.TallyRow
		var venue, activity [16]byte
		var door *[16]byte
		var kind, outcome, refusal, category int16
		var hour time.Time // local wall clock, read as UTC
		if err := rows.Scan(&r.EditionID, &r.CountyCode, &venue, &activity, &hour, &kind, &outcome, &refusal, &category, &door,
			&r.Records, &r.Headcount, &r.Adults); err != nil {
			return err
		}
		r.VenueID, r.ActivityID, r.LocalHour = venue, activity, hour.Format("2006-01-02T15")
		r.Kind, r.Outcome, r.Refusal, r.Category = domain.Kind(kind), domain.Outcome(outcome), domain.Refusal(refusal), domain.Category(category)
		if door != nil {
			r.OverCapacityDoor = *door
		}
		page = append(page, r)
		if len(page) == tallyPage {
			if err := sink.Rows(page); err != nil {
				return err
			}
			page = page[:0]
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(page) > 0 {
		return sink.Rows(page)
	}
	return nil
}

// tickets hands the admitted tickets over in pages of one edition and county; the table is read
// in its own order (no sort of millions of rows), a page per county filling as it goes.
func (t *Tally) tickets(ctx context.Context, tx pgx.Tx, sink app.TallySink) error {
	rows, err := tx.Query(ctx, `SELECT edition_id, county_code, ticket_id FROM checkin_records
		WHERE outcome = $1 AND ticket_id IS NOT NULL`, int16(domain.Admitted))
	if err != nil {
		return err
	}
	defer rows.Close()
	type key struct{ edition, county string }
	pages := map[key][]uuid.UUID{}
	for rows.Next() {
		var k key
		var id [16]byte
		if err := rows.Scan(&k.edition, &k.county, &id); err != nil {
			return err
		}
		page := append(pages[k], id)
		if len(page) == ticketsPage {
			if err := sink.Tickets(k.edition, k.county, page); err != nil {
				return err
			}
			page = page[:0]
		}
		pages[k] = page
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for k, page := range pages {
		if len(page) > 0 {
			if err := sink.Tickets(k.edition, k.county, page); err != nil {
				return err
			}
		}
	}
	return nil
}

// anomalyQuery counts the flagged records by door, activity and flag: a record with two flags
// counts under each. The records are folded by their whole set of flags first and split into
// flags, and named, after: some thousand groups to split and join, where splitting first joins
// every flagged record with each flag and with its door's name (docs/bench/latency.md, "The
// anomalies' count"). The fold reads migration 0008's index alone: the flagged records are
// spread through every page of the week's table, and fetching them from it cost three times
// as much.
//
// Only the filters set are written, each as a condition the index can seek on: a statement
// prepared with "no county asked, or county_code = $3" can, once PostgreSQL settles on a
// generic plan for it, read the whole edition to count one county. A venue's count without
// its county seeks the venue under each county of the edition's flagged records
// (flaggedCounties), as the index is ordered by county first.
func anomalyQuery(q app.AnomalyQuery) (string, []any) {
	args := []any{q.EditionID, anomalyBits}
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	where := "edition_id = $1 AND anomalies <> 0"
	switch {
	case q.CountyCode != "":
		where += " AND county_code = " + arg(q.CountyCode)
	case q.VenueID != uuid.Nil:
		where += " AND county_code = ANY(ARRAY(" + flaggedCounties + "))"
	}
	if q.VenueID != uuid.Nil {
		where += " AND venue_id = " + arg(q.VenueID)
	}
	if q.Day != "" {
		// The day is the record's own (the door's clock), from its local midnight to the next.
		from, to := localDay(q.Day, q.Location)
		where += " AND occurred_at >= " + arg(from) + " AND occurred_at < " + arg(to)
	}
	return `WITH flagged AS (
		SELECT county_code, venue_id, terminal_id, activity_id, anomalies, count(*) AS records, max(occurred_at) AS last_at
		FROM checkin_records
		WHERE ` + where + `
		GROUP BY 1, 2, 3, 4, 5)
	SELECT f.county_code, f.venue_id, f.terminal_id, coalesce(t.name, ''), f.activity_id, b.bit, sum(f.records)::bigint, max(f.last_at)
	FROM flagged f
	CROSS JOIN unnest($2::smallint[]) AS b(bit)
	LEFT JOIN known_terminals t ON t.id = f.terminal_id
	WHERE f.anomalies & b.bit <> 0
	GROUP BY 1, 2, 3, 4, 5, 6`, args
}

// flaggedCounties lists the counties of an edition's ($1) flagged records, one seek in the
// index each: a dozen seeks, where a scan would read every flagged record of the week.
const flaggedCounties = `WITH RECURSIVE c(code) AS (
		(SELECT county_code FROM checkin_records WHERE edition_id = $1 AND anomalies <> 0 ORDER BY county_code LIMIT 1)
		UNION ALL
		SELECT (SELECT r.county_code FROM checkin_records r
			WHERE r.edition_id = $1 AND r.anomalies <> 0 AND r.county_code > c.code ORDER BY r.county_code LIMIT 1)
		FROM c WHERE c.code IS NOT NULL)
	SELECT code FROM c WHERE code IS NOT NULL`

// localDay is the span of a day (YYYY-MM-DD) in loc, from its midnight to the next one's. A
// day that does not parse spans nothing; no location is UTC.
func localDay(day string, loc *time.Location) (from, to time.Time) {
	if loc == nil {
		loc = time.UTC
	}
	d, err := time.ParseInLocation(time.DateOnly, day, loc)
	if err != nil {
		return time.Time{}, time.Time{}
	}
	return d, time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, loc)
}

// anomalyBits are the flags counted, one by one.
var anomalyBits = []int16{int16(domain.AnomalyOutsideSession), int16(domain.AnomalyBurst), int16(domain.AnomalyClockSkew),
	int16(domain.AnomalyOverCapacity)}

// CountAnomalies counts the table's flagged records. It implements app.AnomalyReader.
func (t *Tally) CountAnomalies(ctx context.Context, q app.AnomalyQuery) ([]app.AnomalyTally, error) {
	var out []app.AnomalyTally
	err := pgx.BeginTxFunc(ctx, t.pool, pgx.TxOptions{AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		// A plan that sorts or hashes the flagged records does it in memory with some
		// megabytes, not in files on the default 4 MB; and JIT's compiling cost about 110 ms of a
		// 500 ms count at 3 M records.
		if _, err := tx.Exec(ctx, `SELECT set_config('work_mem', '64MB', true), set_config('jit', 'off', true)`); err != nil {
			return err
		}
		query, args := anomalyQuery(q)
		rows, err := tx.Query(ctx, query, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var a app.AnomalyTally
			var bit int16
			if err := rows.Scan(&a.CountyCode, &a.VenueID, &a.TerminalID, &a.TerminalName, &a.ActivityID, &bit, &a.Records, &a.LastAt); err != nil {
				return err
			}
			a.Kind = domain.Anomalies(bit)
			out = append(out, a)
		}
		return rows.Err()
	})
	return out, db.Unavailable(err, "count the anomalies")
}

// doorQuery counts one venue's records by door, activity and local day, found through the
// venue's terminals (the records' key begins with the terminal). Admissions count people as the
// statistics do; checkouts count none; a scan refused for a broken clock counts when stored.
const doorQuery = `SELECT r.terminal_id, coalesce(t.name, ''), r.activity_id,
		to_char((CASE WHEN r.outcome = $4 AND r.refusal = $5 THEN r.recorded_at ELSE r.occurred_at END) AT TIME ZONE $3, 'YYYY-MM-DD'),
		coalesce(sum(CASE WHEN r.outcome = $6 AND r.kind <> $7 THEN CASE WHEN r.kind = $8 THEN 1 ELSE r.headcount + r.adults END END), 0),
		count(*) FILTER (WHERE r.outcome = $4)
	FROM checkin_records r
	LEFT JOIN known_terminals t ON t.id = r.terminal_id
	WHERE r.terminal_id IN (SELECT id FROM known_terminals WHERE venue_id = $2) AND r.venue_id = $2 AND r.edition_id = $1
	GROUP BY 1, 2, 3, 4`

// CountDoors counts a venue's records by door, activity and day. It implements app.DoorReader.
func (t *Tally) CountDoors(ctx context.Context, edition string, venue uuid.UUID, loc *time.Location) ([]app.DoorTally, error) {
	rows, err := t.pool.Query(ctx, doorQuery, edition, venue, loc.String(), int16(domain.Refused), int16(domain.RefusalTimeOutOfRange),
		int16(domain.Admitted), int16(domain.KindCheckout), int16(domain.KindTicket))
	if err != nil {
		return nil, db.Unavailable(err, "count the doors")
	}
	defer rows.Close()
	var out []app.DoorTally
	for rows.Next() {
		var d app.DoorTally
		if err := rows.Scan(&d.TerminalID, &d.TerminalName, &d.ActivityID, &d.Day, &d.Participations, &d.Refused); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, db.Unavailable(rows.Err(), "count the doors")
}
