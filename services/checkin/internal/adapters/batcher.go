package adapters

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/sciweek/sciweek/pkg/errs"
	"github.com/sciweek/sciweek/services/checkin/internal/app"
	"github.com/sciweek/sciweek/services/checkin/internal/domain"
)

// BatcherConfig tunes group commit.
type BatcherConfig struct {
	// MaxBatch is the most records one transaction writes (a larger upload still goes in one);
	// 0 means 100. Larger batches raise the most the service takes per second; smaller ones,
	// with more writers, keep calls quick at the rates of a busy day (see docs/bench).
	MaxBatch int
	// Linger is how long a writer waits for more records, when it has fewer than MaxBatch and no
	// other transaction is in flight. 0, the default, waits for nothing (see Batcher).
	Linger time.Duration
	// Writers is how many transactions may be in flight at once; 0 means 4. A second one starts
	// only when the first cannot take what waits (see Batcher).
	Writers int
	// MaxPending is how many records may wait; beyond it callers get ResourceExhausted with a
	// retry delay instead of an ever longer queue. 0 means 50,000.
	MaxPending int
	// RetryAfter is the delay suggested to callers refused for overload; 0 means 200 ms.
	RetryAfter time.Duration
}

// Batcher is group commit for check-ins: concurrent calls' records are written together, in one
// transaction and one fsync, and each caller is answered when its records are durable. It
// implements app.Recorder.
//
// Batches adapt to the load. One writer at a time gathers the queue. With no transaction in
// flight it commits at once, so a lone scan is never held back; with one in flight it gathers
// until that transaction ends, then commits everything that came meanwhile, so a busy minute
// makes one commit per fsync, not one per call; only a full batch (MaxBatch) starts another
// transaction beside those in flight, up to Writers. Before, every writer committed whatever it
// found: at half load four writers committed one or two records each, and the calls waited for
// each other's fsyncs — the tail was worse at half load than at full (docs/bench/latency.md).
type Batcher struct {
	cfg     BatcherConfig
	store   *Records
	jobs    chan *job
	mu      sync.Mutex // guards pending and closed, and is held while queueing
	pending int
	closed  bool

	// gathering is held by the one writer gathering a batch.
	gathering sync.Mutex
	// inflight counts the transactions being committed; ended hears of each one's end.
	inflight atomic.Int32
	ended    chan struct{}

	batchSize metric.Int64Histogram
	refused   metric.Int64Counter
	queued    metric.Float64Histogram
	committed metric.Float64Histogram
	tracer    trace.Tracer
}

type job struct {
	ctx     context.Context
	records []domain.Record
	done    chan jobResult
	queued  time.Time
}

type jobResult struct {
	stored []app.Stored
	err    error
}

// NewBatcher returns a batcher over store; Run starts its writers.
func NewBatcher(store *Records, cfg BatcherConfig, meter metric.Meter, tracer trace.Tracer) (*Batcher, error) {
	if cfg.MaxBatch <= 0 {
		cfg.MaxBatch = 100
	}
	if cfg.Writers <= 0 {
		cfg.Writers = 4
	}
	if cfg.MaxPending <= 0 {
		cfg.MaxPending = 50000
	}
	if cfg.RetryAfter <= 0 {
		cfg.RetryAfter = 200 * time.Millisecond
	}
	size, err := meter.Int64Histogram("sciweek_checkin_batch_records", metric.WithDescription("Records written per group-committed transaction."),
		metric.WithExplicitBucketBoundaries(1, 5, 10, 50, 100, 250, 500, 1000, 2000))
	if err != nil {
		return nil, err
	}
	refused, err := meter.Int64Counter("sciweek_checkin_overload_refusals_total", metric.WithDescription("Calls refused with RESOURCE_EXHAUSTED because the queue was full."))
	if err != nil {
		return nil, err
	}
	// Where a call's time goes: waiting for a writer, then the writer's transaction.
	latency := []float64{.0002, .0005, .001, .002, .003, .005, .0075, .01, .015, .02, .03, .05, .075, .1, .2, .5, 1}
	queued, err := meter.Float64Histogram("sciweek_checkin_queue_seconds", metric.WithUnit("s"),
		metric.WithDescription("Time a call's records wait for a writer."), metric.WithExplicitBucketBoundaries(latency...))
	if err != nil {
		return nil, err
	}
	committed, err := meter.Float64Histogram("sciweek_checkin_commit_seconds", metric.WithUnit("s"),
		metric.WithDescription("Time a group-committed transaction takes, commit included."), metric.WithExplicitBucketBoundaries(latency...))
	if err != nil {
		return nil, err
	}
	return &Batcher{cfg: cfg, store: store, jobs: make(chan *job, cfg.MaxPending), batchSize: size, refused: refused,
		queued: queued, committed: committed, tracer: tracer, ended: make(chan struct{}, 1)}, nil
}

// Save queues records and waits until they are durable; see app.Recorder.
func (b *Batcher) Save(ctx context.Context, records []domain.Record) ([]app.Stored, error) {
	j := &job{ctx: ctx, records: records, done: make(chan jobResult, 1), queued: time.Now()}
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		e := ErrShuttingDown.New()
		e.RetryAfter = time.Second
		return nil, e
	}
	if b.pending+len(records) > b.cfg.MaxPending {
		b.mu.Unlock()
		b.refused.Add(ctx, 1)
		e := ErrAtCapacity.New()
		e.RetryAfter = b.cfg.RetryAfter
		return nil, e
	}
	b.pending += len(records)
	b.jobs <- j // never blocks: the channel holds MaxPending jobs and pending counts records
	b.mu.Unlock()
	// Once queued, a job is written even if the caller goes away: the terminal will retry and
	// get the first result back. The caller does not wait past its deadline (the server's bound
	// on the call): a hung database answers DeadlineExceeded and a retry hint in time.
	select {
	case r := <-j.done:
		return r.stored, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Run writes batches until ctx ends; queued records are written before it returns.
func (b *Batcher) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	for range b.cfg.Writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b.write(ctx)
		}()
	}
	wg.Wait()
	return nil
}

func (b *Batcher) write(ctx context.Context) {
	for {
		batch, ok := b.gather(ctx)
		if !ok {
			return
		}
		b.inflight.Add(1)
		b.commit(context.WithoutCancel(ctx), batch)
		b.inflight.Add(-1)
		select {
		case b.ended <- struct{}{}:
		default: // the gatherer has a wake-up waiting already
		}
	}
}

// gather takes the next batch off the queue, as the one writer gathering; false when ctx has
// ended and the queue is drained.
func (b *Batcher) gather(ctx context.Context) ([]*job, bool) {
	b.gathering.Lock()
	defer b.gathering.Unlock()
	var first *job
	select {
	case first = <-b.jobs:
	case <-ctx.Done():
		// Take no more, and drain what is queued with a context of its own: those records
		// were promised a durable answer.
		b.mu.Lock()
		b.closed = true
		b.mu.Unlock()
		for {
			select {
			case j := <-b.jobs:
				b.commit(context.WithoutCancel(ctx), []*job{j})
			default:
				return nil, false
			}
		}
	}
	batch, n := []*job{first}, len(first.records)
	// A wake-up left by a transaction that ended before now says nothing about the ones in
	// flight: drop it, then look.
	select {
	case <-b.ended:
	default:
	}
	var linger <-chan time.Time
	if b.cfg.Linger > 0 {
		timer := time.NewTimer(b.cfg.Linger)
		defer timer.Stop()
		linger = timer.C
	}
	for n < b.cfg.MaxBatch {
		var ended <-chan struct{}
		if b.inflight.Load() > 0 {
			ended = b.ended // wait for the transaction in flight, gathering meanwhile
		} else if linger == nil {
			// Nothing in flight: take what is queued now and commit at once.
			select {
			case j := <-b.jobs:
				batch, n = append(batch, j), n+len(j.records)
				continue
			default:
				return batch, true
			}
		}
		select {
		case j := <-b.jobs:
			batch, n = append(batch, j), n+len(j.records)
		case <-ended:
			return b.takeQueued(batch, n), true
		case <-linger:
			return b.takeQueued(batch, n), true
		}
	}
	return batch, true
}

// takeQueued adds what is queued now to batch, up to MaxBatch.
func (b *Batcher) takeQueued(batch []*job, n int) []*job {
	for n < b.cfg.MaxBatch {
		select {
		case j := <-b.jobs:
			batch, n = append(batch, j), n+len(j.records)
		default:
			return batch
		}
	}
	return batch
}

// commit writes a batch of jobs in one transaction and answers each. If the batch fails as a
// whole (one job reusing a sequence number for another scan, say) each job is tried alone, so
// one terminal's bug does not fail the others.
func (b *Batcher) commit(ctx context.Context, batch []*job) {
	var all []domain.Record
	links := make([]trace.Link, 0, len(batch))
	started := time.Now()
	for _, j := range batch {
		all = append(all, j.records...)
		links = append(links, trace.LinkFromContext(j.ctx))
		b.queued.Record(ctx, started.Sub(j.queued).Seconds())
	}
	// The write continues the first caller's trace, so a single scan is one trace from the
	// terminal to the dashboard; every other caller in the batch is linked.
	ctx, span := b.tracer.Start(trace.ContextWithSpanContext(ctx, trace.SpanContextFromContext(batch[0].ctx)), "checkin.commit_batch",
		trace.WithLinks(links[1:]...), trace.WithAttributes(attribute.Int("sciweek.batch.records", len(all)), attribute.Int("sciweek.batch.calls", len(batch))))
	defer span.End()
	// And each caller's own span links back to the batch: from any door's call an operator
	// reaches the transaction that stored its records and, through it, the events and the
	// dashboard they moved.
	for _, j := range batch[1:] {
		trace.SpanFromContext(j.ctx).AddLink(trace.Link{SpanContext: span.SpanContext(),
			Attributes: []attribute.KeyValue{attribute.String("sciweek.link", "stored in batch")}})
	}
	stored, err := b.store.Save(ctx, all)
	b.committed.Record(ctx, time.Since(started).Seconds())
	if err != nil {
		span.RecordError(err)
	}
	b.batchSize.Record(ctx, int64(len(all)), metric.WithAttributes(attribute.Bool("ok", err == nil)))
	if err != nil && len(batch) > 1 && errs.KindOf(err) != errs.Unavailable {
		for _, j := range batch {
			b.commit(ctx, []*job{j})
		}
		return
	}
	b.mu.Lock()
	b.pending -= len(all)
	b.mu.Unlock()
	at := 0
	for _, j := range batch {
		if err != nil {
			j.done <- jobResult{err: err}
			continue
		}
		j.done <- jobResult{stored: stored[at : at+len(j.records)]}
		at += len(j.records)
	}
}

// The batcher's refusals: the terminal keeps its records and sends them again.
var (
	ErrShuttingDown = errs.Reason{Code: "CHECKIN_SHUTTING_DOWN", Kind: errs.Unavailable,
		English: "check-in is shutting down; send again shortly",
		Chinese: "签到服务正在重启，记录已保存在设备上，稍后会自动重新上传"}
	ErrAtCapacity = errs.Reason{Code: "CHECKIN_AT_CAPACITY", Kind: errs.Exhausted,
		English: "check-in is at capacity; send again shortly",
		Chinese: "签到服务繁忙，记录已保存在设备上，稍后会自动重新上传"}
)
