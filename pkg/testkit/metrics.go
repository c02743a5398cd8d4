package testkit

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/sciweek/sciweek/pkg/telemetry"
)

// Observed is telemetry whose metrics and logs a test reads back.
type Observed struct {
	*telemetry.Telemetry
	// Metrics holds the series the service's meters write.
	Metrics *telemetry.Metrics
	mu      sync.Mutex
	logs    bytes.Buffer
}

// ObservedTelemetry returns telemetry for a service that keeps its metrics in a Prometheus
// registry and its logs (also written to the test's log) for the test to read.
func ObservedTelemetry(t testing.TB, service string) *Observed {
	t.Helper()
	m, err := telemetry.NewMetrics()
	if err != nil {
		t.Fatal(err)
	}
	o := &Observed{Metrics: m}
	tel, err := telemetry.New(context.Background(), telemetry.Config{Service: service, LogWriter: io.MultiWriter(testWriter{t}, lockedWriter{o}),
		LogLevel: slog.LevelInfo, Meter: m.Provider})
	if err != nil {
		t.Fatal(err)
	}
	o.Telemetry = tel
	t.Cleanup(func() { _ = tel.Shutdown(context.Background()) })
	return o
}

type lockedWriter struct{ o *Observed }

func (w lockedWriter) Write(b []byte) (int, error) {
	w.o.mu.Lock()
	defer w.o.mu.Unlock()
	return w.o.logs.Write(b)
}

// Logs returns the log lines written so far that contain every one of the words.
func (o *Observed) Logs(words ...string) []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []string
	for _, line := range strings.Split(o.logs.String(), "\n") {
		keep := line != ""
		for _, w := range words {
			keep = keep && strings.Contains(line, w)
		}
		if keep {
			out = append(out, line)
		}
	}
	return out
}

// Sum returns the sum of a metric's series (a counter's or gauge's value) whose labels include
// every given name=value pair; 0 when there is none.
func (o *Observed) Sum(t testing.TB, name string, labels map[string]string) float64 {
	t.Helper()
	return MetricSum(t, o.Metrics, name, labels)
}

// MetricSum is Observed.Sum over any process's metrics (a whole stack's, say).
func MetricSum(t testing.TB, metrics *telemetry.Metrics, name string, labels map[string]string) float64 {
	t.Helper()
	families, err := metrics.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	total := 0.0
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
	series:
		for _, m := range f.GetMetric() {
			have := map[string]string{}
			for _, l := range m.GetLabel() {
				have[l.GetName()] = l.GetValue()
			}
			for k, v := range labels {
				if have[k] != v {
					continue series
				}
			}
			switch {
			case m.GetCounter() != nil:
				total += m.GetCounter().GetValue()
			case m.GetGauge() != nil:
				total += m.GetGauge().GetValue()
			}
		}
	}
	return total
}
