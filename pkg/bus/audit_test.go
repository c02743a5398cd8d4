package bus_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sciweek/sciweek/pkg/bus"
	"github.com/sciweek/sciweek/pkg/db"
	"github.com/sciweek/sciweek/pkg/testkit"
)

// TestAuditRunsBesideTheBatches holds an audit open while events arrive: the projection goes
// on applying them (the live views do not freeze for the audit's seconds), no second audit
// starts while one runs, and the repair the audit returns runs between batches, in no
// transaction of the runner's. Then the audit rests 49 times as long as it took.
func TestAuditRunsBesideTheBatches(t *testing.T) {
	t.Parallel()
	pool, n := setup(t)
	runner, err := bus.NewProjectionRunner(pool, n.JetStream, testkit.Telemetry(t, "bustest"), bus.StreamOptions{})
	if err != nil {
		t.Fatal(err)
	}
	started := make(chan struct{}, 1)
	release := make(chan struct{})
	var audits, running, overlapped, repairs atomic.Int64
	repairedInTx := make(chan bool, 1)
	proj := bus.Projection{
		Name: "tally", Stream: bus.StreamCheckin, Subjects: []string{"sciweek.checkin.>"}, AuditEvery: 20 * time.Millisecond,
		Apply: count,
		Audit: func(ctx context.Context) (func(context.Context) error, error) {
			if running.Add(1) > 1 {
				overlapped.Add(1)
			}
			defer running.Add(-1)
			first := audits.Add(1) == 1
			select {
			case started <- struct{}{}:
			default:
			}
			if !first {
				return nil, nil
			}
			select {
			case <-release:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
			return func(ctx context.Context) error {
				repairs.Add(1)
				_, inTx := db.TxFrom(ctx)
				repairedInTx <- inTx
				return nil
			}, nil
		},
	}
	runFor(t, runner, proj)
	<-started // the first audit holds on
	publish(t, n.JetStream, "sciweek.checkin.test.audit", 120)
	waitTally(t, pool, runner, 120, 120)
	if got := audits.Load(); got != 1 {
		t.Fatalf("%d audits started while the first still ran; want one at a time", got)
	}
	// Held at least 100 ms, the audit rests at least 4.9 s afterwards.
	time.Sleep(100 * time.Millisecond)
	close(release)
	select {
	case inTx := <-repairedInTx:
		if inTx {
			t.Error("the repair ran inside a transaction of the runner's")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the repair the audit returned never ran")
	}
	// The runner goes on applying, and the audit rests (its ticks, every 20 ms, are dropped).
	publish(t, n.JetStream, "sciweek.checkin.test.audit", 5)
	waitTally(t, pool, runner, 125, 125)
	time.Sleep(time.Second)
	if got := audits.Load(); got != 1 {
		t.Errorf("%d audits within a second of one that took over 100 ms; want it to rest 49 times as long", got)
	}
	if got := overlapped.Load(); got != 0 {
		t.Errorf("audits overlapped %d times", got)
	}
	if got := repairs.Load(); got != 1 {
		t.Errorf("%d repairs ran, want 1", got)
	}
}

// TestAuditRestsInProportionToItsLength audits every 10 ms with audits of about 5 ms: each
// must rest at least 49 times as long as it took before the next starts.
func TestAuditRestsInProportionToItsLength(t *testing.T) {
	t.Parallel()
	pool, n := setup(t)
	runner, err := bus.NewProjectionRunner(pool, n.JetStream, testkit.Telemetry(t, "bustest"), bus.StreamOptions{})
	if err != nil {
		t.Fatal(err)
	}
	type span struct{ start, end time.Time }
	var mu sync.Mutex
	var spans []span
	proj := bus.Projection{
		Name: "tally", Stream: bus.StreamCheckin, Subjects: []string{"sciweek.checkin.>"}, AuditEvery: 10 * time.Millisecond,
		Apply: count,
		Audit: func(context.Context) (func(context.Context) error, error) {
			start := time.Now()
			time.Sleep(5 * time.Millisecond)
			mu.Lock()
			spans = append(spans, span{start, time.Now()})
			mu.Unlock()
			return nil, nil
		},
	}
	runFor(t, runner, proj)
	testkit.Eventually(t, 30*time.Second, func() error {
		mu.Lock()
		defer mu.Unlock()
		if len(spans) < 3 {
			return errors.New("fewer than three audits yet")
		}
		return nil
	})
	mu.Lock()
	defer mu.Unlock()
	for i := 1; i < len(spans); i++ {
		took, rested := spans[i-1].end.Sub(spans[i-1].start), spans[i].start.Sub(spans[i-1].end)
		if rested < 49*took {
			t.Errorf("audit %d took %v and the next started %v after it; want at least 49 times as long", i, took, rested)
		}
	}
}
