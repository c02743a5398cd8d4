package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"golang.org/x/sync/errgroup"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/sciweek/sciweek/cmd/sciweek/internal/demo"
	"github.com/sciweek/sciweek/cmd/sciweek/internal/loadgen"
	"github.com/sciweek/sciweek/cmd/sciweek/internal/stack"
	"github.com/sciweek/sciweek/pkg/bus"
	"github.com/sciweek/sciweek/pkg/events"
	checkinv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/checkin/v1"
	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
	reportingv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/reporting/v1"
	"github.com/sciweek/sciweek/pkg/rpc"
	"github.com/sciweek/sciweek/pkg/telemetry"
	"github.com/sciweek/sciweek/services/checkin"
)

// benchCmd measures the check-in pipeline on this machine with everything on it: PostgreSQL,
// NATS, the services (check-in in a process of its own, to measure its memory) and the
// simulated terminals.
func benchCmd(args []string) error {
	fs := flag.NewFlagSet("bench", flag.ExitOnError)
	out := fs.String("out", "docs/bench/checkin.md", "where to write the results")
	duration := fs.Duration("duration", 60*time.Second, "length of the sustained end-to-end run")
	half := fs.Duration("half", 30*time.Second, "length of the run at half rate (latency and visibility)")
	stage := fs.Duration("stage", 10*time.Second, "length of each stage measurement")
	terminals := fs.Int("terminals", 200, "simulated terminals")
	venues := fs.Int("venues", 50, "venues they stand at")
	tickets := fs.Int("tickets", 5000, "tickets signed up for and scanned")
	batch := fs.Int("batch", 20, "records per call (gates batch; 1 is a handheld scanning one by one)")
	conns := fs.Int("conns", 4, "connections from the terminals to check-in")
	profiles := fs.String("profiles", "", "folder for CPU profiles of the half-rate run (check-in, and the process holding everything else); empty takes none")
	preload := fs.Int("preload", 0, "records to store before the runs, to measure check-in's memory with a full table")
	latencyRate := fs.Float64("rate", 0, "records per second of the latency run (default half the end-to-end rate)")
	dashOut := fs.String("dashboard-out", "docs/bench/dashboard.md", "where to write the dashboard results (empty skips the dashboard benchmark)")
	dashRecords := fs.Int("dashboard-records", 10_000_000, "check-in records the aggregates hold for the dashboard benchmark")
	dashActivities := fs.Int("dashboard-activities", 1000, "approved activities for the dashboard benchmark")
	screens := fs.Int("screens", 200, "screens connected for the fan-out measurement")
	dataDir := fs.String("data", "", "folder for the servers' data (default a temporary folder, removed afterwards)")
	_ = fs.Parse(args)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	dir := *dataDir
	if dir == "" {
		d, err := os.MkdirTemp("", "sciweek-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		dir = d
		// As root the database server runs as the postgres user, who must enter the folder.
		if err := os.Chmod(dir, 0o755); err != nil {
			return err
		}
	}
	logf, err := os.Create(filepath.Join(dir, "bench.log"))
	if err != nil {
		return err
	}
	defer logf.Close()
	say := func(format string, a ...any) { fmt.Fprintf(os.Stderr, "bench: "+format+"\n", a...) }

	// Everything but check-in in this process; check-in in its own.
	checkinAddr, err := freeAddr()
	if err != nil {
		return err
	}
	say("starting PostgreSQL, NATS, registration, venue, reporting and the gateway (data in %s)", dir)
	st, err := stack.Start(ctx, stack.Options{DataDir: dir, NATSPort: -1, LogWriter: logf, Except: []string{"checkin"},
		Remote: stack.Addrs{Checkin: checkinAddr}})
	if err != nil {
		return err
	}
	defer st.Close(context.Background())
	metricsAddr, err := freeAddr()
	if err != nil {
		return err
	}
	child, err := startCheckin(ctx, checkinAddr, metricsAddr, st, filepath.Join(dir, "checkin.log"))
	if err != nil {
		return err
	}
	defer child.stop()
	dial := func(addr string) (*grpc.ClientConn, error) {
		return grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	}
	regConn, err := dial(st.Addrs.Registration)
	if err != nil {
		return err
	}
	venueConn, err := dial(st.Addrs.Venue)
	if err != nil {
		return err
	}
	repConn, err := dial(st.Addrs.Reporting)
	if err != nil {
		return err
	}
	checkinConns := make([]grpc.ClientConnInterface, *conns)
	for i := range checkinConns {
		c, err := dial(checkinAddr)
		if err != nil {
			return err
		}
		checkinConns[i] = c
	}
	say("loading the demo data")
	info, err := demo.Ensure(ctx, dir, st.Registration, demo.Conns{Registration: regConn, Venue: venueConn})
	if err != nil {
		return err
	}
	tel, err := telemetry.New(ctx, telemetry.Config{Service: "bench", LogWriter: logf})
	if err != nil {
		return err
	}
	r := benchResults{Started: time.Now(), Args: strings.Join(append([]string{"sciweek", "bench"}, args...), " "), Batch: *batch,
		Terminals: *terminals, Venues: *venues}

	if *preload > 0 {
		say("storing %d records before the runs", *preload)
		took, err := preloadRecords(ctx, st.DatabaseURL, *preload)
		if err != nil {
			return err
		}
		r.Preloaded, r.PreloadTook = *preload, took
	}

	// (a) The stages alone.
	say("stage: PostgreSQL insert of check-in rows alone (%s)", *stage)
	store, err := checkin.MeasureStore(ctx, st.DatabaseURL, tel, *stage, 2000, 2)
	if err != nil {
		return err
	}
	r.StoreRate = store.Rate()
	say("  %.0f rows/s", r.StoreRate)

	// (b) End to end, as fast as terminals are acknowledged.
	world, err := loadgen.Prepare(ctx, loadgen.Setup{Registration: regConn, Venue: venueConn, Checkin: checkinConns[0],
		Username: info.AdminUsername, Password: info.AdminPassword, Edition: demo.LiveEdition,
		Terminals: *terminals, Venues: *venues, Tickets: *tickets, Log: os.Stderr, RunID: rand.Uint32()})
	if err != nil {
		return err
	}
	r.Venues, r.Counties = world.Venues, world.Counties
	login, err := registrationv1.NewAccountServiceClient(regConn).Login(ctx, &registrationv1.LoginRequest{Username: info.AdminUsername, Password: info.AdminPassword})
	if err != nil {
		return err
	}
	admin := grpc.PerRPCCredentials(rpc.BearerCredential(login.GetAccessToken()))
	stats := reportingv1.NewStatsServiceClient(repConn)
	mix := loadgen.Mix{Ticket: 0.1, Group: 0.02, Checkout: 0.2}
	base, err := participations(ctx, stats, admin)
	if err != nil {
		return err
	}
	if r.SettleFull, err = settle(ctx, st.DatabaseURL); err != nil {
		return err
	}
	say("end to end: %d terminals, %d records a call, as fast as acknowledged, for %s", *terminals, *batch, *duration)
	full, err := loadgen.Run(ctx, loadgen.Config{Conns: checkinConns, Terminals: world.Terminals, Duration: *duration, Batch: *batch, Mix: mix,
		Progress: os.Stderr})
	if err != nil {
		return err
	}
	caughtUp, err := waitFor(ctx, stats, admin, base+full.People(), 5*time.Minute)
	if err != nil {
		return err
	}
	r.Acked, r.AckedRate, r.CatchUp = full.Records, full.Rate(), caughtUp
	r.EndToEnd = float64(full.Records) / (full.Elapsed + caughtUp).Seconds()
	r.Retries, r.Overloaded = full.Retries, full.Overloaded
	r.FullP50, r.FullP99 = full.Latency(0.5), full.Latency(0.99)
	r.RSSAfterFull, r.PeakRSS = child.memory()
	say("  %.0f records/s acknowledged; aggregates caught up %s after the last; %.0f records/s end to end", r.AckedRate, caughtUp.Round(time.Millisecond), r.EndToEnd)
	events, err := eventsPerRecord(ctx, st.NATSURL)
	if err != nil {
		return err
	}
	r.RecordsPerEvent = events

	// JetStream alone, with events of the size the pipeline made.
	say("stage: JetStream publish alone, events of %.0f records (%s)", r.RecordsPerEvent, *stage)
	msgs, err := measurePublish(ctx, st.NATSURL, max(int(r.RecordsPerEvent+0.5), 1), *stage)
	if err != nil {
		return err
	}
	r.PublishMsgRate = msgs
	r.PublishRate = msgs * r.RecordsPerEvent
	say("  %.0f events/s = %.0f records/s", msgs, r.PublishRate)

	// (c, d) Half the end-to-end rate: call latency and dashboard visibility.
	base, err = participations(ctx, stats, admin)
	if err != nil {
		return err
	}
	// The full-rate run left hundreds of megabytes for the kernel to write back; landing in the
	// middle of this run, that writeback would hold up PostgreSQL's WAL flushes and measure the
	// previous run rather than this one. Write it out first.
	if r.SettleHalf, err = settle(ctx, st.DatabaseURL); err != nil {
		return err
	}
	say("  the disks settled in %s", r.SettleHalf.Round(time.Millisecond))
	rate := r.EndToEnd / 2
	if *latencyRate > 0 {
		rate = *latencyRate
	}
	say("half rate: %.0f records/s for %s, watching the dashboard", rate, *half)
	serverSide := []string{metricRPC, metricQueue, metricCommit}
	before, err := scrapeHistograms(metricsAddr, serverSide...)
	if err != nil {
		return err
	}
	vis := newVisibility(base)
	wctx, cancelWatch := context.WithCancel(ctx)
	watching := make(chan error, 1)
	go func() { watching <- vis.watch(wctx, stats, admin) }()
	profiled := make(chan error, 1)
	if *profiles != "" {
		stopProfiles, err := profile(*profiles, metricsAddr, *half)
		if err != nil {
			cancelWatch()
			return err
		}
		go func() { profiled <- stopProfiles() }()
	} else {
		profiled <- nil
	}
	halfSum, err := loadgen.Run(ctx, loadgen.Config{Conns: checkinConns, Terminals: world.Terminals, Duration: *half, Batch: *batch, Mix: mix,
		Rate: rate, Progress: os.Stderr, OnAck: vis.acked})
	if perr := <-profiled; perr != nil {
		say("profiles: %v", perr)
	}
	if err != nil {
		cancelWatch()
		return err
	}
	if _, err := waitFor(ctx, stats, admin, base+halfSum.People(), time.Minute); err != nil {
		cancelWatch()
		return err
	}
	time.Sleep(500 * time.Millisecond)
	cancelWatch()
	if err := <-watching; err != nil && ctx.Err() == nil {
		return err
	}
	r.HalfRate, r.HalfP50, r.HalfP99, r.HalfMax = halfSum.Rate(), halfSum.Latency(0.5), halfSum.Latency(0.99), halfSum.Latency(1)
	r.VisP50, r.VisP99, r.VisMax, r.VisSamples = vis.quantiles()
	after, err := scrapeHistograms(metricsAddr, serverSide...)
	if err != nil {
		return err
	}
	r.ServerRPC, r.ServerQueue, r.ServerCommit = after.describe(before, metricRPC), after.describe(before, metricQueue), after.describe(before, metricCommit)
	r.RSSAfterHalf, r.PeakRSS = child.memory()

	// (e) Handheld doors: one record a call (the door app online, scanning one person at a
	// time), against the ceiling of bare unary calls to the same process in the same run.
	say("stage: bare gRPC unary calls to check-in (health check), 64 callers (%s)", *stage)
	if r.UnaryRate, err = measureUnary(ctx, checkinConns, 64, *stage); err != nil {
		return err
	}
	say("  %.0f calls/s", r.UnaryRate)
	if base, err = participations(ctx, stats, admin); err != nil {
		return err
	}
	say("handheld: one record a call, as fast as acknowledged, for %s", *half)
	hand, err := loadgen.Run(ctx, loadgen.Config{Conns: checkinConns, Terminals: world.Terminals, Duration: *half, Batch: 1, Mix: mix, Progress: os.Stderr})
	if err != nil {
		return err
	}
	handCaught, err := waitFor(ctx, stats, admin, base+hand.People(), 5*time.Minute)
	if err != nil {
		return err
	}
	r.HandheldRate = float64(hand.Records) / (hand.Elapsed + handCaught).Seconds()
	r.HandheldP99 = hand.Latency(0.99)
	say("  %.0f records/s end to end (%.0f%% of the unary ceiling)", r.HandheldRate, 100*r.HandheldRate/r.UnaryRate)
	r.Stored, err = storedRecords(ctx, st.DatabaseURL)
	if err != nil {
		return err
	}
	if err := world.Close(ctx); err != nil {
		say("revoke terminals: %v", err)
	}
	r.Finished = time.Now()
	text := r.markdown()
	fmt.Print("\n" + text)
	if *out != "" {
		if err := os.MkdirAll(filepath.Dir(*out), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(*out, []byte(text), 0o644); err != nil {
			return err
		}
		say("written to %s", *out)
	}
	if *dashOut == "" {
		return nil
	}
	return benchDashboard(ctx, dashboardBench{st: st, info: info, regConn: regConn, repConn: repConn, venueConn: venueConn, say: say, out: *dashOut,
		records: *dashRecords, activities: *dashActivities, screens: *screens, args: r.Args})
}

// measureUnary returns how many bare unary calls (gRPC health checks: no authentication, no
// storage) the check-in process answers a second with callers in flight: the ceiling a
// one-record-a-call door can approach.
func measureUnary(ctx context.Context, conns []grpc.ClientConnInterface, callers int, d time.Duration) (float64, error) {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var calls atomic.Int64
	g, gctx := errgroup.WithContext(ctx)
	start := time.Now()
	for i := range callers {
		h := healthpb.NewHealthClient(conns[i%len(conns)])
		g.Go(func() error {
			for gctx.Err() == nil {
				if _, err := h.Check(gctx, &healthpb.HealthCheckRequest{}); err != nil {
					// gRPC's own deadline timer may fire a moment before the context's.
					if gctx.Err() != nil || status.Code(err) == codes.DeadlineExceeded {
						return nil
					}
					return fmt.Errorf("health check: %w", err)
				}
				calls.Add(1)
			}
			return nil
		})
	}
	err := g.Wait()
	return float64(calls.Load()) / time.Since(start).Seconds(), err
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// checkinProcess is `sciweek serve checkin` run by the benchmark.
type checkinProcess struct {
	cmd *exec.Cmd
}

func startCheckin(ctx context.Context, addr, metricsAddr string, st *stack.Stack, logPath string) (*checkinProcess, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe, "serve", "checkin", "-listen", addr, "-metrics", metricsAddr)
	cmd.Env = append(os.Environ(), "DATABASE_URL="+st.DatabaseURL, "NATS_URL="+st.NATSURL)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} // never outlive the benchmark
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &checkinProcess{cmd: cmd}
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		p.stop()
		return nil, err
	}
	defer conn.Close()
	cctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if _, err := healthpb.NewHealthClient(conn).Check(cctx, &healthpb.HealthCheckRequest{}, grpc.WaitForReady(true)); err != nil {
		p.stop()
		return nil, fmt.Errorf("check-in did not come up (see %s): %w", logPath, err)
	}
	return p, nil
}

func (p *checkinProcess) stop() {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		_ = p.cmd.Process.Kill()
	}
}

// memory reads the process's resident memory now and at its peak, in bytes.
func (p *checkinProcess) memory() (rss, peak int64) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		return 0, 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 {
			continue
		}
		kb, _ := strconv.ParseInt(fields[1], 10, 64)
		switch fields[0] {
		case "VmRSS:":
			rss = kb << 10
		case "VmHWM:":
			peak = kb << 10
		}
	}
	return rss, peak
}

func participations(ctx context.Context, stats reportingv1.StatsServiceClient, admin grpc.CallOption) (int64, error) {
	ov, err := stats.GetOverview(ctx, &reportingv1.GetOverviewRequest{EditionId: demo.LiveEdition}, admin)
	return ov.GetOverview().GetCity().GetParticipations(), err
}

// waitFor returns how long the dashboard's figures took to reach want.
func waitFor(ctx context.Context, stats reportingv1.StatsServiceClient, admin grpc.CallOption, want int64, limit time.Duration) (time.Duration, error) {
	start := time.Now()
	for {
		got, err := participations(ctx, stats, admin)
		if err != nil {
			return 0, err
		}
		if got == want {
			return time.Since(start), nil
		}
		if got > want {
			return 0, fmt.Errorf("dashboard shows %d participations, more than the %d acknowledged", got, want)
		}
		if time.Since(start) > limit {
			return 0, fmt.Errorf("dashboard shows %d participations %s after the run, want %d", got, limit, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
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

func newVisibility(base int64) *visibility { return &visibility{base: base} }

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
func (v *visibility) watch(ctx context.Context, stats reportingv1.StatsServiceClient, admin grpc.CallOption) error {
	stream, err := stats.WatchOverview(ctx, &reportingv1.WatchOverviewRequest{EditionId: demo.LiveEdition}, admin)
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

// eventsPerRecord reads how many records the check-in events carried on average.
func eventsPerRecord(ctx context.Context, url string) (float64, error) {
	nc, err := nats.Connect(url)
	if err != nil {
		return 0, err
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return 0, err
	}
	cons, err := js.OrderedConsumer(ctx, bus.StreamCheckin, jetstream.OrderedConsumerConfig{FilterSubjects: []string{events.CheckinsRecorded.Filter()}})
	if err != nil {
		return 0, err
	}
	var events, records int
	for events < 2000 {
		batch, err := cons.Fetch(500, jetstream.FetchMaxWait(time.Second))
		if err != nil {
			return 0, err
		}
		got := 0
		for m := range batch.Messages() {
			var ev checkinv1.CheckinsRecorded
			if err := proto.Unmarshal(m.Data(), &ev); err != nil {
				return 0, err
			}
			events, records, got = events+1, records+len(ev.GetRecords()), got+1
		}
		if got == 0 {
			break
		}
	}
	if events == 0 {
		return 0, fmt.Errorf("no check-in events in the stream")
	}
	return float64(records) / float64(events), nil
}

// measurePublish publishes events of n records to a scratch stream, the way the outbox relay
// does (asynchronously, with message ids for deduplication, acknowledgements awaited per batch
// of 500), and returns events per second.
func measurePublish(ctx context.Context, url string, n int, d time.Duration) (float64, error) {
	nc, err := nats.Connect(url)
	if err != nil {
		return 0, err
	}
	defer nc.Close()
	js, err := jetstream.New(nc, jetstream.WithPublishAsyncMaxPending(1000))
	if err != nil {
		return 0, err
	}
	const stream = "SCIWEEK_BENCH_STAGE"
	if _, err := js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{Name: stream, Subjects: []string{"sciweek.bench.>"},
		Storage: jetstream.FileStorage, Duplicates: 2 * time.Minute}); err != nil {
		return 0, err
	}
	defer js.DeleteStream(context.WithoutCancel(ctx), stream) //nolint:errcheck // scratch
	ev := &checkinv1.CheckinsRecorded{CountyCode: "140105"}
	now := timestamppb.Now()
	for i := range n {
		ev.Records = append(ev.Records, &checkinv1.RecordedCheckin{RecordId: uuid.NewString(), EditionId: "demo", VenueId: uuid.NewString(),
			ActivityId: uuid.NewString(), TerminalId: uuid.NewString(), TerminalSequence: uint64(i + 1), Kind: checkinv1.CheckinKind_CHECKIN_KIND_WALK_IN,
			Category: checkinv1.ParticipantCategory_PARTICIPANT_CATEGORY_ADULT, Headcount: 1, Outcome: checkinv1.Outcome_OUTCOME_ADMITTED,
			OccurredAt: now, RecordedAt: now})
	}
	var published int
	start := time.Now()
	for time.Since(start) < d && ctx.Err() == nil {
		futures := make([]jetstream.PubAckFuture, 0, 500)
		for range 500 {
			id := uuid.NewString()
			ev.EventId = id
			data, err := proto.Marshal(ev)
			if err != nil {
				return 0, err
			}
			msg := nats.NewMsg("sciweek.bench.records.140105")
			msg.Data = data
			msg.Header.Set(bus.HeaderType, "sciweek.checkin.v1.CheckinsRecorded")
			f, err := js.PublishMsgAsync(msg, jetstream.WithMsgID(id))
			if err != nil {
				return 0, err
			}
			futures = append(futures, f)
		}
		for _, f := range futures {
			select {
			case <-f.Ok():
			case err := <-f.Err():
				return 0, err
			}
		}
		published += len(futures)
	}
	return float64(published) / time.Since(start).Seconds(), nil
}

// preloadRecords fills the check-in table with n records of past days, in the service's
// schema, the way a week of the busiest days would leave it.
func preloadRecords(ctx context.Context, url string, n int) (time.Duration, error) {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return 0, err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	start := time.Now()
	const chunk = 1_000_000
	for done := 0; done < n; done += chunk {
		k := min(chunk, n-done)
		if _, err := conn.Exec(ctx, `INSERT INTO checkin.checkin_records (id, terminal_id, terminal_sequence, edition_id, county_code, venue_id,
				activity_id, kind, category, headcount, outcome, occurred_at, recorded_at)
			SELECT gen_random_uuid(), t.id, $1::bigint + g, 'preload', '140105', t.venue, t.activity, 2, 1 + g % 4, 1, 1,
				now() - interval '3 days' + g * interval '1 millisecond', now() - interval '3 days'
			FROM generate_series(1, $2::bigint) g,
			LATERAL (SELECT gen_random_uuid() AS id, gen_random_uuid() AS venue, gen_random_uuid() AS activity) t`, done, k); err != nil {
			return 0, err
		}
	}
	// Measure the steady state, not the bulk load's aftermath: vacuum and analyze the table
	// and write its pages out now rather than in the middle of a run.
	if _, err := conn.Exec(ctx, `VACUUM ANALYZE checkin.checkin_records`); err != nil {
		return 0, err
	}
	_, err = conn.Exec(ctx, `CHECKPOINT`)
	return time.Since(start), err
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

// settle writes out what earlier runs left dirty: PostgreSQL's buffers (a checkpoint) and the
// kernel's page cache (sync), JetStream's files included.
func settle(ctx context.Context, url string) (time.Duration, error) {
	start := time.Now()
	conn, err := pgx.Connect(ctx, url)
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

func storedRecords(ctx context.Context, url string) (int64, error) {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return 0, err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var n int64
	err = conn.QueryRow(ctx, `SELECT count(*) FROM checkin.checkin_records`).Scan(&n)
	return n, err
}

type benchResults struct {
	Started, Finished                    time.Time
	Args                                 string
	Batch, Terminals, Venues, Counties   int
	Preloaded                            int
	PreloadTook                          time.Duration
	SettleFull, SettleHalf               time.Duration
	StoreRate                            float64
	PublishMsgRate, PublishRate          float64
	RecordsPerEvent                      float64
	Acked                                int64
	AckedRate, EndToEnd                  float64
	CatchUp                              time.Duration
	Retries, Overloaded                  int64
	FullP50, FullP99                     time.Duration
	HalfRate                             float64
	HalfP50, HalfP99, HalfMax            time.Duration
	VisP50, VisP99, VisMax               time.Duration
	VisSamples                           int
	RSSAfterFull, RSSAfterHalf           int64
	PeakRSS                              int64
	Stored                               int64
	ServerRPC, ServerQueue, ServerCommit string
	UnaryRate, HandheldRate              float64
	HandheldP99                          time.Duration
}

// The check-in service's latency histograms, as its /metrics names them.
const (
	metricRPC    = "rpc_server_call_duration_seconds"
	metricQueue  = "sciweek_checkin_queue_seconds"
	metricCommit = "sciweek_checkin_commit_seconds"
)

func (r benchResults) markdown() string {
	var b strings.Builder
	ms := func(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }
	mib := func(n int64) string { return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20)) }
	ceiling := min(r.StoreRate, r.PublishRate)
	fmt.Fprintf(&b, "# Check-in pipeline benchmark\n\n")
	fmt.Fprintf(&b, "Measured %s on this machine (%d CPUs, %s, Go %s), everything on it: PostgreSQL (durable: fsync and synchronous commit on), "+
		"embedded NATS JetStream (file storage), registration, venue, reporting and the gateway in one process, check-in in a process of its own, "+
		"and the simulated terminals.\n\nReproduce with `make bench`; this run was `%s`.\n\n",
		r.Started.UTC().Format("2006-01-02 15:04 MST"), runtime.NumCPU(), cpuModel(), strings.TrimPrefix(runtime.Version(), "go"), r.Args)
	fmt.Fprintf(&b, "Load: %d terminals at %d venues in %d counties of the demo data, %d records a call (gates batch), "+
		"10%% ticket scans (a few shown twice), 2%% school groups, 20%% check-outs, the rest walk-ins.\n\n", r.Terminals, r.Venues, r.Counties, r.Batch)
	fmt.Fprintf(&b, "| Figure | Measured | Target |\n|---|---|---|\n")
	fmt.Fprintf(&b, "| (a) PostgreSQL insert of check-in rows alone | %.0f rows/s | |\n", r.StoreRate)
	fmt.Fprintf(&b, "| (a) JetStream publish alone, events of %.0f records | %.0f events/s = %.0f records/s | |\n", r.RecordsPerEvent, r.PublishMsgRate, r.PublishRate)
	fmt.Fprintf(&b, "| Pipeline ceiling (the slower stage) | %.0f records/s | |\n", ceiling)
	fmt.Fprintf(&b, "| (b) End to end, terminal to aggregate, sustained | %.0f records/s (%.0f%% of the ceiling) | ≥ 20,000/s |\n", r.EndToEnd, 100*r.EndToEnd/ceiling)
	fmt.Fprintf(&b, "| (c) Call latency at half that rate (%.0f records/s) | p50 %s · p99 %s · max %s | p99 < 25 ms |\n", r.HalfRate, ms(r.HalfP50), ms(r.HalfP99), ms(r.HalfMax))
	fmt.Fprintf(&b, "| (d) Acknowledgement to dashboard push (%d samples) | p50 %s · p99 %s · max %s | p99 < 1 s |\n", r.VisSamples, ms(r.VisP50), ms(r.VisP99), ms(r.VisMax))
	if r.UnaryRate > 0 {
		fmt.Fprintf(&b, "| (e) Bare gRPC unary calls to check-in (health check, 64 callers) | %.0f calls/s | |\n", r.UnaryRate)
		fmt.Fprintf(&b, "| (e) Handheld doors: one record a call, end to end | %.0f records/s (%.0f%% of the unary ceiling, %.0f%% of the batched figure) · call p99 %s | |\n",
			r.HandheldRate, 100*r.HandheldRate/r.UnaryRate, 100*r.HandheldRate/r.EndToEnd, ms(r.HandheldP99))
	}
	fmt.Fprintf(&b, "| Check-in service memory with %d records stored | %s resident after the runs · %s peak | < 300 MB at 10 M |\n", r.Stored, mib(r.RSSAfterHalf), mib(r.PeakRSS))
	fmt.Fprintf(&b, "\nDetails: the sustained run acknowledged %d records in its window (%.0f/s; call latency p50 %s, p99 %s at full load; %d retries, %d of them overloaded); "+
		"the aggregates had caught up %s after the last acknowledgement, and (b) counts that time in. ", r.Acked, r.AckedRate, ms(r.FullP50), ms(r.FullP99), r.Retries, r.Overloaded, ms(r.CatchUp))
	fmt.Fprintf(&b, "Visibility is measured on the reporting service's live stream, the one the dashboard's server-sent events relay, "+
		"which pushes at most every 250 ms per screen; each sample is an acknowledged call and the first push that includes its people.")
	if r.Preloaded > 0 {
		fmt.Fprintf(&b, " Before the runs %d records were stored directly (%s).", r.Preloaded, r.PreloadTook.Round(time.Second))
	}
	fmt.Fprintf(&b, " Before each of the two runs PostgreSQL was checkpointed and the disks synced (%s and %s), so that neither measures "+
		"the writeback of what ran before it.", ms(r.SettleFull), ms(r.SettleHalf))
	fmt.Fprintf(&b, "\n\nServer side during the latency run, from the check-in service's histograms: whole call %s; "+
		"waiting for a writer %s; the group-committed transaction %s.", r.ServerRPC, r.ServerQueue, r.ServerCommit)
	fmt.Fprintf(&b, "\n\nRun took %s.\n", r.Finished.Sub(r.Started).Round(time.Second))
	return b.String()
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}
