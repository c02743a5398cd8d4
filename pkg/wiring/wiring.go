// Package wiring holds the startup steps the services' wiring files (services/*/<name>.go) share:
// the shared kits' migrations before the service's own, the audit trail with the gRPC server it
// guards, and the defaults of the clock and the throttles. Only what two or more services do
// alike lives here; each service still wires its own parts by hand.
package wiring

import (
	"context"
	"crypto/ed25519"
	"errors"
	"io/fs"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/sciweek/sciweek/pkg/audit"
	"github.com/sciweek/sciweek/pkg/audit/auditrpc"
	"github.com/sciweek/sciweek/pkg/auth"
	"github.com/sciweek/sciweek/pkg/bus"
	"github.com/sciweek/sciweek/pkg/db"
	auditv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/audit/v1"
	"github.com/sciweek/sciweek/pkg/rpc"
	"github.com/sciweek/sciweek/pkg/telemetry"
	"github.com/sciweek/sciweek/pkg/throttle"
)

// Base is what every service takes from its host process, embedded in each service's Config.
type Base struct {
	// AuditKey signs the head of the service's audit chain; nil leaves it unsigned.
	AuditKey ed25519.PrivateKey
	// Pool is connected to the service's own schema (db.Open with its Schema).
	Pool *pgxpool.Pool
	// JetStream publishes the service's events (through its outbox) and delivers those it
	// applies.
	JetStream jetstream.JetStream
	// Telemetry is the service's telemetry.
	Telemetry *telemetry.Telemetry
	// Streams are the deployment's stream settings.
	Streams bus.StreamOptions
}

// Schema says which shared kits a service's schema holds besides its own tables.
type Schema struct {
	// Name is the service's schema.
	Name string
	// Throttled adds the throttles' counters (a service that throttles sign-ins or setup codes).
	Throttled bool
	// Own holds the service's own migrations.
	Own fs.FS
}

// Migrate brings a service's schema up to date: the outbox and checkpoints, the throttles'
// counters if it throttles, the audit chain, then its own tables, each set with its own version
// table.
func Migrate(ctx context.Context, pool *pgxpool.Pool, tel *telemetry.Telemetry, s Schema) error {
	sets := []db.MigrationSet{{Name: "bus", FS: bus.Migrations()}}
	if s.Throttled {
		sets = append(sets, db.MigrationSet{Name: "throttle", FS: throttle.Migrations()})
	}
	sets = append(sets, db.MigrationSet{Name: "audit", FS: audit.Migrations()}, db.MigrationSet{Name: s.Name, FS: s.Own})
	return db.Migrate(ctx, pool, s.Name, tel.Logger, sets...)
}

// WithAudit is a service's policy with its audit trail's AuditService in it.
func WithAudit(p auth.Policy) auth.Policy {
	p.Merge(auditrpc.Policy())
	return p
}

// Relay is the service's outbox relay; linger is how long events may gather after a wake (0
// publishes at once).
func (b Base) Relay(schema string, linger time.Duration) (*bus.Relay, error) {
	return bus.NewRelay(bus.RelayConfig{Pool: b.Pool, JetStream: b.JetStream, Telemetry: b.Telemetry, Schema: schema, Linger: linger})
}

// Projections runs the service's projections of other services' events.
func (b Base) Projections() (*bus.ProjectionRunner, error) {
	return bus.NewProjectionRunner(b.Pool, b.JetStream, b.Telemetry, b.Streams)
}

// AwaitStreams ensures the named streams, retrying until NATS answers; false means ctx ended
// first (bus.AwaitStreams).
func (b Base) AwaitStreams(ctx context.Context, names ...string) bool {
	return bus.AwaitStreams(ctx, b.JetStream, b.Streams, b.Telemetry.Logger, names...)
}

// Server is what a service's gRPC server needs besides its Base.
type Server struct {
	// Schema names the service in its audit trail's exports.
	Schema string
	// ServeAudit registers AuditService over the trail (its policy must be in the server's:
	// WithAudit).
	ServeAudit bool
	// Location is the time zone of the exports' times; nil means China Standard Time.
	Location *time.Location
	// RPC is the server's configuration; its Telemetry is the Base's and its Audit the trail.
	RPC rpc.ServerConfig
}

// Core is what every wired service runs besides its own parts: its gRPC server, the audit
// trail that records the server's calls, and the outbox relay that publishes its events.
// Services embed it.
type Core struct {
	server *rpc.Server
	trail  *audit.Trail
	relay  *bus.Relay
}

// NewCore makes a service's audit trail and the gRPC server that records calls in it, with the
// trail served over AuditService when asked, beside the service's relay (made first: its
// adapters wake it).
func (b Base) NewCore(relay *bus.Relay, cfg Server) (Core, error) {
	if b.Telemetry == nil || relay == nil {
		return Core{}, errors.New("wiring: telemetry and relay are required")
	}
	trail, err := audit.NewTrail(b.Pool, b.AuditKey, b.Telemetry.Logger)
	if err != nil {
		return Core{}, err
	}
	cfg.RPC.Telemetry, cfg.RPC.Audit = b.Telemetry, trail
	server, err := rpc.NewServer(cfg.RPC)
	if err != nil {
		return Core{}, err
	}
	if cfg.ServeAudit {
		auditv1.RegisterAuditServiceServer(server.GRPC, auditrpc.New(trail.Store, cfg.Schema, cfg.Location))
	}
	return Core{server: server, trail: trail, relay: relay}, nil
}

// Server is the service's gRPC server, ready to serve.
func (c Core) Server() *rpc.Server { return c.server }

// Relay is the service's outbox relay.
func (c Core) Relay() *bus.Relay { return c.relay }

// Group starts goroutines that end with an error (errgroup.Group).
type Group interface{ Go(func() error) }

// Go starts, in g, publishing the outbox and keeping the trail's head signed until ctx ends.
func (c Core) Go(ctx context.Context, g Group) {
	g.Go(func() error { return c.relay.Run(ctx) })
	g.Go(func() error { return c.trail.Run(ctx) })
}

// Clock is now, or time.Now when the host gave no clock.
func Clock(now func() time.Time) func() time.Time {
	if now == nil {
		return time.Now
	}
	return now
}

// Throttles are a service's throttle counters (kept by the wall clock, whatever the service's
// own clock says) and its limits, throttle.DefaultLimits when the host gave none.
func Throttles(pool *pgxpool.Pool, limits *throttle.Limits) (*throttle.Store, throttle.Limits, error) {
	l := throttle.DefaultLimits
	if limits != nil {
		l = *limits
	}
	counters, err := throttle.New(pool, time.Now)
	return counters, l, err
}
