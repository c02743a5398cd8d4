package bench

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// backgroundNow is what PostgreSQL's autovacuum workers are doing, such as "autovacuum: VACUUM
// ANALYZE checkin.checkin_records", and whether check-in is reading its table for reporting's
// statistics audit (whole, or what was stored since its last read) or a rebuild: background
// work whose seconds a run's figures may carry. $1 is the export session's application_name.
const backgroundNow = `SELECT coalesce(query, '') FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'
	UNION ALL SELECT 'statistics audit: check-in''s table read' FROM pg_stat_activity
	WHERE application_name = $1 AND backend_type = 'client backend' AND state = 'active'`

// busyNow is every session but this one that is working rather than idle: autovacuum's, and the
// services' statements (their first 80 characters, so that one statement's calls count together).
const busyNow = `SELECT CASE WHEN backend_type = 'client backend' THEN usename || ': ' || left(regexp_replace(query, '\s+', ' ', 'g'), 80)
	ELSE backend_type || ': ' || coalesce(query, '') END
	FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND (backend_type = 'autovacuum worker' OR state IN ('active', 'idle in transaction'))`

// watchMaintenance samples pg_stat_activity with query (backgroundNow or busyNow) every 100 ms
// until stop is called, which returns what it saw with the number of samples that saw each. A
// failure to watch leaves the map empty: the figure is a diagnosis, not a result.
func (e *env) watchMaintenance(ctx context.Context, query string, args ...any) (stop func() map[string]int) {
	seen := map[string]int{}
	wctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		conn, err := pgx.Connect(wctx, e.st.DatabaseURL)
		if err != nil {
			return
		}
		defer conn.Close(context.WithoutCancel(wctx))
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			rows, err := conn.Query(wctx, query, args...)
			if err == nil {
				queries, err := pgx.CollectRows(rows, pgx.RowTo[string])
				if err == nil {
					for _, q := range queries {
						seen[q]++
					}
				}
			}
			select {
			case <-wctx.Done():
				return
			case <-tick.C:
			}
		}
	}()
	return func() map[string]int { cancel(); <-done; return seen }
}

// maintenanceText lists what autovacuum did during the page loads, most-seen first.
func maintenanceText(seen map[string]int) string {
	if len(seen) == 0 {
		return "none"
	}
	type one struct {
		what string
		n    int
	}
	var all []one
	for q, n := range seen {
		all = append(all, one{q, n})
	}
	slices.SortFunc(all, func(a, b one) int { return cmp.Or(cmp.Compare(b.n, a.n), cmp.Compare(a.what, b.what)) })
	parts := make([]string, len(all))
	for i, o := range all {
		parts[i] = fmt.Sprintf("%d samples (%s)", o.n, o.what)
	}
	return strings.Join(parts, ", ")
}
