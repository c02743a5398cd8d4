package adapters_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sciweek/sciweek/pkg/bus"
	"github.com/sciweek/sciweek/pkg/testkit"
	"github.com/sciweek/sciweek/services/checkin"
	"github.com/sciweek/sciweek/services/checkin/internal/adapters"
	"github.com/sciweek/sciweek/services/checkin/internal/app"
)

// TestTheExportNamesItsSessionForItsTransactionOnly: while check-in reads its table for an
// export, pg_stat_activity shows the session as TallyExportApplication, so an operator (and the
// benchmark) can tell the statistics audit's seconds of reading from the doors' writes. The name
// is the transaction's only: once the export ends, no pooled connection carries it, and the next
// caller handed that connection is not shown as an export.
func TestTheExportNamesItsSessionForItsTransactionOnly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tel := testkit.Telemetry(t, "checkin")
	pool := testkit.Pool(t, checkin.Schema, tel)
	if err := checkin.Migrate(ctx, pool, tel); err != nil {
		t.Fatal(err)
	}
	n := testkit.StartNATS(t)
	if err := bus.EnsureStreams(ctx, n.JetStream, bus.StreamOptions{}, bus.StreamCheckin); err != nil {
		t.Fatal(err)
	}
	tally, err := adapters.NewTally(pool, n.JetStream, checkin.Schema)
	if err != nil {
		t.Fatal(err)
	}
	named := func(t *testing.T, pool *pgxpool.Pool) int {
		t.Helper()
		var sessions int
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1`,
			adapters.TallyExportApplication).Scan(&sessions); err != nil {
			t.Fatal(err)
		}
		return sessions
	}
	during := -1
	if err := tally.ExportTally(ctx, time.UTC, false, app.TallySink{
		Cut:  func(app.TallyCut) error { during = named(t, pool); return nil },
		Rows: func([]app.TallyRow) error { return nil },
	}); err != nil {
		t.Fatal(err)
	}
	if during != 1 {
		t.Errorf("while the export read, %d sessions were named %q, want 1", during, adapters.TallyExportApplication)
	}
	if after := named(t, pool); after != 0 {
		t.Errorf("after the export, %d sessions are still named %q, want 0", after, adapters.TallyExportApplication)
	}
}
