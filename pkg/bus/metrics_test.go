package bus_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/sciweek/sciweek/pkg/bus"
	"github.com/sciweek/sciweek/pkg/testkit"
)

// The alert rules (deploy/k8s/base/alerts.rules.yaml) read the relay's backlog gauge and its
// per-type counter: the backlog grows while events cannot be published, and a publish counts
// under its message type.
func TestRelayReportsBacklogAndTypes(t *testing.T) {
	t.Parallel()
	pool, n := setup(t)
	reader := sdkmetric.NewManualReader()
	tel := testkit.Telemetry(t, "bustest")
	tel.Meter = sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	relay, err := bus.NewRelay(bus.RelayConfig{Pool: pool, JetStream: n.JetStream, Telemetry: tel, Schema: "bustest", PollInterval: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// No stream takes this subject: the event stays in the outbox and ages.
	enqueue(t, pool, "sciweek.nowhere.stuck", true)
	go func() { _ = relay.Run(ctx) }()
	testkit.Eventually(t, 5*time.Second, func() error {
		if age := gauge(t, reader, "sciweek_outbox_oldest_seconds"); age < 0.2 {
			return fmt.Errorf("oldest event's age %.3fs, want it to grow past 0.2s", age)
		}
		return nil
	})
	if _, err := pool.Exec(ctx, `DELETE FROM outbox`); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		enqueue(t, pool, "sciweek.checkin.test.typed", true)
	}
	relay.Wake()
	testkit.Eventually(t, 5*time.Second, func() error {
		if got := counter(t, reader, "sciweek_outbox_published_total", "google.protobuf.StringValue"); got != 3 {
			return fmt.Errorf("published StringValue %d, want 3", got)
		}
		if age := gauge(t, reader, "sciweek_outbox_oldest_seconds"); age != 0 {
			return fmt.Errorf("oldest event's age %.3fs with the outbox empty, want 0", age)
		}
		return nil
	})
}

func collect(t *testing.T, r sdkmetric.Reader, name string) metricdata.Aggregation {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := r.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name == name {
				return m.Data
			}
		}
	}
	return nil
}

func gauge(t *testing.T, r sdkmetric.Reader, name string) float64 {
	t.Helper()
	if g, ok := collect(t, r, name).(metricdata.Gauge[float64]); ok && len(g.DataPoints) > 0 {
		return g.DataPoints[0].Value
	}
	return -1
}

func counter(t *testing.T, r sdkmetric.Reader, name, msgType string) int64 {
	t.Helper()
	s, ok := collect(t, r, name).(metricdata.Sum[int64])
	if !ok {
		return 0
	}
	for _, dp := range s.DataPoints {
		if v, _ := dp.Attributes.Value("type"); v.AsString() == msgType {
			return dp.Value
		}
	}
	return 0
}

// The projection-lag gauge (sciweek_projection_lag) is the stream's last sequence minus the
// checkpoint, reported by the replica applying the projection only: it shows a projection whose
// batches keep failing falling behind, returns to 0 once it catches up, and a standby reports
// nothing.
func TestProjectionLagGauge(t *testing.T) {
	t.Parallel()
	pool, n := setup(t)
	reader := sdkmetric.NewManualReader()
	tel := testkit.Telemetry(t, "bustest")
	tel.Meter = sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	runner, err := bus.NewProjectionRunner(pool, n.JetStream, tel, bus.StreamOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var failing atomic.Bool
	failing.Store(true)
	proj := bus.Projection{Name: "tally", Stream: bus.StreamCheckin, Apply: func(ctx context.Context, m bus.Message) error {
		if failing.Load() {
			return errors.New("the table is not there yet")
		}
		return count(ctx, m)
	}}
	publish(t, n.JetStream, "sciweek.checkin.test.lag", 7)
	runFor(t, runner, proj)
	wantLag := func(runner string, r sdkmetric.Reader, want int64) {
		t.Helper()
		testkit.Eventually(t, 10*time.Second, func() error {
			if got, ok := lag(t, r, "tally"); !ok && want >= 0 {
				return fmt.Errorf("%s reports no lag, want %d", runner, want)
			} else if ok && got != want {
				return fmt.Errorf("%s reports lag %d, want %d", runner, got, want)
			}
			return nil
		})
	}
	wantLag("the failing replica", reader, 7)
	failing.Store(false)
	wantLag("the replica caught up", reader, 0)

	// A second replica stands by: it reports no lag while the first applies.
	standbyReader := sdkmetric.NewManualReader()
	standbyTel := testkit.Telemetry(t, "bustest")
	standbyTel.Meter = sdkmetric.NewMeterProvider(sdkmetric.WithReader(standbyReader))
	standby, err := bus.NewProjectionRunner(pool, n.JetStream, standbyTel, bus.StreamOptions{})
	if err != nil {
		t.Fatal(err)
	}
	runFor(t, standby, proj)
	publish(t, n.JetStream, "sciweek.checkin.test.lag", 3)
	wantLag("the applying replica", reader, 0)
	if got, ok := lag(t, standbyReader, "tally"); ok {
		t.Fatalf("the standby reports lag %d, want no series", got)
	}
}

// lag reads the sciweek_projection_lag series of one projection.
func lag(t *testing.T, r sdkmetric.Reader, projection string) (int64, bool) {
	t.Helper()
	g, ok := collect(t, r, "sciweek_projection_lag").(metricdata.Gauge[int64])
	if !ok {
		return 0, false
	}
	for _, dp := range g.DataPoints {
		if v, _ := dp.Attributes.Value("projection"); v.AsString() == projection {
			return dp.Value, true
		}
	}
	return 0, false
}
