package bus_test

import (
	"context"
	"fmt"
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
