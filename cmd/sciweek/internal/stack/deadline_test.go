package stack_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/sciweek/sciweek/cmd/sciweek/internal/stack"
	checkinv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/checkin/v1"
	"github.com/sciweek/sciweek/pkg/rpc"
	"github.com/sciweek/sciweek/pkg/testkit"
)

// TestHungDatabaseAnswersWithinTheServersDeadline holds a lock on check-in's table, as a hung
// database would hold every write: a terminal that allows 10 s gets DeadlineExceeded with a
// retry hint when the server's bound (here 1 s, check-in's alone: the set-up's calls to the other
// parts may take longer on a loaded machine) passes, and its retry succeeds once the database
// moves again — the record stored once.
func TestHungDatabaseAnswersWithinTheServersDeadline(t *testing.T) {
	t.Parallel()
	const bound = time.Second
	w := startWorld(t, func(o *stack.Options) { o.PartDeadlines = map[string]rpc.Deadlines{"checkin": {Call: bound}} })
	venue, activity, terminal := w.setup(t, "140107")
	client := checkinv1.NewCheckinServiceClient(w.conns["checkin"])
	ctx := context.Background()
	testkit.Eventually(t, 60*time.Second, func() error { // a loaded CI machine may need several tries of 1 s
		_, err := client.RecordCheckin(ctx, walkIn(1, venue, activity, 3), terminal)
		return err
	})

	conn, err := pgx.Connect(ctx, w.st.DatabaseURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, "LOCK TABLE checkin.checkin_records IN ACCESS EXCLUSIVE MODE"); err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	start := time.Now()
	_, err = client.RecordCheckin(cctx, walkIn(2, venue, activity, 4), terminal)
	took := time.Since(start)
	cancel()
	st := status.Convert(err)
	hint := rpc.DetailsOf(st).RetryAfter
	t.Logf("with check-in's table locked: %v after %v, retry after %v", st.Code(), took.Round(time.Millisecond), hint)
	if (st.Code() != codes.DeadlineExceeded && st.Code() != codes.Unavailable) || took > bound+time.Second || hint <= 0 {
		t.Fatalf("with the database hung: %v after %v (retry after %v); want DeadlineExceeded or Unavailable within %v, with a hint",
			err, took, hint, bound+time.Second)
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	// The terminal retries the same record; it is stored once.
	testkit.Eventually(t, 10*time.Second, func() error {
		_, err := client.RecordCheckin(ctx, walkIn(2, venue, activity, 4), terminal)
		return err
	})
	var n int
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM checkin.checkin_records").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Fatalf("%d records stored, want 2 (the retried one once)", n)
	}
}
