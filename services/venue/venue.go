// Package venue is the venue service: the registry of venues and their check-in terminals. This
// file wires its parts together; everything else is under internal/.
package venue

import (
	"context"
	"crypto/ed25519"
	"errors"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go/jetstream"
	"golang.org/x/sync/errgroup"
	"google.golang.org/grpc"

	"github.com/sciweek/sciweek/pkg/audit"
	"github.com/sciweek/sciweek/pkg/audit/auditrpc"
	"github.com/sciweek/sciweek/pkg/auth"
	"github.com/sciweek/sciweek/pkg/bus"
	"github.com/sciweek/sciweek/pkg/db"
	auditv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/audit/v1"
	venuev1 "github.com/sciweek/sciweek/pkg/gen/sciweek/venue/v1"
	"github.com/sciweek/sciweek/pkg/rpc"
	"github.com/sciweek/sciweek/pkg/telemetry"
	"github.com/sciweek/sciweek/pkg/throttle"
	"github.com/sciweek/sciweek/services/venue/internal/adapters"
	"github.com/sciweek/sciweek/services/venue/internal/app"
	"github.com/sciweek/sciweek/services/venue/internal/ports"
	"github.com/sciweek/sciweek/services/venue/migrations"
)

// Schema is the venue service's PostgreSQL schema.
const Schema = "venue"

// Config is what the venue service needs from its host process.
type Config struct {
	// AuditKey signs the head of the service's audit chain; nil leaves it unsigned.
	AuditKey ed25519.PrivateKey
	// Pool is connected to the venue schema (db.Open with Schema).
	Pool *pgxpool.Pool
	// JetStream publishes the venue events.
	JetStream jetstream.JetStream
	// Telemetry is the service's telemetry.
	Telemetry *telemetry.Telemetry
	// People verifies the access tokens of people.
	People auth.Authenticator
	// Limits are the setup codes' throttles (SetupAddress, SetupAll); nil means
	// throttle.DefaultLimits.
	Limits *throttle.Limits
	// Registration, if set, resolves county names in imports from the editions it keeps.
	Registration grpc.ClientConnInterface
	// Streams are the deployment's stream settings.
	Streams bus.StreamOptions
	// Now is the clock; nil means time.Now. Tests move it to expire setup codes.
	Now func() time.Time
}

// Migrate brings the venue schema up to date.
func Migrate(ctx context.Context, pool *pgxpool.Pool, tel *telemetry.Telemetry) error {
	return db.Migrate(ctx, pool, Schema, tel.Logger,
		db.MigrationSet{Name: "bus", FS: bus.Migrations()},
		db.MigrationSet{Name: "throttle", FS: throttle.Migrations()},
		db.MigrationSet{Name: "audit", FS: audit.Migrations()},
		db.MigrationSet{Name: "venue", FS: migrations.FS})
}

// Policy says which roles may call each of the service's RPCs and which calls are audited;
// the authorization matrix test walks it.
func Policy() auth.Policy {
	p := ports.Policy()
	p.Merge(auditrpc.Policy())
	return p
}

// Service is a wired venue service.
type Service struct {
	trail       *audit.Trail
	cfg         Config
	server      *rpc.Server
	relay       *bus.Relay
	projections *bus.ProjectionRunner
	app         *app.Service
}

// New wires the venue service.
func New(cfg Config) (*Service, error) {
	if cfg.Pool == nil || cfg.JetStream == nil || cfg.Telemetry == nil || cfg.People == nil {
		return nil, errors.New("venue: pool, JetStream, telemetry and authenticator are required")
	}
	relay, err := bus.NewRelay(bus.RelayConfig{Pool: cfg.Pool, JetStream: cfg.JetStream, Telemetry: cfg.Telemetry, Schema: Schema})
	if err != nil {
		return nil, err
	}
	repo, err := adapters.NewRepository(cfg.Pool, cfg.Telemetry.Propagator, relay.Wake)
	if err != nil {
		return nil, err
	}
	var counties app.Counties
	if cfg.Registration != nil {
		counties = adapters.Counties(cfg.Registration)
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	limits := throttle.DefaultLimits
	if cfg.Limits != nil {
		limits = *cfg.Limits
	}
	counters, err := throttle.New(cfg.Pool, time.Now)
	if err != nil {
		return nil, err
	}
	uc, err := app.New(repo, newCredential, counties, adapters.Sheets{},
		app.SetupThrottle{Counters: counters, PerAddress: limits.SetupAddress, All: limits.SetupAll}, now)
	if err != nil {
		return nil, err
	}
	trail, err := audit.NewTrail(cfg.Pool, cfg.AuditKey, cfg.Telemetry.Logger)
	if err != nil {
		return nil, err
	}
	server, err := rpc.NewServer(rpc.ServerConfig{Audit: trail, Telemetry: cfg.Telemetry, Authenticator: auth.Chain(cfg.People, app.NewTerminalAuthenticator(repo)),
		Policy: Policy(), MaxRecvMsgSize: 12 << 20}) // safety plans and imports carry files
	if err != nil {
		return nil, err
	}
	g := ports.NewGRPC(uc)
	venuev1.RegisterVenueServiceServer(server.GRPC, g)
	venuev1.RegisterTerminalServiceServer(server.GRPC, g)
	auditv1.RegisterAuditServiceServer(server.GRPC, auditrpc.New(trail.Store, Schema, nil))
	projections, err := bus.NewProjectionRunner(cfg.Pool, cfg.JetStream, cfg.Telemetry, cfg.Streams)
	if err != nil {
		return nil, err
	}
	return &Service{trail: trail, cfg: cfg, server: server, relay: relay, projections: projections, app: uc}, nil
}

// Server is the service's gRPC server, ready to serve.
func (s *Service) Server() *rpc.Server { return s.server }

// Run publishes the outbox and records terminals' last calls until ctx ends.
// The stream is ensured in the background (retried until NATS answers) before the projection
// starts.
func (s *Service) Run(ctx context.Context) error {
	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() error { return s.relay.Run(ctx) })
	g.Go(func() error { return s.trail.Run(ctx) })
	g.Go(func() error {
		if !bus.AwaitStreams(ctx, s.cfg.JetStream, s.cfg.Streams, s.cfg.Telemetry.Logger, bus.StreamVenue) {
			return nil
		}
		return s.projections.Run(ctx, ports.TerminalsSeen(s.app))
	})
	return g.Wait()
}

func newCredential(terminalID uuid.UUID) (string, [32]byte, error) {
	c, err := auth.NewTerminalCredential(terminalID)
	if err != nil {
		return "", [32]byte{}, err
	}
	return c.String(), c.Hash(), nil
}

// Consumes lists the kinds of event the venue service applies (pkg/events says who consumes
// what).
func Consumes() []bus.Kind { return ports.TerminalsSeen(nil).Consumes() }
