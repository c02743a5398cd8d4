// Package stack starts the whole system in one process: NATS (embedded unless NATS_URL is set),
// PostgreSQL (a private server unless DATABASE_URL is set), the four services on their own
// gRPC ports and the HTTP gateway. `sciweek dev` and the end-to-end tests use it.
package stack

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"golang.org/x/sync/errgroup"
	"google.golang.org/grpc"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/sciweek/sciweek/pkg/audit"
	"github.com/sciweek/sciweek/pkg/auth"
	"github.com/sciweek/sciweek/pkg/bus"
	"github.com/sciweek/sciweek/pkg/db"
	"github.com/sciweek/sciweek/pkg/devstack"
	"github.com/sciweek/sciweek/pkg/events"
	"github.com/sciweek/sciweek/pkg/rpc"
	"github.com/sciweek/sciweek/pkg/telemetry"
	"github.com/sciweek/sciweek/pkg/throttle"
	"github.com/sciweek/sciweek/services/checkin"
	"github.com/sciweek/sciweek/services/gateway"
	"github.com/sciweek/sciweek/services/registration"
	"github.com/sciweek/sciweek/services/reporting"
)

// Options configure a stack.
type Options struct {
	// TokenLifetime is how long people's access tokens live unless renewed; 0 is
	// registration's default (30 minutes).
	TokenLifetime time.Duration
	// Only, if set, runs just that part in this process ("registration", "venue", "checkin",
	// "reporting" or "gateway"); the others are reached at Remote. Empty runs everything.
	Only string
	// Except, if set, are parts not to run in this process (the benchmark runs check-in in a
	// process of its own to measure its memory); they are reached at Remote.
	Except []string
	// Remote are the addresses of the parts that run elsewhere.
	Remote Addrs
	// DataDir holds the embedded servers' data (nats/, postgres/).
	DataDir string
	// DatabaseURL, if set, is used instead of a private PostgreSQL server.
	DatabaseURL string
	// PostgresSettings are added to the private PostgreSQL server's settings, for settings
	// read only at start such as shared_preload_libraries (the benchmark's -statements).
	PostgresSettings map[string]string
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
	// GatewayTLS, if set, makes the gateway serve HTTPS: phones at the doors get the camera
	// only from a secure origin.
	GatewayTLS *tls.Config
	// SpanProcessors receive every finished span of every service (tests record with them).
	SpanProcessors []sdktrace.SpanProcessor
	// MinPushInterval is the least time between two dashboard pushes to one screen.
	MinPushInterval time.Duration
	// Location is the city's time zone; nil means Asia/Shanghai.
	Location *time.Location
	// CheckinBatching tunes check-in's group commit; the zero value is the service's default.
	CheckinBatching checkin.Batching
	// S3, if its endpoint is set, keeps the reports' files in an S3-compatible store instead of
	// <DataDir>/files.
	S3 reporting.S3Config
	// SMTP, if its address is set, e-mails the notification centre's notices.
	SMTP reporting.SMTPConfig
	// Deadlines bound how long the services work on one call; the zero value is rpc's defaults.
	Deadlines rpc.Deadlines
	// PartDeadlines override Deadlines for the named parts, as each part's own process would
	// be set (SCIWEEK_RPC_DEADLINE) where the parts run apart.
	PartDeadlines map[string]rpc.Deadlines
	// Streams are the replicas and limits of the streams the parts create (bus.EnsureStreams
	// never lowers what exists); the zero value is one replica and the default limits.
	Streams bus.StreamOptions
	// PhoneKey keys the hashes of sign-ups' phone numbers (registration.Config.PhoneKey). When
	// it is empty and the whole system runs in this process (sciweek dev, tests), a key is made
	// once in <DataDir>/phone.key and kept; a registration service run on its own refuses to
	// start without one, since its replicas must share it.
	PhoneKey []byte
	// Limits are the throttles' rules (sign-in, setup codes, public sign-up); nil means
	// throttle.DefaultLimits.
	Limits *throttle.Limits
	// Gateway is the gateway's request hygiene: trusted proxies, allowed origins, the JSON
	// body limit and the scrape credential of its /metrics.
	Gateway gateway.Hygiene
	// ServiceKey is the deployment's shared service key (SCIWEEK_SERVICE_KEY), with which
	// reporting reads check-in's counts; empty makes one for this process, which is enough
	// only when check-in and reporting run in it together.
	ServiceKey string
	// AuditEvery is how often reporting compares its figures with check-in's table
	// (SCIWEEK_AUDIT_EVERY); 0 means 15 minutes.
	AuditEvery time.Duration
	// AuditRest is how many times its own duration an audit rests before the next; 0 means 49,
	// negative none (tests that audit often).
	AuditRest int
	// AuditKey signs the heads of the services' audit chains. Nil means the key in
	// <DataDir>/audit-signing.key, made there on first start.
	AuditKey ed25519.PrivateKey
}

// AuditKeyFile is the head-signing key's file in the data folder when no key is given.
const AuditKeyFile = "audit-signing.key"

// Addrs are the listen addresses of the parts.
type Addrs struct {
	Gateway, Registration, Venue, Checkin, Reporting string
}

// Stack is a running system, or the part of it that runs in this process.
type Stack struct {
	// Addrs are the bound addresses of the parts in this process and the remote addresses of
	// the others.
	Addrs Addrs
	// DatabaseURL is the database the services use.
	DatabaseURL string
	// NATSURL is the NATS server the services use.
	NATSURL string
	// Registration is the registration service when it runs here, for operator actions such as
	// creating accounts.
	Registration *registration.Service
	// Postgres is the private server, when the stack started one.
	Postgres *devstack.Postgres
	// Metrics is the process's metrics registry.
	Metrics *telemetry.Metrics

	log      *slog.Logger
	stoppers []func(context.Context) error // servers
	closers  []func(context.Context) error // resources
	cancel   context.CancelFunc
	group    *errgroup.Group
	once     sync.Once
	closeErr error
	local    []string
}

// Start brings the system (or its one part) up and returns once every local part is serving.
func Start(ctx context.Context, opts Options) (st *Stack, err error) {
	runs := func(part string) bool {
		return (opts.Only == "" || opts.Only == part) && !slices.Contains(opts.Except, part)
	}
	if opts.Only != "" && !slices.Contains(Parts, opts.Only) {
		return nil, fmt.Errorf("unknown part %q; one of %v", opts.Only, Parts)
	}
	for part := range opts.PartDeadlines {
		if !slices.Contains(Parts, part) {
			return nil, fmt.Errorf("deadlines for unknown part %q; one of %v", part, Parts)
		}
	}
	needsData, needsPeople := false, false
	for _, p := range table() {
		needsData = needsData || (runs(p.name) && p.schema != "")
		needsPeople = needsPeople || (runs(p.name) && p.people)
	}
	if opts.Only != "" && needsData && (opts.DatabaseURL == "" || opts.NATSURL == "") {
		return nil, errors.New("a service run on its own needs DATABASE_URL and NATS_URL")
	}
	if opts.Location == nil {
		if opts.Location, err = time.LoadLocation("Asia/Shanghai"); err != nil {
			return nil, err
		}
	}
	if opts.ServiceKey == "" {
		// Enough when check-in and reporting run in this process together; run apart, they
		// need the same SCIWEEK_SERVICE_KEY, or reporting's reconciliation is refused (and
		// logged at ERROR).
		if opts.ServiceKey, err = auth.NewServiceKey(); err != nil {
			return nil, err
		}
	}
	if opts.AuditKey == nil && needsData {
		if opts.AuditKey, err = audit.LoadKeyFile(filepath.Join(opts.DataDir, AuditKeyFile), true); err != nil {
			return nil, fmt.Errorf("audit head-signing key: %w", err)
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
	st = &Stack{log: main.Logger, cancel: cancel, group: g, Metrics: metrics, Addrs: opts.Remote}
	st.closers = append(st.closers, main.Shutdown)
	defer func() {
		if err != nil {
			_ = st.Close(context.Background())
			st = nil
		}
	}()

	var js jetstream.JetStream
	var open func(t *telemetry.Telemetry, schema string, migrate func(context.Context, *pgxpool.Pool, *telemetry.Telemetry) error) (*pgxpool.Pool, error)
	if needsData {
		if js, err = st.startBus(opts); err != nil {
			return st, err
		}
		if err = st.startDatabase(ctx, &opts); err != nil {
			return st, err
		}
		open = func(t *telemetry.Telemetry, schema string, migrate func(context.Context, *pgxpool.Pool, *telemetry.Telemetry) error) (*pgxpool.Pool, error) {
			// PostgreSQL may come up after this part (or be failing over): wait for it rather
			// than exit, as long as what fails is the connection and not the migration.
			backoff := 200 * time.Millisecond
			for {
				pool, err := db.Open(ctx, db.Config{URL: opts.DatabaseURL, Schema: schema}, t)
				if err == nil {
					if err = migrate(ctx, pool, t); err == nil {
						st.closers = append(st.closers, func(context.Context) error { pool.Close(); return nil })
						return pool, nil
					}
					pool.Close()
				}
				if ctx.Err() != nil || !unreachable(err) {
					return nil, err
				}
				st.log.Warn("PostgreSQL is not reachable; waiting for it", "schema", schema, "error", err, "retry_in", backoff.String())
				select {
				case <-ctx.Done():
					return nil, err
				case <-time.After(backoff):
				}
				backoff = min(backoff*2, 5*time.Second)
			}
		}
	}

	// Listeners first, so the parts know each other's addresses before any serves.
	lis := map[string]net.Listener{}
	for _, part := range Parts {
		if !runs(part) {
			continue
		}
		addr := *opts.Addrs.of(part)
		if addr == "" {
			addr = "127.0.0.1:0"
		}
		l, err := net.Listen("tcp", addr)
		if err != nil {
			return st, fmt.Errorf("%s: listen on %s: %w", part, addr, err)
		}
		lis[part] = l
		*st.Addrs.of(part) = l.Addr().String()
		st.local = append(st.local, part)
		st.closers = append(st.closers, func(context.Context) error { _ = l.Close(); return nil })
	}
	streams := opts.Streams
	serve := func(name string, srv *rpc.Server, run func(context.Context) error) {
		d := opts.Deadlines
		if pd, ok := opts.PartDeadlines[name]; ok {
			d = pd
		}
		srv.SetDeadlines(d)
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
	serveHTTP := func(name string, handler http.Handler) {
		httpSrv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second, BaseContext: func(net.Listener) context.Context { return runCtx }}
		g.Go(func() error {
			l := lis[name]
			if opts.GatewayTLS != nil {
				l = tls.NewListener(l, opts.GatewayTLS)
			}
			if err := httpSrv.Serve(l); !errors.Is(err, http.ErrServerClosed) {
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
	}
	service := func(name string) (*telemetry.Telemetry, error) {
		t, err := tel(name)
		if err == nil {
			st.closers = append(st.closers, t.Shutdown)
		}
		return t, err
	}

	// Parts that verify people's tokens and run without registration fetch its keys in the
	// background: they start (not ready) whether or not registration is up.
	e := &env{ctx: ctx, st: st, opts: &opts, js: js, streams: streams}
	var keys *pendingKeys
	if needsPeople && !runs("registration") {
		keys = newPendingKeys()
		e.people = keys
		// Sessions that ended reach this process as events: the keys are not used until all
		// of those retained are read, and the rest follow as they come.
		follow := func(ctx context.Context, rev *auth.Revocations) error {
			return events.FollowSessionsEnded(ctx, js, streams, main.Logger, rev)
		}
		if conn, err := st.dial(st.Addrs.Registration, main); err != nil {
			st.log.Error("cannot reach the registration service for its token keys", "error", err)
		} else {
			g.Go(func() error { keys.fetch(runCtx, st, conn, follow); return nil })
		}
	}
	for _, p := range table() {
		if !runs(p.name) {
			continue
		}
		if e.tel, err = service(p.name); err != nil {
			return st, err
		}
		e.pool = nil
		if p.schema != "" {
			if e.pool, err = open(e.tel, p.schema, p.migrate); err != nil {
				return st, err
			}
		}
		r, err := p.start(e)
		if err != nil {
			return st, fmt.Errorf("%s: %w", p.name, err)
		}
		if r.http != nil {
			serveHTTP(p.name, r.http)
			continue
		}
		if p.people && keys != nil {
			// Not ready (health NOT_SERVING, calls refused with a retry hint) until the keys
			// arrive; set before the server takes its first call.
			srv := r.server
			srv.SetReady(false)
			g.Go(func() error {
				select {
				case <-keys.Ready():
					srv.SetReady(true)
				case <-runCtx.Done():
				}
				return nil
			})
		}
		serve(p.name, r.server, r.run)
	}

	if err := st.waitHealthy(ctx, main); err != nil {
		return st, err
	}
	return st, nil
}

// natsReconnectBuffer is how much a NATS connection buffers while it reconnects.
const natsReconnectBuffer = 64 << 20

// startBus starts the embedded NATS server unless a URL is given, and connects.
func (st *Stack) startBus(opts Options) (jetstream.JetStream, error) {
	if opts.NATSURL == "" {
		// The embedded server is sized to its streams' limits, plus one more for scratch streams
		// (the benchmark's stage), rather than to 75 % of the free disk: with JetStream's default
		// `sciweek run` refused to start on a disk with less than about 43 GB free, though a week
		// holds a fraction of the limits. SCIWEEK_STREAM_MAX_BYTES lowers them on a small disk.
		var maxStore int64
		if need := opts.Streams.StoreNeeded(); need > 0 {
			maxStore = need + need/4
		}
		ns, err := devstack.StartNATS(devstack.NATSConfig{StoreDir: filepath.Join(opts.DataDir, "nats"), Port: opts.NATSPort, MaxStore: maxStore})
		if err != nil {
			return nil, err
		}
		st.closers = append(st.closers, func(context.Context) error { ns.Shutdown(); ns.WaitForShutdown(); return nil })
		opts.NATSURL = ns.ClientURL()
		st.log.Info("embedded NATS started", "url", opts.NATSURL, "store", filepath.Join(opts.DataDir, "nats"))
	}
	st.NATSURL = opts.NATSURL
	// NATS may come up after this part, or go away for a while: the client keeps trying, and
	// buffers what is published meanwhile (the outbox relays retry what it could not take).
	log := st.log
	nc, err := nats.Connect(opts.NATSURL, nats.Name("sciweek"), nats.MaxReconnects(-1),
		nats.RetryOnFailedConnect(true), nats.ReconnectWait(time.Second), nats.ReconnectJitter(200*time.Millisecond, time.Second),
		nats.ReconnectBufSize(natsReconnectBuffer),
		nats.ConnectHandler(func(c *nats.Conn) { log.Info("connected to NATS", "url", c.ConnectedUrlRedacted()) }),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			if err != nil {
				log.Warn("disconnected from NATS; reconnecting", "error", err)
			}
		}),
		nats.ReconnectHandler(func(c *nats.Conn) { log.Info("reconnected to NATS", "url", c.ConnectedUrlRedacted()) }))
	if err != nil {
		return nil, fmt.Errorf("connect to NATS at %s: %w", opts.NATSURL, err)
	}
	if !nc.IsConnected() {
		log.Warn("NATS is not reachable yet; starting anyway and connecting in the background", "url", opts.NATSURL)
	}
	st.closers = append(st.closers, func(context.Context) error { return nc.Drain() })
	return jetstream.New(nc)
}

// postgresSettings are the private server's settings: durable as shipped (fsync and
// synchronous commit stay on) and sized for a week of check-ins (checkpoints spread out and
// full-page images compressed, which keeps the WAL writes of the busiest hour from arriving in
// bursts), with extra ones on top.
func postgresSettings(extra map[string]string) map[string]string {
	s := map[string]string{"max_connections": "200", "shared_buffers": "256MB", "max_wal_size": "4GB",
		"checkpoint_timeout": "15min", "checkpoint_completion_target": "0.9", "wal_compression": "lz4"}
	maps.Copy(s, extra)
	return s
}

// startDatabase starts the private PostgreSQL server unless a URL is given.
func (st *Stack) startDatabase(ctx context.Context, opts *Options) error {
	if opts.DatabaseURL == "" {
		pg, err := devstack.StartPostgres(ctx, devstack.PostgresConfig{
			DataDir: filepath.Join(opts.DataDir, "postgres"), Install: true, Log: st.log,
			Settings: postgresSettings(opts.PostgresSettings),
		})
		if err != nil {
			return err
		}
		st.Postgres = pg
		st.closers = append(st.closers, func(context.Context) error { return pg.Stop() })
		if err := pg.CreateDatabase(ctx, "sciweek"); err != nil {
			return err
		}
		opts.DatabaseURL = pg.URL("sciweek")
		st.log.Info("private PostgreSQL started", "data", filepath.Join(opts.DataDir, "postgres"), "socket", pg.SocketDir())
	}
	st.DatabaseURL = opts.DatabaseURL
	return nil
}

func (st *Stack) dial(addr string, t *telemetry.Telemetry) (*grpc.ClientConn, error) {
	if addr == "" {
		return nil, errors.New("a service this part calls runs elsewhere and its address is not set (see sciweek serve -h)")
	}
	conn, err := rpc.Dial(addr, t)
	if err != nil {
		return nil, err
	}
	st.closers = append(st.closers, func(context.Context) error { return conn.Close() })
	return conn, nil
}

// waitHealthy returns when every local service answers its health check. A service may answer
// NOT_SERVING: it waits for a neighbour (the registration service's keys) and becomes ready on
// its own when the neighbour appears, so Start does not wait for it.
func (st *Stack) waitHealthy(ctx context.Context, t *telemetry.Telemetry) error {
	for _, part := range st.local {
		if part == "gateway" {
			continue
		}
		addr := *st.Addrs.of(part)
		conn, err := st.dial(addr, t)
		if err != nil {
			return err
		}
		// A part whose neighbours are up is ready within milliseconds; one waiting for a
		// neighbour is given a few seconds, then left to become ready on its own.
		deadline := time.Now().Add(5 * time.Second)
		for {
			cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			resp, err := healthpb.NewHealthClient(conn).Check(cctx, &healthpb.HealthCheckRequest{}, grpc.WaitForReady(true))
			cancel()
			if err != nil {
				return fmt.Errorf("service at %s does not answer its health check: %w", addr, err)
			}
			if resp.GetStatus() == healthpb.HealthCheckResponse_SERVING {
				break
			}
			if time.Now().After(deadline) {
				st.log.Warn("not ready yet: waiting for a service it needs", "part", part, "status", resp.GetStatus().String())
				break
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(50 * time.Millisecond):
			}
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

// Environment reads DATABASE_URL, NATS_URL and the group-commit settings into opts.
func Environment(opts *Options) error {
	opts.DatabaseURL = os.Getenv("DATABASE_URL")
	if v := os.Getenv("SCIWEEK_AUDIT_KEY"); v != "" {
		key, err := audit.ParseSeed(v)
		if err != nil {
			return fmt.Errorf("SCIWEEK_AUDIT_KEY: %w", err)
		}
		opts.AuditKey = key
	} else if f := os.Getenv("SCIWEEK_AUDIT_KEY_FILE"); f != "" {
		key, err := audit.LoadKeyFile(f, false)
		if err != nil {
			return fmt.Errorf("SCIWEEK_AUDIT_KEY_FILE: %w", err)
		}
		opts.AuditKey = key
	}
	opts.NATSURL = os.Getenv("NATS_URL")
	opts.S3 = reporting.S3Config{Endpoint: os.Getenv("SCIWEEK_S3_ENDPOINT"), Bucket: os.Getenv("SCIWEEK_S3_BUCKET"),
		AccessKey: os.Getenv("SCIWEEK_S3_ACCESS_KEY"), SecretKey: os.Getenv("SCIWEEK_S3_SECRET_KEY"), Region: os.Getenv("SCIWEEK_S3_REGION"),
		Secure: os.Getenv("SCIWEEK_S3_INSECURE") == ""}
	if opts.S3.Endpoint != "" && opts.S3.Bucket == "" {
		opts.S3.Bucket = "sciweek-reports"
	}
	opts.SMTP = reporting.SMTPConfig{Addr: os.Getenv("SCIWEEK_SMTP_ADDR"), From: os.Getenv("SCIWEEK_SMTP_FROM"),
		Username: os.Getenv("SCIWEEK_SMTP_USERNAME"), Password: os.Getenv("SCIWEEK_SMTP_PASSWORD")}
	if opts.SMTP.Addr != "" && opts.SMTP.From == "" {
		opts.SMTP.From = "科技活动周平台 <noreply@localhost>"
	}
	if opts.DataDir == "" {
		opts.DataDir = os.Getenv("SCIWEEK_DATA")
	}
	if err := gatewayEnvironment(&opts.Gateway); err != nil {
		return err
	}
	limits := throttle.DefaultLimits
	if err := throttle.Environment(&limits, os.Getenv); err != nil {
		return err
	}
	opts.Limits = &limits
	if v := os.Getenv("SCIWEEK_PHONE_KEY"); v != "" {
		opts.PhoneKey = []byte(strings.TrimSpace(v))
	} else if f := os.Getenv("SCIWEEK_PHONE_KEY_FILE"); f != "" {
		b, err := os.ReadFile(f)
		if err != nil {
			return fmt.Errorf("SCIWEEK_PHONE_KEY_FILE: %w", err)
		}
		opts.PhoneKey = []byte(strings.TrimSpace(string(b)))
	}
	if len(opts.PhoneKey) > 0 && len(opts.PhoneKey) < 32 {
		return errors.New("SCIWEEK_PHONE_KEY: want at least 32 characters (openssl rand -hex 32)")
	}
	if opts.ServiceKey == "" {
		opts.ServiceKey = os.Getenv("SCIWEEK_SERVICE_KEY")
	}
	if v := os.Getenv("SCIWEEK_AUDIT_EVERY"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return fmt.Errorf("SCIWEEK_AUDIT_EVERY=%q: want a positive duration such as 15m", v)
		}
		opts.AuditEvery = d
	}
	if opts.DataDir == "" {
		opts.DataDir = ".data"
	}
	if err := streamEnvironment(&opts.Streams); err != nil {
		return err
	}
	for name, field := range map[string]*time.Duration{
		"SCIWEEK_RPC_DEADLINE":      &opts.Deadlines.Call,
		"SCIWEEK_RPC_BULK_DEADLINE": &opts.Deadlines.Bulk,
		"SCIWEEK_CHECKIN_LINGER":    &opts.CheckinBatching.Linger,
	} {
		if v := os.Getenv(name); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				return fmt.Errorf("%s=%q: want a positive duration (5s, 2m)", name, v)
			}
			*field = d
		}
	}
	for name, field := range map[string]*int{
		"SCIWEEK_CHECKIN_MAX_BATCH":   &opts.CheckinBatching.MaxBatch,
		"SCIWEEK_CHECKIN_WRITERS":     &opts.CheckinBatching.Writers,
		"SCIWEEK_CHECKIN_MAX_PENDING": &opts.CheckinBatching.MaxPending,
		"SCIWEEK_STREAM_REPLICAS":     &opts.Streams.Replicas,
	} {
		if v := os.Getenv(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				return fmt.Errorf("%s=%q: want a positive whole number", name, v)
			}
			*field = n
		}
	}
	return nil
}

// streamEnvironment reads the streams' limits: SCIWEEK_STREAM_MAX_AGE is a Go duration or a
// number of days ("21d"), SCIWEEK_STREAM_MAX_BYTES a size in bytes or with a unit ("8GiB",
// "500MB"); 0 or "none" means no limit.
func streamEnvironment(o *bus.StreamOptions) error {
	if v := os.Getenv("SCIWEEK_STREAM_MAX_AGE"); v != "" {
		d, err := ParseAge(v)
		if err != nil {
			return fmt.Errorf("SCIWEEK_STREAM_MAX_AGE=%q: %w", v, err)
		}
		o.MaxAge = d
	}
	if v := os.Getenv("SCIWEEK_STREAM_MAX_BYTES"); v != "" {
		n, err := ParseBytes(v)
		if err != nil {
			return fmt.Errorf("SCIWEEK_STREAM_MAX_BYTES=%q: %w", v, err)
		}
		o.MaxBytes = n
	}
	return nil
}

// ParseAge reads a stream age limit: a Go duration ("504h") or whole days ("21d"); "0" or "none"
// is no limit (returned as -1, bus.StreamOptions' "unlimited").
func ParseAge(v string) (time.Duration, error) {
	v = strings.TrimSpace(v)
	if v == "0" || strings.EqualFold(v, "none") {
		return -1, nil
	}
	if days, ok := strings.CutSuffix(v, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 1 {
			return 0, errors.New("want a positive number of days (21d) or a duration (504h)")
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, errors.New("want a positive number of days (21d) or a duration (504h)")
	}
	return d, nil
}

// ParseBytes reads a stream size limit: bytes, or a number with KB, MB, GB, TB (powers of 1000)
// or KiB, MiB, GiB, TiB (powers of 1024); "0" or "none" is no limit (-1).
func ParseBytes(v string) (int64, error) {
	v = strings.TrimSpace(v)
	if v == "0" || strings.EqualFold(v, "none") {
		return -1, nil
	}
	units := []struct {
		suffix string
		mult   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12}, {"B", 1}}
	mult := int64(1)
	for _, u := range units {
		if num, ok := strings.CutSuffix(v, u.suffix); ok {
			v, mult = strings.TrimSpace(num), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 1 || n > (1<<62)/mult {
		return 0, errors.New("want a positive size: bytes, or with KB, MB, GB, KiB, MiB, GiB (8GiB)")
	}
	return n * mult, nil
}

// gatewayEnvironment reads the gateway's request hygiene from the environment:
// SCIWEEK_TRUSTED_PROXIES (addresses or CIDR prefixes, comma-separated), SCIWEEK_ALLOWED_ORIGINS
// (comma-separated), SCIWEEK_MAX_JSON_BODY (bytes) and SCIWEEK_METRICS_TOKEN.
func gatewayEnvironment(h *gateway.Hygiene) error {
	for _, v := range strings.Split(os.Getenv("SCIWEEK_TRUSTED_PROXIES"), ",") {
		if v = strings.TrimSpace(v); v == "" {
			continue
		}
		p, err := netip.ParsePrefix(v)
		if err != nil {
			a, aerr := netip.ParseAddr(v)
			if aerr != nil {
				return fmt.Errorf("SCIWEEK_TRUSTED_PROXIES: %q is neither an address nor a CIDR prefix", v)
			}
			p = netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen())
		}
		h.TrustedProxies = append(h.TrustedProxies, p)
	}
	for _, v := range strings.Split(os.Getenv("SCIWEEK_ALLOWED_ORIGINS"), ",") {
		if v = strings.TrimSpace(v); v != "" {
			h.AllowedOrigins = append(h.AllowedOrigins, v)
		}
	}
	if v := os.Getenv("SCIWEEK_MAX_JSON_BODY"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1024 {
			return fmt.Errorf("SCIWEEK_MAX_JSON_BODY=%q: want a number of bytes of at least 1024", v)
		}
		h.MaxJSONBody = n
	}
	if v := os.Getenv("SCIWEEK_METRICS_TOKEN"); v != "" {
		h.MetricsToken = v
	}
	return nil
}

// unreachable says err is PostgreSQL not answering (refused, starting up, shutting down, in
// recovery as a standby not yet promoted) rather than a mistake retrying would repeat.
func unreachable(err error) bool {
	var ce *pgconn.ConnectError
	var ne net.Error
	var pe *pgconn.PgError
	switch {
	case errors.As(err, &ce), errors.As(err, &ne):
		return true
	case errors.As(err, &pe):
		// 08: connection exceptions; 57P: operator intervention (shutdown, starting up);
		// 25006: read-only transaction (a standby).
		return strings.HasPrefix(pe.Code, "08") || strings.HasPrefix(pe.Code, "57P") || pe.Code == "25006"
	}
	return false
}

// DevPhoneKey returns the phone key kept in dir/phone.key, making it on first use: for a
// system that runs whole in one process (sciweek dev, tests). Deployments give
// SCIWEEK_PHONE_KEY or SCIWEEK_PHONE_KEY_FILE instead.
func DevPhoneKey(dir string) ([]byte, error) {
	path := filepath.Join(dir, "phone.key")
	if b, err := os.ReadFile(path); err == nil {
		if k := strings.TrimSpace(string(b)); len(k) >= 32 {
			return []byte(k), nil
		}
		return nil, fmt.Errorf("%s: want at least 32 characters", path)
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, err
	}
	k := hex.EncodeToString(raw)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, []byte(k+"\n"), 0o600); err != nil {
		return nil, err
	}
	return []byte(k), nil
}
