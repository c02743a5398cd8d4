package bench

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"

	"github.com/sciweek/sciweek/cmd/sciweek/internal/demo"
	"github.com/sciweek/sciweek/cmd/sciweek/internal/loadgen"
	"github.com/sciweek/sciweek/cmd/sciweek/internal/stack"
	"github.com/sciweek/sciweek/pkg/auth"
	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
	reportingv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/reporting/v1"
	"github.com/sciweek/sciweek/pkg/rpc"
	"github.com/sciweek/sciweek/pkg/throttle"
)

// env is a running system under measurement: PostgreSQL, NATS, registration, venue, reporting
// and the gateway in this process, check-in in a process of its own (so its memory is its
// own), and the benchmark's world in it.
type env struct {
	say func(string, ...any)
	// log takes the progress lines of setup and of the load generator.
	log     io.Writer
	dir     string
	cleanup func()
	st      *stack.Stack
	child   *checkinProcess
	// metricsAddr serves check-in's /metrics and pprof.
	metricsAddr                 string
	regConn, venueConn, repConn *grpc.ClientConn
	checkinConns                []grpc.ClientConnInterface
	info                        demo.Info
	admin                       grpc.CallOption
	stats                       reportingv1.StatsServiceClient

	// edition is the benchmark's own edition: its first day a week ago, its last tomorrow, so
	// a week of history can be uploaded into it and scans today count.
	edition    string
	day0       time.Time
	activities []benchActivity
	world      *loadgen.World
	// stored counts the records check-in has stored in this run.
	stored int64
	// waitPeriod is how often check-in's database sessions are sampled in half-rate runs; 0
	// samples none (see waits).
	waitPeriod time.Duration
	// statements is whether each run reads what PostgreSQL's statements and WAL did
	// (pg_stat_statements, pg_stat_wal; Options.Statements).
	statements bool
}

// start brings the system up and signs the benchmark in as the bureau.
func start(ctx context.Context, o Options, say func(string, ...any)) (_ *env, err error) {
	e := &env{say: say, log: o.Log, dir: o.DataDir, cleanup: func() {}, waitPeriod: o.Waits, statements: o.Statements}
	defer func() {
		if err != nil {
			e.close()
		}
	}()
	if e.dir == "" {
		d, err := os.MkdirTemp("", "sciweek-bench-")
		if err != nil {
			return nil, err
		}
		e.dir, e.cleanup = d, func() { _ = os.RemoveAll(d) }
		// As root the database server runs as the postgres user, who must enter the folder.
		if err := os.Chmod(d, 0o755); err != nil {
			return nil, err
		}
	}
	logf, err := os.Create(filepath.Join(e.dir, "bench.log"))
	if err != nil {
		return nil, err
	}
	prev := e.cleanup
	e.cleanup = func() { logf.Close(); prev() }
	checkinAddr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	say("starting PostgreSQL, NATS, registration, venue, reporting and the gateway (data in %s)", e.dir)
	// The load generator's world signs up thousands of ticket holders from this one address.
	limits := throttle.DefaultLimits
	limits.SignupAddress, limits.SignupPhone = throttle.Rule{}, throttle.Rule{}
	// Check-in runs in a process of its own and reporting reads its records with the
	// deployment's service key, so both must be given the same one.
	serviceKey, err := auth.NewServiceKey()
	if err != nil {
		return nil, err
	}
	var pgStart map[string]string
	if o.Statements {
		pgStart = statementsSettings
	}
	if e.st, err = stack.Start(ctx, stack.Options{DataDir: e.dir, NATSPort: -1, LogWriter: logf, Except: []string{"checkin"},
		Remote: stack.Addrs{Checkin: checkinAddr}, Limits: &limits, ServiceKey: serviceKey, PostgresSettings: pgStart,
		AuditEvery: o.AuditEvery, AuditRest: o.AuditRest}); err != nil {
		return nil, err
	}
	if o.Statements {
		if err := e.createStatements(ctx); err != nil {
			return nil, err
		}
	}
	if e.metricsAddr, err = freeAddr(); err != nil {
		return nil, err
	}
	if e.child, err = startCheckin(ctx, checkinAddr, e.metricsAddr, e.st, serviceKey, filepath.Join(e.dir, "checkin.log")); err != nil {
		return nil, err
	}
	dial := func(addr string) (*grpc.ClientConn, error) {
		return grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	}
	if e.regConn, err = dial(e.st.Addrs.Registration); err != nil {
		return nil, err
	}
	if e.venueConn, err = dial(e.st.Addrs.Venue); err != nil {
		return nil, err
	}
	if e.repConn, err = dial(e.st.Addrs.Reporting); err != nil {
		return nil, err
	}
	for range max(o.Conns, 1) {
		c, err := dial(checkinAddr)
		if err != nil {
			return nil, err
		}
		e.checkinConns = append(e.checkinConns, c)
	}
	say("loading the demo data")
	if e.info, err = demo.Ensure(ctx, e.dir, e.st.Registration, demo.Conns{Registration: e.regConn, Venue: e.venueConn}); err != nil {
		return nil, err
	}
	login, err := registrationv1.NewAccountServiceClient(e.regConn).Login(ctx, &registrationv1.LoginRequest{Username: e.info.AdminUsername, Password: e.info.AdminPassword})
	if err != nil {
		return nil, err
	}
	e.admin = grpc.PerRPCCredentials(rpc.BearerCredential(login.GetAccessToken()))
	e.stats = reportingv1.NewStatsServiceClient(e.repConn)
	return e, nil
}

// prepare opens the benchmark's edition, registers its activities and builds the terminals.
func (e *env) prepare(ctx context.Context, activities, terminals, venues, tickets int) error {
	loc := shanghai()
	now := time.Now().In(loc)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	e.day0 = today.AddDate(0, 0, -7)
	e.edition = "bench-" + now.Format("20060102-150405")
	live, err := registrationv1.NewEditionServiceClient(e.regConn).GetEdition(ctx, &registrationv1.GetEditionRequest{EditionId: demo.LiveEdition}, e.admin)
	if err != nil {
		return err
	}
	if _, err := registrationv1.NewEditionServiceClient(e.regConn).CreateEdition(ctx, &registrationv1.CreateEditionRequest{Edition: &registrationv1.Edition{
		Id: e.edition, Name: "科技活动周（基准测试）", TimeZone: loc.String(), StartsOn: e.day0.Format(time.DateOnly),
		EndsOn: today.AddDate(0, 0, 1).Format(time.DateOnly), ReportDeadline: today.AddDate(0, 0, 10).Format(time.DateOnly),
		MaxVideoSeconds: 180, Counties: live.GetEdition().GetCounties(),
	}}, e.admin); err != nil {
		return fmt.Errorf("open the benchmark's edition: %w", err)
	}
	if e.activities, err = e.registerActivities(ctx, activities); err != nil {
		return err
	}
	if e.world, err = loadgen.Prepare(ctx, loadgen.Setup{Registration: e.regConn, Venue: e.venueConn, Checkin: e.checkinConns[0],
		Username: e.info.AdminUsername, Password: e.info.AdminPassword, Edition: e.edition,
		Terminals: terminals, Venues: venues, Tickets: tickets, Log: e.log, RunID: rand.Uint32()}); err != nil {
		return err
	}
	// The venues hold the demo's activities too; the benchmark counts in its own edition only.
	ours := map[string]bool{}
	for _, a := range e.activities {
		ours[a.id] = true
	}
	for i := range e.world.Terminals {
		t := &e.world.Terminals[i]
		t.Activities = slices.DeleteFunc(t.Activities, func(id string) bool { return !ours[id] })
		if len(t.Activities) == 0 {
			return fmt.Errorf("terminal at venue %s has none of the benchmark's activities", t.VenueID)
		}
	}
	return nil
}

// close revokes the benchmark's terminals and stops everything.
func (e *env) close() {
	if e.world != nil {
		if err := e.world.Close(context.Background()); err != nil {
			e.say("revoke terminals: %v", err)
		}
	}
	for _, c := range e.checkinConns {
		_ = c.(*grpc.ClientConn).Close()
	}
	for _, c := range []*grpc.ClientConn{e.regConn, e.venueConn, e.repConn} {
		if c != nil {
			_ = c.Close()
		}
	}
	if e.child != nil {
		e.child.stop()
	}
	if e.st != nil {
		_ = e.st.Close(context.Background())
	}
	e.cleanup()
}

// participations is what the dashboard shows of the benchmark's edition now.
func (e *env) participations(ctx context.Context) (int64, error) {
	ov, err := e.stats.GetOverview(ctx, &reportingv1.GetOverviewRequest{EditionId: e.edition}, e.admin)
	return ov.GetOverview().GetCity().GetParticipations(), err
}

// waitFor returns how long the dashboard's figures took to reach want.
func (e *env) waitFor(ctx context.Context, want int64, limit time.Duration) (time.Duration, error) {
	start := time.Now()
	for {
		got, err := e.participations(ctx)
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

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

func shanghai() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.UTC
	}
	return loc
}

// checkinProcess is `sciweek serve checkin` run by the benchmark.
type checkinProcess struct {
	cmd *exec.Cmd
}

func startCheckin(ctx context.Context, addr, metricsAddr string, st *stack.Stack, serviceKey, logPath string) (*checkinProcess, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe, "serve", "checkin", "-listen", addr, "-metrics", metricsAddr)
	cmd.Env = append(os.Environ(), "DATABASE_URL="+st.DatabaseURL, "NATS_URL="+st.NATSURL, "SCIWEEK_SERVICE_KEY="+serviceKey)
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

// isDeadline reports whether a call ended only because its own deadline passed.
func isDeadline(ctx context.Context, err error) bool {
	return ctx.Err() != nil || status.Code(err) == codes.DeadlineExceeded || errors.Is(err, context.DeadlineExceeded)
}
