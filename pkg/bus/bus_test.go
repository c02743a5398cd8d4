package bus_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/sciweek/sciweek/pkg/bus"
	"github.com/sciweek/sciweek/pkg/db"
	"github.com/sciweek/sciweek/pkg/testkit"
)

func TestMain(m *testing.M) { os.Exit(testkit.Main(m)) }

func setup(t *testing.T) (*pgxpool.Pool, *testkit.NATS) {
	t.Helper()
	tel := testkit.Telemetry(t, "bustest")
	pool := testkit.Pool(t, "bustest", tel)
	if err := db.Migrate(context.Background(), pool, "bustest", tel.Logger, db.MigrationSet{Name: "bus", FS: bus.Migrations()}); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(context.Background(), `CREATE TABLE tally (subject text PRIMARY KEY, n bigint NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	n := testkit.StartNATS(t)
	if err := bus.EnsureStreams(context.Background(), n.JetStream, bus.StreamOptions{}, bus.StreamCheckin); err != nil {
		t.Fatal(err)
	}
	return pool, n
}

func enqueue(t *testing.T, pool *pgxpool.Pool, subject string, commit bool) {
	t.Helper()
	ctx := context.Background()
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ev := bus.Event{ID: bus.NewEventID(), Subject: subject, Message: wrapperspb.String(subject)}
	if err := bus.Enqueue(ctx, tx, testkit.Telemetry(t, "bustest").Propagator, ev); err != nil {
		t.Fatal(err)
	}
	if commit {
		err = tx.Commit(ctx)
	} else {
		err = tx.Rollback(ctx)
	}
	if err != nil {
		t.Fatal(err)
	}
}

func streamCount(t *testing.T, js jetstream.JetStream) uint64 {
	t.Helper()
	s, err := js.Stream(context.Background(), bus.StreamCheckin)
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.Info(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return info.State.Msgs
}

func TestRelayPublishesCommittedEventsOnly(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		linger time.Duration
	}{{"publishing at once", 0}, {"lingering after a wake", 30 * time.Millisecond}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			pool, n := setup(t)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			relay, err := bus.NewRelay(bus.RelayConfig{Pool: pool, JetStream: n.JetStream, Telemetry: testkit.Telemetry(t, "bustest"), Schema: "bustest",
				PollInterval: 20 * time.Millisecond, Linger: tc.linger})
			if err != nil {
				t.Fatal(err)
			}
			go func() { _ = relay.Run(ctx) }()
			enqueue(t, pool, "sciweek.checkin.test.rolledback", false)
			for i := 0; i < 25; i++ {
				enqueue(t, pool, "sciweek.checkin.test.committed", true)
				relay.Wake()
			}
			testkit.Eventually(t, 5*time.Second, func() error {
				if got := streamCount(t, n.JetStream); got != 25 {
					return fmt.Errorf("stream has %d messages, want 25", got)
				}
				var left int
				if err := pool.QueryRow(ctx, `SELECT count(*) FROM outbox`).Scan(&left); err != nil || left != 0 {
					return fmt.Errorf("outbox still holds %d (%v)", left, err)
				}
				return nil
			})
		})
	}
}

func TestRepublishAfterCrashIsDroppedAsDuplicate(t *testing.T) {
	t.Parallel()
	_, n := setup(t)
	ctx := context.Background()
	// A relay that crashed after JetStream stored the batch but before its delete committed
	// publishes the same event ids again on restart.
	for range 2 {
		msg := nats.NewMsg("sciweek.checkin.test.once")
		msg.Data = []byte("x")
		if _, err := n.JetStream.PublishMsg(ctx, msg, jetstream.WithMsgID("0190f0a8-0000-7000-8000-00000000abcd")); err != nil {
			t.Fatal(err)
		}
	}
	if got := streamCount(t, n.JetStream); got != 1 {
		t.Fatalf("stream has %d messages, want 1", got)
	}
}

func publish(t *testing.T, js jetstream.JetStream, subject string, count int) {
	t.Helper()
	for i := 0; i < count; i++ {
		msg := nats.NewMsg(subject)
		msg.Data, _ = proto.Marshal(wrapperspb.String(subject))
		msg.Header.Set(bus.HeaderType, "google.protobuf.StringValue")
		if _, err := js.PublishMsg(context.Background(), msg); err != nil {
			t.Fatal(err)
		}
	}
}

func tally(ctx context.Context, pool *pgxpool.Pool) (int64, error) {
	var n int64
	err := pool.QueryRow(ctx, `SELECT coalesce(sum(n), 0) FROM tally`).Scan(&n)
	return n, err
}

func TestProjectionAppliesEachEventOnceAcrossRestartsAndFailures(t *testing.T) {
	t.Parallel()
	pool, n := setup(t)
	tel := testkit.Telemetry(t, "bustest")
	runner, err := bus.NewProjectionRunner(pool, n.JetStream, tel, bus.StreamOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var calls atomic.Int64
	proj := bus.Projection{
		Name: "tally", Stream: bus.StreamCheckin, Subjects: []string{"sciweek.checkin.>"}, BatchSize: 50,
		Apply: func(ctx context.Context, m bus.Message) error {
			// Every 97th call fails like a lost connection: the batch must roll back and be
			// applied again, without counting twice.
			if calls.Add(1)%97 == 0 {
				return errors.New("connection reset")
			}
			return count(ctx, m)
		},
	}
	publish(t, n.JetStream, "sciweek.checkin.test.a", 300)
	ctx1, stop1 := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = runner.Run(ctx1, proj) }()
	testkit.Eventually(t, 10*time.Second, func() error {
		if got, err := tally(context.Background(), pool); err != nil || got < 100 {
			return fmt.Errorf("tally %d (%v)", got, err)
		}
		return nil
	})
	stop1()
	<-done
	publish(t, n.JetStream, "sciweek.checkin.test.b", 200)
	ctx2, stop2 := context.WithCancel(context.Background())
	defer stop2()
	go func() { _ = runner.Run(ctx2, proj) }()
	testkit.Eventually(t, 15*time.Second, func() error {
		got, err := tally(context.Background(), pool)
		if err != nil || got != 500 {
			return fmt.Errorf("tally %d, want 500 (%v)", got, err)
		}
		seq, err := runner.Checkpoint(context.Background(), "tally")
		if err != nil || seq != 500 {
			return fmt.Errorf("checkpoint %d, want 500 (%v)", seq, err)
		}
		return nil
	})
	// Nothing more arrives later.
	time.Sleep(200 * time.Millisecond)
	if got, _ := tally(context.Background(), pool); got != 500 {
		t.Fatalf("tally grew to %d after the stream was drained", got)
	}
}

func TestOnlyOneReplicaAppliesAProjection(t *testing.T) {
	t.Parallel()
	pool, n := setup(t)
	proj := bus.Projection{
		Name: "tally", Stream: bus.StreamCheckin, Subjects: []string{"sciweek.checkin.>"},
		Apply: func(ctx context.Context, m bus.Message) error {
			return count(ctx, m)
		},
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// Three replicas of the same service run the same projection on the same schema.
	for i := range 3 {
		runner, err := bus.NewProjectionRunner(pool, n.JetStream, testkit.Telemetry(t, fmt.Sprintf("replica%d", i)), bus.StreamOptions{})
		if err != nil {
			t.Fatal(err)
		}
		go func() { _ = runner.Run(ctx, proj) }()
	}
	publish(t, n.JetStream, "sciweek.checkin.test.replicas", 400)
	testkit.Eventually(t, 10*time.Second, func() error {
		if got, err := tally(context.Background(), pool); err != nil || got != 400 {
			return fmt.Errorf("tally %d, want 400 (%v)", got, err)
		}
		return nil
	})
	time.Sleep(300 * time.Millisecond)
	if got, _ := tally(context.Background(), pool); got != 400 {
		t.Fatalf("tally grew to %d: more than one replica applied the events", got)
	}
}

func TestLingeringProjectionAppliesABurstInFewTransactions(t *testing.T) {
	t.Parallel()
	pool, n := setup(t)
	runner, err := bus.NewProjectionRunner(pool, n.JetStream, testkit.Telemetry(t, "bustest"), bus.StreamOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var batches, applied atomic.Int64
	proj := bus.Projection{
		Name: "tally", Stream: bus.StreamCheckin, Subjects: []string{"sciweek.checkin.>"}, Linger: 500 * time.Millisecond,
		Apply: func(ctx context.Context, m bus.Message) error {
			return count(ctx, m)
		},
		Committed: func(k int) { batches.Add(1); applied.Add(int64(k)) },
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { _ = runner.Run(ctx, proj) }()
	// Let the consumer start, so the burst arrives while it waits rather than all at once.
	time.Sleep(300 * time.Millisecond)
	publish(t, n.JetStream, "sciweek.checkin.test.burst", 40)
	testkit.Eventually(t, 5*time.Second, func() error {
		if got := applied.Load(); got != 40 {
			return fmt.Errorf("applied %d, want 40", got)
		}
		return nil
	})
	if got := batches.Load(); got > 3 {
		t.Fatalf("a burst of 40 took %d transactions; lingering should gather it into one or two", got)
	}
	// A lone event is not held back beyond the linger.
	publish(t, n.JetStream, "sciweek.checkin.test.lone", 1)
	testkit.Eventually(t, 2*time.Second, func() error {
		if got := applied.Load(); got != 41 {
			return fmt.Errorf("applied %d, want 41", got)
		}
		return nil
	})
}

// count counts a message in the unit of work the runner opened.
func count(ctx context.Context, m bus.Message) error {
	tx, ok := db.TxFrom(ctx)
	if !ok {
		return db.ErrNoTx
	}
	_, err := tx.Exec(ctx, `INSERT INTO tally (subject, n) VALUES ($1, 1) ON CONFLICT (subject) DO UPDATE SET n = tally.n + 1`, m.Subject)
	return err
}
