package bench

import (
	"cmp"
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
)

// statementsSettings load pg_stat_statements into the private server (-statements): it is read
// only at start. Utility statements (BEGIN, COMMIT) are tracked, as a COMMIT's time is its WAL
// flush; statements inside functions are not, so check-in's one-statement batch counts once.
var statementsSettings = map[string]string{"shared_preload_libraries": "pg_stat_statements",
	"pg_stat_statements.track": "top", "pg_stat_statements.track_utility": "on", "pg_stat_statements.max": "1000",
	"track_wal_io_timing": "on"}

// statementKey is one statement's entry in pg_stat_statements.
type statementKey struct {
	user, db uint32
	query    int64
}

// statementStats is what PostgreSQL counted for one statement.
type statementStats struct {
	text  string
	calls int64
	exec  float64 // milliseconds
}

// pgWork is a snapshot of PostgreSQL's cumulative counters: each statement's calls and time,
// and the WAL's records, bytes, writes and flushes.
type pgWork struct {
	statements                     map[statementKey]statementStats
	walRecords, walBytes           float64
	walWrites, walSyncs, walSyncMS float64
}

// readPGWork reads the counters; the benchmark diffs two readings around a run.
func readPGWork(ctx context.Context, url string) (pgWork, error) {
	w := pgWork{statements: map[statementKey]statementStats{}}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return w, fmt.Errorf("statements: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	rows, err := conn.Query(ctx, `SELECT userid, dbid, coalesce(queryid, 0), query, calls, total_exec_time
		FROM pg_stat_statements WHERE toplevel`)
	if err != nil {
		return w, fmt.Errorf("statements: %w (was the server started with -statements?)", err)
	}
	for rows.Next() {
		var k statementKey
		var s statementStats
		if err := rows.Scan(&k.user, &k.db, &k.query, &s.text, &s.calls, &s.exec); err != nil {
			rows.Close()
			return w, fmt.Errorf("statements: %w", err)
		}
		w.statements[k] = s
	}
	if err := rows.Err(); err != nil {
		return w, fmt.Errorf("statements: %w", err)
	}
	if err := conn.QueryRow(ctx, `SELECT wal_records::float8, wal_bytes::float8, wal_write::float8, wal_sync::float8, wal_sync_time FROM pg_stat_wal`).
		Scan(&w.walRecords, &w.walBytes, &w.walWrites, &w.walSyncs, &w.walSyncMS); err != nil {
		return w, fmt.Errorf("statements: pg_stat_wal: %w", err)
	}
	return w, nil
}

// pgWorkDone is what PostgreSQL did between two readings, for records stored in between.
type pgWorkDone struct {
	Records int64
	// Top are the statements that took the most time, most first.
	Top []statementStats
	// Total is every statement's time, in milliseconds.
	Total                          float64
	WALRecords, WALBytes           float64
	WALWrites, WALSyncs, WALSyncMS float64
}

// since is the work done from before to w.
func (w pgWork) since(before pgWork, records int64) pgWorkDone {
	d := pgWorkDone{Records: records, WALRecords: w.walRecords - before.walRecords, WALBytes: w.walBytes - before.walBytes,
		WALWrites: w.walWrites - before.walWrites, WALSyncs: w.walSyncs - before.walSyncs, WALSyncMS: w.walSyncMS - before.walSyncMS}
	for k, s := range w.statements {
		b := before.statements[k]
		s.calls -= b.calls
		s.exec -= b.exec
		if s.calls <= 0 {
			continue
		}
		d.Total += s.exec
		d.Top = append(d.Top, s)
	}
	slices.SortFunc(d.Top, func(a, b statementStats) int { return cmp.Compare(b.exec, a.exec) })
	return d
}

var spaces = regexp.MustCompile(`\s+`)

// shortQuery is a statement's first words, on one line, fit for a table cell.
func shortQuery(q string) string {
	q = strings.TrimSpace(spaces.ReplaceAllString(q, " "))
	if r := []rune(q); len(r) > 70 {
		q = string(r[:70]) + "…"
	}
	return strings.ReplaceAll(q, "|", `\|`)
}

// summary is one line: the records, every statement's time and the WAL's work, per thousand
// records.
func (d pgWorkDone) summary() string {
	if d.Records <= 0 {
		return "no records stored"
	}
	per := 1000 / float64(d.Records)
	return fmt.Sprintf("%d records; every statement's time %.1f ms per 1,000 records. WAL per 1,000 records: %.0f records, %.0f kB, %.1f writes, %.1f flushes (%.2f ms flushing).",
		d.Records, d.Total*per, d.WALRecords*per, d.WALBytes*per/1000, d.WALWrites*per, d.WALSyncs*per, d.WALSyncMS*per)
}

// String is the summary and a table of the statements that took the most time, each per
// thousand records stored.
func (d pgWorkDone) String() string {
	if d.Records <= 0 {
		return d.summary() + "\n"
	}
	per := 1000 / float64(d.Records)
	var b strings.Builder
	b.WriteString(d.summary() + "\n\n")
	b.WriteString("| statement | calls per 1,000 records | mean | time per 1,000 records | share |\n|---|---|---|---|---|\n")
	for i, s := range d.Top {
		if i == 10 {
			break
		}
		fmt.Fprintf(&b, "| `%s` | %.1f | %.3f ms | %.1f ms | %.0f%% |\n", shortQuery(s.text), float64(s.calls)*per, s.exec/float64(s.calls), s.exec*per, 100*s.exec/d.Total)
	}
	return b.String()
}

// createStatements makes pg_stat_statements' view readable in the services' database.
func (e *env) createStatements(ctx context.Context) error {
	conn, err := pgx.Connect(ctx, e.st.DatabaseURL)
	if err != nil {
		return fmt.Errorf("statements: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, `CREATE EXTENSION IF NOT EXISTS pg_stat_statements`); err != nil {
		return fmt.Errorf("statements: %w", err)
	}
	return nil
}

// pgWorkNow reads PostgreSQL's counters when the run reports them (nil work otherwise).
func (e *env) pgWorkNow(ctx context.Context) (*pgWork, error) {
	if !e.statements {
		return nil, nil
	}
	w, err := readPGWork(ctx, e.st.DatabaseURL)
	return &w, err
}

// pgWorkSince is what PostgreSQL did since before, for records stored in between; nil when the
// run does not report it. The aggregates have caught up by then, so the projections' work for
// those records is in it.
func (e *env) pgWorkSince(ctx context.Context, before *pgWork, records int64) (*pgWorkDone, error) {
	if before == nil {
		return nil, nil
	}
	now, err := readPGWork(ctx, e.st.DatabaseURL)
	if err != nil {
		return nil, err
	}
	d := now.since(*before, records)
	e.say("  PostgreSQL's work: %s", d.summary())
	return &d, nil
}
