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

// dayGrain folds records by local day only, for the statistics audit (app.TallyOptions.ByDay),
// and says of each group whether its records are settled (stored before $3, see settleAfter).
// The statement is completed with a WHERE on recorded_at, or none for a whole read.
const dayGrain = `SELECT edition_id, county_code, date_trunc('day', ` + countedAt + `),
		kind, outcome, refusal, category, recorded_at < $3, count(*), sum(headcount), sum(adults)
	FROM checkin_records `

// settleAfter is how long after it was judged a record is taken to be committed: the day rows
// kept for an incremental export hold the records stored before its transaction began, less
// this. A record is judged (recorded_at, check-in's clock) and committed within the group
// commit's queue and flush, milliseconds to seconds; the margin is for a stalled disk and a
// database clock some seconds off check-in's. A record that still came later would be missing
// from the kept days: the screen would see a drift, and the audit that may repair reads whole
// (app.TallyOptions.Incremental), finds none and keeps the days anew. So a margin too short
// costs a read of the whole table, never a wrong figure; one too long, a longer read each time.
const settleAfter = 2 * time.Minute

// readWholeEvery is how old the kept days may be before an incremental export reads the table
// whole anyway, and keeps them anew: a row changed by hand, or restored, is seen within a day.
// Past half of it, the first export in the city's small hours (readWholeAtNight) reads whole:
// the seconds of a week's table then fall when the doors are shut, not at whatever hour the
// days were first kept.
const readWholeEvery = 24 * time.Hour

// readWholeAtNight says whether t, in loc, is in the small hours, from 01:00 to 05:00.
func readWholeAtNight(t time.Time, loc *time.Location) bool {
	h := t.In(loc).Hour()
	return h >= 1 && h < 5
}

// TallyExportApplication is the application_name of the session reading the table for an
// export while it reads: an operator (or the benchmark) looking at pg_stat_activity sees the
// statistics audit's or a rebuild's seconds of reading for what they are.
const TallyExportApplication = "sciweek: check-in tally export"

// ExportTally reads the cut, then the counts, then (when asked) the admitted tickets, handing
// each part to sink as it goes.
func (t *Tally) ExportTally(ctx context.Context, loc *time.Location, opts app.TallyOptions, sink app.TallySink) error {
	var kept *keptDays
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
		if opts.ByDay {
			k, err := t.days(ctx, tx, loc, opts.Incremental, sink)
			kept = k
			if err != nil {
				return err
			}
		} else if err := t.rows(ctx, tx, loc, sink); err != nil {
			return err
		}
		if !opts.Tickets {
			return nil
		}
		return t.tickets(ctx, tx, sink)
	})
	if err == nil && kept != nil {
		err = t.keep(ctx, kept)
	}
	return db.Unavailable(err, "export the check-in tally")
}

func (t *Tally) rows(ctx context.Context, tx pgx.Tx, loc *time.Location, sink app.TallySink) error {
	if err := foldIn(ctx, tx, loc); err != nil {
		return err
	}
	rows, err := tx.Query(ctx, tallyQuery, int16(domain.Refused), int16(domain.RefusalTimeOutOfRange),
		int16(domain.Admitted), int16(domain.AnomalyOverCapacity))
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

// foldIn readies tx for a fold of millions of records into thousands of groups: enough memory
// keeps the hash in memory, and the days and hours are the city's (countedAt converts in the
// transaction's zone). Each statement is planned for its own values: a generic plan does not
// know how few records are stored since the kept days, and may scan the table rather than the
// BRIN index.
func foldIn(ctx context.Context, tx pgx.Tx, loc *time.Location) error {
	_, err := tx.Exec(ctx, `SELECT set_config('work_mem', '256MB', true), set_config('TimeZone', $1, true),
		set_config('plan_cache_mode', 'force_custom_plan', true)`, loc.String())
	return err
}

// dayKey is a row of the day grain: what the statistics audit compares, summed.
type dayKey struct {
	edition, county                  string
	day                              time.Time // local midnight, read as UTC
	kind, outcome, refusal, category int16
}

// daySums are a day row's sums.
type daySums struct{ records, headcount, adults int64 }

func (s daySums) plus(o daySums) daySums {
	return daySums{s.records + o.records, s.headcount + o.headcount, s.adults + o.adults}
}

// keptDays are the day rows an export settled, to be kept for the next incremental one.
type keptDays struct {
	zone       string
	settled    time.Time // the days hold the records stored before it
	whole      bool      // read from the whole table, not from kept days
	readAt     time.Time // the reading transaction's start
	generation int64     // the mark's, as read
	days       map[dayKey]daySums
}

// days hands sink the counts by local day: from the days kept at an earlier export and the
// records stored since, when incremental allows and the kept days fit, else from the whole
// table. It returns the days settled as of this read, to be kept (keep) once the read has ended.
func (t *Tally) days(ctx context.Context, tx pgx.Tx, loc *time.Location, incremental bool, sink app.TallySink) (*keptDays, error) {
	if err := foldIn(ctx, tx, loc); err != nil {
		return nil, err
	}
	k := &keptDays{zone: loc.String(), days: map[dayKey]daySums{}}
	var zone *string
	var settled, wholeAt *time.Time
	var generation *int64
	if err := tx.QueryRow(ctx, `SELECT m.time_zone, m.settled_before, m.whole_read_at, m.generation, transaction_timestamp()
		FROM (SELECT 1) one LEFT JOIN tally_days_mark m ON true`).Scan(&zone, &settled, &wholeAt, &generation, &k.readAt); err != nil {
		return nil, err
	}
	k.settled = k.readAt.Add(-settleAfter)
	k.whole = !incremental || generation == nil || settled == nil || wholeAt == nil || *zone != k.zone
	if !k.whole {
		age := k.readAt.Sub(*wholeAt)
		k.whole = age >= readWholeEvery || age >= readWholeEvery/2 && readWholeAtNight(k.readAt, loc)
	}
	if generation != nil {
		k.generation = *generation
	}
	out := map[dayKey]daySums{}
	query, args := dayGrain, []any{int16(domain.Refused), int16(domain.RefusalTimeOutOfRange), k.settled}
	if !k.whole {
		// The database's clock set back must not settle the same records twice.
		if k.settled.Before(*settled) {
			k.settled, args[2] = *settled, *settled
		}
		if err := t.keptDays(ctx, tx, func(key dayKey, sums daySums) {
			out[key] = out[key].plus(sums)
			k.days[key] = k.days[key].plus(sums)
		}); err != nil {
			return nil, err
		}
		query += `WHERE recorded_at >= $4 `
		args = append(args, *settled)
	}
	rows, err := tx.Query(ctx, query+`GROUP BY 1, 2, 3, 4, 5, 6, 7, 8`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var key dayKey
		var sums daySums
		var isSettled bool
		if err := rows.Scan(&key.edition, &key.county, &key.day, &key.kind, &key.outcome, &key.refusal, &key.category, &isSettled,
			&sums.records, &sums.headcount, &sums.adults); err != nil {
			return nil, err
		}
		out[key] = out[key].plus(sums)
		if isSettled {
			k.days[key] = k.days[key].plus(sums)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	page := make([]app.TallyRow, 0, min(len(out), tallyPage))
	for key, sums := range out {
		page = append(page, app.TallyRow{EditionID: key.edition, CountyCode: key.county, LocalHour: key.day.Format("2006-01-02T15"),
			Kind: domain.Kind(key.kind), Outcome: domain.Outcome(key.outcome), Refusal: domain.Refusal(key.refusal),
			Category: domain.Category(key.category), Records: sums.records, Headcount: sums.headcount, Adults: sums.adults})
		if len(page) == tallyPage {
			if err := sink.Rows(page); err != nil {
				return nil, err
			}
			page = page[:0]
		}
	}
	if len(page) > 0 {
		if err := sink.Rows(page); err != nil {
			return nil, err
		}
	}
	return k, nil
}

// keptDaysColumns are tally_days' columns, in dayKey's and daySums' order.
var keptDaysColumns = []string{"edition_id", "county_code", "day", "kind", "outcome", "refusal", "category", "records", "headcount", "adults"}

// keptDays hands each kept day row to fn.
func (t *Tally) keptDays(ctx context.Context, tx pgx.Tx, fn func(dayKey, daySums)) error {
	rows, err := tx.Query(ctx, `SELECT edition_id, county_code, day, kind, outcome, refusal, category, records, headcount, adults FROM tally_days`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var key dayKey
		var sums daySums
		if err := rows.Scan(&key.edition, &key.county, &key.day, &key.kind, &key.outcome, &key.refusal, &key.category,
			&sums.records, &sums.headcount, &sums.adults); err != nil {
			return err
		}
		fn(key, sums)
	}
	return rows.Err()
}

// keep replaces the kept days with k's, unless another export kept days since k's were read
// (theirs are as good: each export's days are its own snapshot's).
func (t *Tally) keep(ctx context.Context, k *keptDays) error {
	return pgx.BeginTxFunc(ctx, t.pool, pgx.TxOptions{}, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE tally_days_mark SET time_zone = $1, settled_before = $2,
				whole_read_at = CASE WHEN $3 THEN $4 ELSE whole_read_at END, generation = generation + 1
			WHERE generation = $5`, k.zone, k.settled, k.whole, k.readAt, k.generation)
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM tally_days`); err != nil {
			return err
		}
		rows := make([][]any, 0, len(k.days))
		for key, sums := range k.days {
			rows = append(rows, []any{key.edition, key.county, key.day, key.kind, key.outcome, key.refusal, key.category,
				sums.records, sums.headcount, sums.adults})
		}
		_, err = tx.CopyFrom(ctx, pgx.Identifier{"tally_days"}, keptDaysColumns, pgx.CopyFromRows(rows))
		return err
	})
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
