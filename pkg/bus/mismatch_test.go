package bus_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/sciweek/sciweek/pkg/bus"
	"github.com/sciweek/sciweek/pkg/db"
	"github.com/sciweek/sciweek/pkg/testkit"
)

// runFor runs a projection until the test ends or stop is called.
func runFor(t *testing.T, runner *bus.ProjectionRunner, p bus.Projection) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = runner.Run(ctx, p) }()
	stop = func() { cancel(); <-done }
	t.Cleanup(stop)
	return stop
}

func waitTally(t *testing.T, pool *pgxpool.Pool, runner *bus.ProjectionRunner, want int64, checkpoint uint64) {
	t.Helper()
	testkit.Eventually(t, 15*time.Second, func() error {
		got, err := tally(context.Background(), pool)
		if err != nil || got != want {
			return fmt.Errorf("tally %d, want %d (%v)", got, want, err)
		}
		seq, err := runner.Checkpoint(context.Background(), "tally")
		if err != nil || seq != checkpoint {
			return fmt.Errorf("checkpoint %d, want %d (%v)", seq, checkpoint, err)
		}
		return nil
	})
}

func recreate(t *testing.T, js jetstream.JetStream) {
	t.Helper()
	if err := js.DeleteStream(context.Background(), bus.StreamCheckin); err != nil {
		t.Fatal(err)
	}
	if err := bus.EnsureStreams(context.Background(), js, bus.StreamOptions{}, bus.StreamCheckin); err != nil {
		t.Fatal(err)
	}
}

// TestProjectionNoticesWhenItsStreamNoLongerFits covers each way a stream can stop fitting a
// checkpoint: each is logged at ERROR, counted, and reconciled instead of skipping events.
func TestProjectionNoticesWhenItsStreamNoLongerFits(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		// reconcile, if set, is the projection's reconciler: it sets the tally to 100 and the
		// checkpoint to the stream's end.
		reconcile bool
		// breakStream changes the stream (or the checkpoint) while the runner is stopped, or
		// running when stopFirst is false.
		breakStream func(t *testing.T, pool *pgxpool.Pool, js jetstream.JetStream)
		stopFirst   bool
		// want is the tally and checkpoint after 3 more messages.
		want       int64
		checkpoint uint64
		reason     string
	}{
		{name: "stream created again while running, replayed", breakStream: func(t *testing.T, _ *pgxpool.Pool, js jetstream.JetStream) { recreate(t, js) },
			want: 5 + 3, checkpoint: 3, reason: "created again"},
		{name: "stream created again while stopped, reconciled", reconcile: true, stopFirst: true,
			breakStream: func(t *testing.T, _ *pgxpool.Pool, js jetstream.JetStream) {
				recreate(t, js)
				publish(t, js, "sciweek.checkin.test.lost", 2) // in the system of record, not counted by the stream
			},
			want: 100 + 3, checkpoint: 5, reason: "created again"},
		{name: "tail lost", stopFirst: true, breakStream: func(t *testing.T, pool *pgxpool.Pool, _ jetstream.JetStream) {
			if _, err := pool.Exec(context.Background(), `UPDATE projection_checkpoints SET last_sequence = 1000`); err != nil {
				t.Fatal(err)
			}
		}, want: 5 + 5 + 3, checkpoint: 8, reason: "past the stream's last"},
		{name: "messages aged out before being applied", stopFirst: true, breakStream: func(t *testing.T, _ *pgxpool.Pool, js jetstream.JetStream) {
			publish(t, js, "sciweek.checkin.test.gone", 4)
			s, err := js.Stream(context.Background(), bus.StreamCheckin)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Purge(context.Background(), jetstream.WithPurgeSequence(8)); err != nil { // 1..7 gone
				t.Fatal(err)
			}
		}, want: 5 + 2 + 3, checkpoint: 12, reason: "no longer holds"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			pool, n := setup(t)
			tel := testkit.ObservedTelemetry(t, "bustest")
			runner, err := bus.NewProjectionRunner(pool, n.JetStream, tel.Telemetry, bus.StreamOptions{})
			if err != nil {
				t.Fatal(err)
			}
			proj := bus.Projection{Name: "tally", Stream: bus.StreamCheckin, Subjects: []string{"sciweek.checkin.>"}, Apply: count}
			if tc.reconcile {
				proj.Reconcile = func(ctx context.Context, m bus.Mismatch) error {
					return db.InTx(ctx, pool, func(tx pgx.Tx) error {
						if _, err := tx.Exec(ctx, `DELETE FROM tally`); err != nil {
							return err
						}
						if _, err := tx.Exec(ctx, `INSERT INTO tally VALUES ('rebuilt', 100)`); err != nil {
							return err
						}
						return bus.SetCheckpoint(ctx, tx, m.Projection, m.Stream, m.LastSeq, m.Created)
					})
				}
			}
			publish(t, n.JetStream, "sciweek.checkin.test.a", 5)
			stop := runFor(t, runner, proj)
			waitTally(t, pool, runner, 5, 5)
			if tc.stopFirst {
				stop()
			}
			tc.breakStream(t, pool, n.JetStream)
			if tc.stopFirst {
				runFor(t, runner, proj)
			}
			if tc.reconcile {
				waitTally(t, pool, runner, 100, 2) // the 2 "lost" messages are in the system of record
			}
			publish(t, n.JetStream, "sciweek.checkin.test.b", 3)
			waitTally(t, pool, runner, tc.want, tc.checkpoint)
			if got := tel.Sum(t, "sciweek_projection_mismatches_total", map[string]string{"projection": "tally"}); got < 1 {
				t.Errorf("mismatches counted %v, want at least 1", got)
			}
			if logs := tel.Logs(`"level":"ERROR"`, "does not fit", tc.reason); len(logs) == 0 {
				t.Errorf("no ERROR log naming %q", tc.reason)
			}
		})
	}
}

// TestIdleProjectionFollowsAStreamOfOtherKinds: a projection that reads one subject of a busy
// stream moves its checkpoint to the stream's end when nothing of its own is pending, so old
// messages of other kinds ageing out are not mistaken for lost ones.
func TestIdleProjectionFollowsAStreamOfOtherKinds(t *testing.T) {
	t.Parallel()
	pool, n := setup(t)
	tel := testkit.ObservedTelemetry(t, "bustest")
	runner, err := bus.NewProjectionRunner(pool, n.JetStream, tel.Telemetry, bus.StreamOptions{})
	if err != nil {
		t.Fatal(err)
	}
	proj := bus.Projection{Name: "tally", Stream: bus.StreamCheckin, Subjects: []string{"sciweek.checkin.test.mine"}, Apply: count}
	publish(t, n.JetStream, "sciweek.checkin.test.mine", 2)
	publish(t, n.JetStream, "sciweek.checkin.test.other", 5)
	runFor(t, runner, proj)
	waitTally(t, pool, runner, 2, 7)
	s, err := n.JetStream.Stream(context.Background(), bus.StreamCheckin)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Purge(context.Background(), jetstream.WithPurgeSequence(8)); err != nil {
		t.Fatal(err)
	}
	publish(t, n.JetStream, "sciweek.checkin.test.mine", 1)
	waitTally(t, pool, runner, 3, 8)
	if got := tel.Sum(t, "sciweek_projection_mismatches_total", nil); got != 0 {
		t.Errorf("mismatches counted %v, want none", got)
	}
}
