package bus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/sciweek/sciweek/pkg/db"
	"github.com/sciweek/sciweek/pkg/errs"
	"github.com/sciweek/sciweek/pkg/telemetry"
)

// Message is one event delivered to a projection.
type Message struct {
	// Subject is the subject it was published on.
	Subject string
	// Type is the proto full name of the payload (the Sciweek-Type header).
	Type string
	// Data is the serialized proto message.
	Data []byte
	// Sequence is the message's position in its stream.
	Sequence uint64
	// Header carries the trace context and the message id.
	Header nats.Header
}

// Applier applies one message inside the projection's unit of work: ctx carries the
// transaction (db.TxFrom), so a port decodes the event and calls its service's use case, and the
// repositories the use case writes through join the transaction without the port or the app
// seeing it. Returning an errs.Invalid error means the message cannot be understood (for example
// it does not decode): the projection logs it and moves on, so an Applier must return Invalid
// only before it has written anything. Any other error rolls the batch back and the projection
// retries from its checkpoint.
type Applier func(ctx context.Context, msg Message) error

// BatchApplier applies a whole batch inside the projection's unit of work, the transaction in
// ctx (db.TxFrom), for projections that fold many events into few rows. It skips messages it
// cannot understand itself; an error rolls the batch back and the projection retries from its
// checkpoint.
type BatchApplier func(ctx context.Context, msgs []Message) error

// Projection is a named, durable reader of one stream that keeps tables up to date.
type Projection struct {
	// Name identifies the projection's checkpoint; keep it stable.
	Name string
	// Stream is the stream it reads.
	Stream string
	// Subjects filters the stream when the projection names no kinds (Routes, Kinds); empty
	// means every subject.
	Subjects []string
	// Routes apply the events of each kind, by message type; the projection reads only their
	// subjects. Set exactly one of Routes, Apply and ApplyBatch.
	Routes []Route
	// Kinds are the events an ApplyBatch projection folds: it reads only their subjects and
	// is handed only messages of their types.
	Kinds []Kind
	// Apply applies one message, the transaction in its context.
	Apply Applier
	// ApplyBatch applies a batch of messages, the transaction in its context.
	ApplyBatch BatchApplier
	// Committed, if set, is called after each batch commits, e.g. to wake live views.
	Committed func(applied int)
	// BatchSize is the most messages applied in one transaction; 0 means 500.
	BatchSize int
	// Linger is how long a batch waits for more messages after its first; 0 applies what has
	// arrived at once. A projection that folds many events into few rows lingers so a busy
	// stream makes fewer, larger transactions: fewer rows rewritten and fewer WAL flushes
	// competing with the writers upstream, at the cost of that much staleness.
	Linger time.Duration
	// Reconcile repairs the projection's tables from the system of record when its checkpoint
	// no longer fits the stream (see Mismatch). nil replays what the stream still holds, from
	// its first message: right for projections whose events carry the whole state of what they
	// describe (later events overwrite), where the events lost are at worst old states.
	Reconcile Reconciler
	// Audit, if set, runs every AuditEvery while the runner holds the projection, beside the
	// batches rather than between them: reading a whole system of record takes seconds at a
	// week's volume, and live views must not freeze meanwhile. It compares the tables with the
	// system of record and returns a repair when they differ, which the runner runs between
	// batches (nothing being applied); a repair that moves the checkpoint makes the runner go on
	// from the new one. One audit runs at a time; a tick while one runs is dropped.
	Audit func(ctx context.Context) (repair func(ctx context.Context) error, err error)
	// AuditEvery is how often Audit runs; 0 means 15 minutes. An audit that took d (with its
	// repair) is followed by at least auditRest·d without one, so a system of record grown to
	// minutes of reading is audited less often rather than most of the time.
	AuditEvery time.Duration
	// AuditRest is how many times its own duration an audit rests before the next; 0 means
	// auditRest (49), negative none (tests that audit as often as AuditEvery says).
	AuditRest int
}

// auditRest is how many times its own duration an audit rests before the next: audits take at
// most a fiftieth of the time.
const auditRest = 49

// ProjectionRunner runs projections for one service against its pool.
type ProjectionRunner struct {
	pool        *pgxpool.Pool
	js          jetstream.JetStream
	tel         *telemetry.Telemetry
	streams     StreamOptions
	tracer      trace.Tracer
	standbyPoll time.Duration
	idleCheck   time.Duration
	applied     metric.Int64Counter
	skipped     metric.Int64Counter
	mismatches  metric.Int64Counter
	log         *slog.Logger
	// lags are the projections this replica applies and how far each is behind its stream,
	// read by the sciweek_projection_lag gauge.
	lagMu sync.Mutex
	lags  map[string]int64
}

// NewProjectionRunner returns a runner for projections stored in pool's schema.
func NewProjectionRunner(pool *pgxpool.Pool, js jetstream.JetStream, tel *telemetry.Telemetry, streams StreamOptions) (*ProjectionRunner, error) {
	if pool == nil || js == nil || tel == nil {
		return nil, errors.New("bus: projection runner needs a pool, JetStream and telemetry")
	}
	m := tel.Meter.Meter("sciweek/bus")
	applied, err := m.Int64Counter("sciweek_projection_applied_total", metric.WithDescription("Events applied by projections."))
	if err != nil {
		return nil, err
	}
	skipped, err := m.Int64Counter("sciweek_projection_skipped_total", metric.WithDescription("Events projections could not understand and skipped."))
	if err != nil {
		return nil, err
	}
	mismatches, err := m.Int64Counter("sciweek_projection_mismatches_total",
		metric.WithDescription("Times a projection found its checkpoint no longer fits its stream (stream created again, tail lost, messages aged out) and reconciled."))
	if err != nil {
		return nil, err
	}
	r := &ProjectionRunner{pool: pool, js: js, tel: tel, streams: streams, tracer: tel.Tracer.Tracer("sciweek/bus"), standbyPoll: 2 * time.Second,
		idleCheck: time.Second, applied: applied, skipped: skipped, mismatches: mismatches, log: tel.Logger, lags: map[string]int64{}}
	// Only the replica applying a projection reports its lag (standbys report nothing), so
	// max or sum over replicas is the projection's lag. A projection whose batches keep failing
	// still reports it, measured at every attempt, so the alert sees it grow.
	if _, err := m.Int64ObservableGauge("sciweek_projection_lag",
		metric.WithDescription("Messages a projection is behind its stream: the stream's last sequence minus the projection's checkpoint (measured every second by the replica applying it)."),
		metric.WithInt64Callback(func(_ context.Context, o metric.Int64Observer) error {
			r.lagMu.Lock()
			defer r.lagMu.Unlock()
			for name, lag := range r.lags {
				o.Observe(lag, metric.WithAttributes(tel.ServiceAttr(), attribute.String("projection", name)))
			}
			return nil
		})); err != nil {
		return nil, err
	}
	return r, nil
}

// watchLag measures the projection's lag now and every idleCheck until ctx ends: the stream's
// last sequence minus the stored checkpoint. A projection folding only some subjects catches up
// to the stream's end when idle (check moves its checkpoint past the others), so 0 means caught up.
func (r *ProjectionRunner) watchLag(ctx context.Context, name string, stream jetstream.Stream) {
	t := time.NewTicker(r.idleCheck)
	defer t.Stop()
	for {
		info, err := stream.Info(ctx)
		if err == nil {
			var cp checkpoint
			if cp, err = r.readCheckpoint(ctx, name); err == nil {
				r.setLag(name, max(int64(info.State.LastSeq)-int64(cp.seq), 0)) //nolint:gosec // sequences are far below 2^63
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (r *ProjectionRunner) setLag(name string, lag int64) {
	r.lagMu.Lock()
	defer r.lagMu.Unlock()
	r.lags[name] = lag
}

func (r *ProjectionRunner) dropLag(name string) {
	r.lagMu.Lock()
	defer r.lagMu.Unlock()
	delete(r.lags, name)
}

// Run applies the projection until ctx ends. It reads with an ordered consumer that starts
// after the stored checkpoint; each batch and the new checkpoint commit together, so after a
// crash or restart every event is applied exactly once.
func (r *ProjectionRunner) Run(ctx context.Context, p Projection) error {
	set := 0
	for _, h := range []bool{len(p.Routes) > 0, p.Apply != nil, p.ApplyBatch != nil} {
		if h {
			set++
		}
	}
	if p.Name == "" || set != 1 || (len(p.Kinds) > 0 && p.ApplyBatch == nil) {
		return errors.New("bus: a projection needs a name and exactly one of Routes, Apply and ApplyBatch (Kinds go with ApplyBatch)")
	}
	if len(p.Routes) > 0 {
		routes := make(map[string]Applier, len(p.Routes))
		for _, r := range p.Routes {
			if r.Kind.Type == "" || r.Apply == nil {
				return fmt.Errorf("bus: projection %s has a route without a kind or a handler", p.Name)
			}
			routes[r.Kind.Type] = r.Apply
		}
		// Another message type on the same subjects is an event this projection does not
		// need: applied as nothing, so the checkpoint moves past it.
		p.Apply = func(ctx context.Context, m Message) error {
			if apply, ok := routes[m.Type]; ok {
				return apply(ctx, m)
			}
			return nil
		}
	}
	if len(p.Kinds) > 0 {
		types := make(map[string]bool, len(p.Kinds))
		for _, k := range p.Kinds {
			types[k.Type] = true
		}
		batch := p.ApplyBatch
		p.ApplyBatch = func(ctx context.Context, msgs []Message) error {
			kept := make([]Message, 0, len(msgs))
			for _, m := range msgs {
				if types[m.Type] {
					kept = append(kept, m)
				}
			}
			if len(kept) == 0 {
				return nil
			}
			return batch(ctx, kept)
		}
	}
	if p.BatchSize <= 0 {
		p.BatchSize = 500
	}
	backoff := 100 * time.Millisecond
	standby := false
	defer r.dropLag(p.Name)
	for {
		progressed, err := r.runOnce(ctx, p)
		if ctx.Err() != nil {
			return nil
		}
		if errors.Is(err, errStandby) {
			r.dropLag(p.Name)
			if !standby {
				r.log.InfoContext(ctx, "projection is applied by another replica; standing by", "projection", p.Name)
			}
			standby = true
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(r.standbyPoll):
			}
			continue
		}
		standby = false
		if progressed {
			backoff = 100 * time.Millisecond
		}
		r.log.WarnContext(ctx, "projection stopped; restarting from its checkpoint", "projection", p.Name, "error", err, "retry_in", backoff.String())
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 10*time.Second)
	}
}

// Checkpoint returns the last stream sequence the projection applied (0 before the first).
func (r *ProjectionRunner) Checkpoint(ctx context.Context, name string) (uint64, error) {
	var seq int64
	err := r.pool.QueryRow(ctx, `SELECT last_sequence FROM projection_checkpoints WHERE name = $1`, name).Scan(&seq)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	return uint64(seq), err
}

// runOnce reads and applies until an error; it reports whether it committed anything, so a
// projection that keeps making progress is restarted at once rather than after a long backoff.
func (r *ProjectionRunner) runOnce(ctx context.Context, p Projection) (progressed bool, err error) {
	// One replica applies a projection at a time: it holds a session advisory lock on a
	// connection of its own for as long as it runs. The others stand by and take over when the
	// holder's session ends. (The checkpoint check in apply guards the same rule once more.)
	lock, err := r.pool.Acquire(ctx)
	if err != nil {
		return false, err
	}
	defer lock.Release()
	key := lockKey("sciweek-projection-" + p.Name)
	var held bool
	if err := lock.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, key).Scan(&held); err != nil {
		return false, err
	}
	if !held {
		return false, errStandby
	}
	defer func() {
		_, _ = lock.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, key)
	}()
	if err := EnsureStreams(ctx, r.js, r.streams, p.Stream); err != nil {
		return false, err
	}
	stream, err := r.js.Stream(ctx, p.Stream)
	if err != nil {
		return false, fmt.Errorf("read stream %s: %w", p.Stream, err)
	}
	// The watch ends before runOnce returns, so a replica that goes on standby next drops its
	// lag for good.
	lagCtx, stopLag := context.WithCancel(ctx)
	lagDone := make(chan struct{})
	go func() { defer close(lagDone); r.watchLag(lagCtx, p.Name, stream) }()
	defer func() { stopLag(); <-lagDone }()
	cp, err := r.verify(ctx, p, stream)
	if err != nil {
		return false, err
	}
	last, created := cp.seq, cp.created
	cons, err := r.js.OrderedConsumer(ctx, p.Stream, jetstream.OrderedConsumerConfig{
		FilterSubjects: p.filters(),
		DeliverPolicy:  jetstream.DeliverByStartSequencePolicy,
		OptStartSeq:    last + 1,
	})
	if err != nil {
		return false, fmt.Errorf("create consumer: %w", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	inbox := make(chan jetstream.Msg, 4*p.BatchSize)
	consumeErr := make(chan error, 1)
	// Bounded by bytes as well as messages: check-in events carry up to a thousand records, and
	// a backlog of them (a rebuild, a restart after a busy hour) must not outrun the client's
	// buffers (which drop messages and make the consumer start over).
	cc, err := cons.Consume(func(m jetstream.Msg) {
		select {
		case inbox <- m:
		case <-cctx.Done():
		}
	}, jetstream.ConsumeErrHandler(func(_ jetstream.ConsumeContext, err error) {
		if errors.Is(err, jetstream.ErrConsumerDeleted) || errors.Is(err, jetstream.ErrNoHeartbeat) {
			return // the ordered consumer recreates itself
		}
		select {
		case consumeErr <- err:
		default:
		}
	}), jetstream.PullMaxBytes(8<<20))
	if err != nil {
		return false, fmt.Errorf("consume: %w", err)
	}
	// Unblock a callback waiting on a full inbox before stopping the consumer.
	defer func() { cancel(); cc.Stop() }()
	batch := make([]jetstream.Msg, 0, p.BatchSize)
	// Every second, between batches, the runner looks at its checkpoint (a rebuild moves it
	// back, and the replay must start without waiting for the next event) and at the stream (a
	// stream made again or cut short must be noticed even if nothing new arrives).
	check := time.NewTicker(r.idleCheck)
	defer check.Stop()
	var seen uint64 // the stream's last sequence at the previous check
	auditEvery := p.AuditEvery
	if auditEvery <= 0 {
		auditEvery = 15 * time.Minute
	}
	var audit <-chan time.Time
	if p.Audit != nil {
		t := time.NewTicker(auditEvery)
		defer t.Stop()
		audit = t.C
	}
	// The audit in flight reports here (buffered: it never waits for a loop that has returned;
	// cctx, cancelled when runOnce returns, stops it).
	type audited struct {
		repair func(ctx context.Context) error
		err    error
	}
	auditDone := make(chan audited, 1)
	auditing := false
	// An audit rests auditRest times as long as it took (with its repair) before the next
	// starts: however large the system of record grows, audits take at most a fiftieth of the
	// time of the database and the core they share with the writers.
	var auditBegan, auditNext time.Time
	rest := time.Duration(p.AuditRest)
	switch {
	case p.AuditRest == 0:
		rest = auditRest
	case p.AuditRest < 0:
		rest = 0
	}
	for {
		batch = batch[:0]
		select {
		case <-ctx.Done():
			return progressed, ctx.Err()
		case err := <-consumeErr:
			return progressed, err
		case <-check.C:
			moved, err := r.check(ctx, p, stream, cons, len(inbox) == 0, &last, &seen, created)
			if err != nil {
				return progressed, err
			}
			if moved {
				progressed = true
			}
			continue
		case <-audit:
			if auditing || time.Now().Before(auditNext) {
				continue
			}
			auditing, auditBegan = true, time.Now()
			go func() {
				repair, err := p.Audit(cctx)
				auditDone <- audited{repair: repair, err: err}
			}()
			continue
		case a := <-auditDone:
			auditing = false
			if a.err == nil && a.repair != nil {
				a.err = a.repair(ctx)
			}
			auditNext = time.Now().Add(rest * time.Since(auditBegan))
			if a.err != nil && ctx.Err() == nil {
				r.log.ErrorContext(ctx, "projection audit failed; trying again at the next", "projection", p.Name, "error", a.err, "every", auditEvery.String())
			}
			continue
		case m := <-inbox:
			batch = append(batch, m)
		}
		var linger <-chan time.Time
		var timer *time.Timer
		if p.Linger > 0 {
			timer = time.NewTimer(p.Linger)
			linger = timer.C
		}
	drain:
		for len(batch) < p.BatchSize {
			if linger == nil {
				select {
				case m := <-inbox:
					batch = append(batch, m)
				default:
					break drain
				}
				continue
			}
			select {
			case m := <-inbox:
				batch = append(batch, m)
			case <-linger:
				break drain
			case <-ctx.Done():
				timer.Stop()
				return progressed, ctx.Err()
			}
		}
		if timer != nil {
			timer.Stop()
		}
		if err := r.apply(ctx, p, batch, last, created); err != nil {
			return progressed, err
		}
		md, err := batch[len(batch)-1].Metadata()
		if err != nil {
			return progressed, err
		}
		last, progressed = md.Sequence.Stream, true
		if p.Committed != nil {
			p.Committed(len(batch))
		}
	}
}

// apply runs the handler over a batch in one transaction with the checkpoint update. Messages
// at or below the checkpoint are skipped: the consumer may deliver them again after a reset.
// Each message gets a consumer span, child of the producer's trace context in its headers, so
// one trace follows an event from the RPC that caused it to every projection that applied it.
func (r *ProjectionRunner) apply(ctx context.Context, p Projection, batch []jetstream.Msg, last uint64, created time.Time) error {
	msgs := make([]Message, 0, len(batch))
	top := last
	for _, m := range batch {
		md, err := m.Metadata()
		if err != nil {
			return err
		}
		if seq := md.Sequence.Stream; seq > top {
			top = seq
			msgs = append(msgs, Message{Subject: m.Subject(), Type: m.Headers().Get(HeaderType), Data: m.Data(), Sequence: seq, Header: m.Headers()})
		}
	}
	if len(msgs) == 0 {
		return nil
	}
	spans := make([]trace.Span, len(msgs))
	ctxs := make([]context.Context, len(msgs))
	for i, msg := range msgs {
		parent := r.tel.Propagator.Extract(ctx, propagation.HeaderCarrier(msg.Header))
		ctxs[i], spans[i] = r.tracer.Start(parent, "apply "+msg.Type, trace.WithSpanKind(trace.SpanKindConsumer),
			trace.WithAttributes(attribute.String("messaging.system", "nats"), attribute.String("messaging.destination.name", msg.Subject),
				attribute.String("sciweek.projection", p.Name), attribute.Int64("messaging.nats.stream_sequence", int64(msg.Sequence))))
	}
	defer func() {
		for _, s := range spans {
			s.End()
		}
	}()
	tx, err := r.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // rollback after commit is a no-op
	skipped := 0
	if p.ApplyBatch != nil {
		if err := p.ApplyBatch(db.WithTx(ctx, tx), msgs); err != nil {
			return fmt.Errorf("apply batch up to #%d: %w", top, err)
		}
	} else {
		for i, msg := range msgs {
			err := p.Apply(db.WithTx(ctxs[i], tx), msg)
			switch {
			case err == nil:
			case errs.KindOf(err) == errs.Invalid:
				skipped++
				spans[i].RecordError(err)
				r.log.ErrorContext(ctxs[i], "projection skipped an event it cannot apply", "projection", p.Name, "subject", msg.Subject, "sequence", msg.Sequence, "error", err)
			default:
				spans[i].RecordError(err)
				return fmt.Errorf("apply %s #%d: %w", msg.Subject, msg.Sequence, err)
			}
		}
	}
	// Move the checkpoint from where this runner read it; if it is elsewhere, someone else
	// applied events meanwhile and this batch must not count again.
	tag, err := tx.Exec(ctx, `INSERT INTO projection_checkpoints (name, stream, last_sequence, stream_created, updated_at) VALUES ($1, $2, $3, $5, now())
		ON CONFLICT (name) DO UPDATE SET last_sequence = EXCLUDED.last_sequence, stream_created = EXCLUDED.stream_created, updated_at = now()
		WHERE projection_checkpoints.last_sequence = $4`, p.Name, p.Stream, int64(top), int64(last), sameInstant(created))
	if err != nil {
		return err
	}
	if tag.RowsAffected() != 1 {
		return fmt.Errorf("checkpoint of %s moved away from %d: another runner applied events", p.Name, last)
	}
	if err := tx.Commit(ctx); err != nil {
		return err
	}
	attrs := metric.WithAttributes(r.tel.ServiceAttr(), attribute.String("projection", p.Name))
	r.applied.Add(ctx, int64(len(msgs)-skipped), attrs)
	if skipped > 0 {
		r.skipped.Add(ctx, int64(skipped), attrs)
	}
	return nil
}
