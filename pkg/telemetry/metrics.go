package telemetry

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
)

// Metrics is a process's meter provider and the Prometheus registry it exports to. There is one
// per process: in `sciweek dev` the services share it and tell their series apart by the
// rpc.service and service attributes.
type Metrics struct {
	// Provider creates the meters.
	Provider *sdkmetric.MeterProvider
	// Registry holds the process's series, including Go runtime and process collectors.
	Registry *prometheus.Registry
}

// NewMetrics returns a meter provider that exports to a new Prometheus registry.
func NewMetrics() (*Metrics, error) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	exp, err := otelprom.New(otelprom.WithRegisterer(reg))
	if err != nil {
		return nil, err
	}
	return &Metrics{Provider: sdkmetric.NewMeterProvider(sdkmetric.WithReader(exp)), Registry: reg}, nil
}

// Handler serves the registry in the Prometheus text format, for /metrics.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{})
}
