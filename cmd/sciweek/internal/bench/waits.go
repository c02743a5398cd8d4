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

// waits is what check-in's database sessions were doing, sampled from pg_stat_activity while a
// half-rate run went on: for the sessions writing check-ins (their last statement touches the
// records' table, or is the BEGIN or COMMIT around it), how often each was found in each state.
// It answers where a transaction's time goes inside the database (waiting for the WAL flush, a
// lock, a page) against outside it (idle in its transaction while check-in's process prepares the
// next statement or waits for a core), which check-in's own histograms cannot tell apart.
type waits struct {
	// Samples is how many times the sessions were looked at.
	Samples int
	// Seen counts, per state, the writer sessions found in it across the samples.
	Seen map[string]int
}

// sampleWaits looks at check-in's sessions every period until ctx ends, then returns what it saw.
// One query a period on a connection of its own: a few per cent of one core at 5 ms.
func sampleWaits(ctx context.Context, url string, period time.Duration) (<-chan waits, error) {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("wait sampler: %w", err)
	}
	out := make(chan waits, 1)
	go func() {
		defer conn.Close(context.WithoutCancel(ctx))
		w := waits{Seen: map[string]int{}}
		tick := time.NewTicker(period)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				out <- w
				return
			case <-tick.C:
			}
			rows, _ := conn.Query(ctx, `SELECT state, coalesce(wait_event_type, ''), coalesce(wait_event, ''), left(query, 60)
				FROM pg_stat_activity WHERE application_name = 'sciweek-checkin' AND pid <> pg_backend_pid() AND state <> 'idle'`)
			seen := 0
			_, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (struct{}, error) {
				var state, kind, event, query string
				if err := row.Scan(&state, &kind, &event, &query); err != nil {
					return struct{}{}, err
				}
				if writerStatement(query) {
					w.Seen[waitState(state, kind, event)]++
					seen++
				}
				return struct{}{}, nil
			})
			if err != nil {
				if ctx.Err() == nil {
					w.Seen["(sampling failed: "+err.Error()+")"]++
				}
				continue
			}
			w.Samples++
			if seen == 0 {
				w.Seen["(no writer in a transaction)"]++
			}
		}
	}()
	return out, nil
}

// writerStatement tells a group commit's statements from the relay's and the projections'.
func writerStatement(query string) bool {
	q := strings.TrimSpace(query)
	return strings.Contains(q, "checkin_records") || q == "BEGIN" || q == "COMMIT" || strings.HasPrefix(q, "INSERT INTO outbox")
}

// waitState names what a session was doing: running (on a core or waiting for one), a wait
// event inside the database, or idle inside its transaction, waiting for check-in's next
// statement.
func waitState(state, kind, event string) string {
	switch {
	case state == "idle in transaction":
		return "idle in transaction (waiting for check-in)"
	case kind == "" && state == "active":
		return "active, no wait (on a core or waiting for one)"
	case kind == "":
		return state
	}
	return kind + ":" + event
}

// String lists the states by share of what was seen, most first.
func (w waits) String() string {
	total := 0
	for _, n := range w.Seen {
		total += n
	}
	if total == 0 {
		return "no samples"
	}
	type share struct {
		state string
		n     int
	}
	var all []share
	for s, n := range w.Seen {
		all = append(all, share{s, n})
	}
	slices.SortFunc(all, func(a, b share) int { return cmp.Or(cmp.Compare(b.n, a.n), strings.Compare(a.state, b.state)) })
	parts := make([]string, 0, len(all))
	for _, s := range all {
		parts = append(parts, fmt.Sprintf("%s %.1f%%", s.state, 100*float64(s.n)/float64(total)))
	}
	return fmt.Sprintf("%d samples: %s", w.Samples, strings.Join(parts, " · "))
}
