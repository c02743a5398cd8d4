// Package telemetry sets up what every service reports about itself: OpenTelemetry traces (one
// tracer provider per service, so spans name their service), slog JSON logs that carry the
// trace id, and metrics exported to Prometheus.
package telemetry

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
)

// Config says how one service reports.
type Config struct {
	// Service is the short service name, e.g. "checkin"; traces name it "sciweek-checkin".
	Service string
	// LogWriter receives the JSON log lines; nil means stderr.
	LogWriter io.Writer
	// LogLevel is the least severe level logged.
	LogLevel slog.Level
	// OTLPEndpoint, when set, exports spans over OTLP/gRPC (insecure) to a URL such as
	// http://localhost:4317 (OTEL_EXPORTER_OTLP_ENDPOINT) or a bare host:port.
	OTLPEndpoint string
	// SpanProcessors receive every finished span in addition to the exporter; tests record
	// spans with one.
	SpanProcessors []sdktrace.SpanProcessor
	// Meter is the process's meter provider (see NewMetrics); nil means no metrics.
	Meter metric.MeterProvider
}

// Telemetry is one service's tracer, meter, propagator and logger.
type Telemetry struct {
	// Service is the short service name.
	Service string
	// Tracer is the service's tracer provider.
	Tracer trace.TracerProvider
	// Meter is the process's meter provider.
	Meter metric.MeterProvider
	// Propagator carries trace context across gRPC and NATS (W3C trace context and baggage).
	Propagator propagation.TextMapPropagator
	// Logger writes JSON lines with the service name and, inside a span, its trace and span ids.
	Logger *slog.Logger

	shutdown func(context.Context) error
}

// New sets up a service's telemetry. Call Shutdown to flush spans on exit.
func New(ctx context.Context, cfg Config) (*Telemetry, error) {
	if cfg.Service == "" {
		return nil, errors.New("telemetry: service name is required")
	}
	res, err := resource.Merge(resource.Default(), resource.NewWithAttributes(semconv.SchemaURL,
		semconv.ServiceName("sciweek-"+cfg.Service),
		semconv.ServiceNamespace("sciweek"),
	))
	if err != nil {
		return nil, err
	}
	opts := []sdktrace.TracerProviderOption{sdktrace.WithResource(res)}
	if cfg.OTLPEndpoint != "" {
		// OTEL_EXPORTER_OTLP_ENDPOINT is a URL by the specification (http://localhost:4317);
		// a bare host:port is taken too.
		endpoint := otlptracegrpc.WithEndpoint(cfg.OTLPEndpoint)
		if strings.Contains(cfg.OTLPEndpoint, "://") {
			endpoint = otlptracegrpc.WithEndpointURL(cfg.OTLPEndpoint)
		}
		exp, err := otlptracegrpc.New(ctx, endpoint, otlptracegrpc.WithInsecure())
		if err != nil {
			return nil, err
		}
		opts = append(opts, sdktrace.WithBatcher(exp))
	}
	for _, sp := range cfg.SpanProcessors {
		opts = append(opts, sdktrace.WithSpanProcessor(sp))
	}
	tp := sdktrace.NewTracerProvider(opts...)
	meter := cfg.Meter
	if meter == nil {
		meter = noop.NewMeterProvider()
	}
	w := cfg.LogWriter
	if w == nil {
		w = os.Stderr
	}
	logger := slog.New(NewTraceHandler(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: cfg.LogLevel}))).
		With(slog.String("service", cfg.Service))
	return &Telemetry{
		Service:    cfg.Service,
		Tracer:     tp,
		Meter:      meter,
		Propagator: propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}),
		Logger:     logger,
		shutdown:   tp.Shutdown,
	}, nil
}

// Shutdown flushes and stops the tracer provider.
func (t *Telemetry) Shutdown(ctx context.Context) error {
	if t.shutdown == nil {
		return nil
	}
	return t.shutdown(ctx)
}

// ServiceAttr is the metric attribute that names the service, for metrics shared by all.
func (t *Telemetry) ServiceAttr() attribute.KeyValue {
	return attribute.String("service", t.Service)
}

// TraceHandler is a slog.Handler that adds trace_id and span_id from the context's span, so a
// log line can be found from a trace and the other way round.
type TraceHandler struct {
	next slog.Handler
}

// NewTraceHandler wraps next.
func NewTraceHandler(next slog.Handler) *TraceHandler { return &TraceHandler{next: next} }

// Enabled reports whether next logs at level.
func (h *TraceHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.next.Enabled(ctx, level)
}

// Handle adds the span's ids and passes the record on.
func (h *TraceHandler) Handle(ctx context.Context, r slog.Record) error {
	if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
		r.AddAttrs(slog.String("trace_id", sc.TraceID().String()), slog.String("span_id", sc.SpanID().String()))
	}
	return h.next.Handle(ctx, r)
}

// WithAttrs returns a handler with the attributes added.
func (h *TraceHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &TraceHandler{next: h.next.WithAttrs(attrs)}
}

// WithGroup returns a handler that nests later attributes in a group.
func (h *TraceHandler) WithGroup(name string) slog.Handler {
	return &TraceHandler{next: h.next.WithGroup(name)}
}
