package bus

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/protobuf/proto"

	"github.com/sciweek/sciweek/pkg/telemetry"
)

// Event is one message to publish.
type Event struct {
	// ID is the event's UUIDv7; it becomes the JetStream message id (Nats-Msg-Id).
	ID uuid.UUID
	// Subject is where it is published, e.g. sciweek.venue.terminal.revoked.
	Subject string
	// Message is the event itself.
	Message proto.Message
}

// NewEventID returns a new UUIDv7: time-ordered, so ids sort like the events happened.
func NewEventID() uuid.UUID {
	id, err := uuid.NewV7()
	if err != nil {
		return uuid.New() // the clock read failed; a random id is still unique
	}
	return id
}

// Enqueue writes events to the outbox inside tx, with the current trace context, so they are
// published if and only if tx commits.
func Enqueue(ctx context.Context, tx pgx.Tx, prop propagation.TextMapPropagator, events ...Event) error {
	if len(events) == 0 {
		return nil
	}
	batch := &pgx.Batch{}
	if err := QueueEvents(ctx, batch, prop, events...); err != nil {
		return err
	}
	return tx.SendBatch(ctx, batch).Close()
}

// QueueEvents adds the outbox rows of events to batch, with the current trace context, for a
// writer that sends its transaction's last statements and its COMMIT in one round trip.
func QueueEvents(ctx context.Context, batch *pgx.Batch, prop propagation.TextMapPropagator, events ...Event) error {
	if len(events) == 0 {
		return nil
	}
	rows, err := NewOutboxRows(ctx, prop, events...)
	if err != nil {
		return err
	}
	batch.Queue(queueEvents, rows.Args()...)
	return nil
}

// queueEvents is QueueEvents' statement: every event of a write in one INSERT.
var queueEvents = OutboxInsert(1)

// OutboxRows are events as the columns of the outbox, for a writer that stores its change and
// its events in one statement (see OutboxInsert): a statement is atomic on its own, so it needs
// no BEGIN and no COMMIT of its own, and is one round trip.
type OutboxRows struct {
	IDs      [][16]byte
	Subjects []string
	Types    []string
	Payloads [][]byte
	// Headers is the trace context, the same for every event of one write.
	Headers []byte
}

// NewOutboxRows marshals events with the current trace context.
func NewOutboxRows(ctx context.Context, prop propagation.TextMapPropagator, events ...Event) (OutboxRows, error) {
	carrier := propagation.MapCarrier{}
	prop.Inject(ctx, carrier)
	headers, err := json.Marshal(carrier)
	if err != nil {
		return OutboxRows{}, err
	}
	r := OutboxRows{Headers: headers, IDs: make([][16]byte, 0, len(events)), Subjects: make([]string, 0, len(events)),
		Types: make([]string, 0, len(events)), Payloads: make([][]byte, 0, len(events))}
	for _, ev := range events {
		payload, err := proto.Marshal(ev.Message)
		if err != nil {
			return OutboxRows{}, fmt.Errorf("bus: marshal %s: %w", ev.Subject, err)
		}
		r.IDs, r.Subjects, r.Payloads = append(r.IDs, ev.ID), append(r.Subjects, ev.Subject), append(r.Payloads, payload)
		r.Types = append(r.Types, string(ev.Message.ProtoReflect().Descriptor().FullName()))
	}
	return r, nil
}

// OutboxInsert is an INSERT of OutboxRows whose parameters are numbered from first (first is
// the ids, then subjects, types, payloads and headers), for use inside a larger statement, e.g.
// as a data-modifying WITH query beside the change the events describe.
func OutboxInsert(first int) string {
	return fmt.Sprintf(`INSERT INTO outbox (event_id, subject, msg_type, payload, headers)
		SELECT e, s, t, p, $%d::jsonb FROM unnest($%d::uuid[], $%d::text[], $%d::text[], $%d::bytea[]) AS u(e, s, t, p)`,
		first+4, first, first+1, first+2, first+3)
}

// Args are the parameters OutboxInsert takes, in its order.
func (r OutboxRows) Args() []any { return []any{r.IDs, r.Subjects, r.Types, r.Payloads, r.Headers} }

// RelayConfig is what a relay needs.
type RelayConfig struct {
	// Pool is the service's pool; the outbox is in its schema.
	Pool *pgxpool.Pool
	// JetStream is where events go.
	JetStream jetstream.JetStream
	// Telemetry is the service's telemetry.
	Telemetry *telemetry.Telemetry
	// Schema names the service's schema; it keys the lock that keeps one relay active.
	Schema string
	// BatchSize is the most events published per round; 0 means 1000.
	BatchSize int
	// PollInterval is how often the relay looks for events written by other replicas; 0 means
	// 200 ms. Writes in this process wake it at once through Wake.
	PollInterval time.Duration
	// Linger is how long the relay lets events gather after a wake before it publishes them; 0
	// publishes at once. Each round is a transaction of its own (its delete is flushed to the
	// WAL), so a service committing hundreds of times a second lingers a little to publish in
	// fewer, larger rounds.
	Linger time.Duration
}

// Relay publishes a service's outbox to JetStream, in order. Only one relay per schema works at
// a time (a transaction-scoped advisory lock), so events leave in the order they were written.
type Relay struct {
	cfg     RelayConfig
	lockKey int64
	wake    chan struct{}
	log     *slog.Logger
	tracer  trace.Tracer
	lag     metric.Float64Histogram
	sent    metric.Int64Counter
	oldest  metric.Float64Gauge
}

// NewRelay returns a relay; call Run to start it.
func NewRelay(cfg RelayConfig) (*Relay, error) {
	if cfg.Pool == nil || cfg.JetStream == nil || cfg.Telemetry == nil || cfg.Schema == "" {
		return nil, fmt.Errorf("bus: relay needs a pool, JetStream, telemetry and a schema")
	}
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = 1000
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = 200 * time.Millisecond
	}
	m := cfg.Telemetry.Meter.Meter("sciweek/bus")
	lag, err := m.Float64Histogram("sciweek_outbox_lag_seconds",
		metric.WithDescription("Time from an event's commit to its acknowledgement by JetStream."),
		metric.WithExplicitBucketBoundaries(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
	if err != nil {
		return nil, err
	}
	sent, err := m.Int64Counter("sciweek_outbox_published_total", metric.WithDescription("Events published from the outbox, by message type."))
	if err != nil {
		return nil, err
	}
	// The backlog as operators alert on it: how long the oldest event has waited, measured at
	// every round before publishing, so it grows while JetStream is unreachable.
	oldest, err := m.Float64Gauge("sciweek_outbox_oldest_seconds", metric.WithUnit("s"),
		metric.WithDescription("Age of the oldest event still in the outbox at the relay's last round (0 when empty)."))
	if err != nil {
		return nil, err
	}
	return &Relay{
		cfg: cfg, lockKey: lockKey("sciweek-outbox-" + cfg.Schema), wake: make(chan struct{}, 1),
		log: cfg.Telemetry.Logger, tracer: cfg.Telemetry.Tracer.Tracer("sciweek/bus"),
		lag: lag, sent: sent, oldest: oldest,
	}, nil
}

// Wake tells the relay that events were just committed, so it does not wait for its next poll.
func (r *Relay) Wake() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Run publishes until ctx ends. Failures are logged and retried with backoff; events stay in the
// outbox until JetStream has acknowledged them.
func (r *Relay) Run(ctx context.Context) error {
	backoff := r.cfg.PollInterval
	for {
		n, err := r.publishBatch(ctx)
		if ctx.Err() != nil {
			return nil
		}
		wait := r.cfg.PollInterval
		switch {
		case err != nil:
			r.log.WarnContext(ctx, "outbox relay failed; retrying", "error", err, "retry_in", backoff.String())
			wait, backoff = backoff, min(backoff*2, 10*time.Second)
		case n == r.cfg.BatchSize:
			backoff = r.cfg.PollInterval
			continue // more waiting
		default:
			backoff = r.cfg.PollInterval
		}
		select {
		case <-ctx.Done():
			return nil
		case <-r.wake:
			if r.cfg.Linger > 0 {
				select {
				case <-ctx.Done():
					return nil
				case <-time.After(r.cfg.Linger):
				}
			}
		case <-time.After(wait):
		}
	}
}

type outboxRow struct {
	seq     int64
	eventID uuid.UUID
	subject string
	msgType string
	payload []byte
	headers map[string]string
	created time.Time
}

// publishBatch publishes up to BatchSize events and deletes them, in one transaction that holds
// the relay lock. If anything fails the transaction rolls back and the events stay; a publish
// that JetStream did store is then dropped as a duplicate on the next round (same Nats-Msg-Id).
func (r *Relay) publishBatch(ctx context.Context) (int, error) {
	tx, err := r.cfg.Pool.Begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // rollback after commit is a no-op
	var locked bool
	if err := tx.QueryRow(ctx, `SELECT pg_try_advisory_xact_lock($1)`, r.lockKey).Scan(&locked); err != nil {
		return 0, err
	}
	if !locked {
		return 0, nil // another replica's relay is at work
	}
	rows, err := tx.Query(ctx, `SELECT seq, event_id, subject, msg_type, payload, headers, created_at FROM outbox ORDER BY seq LIMIT $1`, r.cfg.BatchSize)
	if err != nil {
		return 0, err
	}
	batch, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (outboxRow, error) {
		var o outboxRow
		err := row.Scan(&o.seq, &o.eventID, &o.subject, &o.msgType, &o.payload, &o.headers, &o.created)
		return o, err
	})
	if err != nil {
		return 0, err
	}
	svc := metric.WithAttributes(r.cfg.Telemetry.ServiceAttr())
	if len(batch) == 0 {
		r.oldest.Record(ctx, 0, svc)
		return 0, nil
	}
	r.oldest.Record(ctx, time.Since(batch[0].created).Seconds(), svc)
	futures := make([]jetstream.PubAckFuture, 0, len(batch))
	spans := make([]trace.Span, 0, len(batch))
	defer func() {
		for _, s := range spans {
			s.End()
		}
	}()
	for _, o := range batch {
		parent := r.cfg.Telemetry.Propagator.Extract(ctx, propagation.MapCarrier(o.headers))
		sctx, span := r.tracer.Start(parent, "publish "+o.msgType, trace.WithSpanKind(trace.SpanKindProducer),
			trace.WithAttributes(attribute.String("messaging.system", "nats"), attribute.String("messaging.destination.name", o.subject),
				attribute.String("messaging.message.id", o.eventID.String())))
		spans = append(spans, span)
		msg := nats.NewMsg(o.subject)
		msg.Data = o.payload
		msg.Header.Set(HeaderType, o.msgType)
		r.cfg.Telemetry.Propagator.Inject(sctx, propagation.HeaderCarrier(msg.Header))
		f, err := r.cfg.JetStream.PublishMsgAsync(msg, jetstream.WithMsgID(o.eventID.String()), jetstream.WithStallWait(5*time.Second))
		if err != nil {
			return 0, fmt.Errorf("publish %s: %w", o.subject, err)
		}
		futures = append(futures, f)
	}
	timeout := time.NewTimer(10 * time.Second)
	defer timeout.Stop()
	for i, f := range futures {
		select {
		case <-f.Ok():
		case err := <-f.Err():
			spans[i].RecordError(err)
			return 0, fmt.Errorf("publish %s: %w", batch[i].subject, err)
		case <-timeout.C:
			return 0, fmt.Errorf("publish: no acknowledgement from JetStream in 10s")
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
	// Delete exactly what was published: a transaction with a lower seq may commit later.
	seqs := make([]int64, len(batch))
	for i, o := range batch {
		seqs[i] = o.seq
	}
	if _, err := tx.Exec(ctx, `DELETE FROM outbox WHERE seq = ANY($1)`, seqs); err != nil {
		return 0, err
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, err
	}
	now := time.Now()
	// Counted per message type (a few dozen at most), so an alert can watch one kind of event,
	// such as OccupancyAlarm.
	byType := map[string]int64{}
	for _, o := range batch {
		r.lag.Record(ctx, now.Sub(o.created).Seconds(), svc)
		byType[o.msgType]++
	}
	for t, n := range byType {
		r.sent.Add(ctx, n, metric.WithAttributes(r.cfg.Telemetry.ServiceAttr(), attribute.String("type", t)))
	}
	return len(batch), nil
}
