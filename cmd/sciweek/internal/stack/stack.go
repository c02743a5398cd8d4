// Package stack starts the whole system in one process: NATS (embedded unless NATS_URL is set),
// PostgreSQL (a private server unless DATABASE_URL is set), the four services on their own
// gRPC ports and the HTTP gateway. `sciweek dev` and the end-to-end tests use it.
package stack

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"golang.org/x/sync/errgroup"
	"google.golang.org/grpc"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/sciweek/sciweek/pkg/bus"
	"github.com/sciweek/sciweek/pkg/db"
	"github.com/sciweek/sciweek/pkg/devstack"
	"github.com/sciweek/sciweek/pkg/rpc"
	"github.com/sciweek/sciweek/pkg/telemetry"
	"github.com/sciweek/sciweek/services/checkin"
	"github.com/sciweek/sciweek/services/gateway"
	"github.com/sciweek/sciweek/services/registration"
	"github.com/sciweek/sciweek/services/reporting"
	"github.com/sciweek/sciweek/services/venue"
)

// Options configure a stack.
type Options struct {
	// DataDir holds the embedded servers' data (nats/, postgres/).
	DataDir string
	// DatabaseURL, if set, is used instead of a private PostgreSQL server.
	DatabaseURL string
	// NATSURL, if set, is used instead of the embedded NATS server.
	NATSURL string
	// NATSPort is the embedded server's client port; -1 picks a free one.
	NATSPort int
	// Addrs are the listen addresses; empty fields pick free loopback ports.
	Addrs Addrs
	// LogWriter receives JSON logs; nil means stderr.
	LogWriter io.Writer
	// LogLevel is the least severe level logged.
	LogLevel slog.Level
	// OTLPEndpoint, if set, receives traces over OTLP/gRPC.
	OTLPEndpoint string
	// SpanProcessors receive every finished span of every service (tests record with them).
	SpanProcessors []sdktrace.SpanProcessor
	// MinPushInterval is the least time between two dashboard pushes to one screen.
	MinPushInterval time.Duration
	// Location is the city's time zone; nil means Asia/Shanghai.
	Location *time.Location
}

// Addrs are the listen addresses of the parts.
type Addrs struct {
	Gateway, Registration, Venue, Checkin, Reporting string
}

// Stack is a running system.
type Stack struct {
	// Addrs are the bound addresses.
	Addrs Addrs
	// DatabaseURL is the database the services use.
	DatabaseURL string
	// NATSURL is the NATS server the services use.
	NATSURL string
	// Registration is the registration service, for operator actions such as creating accounts.
	Registration *registration.Service
	// Postgres is the private server, when the stack started one.
	Postgres *devstack.Postgres

	log      *slog.Logger
	stoppers []func(context.Context) error // servers
	closers  []func(context.Context) error // resources
	cancel   context.CancelFunc
	group    *errgroup.Group
	once     sync.Once
	closeErr error
}

// Start brings the system up and returns once every part is serving.
func Start(ctx context.Context, opts Options) (st *Stack, err error) {
	if opts.Location == nil {
		if opts.Location, err = time.LoadLocation("Asia/Shanghai"); err != nil {
			return nil, err
		}
	}
	metrics, err := telemetry.NewMetrics()
	if err != nil {
		return nil, err
	}
	tel := func(service string) (*telemetry.Telemetry, error) {
		return telemetry.New(ctx, telemetry.Config{Service: service, LogWriter: opts.LogWriter, LogLevel: opts.LogLevel,
			OTLPEndpoint: opts.OTLPEndpoint, SpanProcessors: opts.SpanProcessors, Meter: metrics.Provider})
	}
	main, err := tel("stack")
	if err != nil {
		return nil, err
	}
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	g, runCtx := errgroup.WithContext(runCtx)
	st = &Stack{log: main.Logger, cancel: cancel, group: g}
	st.closers = append(st.closers, main.Shutdown)
	defer func() {
		if err != nil {
			_ = st.Close(context.Background())
			st = nil
		}
	}()

	// The bus.
	if opts.NATSURL == "" {
		ns, err := devstack.StartNATS(devstack.NATSConfig{StoreDir: filepath.Join(opts.DataDir, "nats"), Port: opts.NATSPort})
		if err != nil {
			return st, err
		}
		st.closers = append(st.closers, func(context.Context) error { ns.Shutdown(); ns.WaitForShutdown(); return nil })
		opts.NATSURL = ns.ClientURL()
		st.log.Info("embedded NATS started", "url", opts.NATSURL, "store", filepath.Join(opts.DataDir, "nats"))
	}
	st.NATSURL = opts.NATSURL
	nc, err := nats.Connect(opts.NATSURL, nats.Name("sciweek"), nats.MaxReconnects(-1))
	if err != nil {
		return st, fmt.Errorf("connect to NATS at %s: %w", opts.NATSURL, err)
	}
	st.closers = append(st.closers, func(context.Context) error { return nc.Drain() })
	js, err := jetstream.New(nc)
	if err != nil {
		return st, err
	}

	// The database.
	if opts.DatabaseURL == "" {
		pg, err := devstack.StartPostgres(ctx, devstack.PostgresConfig{
			DataDir: filepath.Join(opts.DataDir, "postgres"), Install: true, Log: st.log,
			Settings: map[string]string{"max_connections": "200"},
		})
		if err != nil {
			return st, err
		}
		st.Postgres = pg
		st.closers = append(st.closers, func(context.Context) error { return pg.Stop() })
		if err := pg.CreateDatabase(ctx, "sciweek"); err != nil {
			return st, err
		}
		opts.DatabaseURL = pg.URL("sciweek")
		st.log.Info("private PostgreSQL started", "data", filepath.Join(opts.DataDir, "postgres"), "socket", pg.SocketDir())
	}
	st.DatabaseURL = opts.DatabaseURL
	open := func(t *telemetry.Telemetry, schema string, migrate func(context.Context, *pgxpool.Pool, *telemetry.Telemetry) error) (*pgxpool.Pool, error) {
		pool, err := db.Open(ctx, db.Config{URL: opts.DatabaseURL, Schema: schema}, t)
		if err != nil {
			return nil, err
		}
		st.closers = append(st.closers, func(context.Context) error { pool.Close(); return nil })
		return pool, migrate(ctx, pool, t)
	}

	// Listeners first, so services can be given each other's addresses before any serves.
	lis := map[string]net.Listener{}
	for name, addr := range map[string]string{"gateway": opts.Addrs.Gateway, "registration": opts.Addrs.Registration,
		"venue": opts.Addrs.Venue, "checkin": opts.Addrs.Checkin, "reporting": opts.Addrs.Reporting} {
		if addr == "" {
			addr = "127.0.0.1:0"
		}
		l, err := net.Listen("tcp", addr)
		if err != nil {
			return st, fmt.Errorf("%s: listen on %s: %w", name, addr, err)
		}
		lis[name] = l
		st.closers = append(st.closers, func(context.Context) error { _ = l.Close(); return nil })
	}
	st.Addrs = Addrs{Gateway: lis["gateway"].Addr().String(), Registration: lis["registration"].Addr().String(),
		Venue: lis["venue"].Addr().String(), Checkin: lis["checkin"].Addr().String(), Reporting: lis["reporting"].Addr().String()}
	streams := bus.StreamOptions{}
	serve := func(name string, srv *rpc.Server, run func(context.Context) error) {
		g.Go(func() error { return srv.GRPC.Serve(lis[name]) })
		g.Go(func() error { return run(runCtx) })
		st.stoppers = append(st.stoppers, func(ctx context.Context) error {
			srv.Health.Shutdown()
			stopped := make(chan struct{})
			go func() { srv.GRPC.GracefulStop(); close(stopped) }()
			select {
			case <-stopped:
			case <-ctx.Done():
				srv.GRPC.Stop()
			}
			return nil
		})
	}

	// Venue.
	venueTel, err := tel("venue")
	if err != nil {
		return st, err
	}
	st.closers = append(st.closers, venueTel.Shutdown)
	venuePool, err := open(venueTel, venue.Schema, venue.Migrate)
	if err != nil {
		return st, err
	}
	// Registration signs the tokens everyone else verifies, so it comes up before them.
	regTel, err := tel("registration")
	if err != nil {
		return st, err
	}
	st.closers = append(st.closers, regTel.Shutdown)
	regPool, err := open(regTel, registration.Schema, registration.Migrate)
	if err != nil {
		return st, err
	}
	venueConn, err := st.dial(st.Addrs.Venue, regTel)
	if err != nil {
		return st, err
	}
	reg, err := registration.New(ctx, registration.Config{Pool: regPool, JetStream: js, Telemetry: regTel, Venue: venueConn, Streams: streams})
	if err != nil {
		return st, err
	}
	st.Registration = reg
	people := reg.TokenVerifier()
	ven, err := venue.New(venue.Config{Pool: venuePool, JetStream: js, Telemetry: venueTel, People: people, Streams: streams})
	if err != nil {
		return st, err
	}
	serve("venue", ven.Server(), ven.Run)
	serve("registration", reg.Server(), reg.Run)

	// Check-in.
	checkinTel, err := tel("checkin")
	if err != nil {
		return st, err
	}
	st.closers = append(st.closers, checkinTel.Shutdown)
	checkinPool, err := open(checkinTel, checkin.Schema, checkin.Migrate)
	if err != nil {
		return st, err
	}
	chk, err := checkin.New(checkin.Config{Pool: checkinPool, JetStream: js, Telemetry: checkinTel, Streams: streams})
	if err != nil {
		return st, err
	}
	serve("checkin", chk.Server(), chk.Run)

	// Reporting.
	reportingTel, err := tel("reporting")
	if err != nil {
		return st, err
	}
	st.closers = append(st.closers, reportingTel.Shutdown)
	reportingPool, err := open(reportingTel, reporting.Schema, reporting.Migrate)
	if err != nil {
		return st, err
	}
	rep, err := reporting.New(reporting.Config{Pool: reportingPool, JetStream: js, Telemetry: reportingTel, People: people,
		Location: opts.Location, MinPushInterval: opts.MinPushInterval, Streams: streams})
	if err != nil {
		return st, err
	}
	serve("reporting", rep.Server(), rep.Run)

	// The gateway.
	gwTel, err := tel("gateway")
	if err != nil {
		return st, err
	}
	st.closers = append(st.closers, gwTel.Shutdown)
	conns := map[string]*grpc.ClientConn{}
	for name, addr := range map[string]string{"registration": st.Addrs.Registration, "venue": st.Addrs.Venue, "checkin": st.Addrs.Checkin, "reporting": st.Addrs.Reporting} {
		if conns[name], err = st.dial(addr, gwTel); err != nil {
			return st, err
		}
	}
	handler, err := gateway.New(ctx, gateway.Config{Telemetry: gwTel, Registration: conns["registration"], Venue: conns["venue"],
		Checkin: conns["checkin"], Reporting: conns["reporting"], Metrics: metrics.Handler()})
	if err != nil {
		return st, err
	}
	httpSrv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second, BaseContext: func(net.Listener) context.Context { return runCtx }}
	g.Go(func() error {
		if err := httpSrv.Serve(lis["gateway"]); !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	})
	st.stoppers = append(st.stoppers, func(ctx context.Context) error {
		// Event streams never end on their own: give them a moment, then cut them.
		sctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
		if err := httpSrv.Shutdown(sctx); err != nil {
			return httpSrv.Close()
		}
		return nil
	})

	if err := st.waitHealthy(ctx, gwTel); err != nil {
		return st, err
	}
	return st, nil
}

func (st *Stack) dial(addr string, t *telemetry.Telemetry) (*grpc.ClientConn, error) {
	conn, err := rpc.Dial(addr, t)
	if err != nil {
		return nil, err
	}
	st.closers = append(st.closers, func(context.Context) error { return conn.Close() })
	return conn, nil
}

// waitHealthy returns when every service answers its health check.
func (st *Stack) waitHealthy(ctx context.Context, t *telemetry.Telemetry) error {
	for _, addr := range []string{st.Addrs.Registration, st.Addrs.Venue, st.Addrs.Checkin, st.Addrs.Reporting} {
		conn, err := st.dial(addr, t)
		if err != nil {
			return err
		}
		cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		resp, err := healthpb.NewHealthClient(conn).Check(cctx, &healthpb.HealthCheckRequest{}, grpc.WaitForReady(true))
		cancel()
		if err != nil || resp.GetStatus() != healthpb.HealthCheckResponse_SERVING {
			return fmt.Errorf("service at %s is not healthy: %v", addr, err)
		}
	}
	return nil
}

// Wait blocks until a part fails or the stack is closed, and returns the first failure.
func (st *Stack) Wait() error { return st.group.Wait() }

// Close stops everything: background loops and servers first (servers drain their calls),
// then, once nothing uses them, the pools, NATS and PostgreSQL in reverse order of starting.
func (st *Stack) Close(ctx context.Context) error {
	st.once.Do(func() {
		ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		var errs []error
		st.cancel()
		for i := len(st.stoppers) - 1; i >= 0; i-- {
			if err := st.stoppers[i](ctx); err != nil {
				errs = append(errs, err)
			}
		}
		done := make(chan struct{})
		go func() { _ = st.group.Wait(); close(done) }()
		select {
		case <-done:
		case <-ctx.Done():
			errs = append(errs, errors.New("background loops did not stop in time"))
		}
		for i := len(st.closers) - 1; i >= 0; i-- {
			if err := st.closers[i](ctx); err != nil && !errors.Is(err, context.Canceled) {
				errs = append(errs, err)
			}
		}
		st.closeErr = errors.Join(errs...)
	})
	return st.closeErr
}

// Logger is the stack's own logger.
func (st *Stack) Logger() *slog.Logger { return st.log }

// Environment reads DATABASE_URL and NATS_URL into opts.
func Environment(opts *Options) {
	opts.DatabaseURL = os.Getenv("DATABASE_URL")
	opts.NATSURL = os.Getenv("NATS_URL")
}
