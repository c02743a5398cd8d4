package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sciweek/sciweek/cmd/sciweek/internal/loadgen"
	reportingv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/reporting/v1"
	"github.com/sciweek/sciweek/services/checkin"
)

// mix is the load of every run: 10% ticket scans (a few shown twice), 2% school groups, 20%
// check-outs, the rest walk-ins.
var mix = loadgen.Mix{Ticket: 0.1, Group: 0.02, Checkout: 0.2}

// preloaded is what the preload stored and how long the pipeline took with it.
type preloaded struct {
	Records int64
	// Took runs from the first upload to the aggregates including the last record.
	Took time.Duration
	// Overloaded counts calls refused with a retry hint because check-in's queue was full.
	Overloaded int64
	// LongestDelivery is the longest one call took from its first sending to its
	// acknowledgement, retries included.
	LongestDelivery time.Duration
}

// Rate is records per second, upload to aggregate.
func (p preloaded) Rate() float64 { return float64(p.Records) / p.Took.Seconds() }

// preload uploads n records through check-in, spread over the edition's past days' opening
// hours, as doors that were offline all week would upload them (calls of 1,000), and waits until
// the dashboard counts them: the full table check-in's memory is measured with, and the week the
// dashboard is queried over. Ticket scans are left out: tickets admit only in their session.
func (e *env) preload(ctx context.Context, n int) (preloaded, error) {
	e.say("preload: %d records over the last eight days, uploaded through check-in", n)
	base, err := e.participations(ctx)
	if err != nil {
		return preloaded{}, err
	}
	now := time.Now()
	days := int(now.Sub(e.day0).Hours()/24) + 1
	at := func(rng *rand.Rand) time.Time {
		for {
			t := e.day0.AddDate(0, 0, rng.IntN(days)).Add(time.Duration(8*60+rng.IntN(12*60)) * time.Minute)
			if t.Before(now) {
				return t
			}
		}
	}
	// Every terminal uploads as fast as it is let in, so check-in's queue stays full and most
	// calls are refused with a retry hint; which retry gets in is a matter of luck, and a door
	// can wait minutes. A door's queue never gives up on its records, so neither does this one.
	sum, err := loadgen.Run(ctx, loadgen.Config{Conns: e.checkinConns, Terminals: e.world.Terminals, Duration: 24 * time.Hour, Batch: 1000,
		Mix: loadgen.Mix{Group: mix.Group, Checkout: mix.Checkout}, Records: int64(n), At: at, Progress: e.log, GiveUpAfter: 30 * time.Minute})
	if err != nil {
		return preloaded{}, err
	}
	if sum.Unacknowledged > 0 {
		return preloaded{}, fmt.Errorf("preload: %d records were not acknowledged: %v", sum.Unacknowledged, sum.Errors)
	}
	caught, err := e.waitFor(ctx, base+sum.People(), 30*time.Minute)
	if err != nil {
		return preloaded{}, err
	}
	e.stored += sum.Records
	p := preloaded{Records: sum.Records, Took: sum.Elapsed + caught, LongestDelivery: sum.LongestDelivery, Overloaded: sum.Overloaded}
	e.say("  %d records in %s (%.0f records/s upload to aggregate); %d calls refused as overloaded and retried, the longest wait for one call %s",
		p.Records, p.Took.Round(time.Second), p.Rate(), p.Overloaded, p.LongestDelivery.Round(time.Millisecond))
	return p, nil
}

// load is one kind of door's figures: as fast as they are acknowledged, then at half that rate.
type load struct {
	Batch int
	Full  sustainedRun
	Half  halfRun
}

// load runs the terminals with batch records a call, first as fast as they are acknowledged for
// full, then at half the rate that reached the dashboard for half.
func (e *env) load(ctx context.Context, batch int, full, half time.Duration, profiles string) (load, error) {
	l := load{Batch: batch}
	var err error
	if l.Full, err = e.sustained(ctx, full, batch); err != nil {
		return l, err
	}
	l.Half, err = e.halfRate(ctx, half, batch, l.Full.EndToEnd/2, profiles)
	return l, err
}

// sustainedRun is the end-to-end figure: terminals as fast as they are acknowledged.
type sustainedRun struct {
	Acked               int64
	AckedRate, EndToEnd float64
	CatchUp             time.Duration
	Retries, Overloaded int64
	// Unhinted counts overload and outage answers without a retry delay; Failed counts records
	// given up on.
	Unhinted, Failed int64
	P50, P99         time.Duration
	Settle           time.Duration
	CPU              cpuShare
	// PG is what PostgreSQL's statements and WAL did during the run (Options.Statements).
	PG *pgWorkDone
}

// sustained runs the terminals as fast as they are acknowledged for d and counts the time the
// aggregates take to catch up after the last acknowledgement.
func (e *env) sustained(ctx context.Context, d time.Duration, batch int) (sustainedRun, error) {
	var r sustainedRun
	base, err := e.participations(ctx)
	if err != nil {
		return r, err
	}
	if r.Settle, err = e.settle(ctx); err != nil {
		return r, err
	}
	e.say("full rate: %d terminals, %d records a call, as fast as acknowledged, for %s", len(e.world.Terminals), batch, d)
	pgBefore, err := e.pgWorkNow(ctx)
	if err != nil {
		return r, err
	}
	cpu := e.cpuNow()
	full, err := loadgen.Run(ctx, loadgen.Config{Conns: e.checkinConns, Terminals: e.world.Terminals, Duration: d, Batch: batch, Mix: mix,
		Progress: e.log})
	if err != nil {
		return r, err
	}
	r.CPU = e.cpuNow().since(cpu)
	if r.CatchUp, err = e.waitFor(ctx, base+full.People(), 5*time.Minute); err != nil {
		return r, err
	}
	if r.PG, err = e.pgWorkSince(ctx, pgBefore, full.Records); err != nil {
		return r, err
	}
	e.stored += full.Records
	r.Acked, r.AckedRate = full.Records, full.Rate()
	r.EndToEnd = float64(full.Records) / (full.Elapsed + r.CatchUp).Seconds()
	r.Retries, r.Overloaded, r.Unhinted, r.Failed = full.Retries, full.Overloaded, full.Unhinted, full.Unacknowledged
	r.P50, r.P99 = full.Latency(0.5), full.Latency(0.99)
	e.say("  %.0f records/s acknowledged, p99 %s; aggregates caught up %s after the last; %.0f records/s end to end", r.AckedRate, ms(r.P99),
		r.CatchUp.Round(time.Millisecond), r.EndToEnd)
	return r, nil
}

// halfRun is the latency figure: call latency and dashboard visibility at a set rate.
type halfRun struct {
	Rate                     float64
	P50, P99, Max            time.Duration
	VisP50, VisP99, VisMax   time.Duration
	VisSamples               int
	Unhinted, Failed         int64
	Settle                   time.Duration
	ServerRPC, Queue, Commit string
	CPU                      cpuShare
	// Waits is what check-in's writing sessions were doing, when sampled (Options.Waits).
	Waits *waits
	// Maintenance is what autovacuum and the statistics audit were seen doing during the run
	// (watchMaintenance).
	Maintenance map[string]int
	// PG is what PostgreSQL's statements and WAL did during the run (Options.Statements).
	PG *pgWorkDone
}

// halfRate runs the terminals at rate for d, pairing each acknowledgement with the first
// dashboard push that includes its people, and reads where the server spent a call's time from
// check-in's histograms.
func (e *env) halfRate(ctx context.Context, d time.Duration, batch int, rate float64, profiles string) (halfRun, error) {
	var r halfRun
	base, err := e.participations(ctx)
	if err != nil {
		return r, err
	}
	// The full-rate run left hundreds of megabytes for the kernel to write back; landing in the
	// middle of this run, that writeback would hold up PostgreSQL's WAL flushes and measure the
	// previous run rather than this one. Write it out first.
	if r.Settle, err = e.settle(ctx); err != nil {
		return r, err
	}
	e.say("half rate: %.0f records/s, %d records a call, for %s, watching the dashboard (the disks settled in %s)", rate, batch, d, r.Settle.Round(time.Millisecond))
	serverSide := []string{metricRPC, metricQueue, metricCommit}
	before, err := scrapeHistograms(e.metricsAddr, serverSide...)
	if err != nil {
		return r, err
	}
	vis := &visibility{base: base}
	wctx, cancelWatch := context.WithCancel(ctx)
	defer cancelWatch()
	watching := make(chan error, 1)
	go func() { watching <- vis.watch(wctx, e) }()
	profiled := make(chan error, 1)
	if profiles != "" {
		stopProfiles, err := profile(profiles, e.metricsAddr, d)
		if err != nil {
			return r, err
		}
		go func() { profiled <- stopProfiles() }()
	} else {
		profiled <- nil
	}
	var sampled <-chan waits
	sctx, stopSampling := context.WithCancel(ctx)
	defer stopSampling()
	if e.waitPeriod > 0 {
		if sampled, err = sampleWaits(sctx, e.st.DatabaseURL, e.waitPeriod); err != nil {
			return r, err
		}
	}
	pgBefore, err := e.pgWorkNow(ctx)
	if err != nil {
		return r, err
	}
	stopWatch := e.watchMaintenance(ctx, backgroundNow, checkin.TallyExportApplication)
	cpu := e.cpuNow()
	sum, err := loadgen.Run(ctx, loadgen.Config{Conns: e.checkinConns, Terminals: e.world.Terminals, Duration: d, Batch: batch, Mix: mix,
		Rate: rate, Progress: e.log, OnAck: vis.acked})
	r.CPU = e.cpuNow().since(cpu)
	r.Maintenance = stopWatch()
	if sampled != nil {
		stopSampling()
		w := <-sampled
		r.Waits = &w
		e.say("  check-in's writing sessions: %s", w)
	}
	if perr := <-profiled; perr != nil {
		e.say("profiles: %v", perr)
	}
	if err != nil {
		return r, err
	}
	if _, err := e.waitFor(ctx, base+sum.People(), time.Minute); err != nil {
		return r, err
	}
	e.stored += sum.Records
	if r.PG, err = e.pgWorkSince(ctx, pgBefore, sum.Records); err != nil {
		return r, err
	}
	time.Sleep(500 * time.Millisecond)
	cancelWatch()
	if err := <-watching; err != nil && ctx.Err() == nil {
		return r, err
	}
	r.Rate, r.P50, r.P99, r.Max = sum.Rate(), sum.Latency(0.5), sum.Latency(0.99), sum.Latency(1)
	r.Unhinted, r.Failed = sum.Unhinted, sum.Unacknowledged
	r.VisP50, r.VisP99, r.VisMax, r.VisSamples = vis.quantiles()
	after, err := scrapeHistograms(e.metricsAddr, serverSide...)
	if err != nil {
		return r, err
	}
	r.ServerRPC, r.Queue, r.Commit = after.describe(before, metricRPC), after.describe(before, metricQueue), after.describe(before, metricCommit)
	e.say("  p99 %s; dashboard push p99 %s", ms(r.P99), ms(r.VisP99))
	return r, nil
}

// settle writes out what earlier runs left dirty: PostgreSQL's buffers (a checkpoint, which
// reads no table) and the kernel's page cache (sync), JetStream's files included.
func (e *env) settle(ctx context.Context) (time.Duration, error) {
	start := time.Now()
	conn, err := pgx.Connect(ctx, e.st.DatabaseURL)
	if err != nil {
		return 0, err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, `CHECKPOINT`); err != nil {
		return 0, err
	}
	syscall.Sync()
	return time.Since(start), nil
}

// visibility pairs acknowledgements with the dashboard pushes that first include them.
type visibility struct {
	mu       sync.Mutex
	base     int64
	total    int64
	pending  []ackMark
	measured []time.Duration
}

type ackMark struct {
	at    time.Time
	total int64
}

func (v *visibility) acked(at time.Time, people int64) {
	if people == 0 {
		return
	}
	v.mu.Lock()
	v.total += people
	v.pending = append(v.pending, ackMark{at: at, total: v.total})
	v.mu.Unlock()
}

// watch follows the dashboard's live stream: each push settles every acknowledgement whose
// people it includes.
func (v *visibility) watch(ctx context.Context, e *env) error {
	stream, err := e.stats.WatchOverview(ctx, &reportingv1.WatchOverviewRequest{EditionId: e.edition}, e.admin)
	if err != nil {
		return err
	}
	for {
		msg, err := stream.Recv()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		now := time.Now()
		shown := msg.GetOverview().GetCity().GetParticipations() - v.base
		v.mu.Lock()
		i := 0
		for ; i < len(v.pending) && v.pending[i].total <= shown; i++ {
			v.measured = append(v.measured, now.Sub(v.pending[i].at))
		}
		v.pending = v.pending[i:]
		v.mu.Unlock()
	}
}

func (v *visibility) quantiles() (p50, p99, maxd time.Duration, n int) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if len(v.measured) == 0 {
		return 0, 0, 0, 0
	}
	s := slices.Clone(v.measured)
	slices.Sort(s)
	q := func(x float64) time.Duration { return s[min(int(x*float64(len(s))), len(s)-1)] }
	return q(0.5), q(0.99), s[len(s)-1], len(s)
}

// profile takes CPU profiles for d: the check-in process's from its metrics port, and this
// process's (loadgen, NATS and the other services). The returned function waits for both.
func profile(dir, checkinMetrics string, d time.Duration) (func() error, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	self, err := os.Create(filepath.Join(dir, "bench.pprof"))
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(self); err != nil {
		self.Close()
		return nil, err
	}
	remote := make(chan error, 1)
	go func() {
		resp, err := http.Get(fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", checkinMetrics, int(d.Seconds())))
		if err != nil {
			remote <- err
			return
		}
		defer resp.Body.Close()
		f, err := os.Create(filepath.Join(dir, "checkin.pprof"))
		if err != nil {
			remote <- err
			return
		}
		_, err = io.Copy(f, resp.Body)
		remote <- errors.Join(err, f.Close())
	}()
	return func() error {
		time.Sleep(d)
		pprof.StopCPUProfile()
		return errors.Join(self.Close(), <-remote)
	}, nil
}
