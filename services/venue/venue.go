// Package venue is the venue service: the registry of venues and their check-in terminals. This
// file wires its parts together; everything else is under internal/.
package venue

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/sync/errgroup"
	"google.golang.org/grpc"

	"github.com/sciweek/sciweek/pkg/auth"
	"github.com/sciweek/sciweek/pkg/bus"
	venuev1 "github.com/sciweek/sciweek/pkg/gen/sciweek/venue/v1"
	"github.com/sciweek/sciweek/pkg/rpc"
	"github.com/sciweek/sciweek/pkg/telemetry"
	"github.com/sciweek/sciweek/pkg/throttle"
	"github.com/sciweek/sciweek/pkg/wiring"
	"github.com/sciweek/sciweek/services/venue/internal/adapters"
	"github.com/sciweek/sciweek/services/venue/internal/app"
	"github.com/sciweek/sciweek/services/venue/internal/ports"
	"github.com/sciweek/sciweek/services/venue/migrations"
)

// Schema is the venue service's PostgreSQL schema.
const Schema = "venue"

// Config is what the venue service needs from its host process.
type Config struct {
	// Base is the pool on the service's schema, NATS, telemetry, the audit key and the stream
	// settings.
	wiring.Base
	// People verifies the access tokens of people.
	People auth.Authenticator
	// Limits are the setup codes' throttles (SetupAddress, SetupAll); nil means
	// throttle.DefaultLimits.
	Limits *throttle.Limits
	// Registration, if set, resolves county names in imports from the editions it keeps.
	Registration grpc.ClientConnInterface
	// Now is the clock; nil means time.Now. Tests move it to expire setup codes.
	Now func() time.Time
}

// Migrate brings the venue schema up to date.
func Migrate(ctx context.Context, pool *pgxpool.Pool, tel *telemetry.Telemetry) error {
	return wiring.Migrate(ctx, pool, tel, wiring.Schema{Name: Schema, Throttled: true, Own: migrations.FS})
}

// Policy says which roles may call each of the service's RPCs and which calls are audited;
// the authorization matrix test walks it.
func Policy() auth.Policy { return wiring.WithAudit(ports.Policy()) }

// Service is a wired venue service.
type Service struct {
	wiring.Core
	cfg         Config
	projections *bus.ProjectionRunner
	app         *app.Service
}

// New wires the venue service.
func New(cfg Config) (*Service, error) {
	if cfg.Pool == nil || cfg.JetStream == nil || cfg.Telemetry == nil || cfg.People == nil {
		return nil, errors.New("venue: pool, JetStream, telemetry and authenticator are required")
	}
	relay, err := cfg.Relay(Schema, 0)
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
	counters, limits, err := wiring.Throttles(cfg.Pool, cfg.Limits)
	if err != nil {
		return nil, err
	}
	uc, err := app.New(repo, newCredential, counties, adapters.Sheets{},
		app.SetupThrottle{Counters: counters, PerAddress: limits.SetupAddress, All: limits.SetupAll}, wiring.Clock(cfg.Now))
	if err != nil {
		return nil, err
	}
	core, err := cfg.NewCore(relay, wiring.Server{Schema: Schema, ServeAudit: true,
		RPC: rpc.ServerConfig{Authenticator: auth.Chain(cfg.People, app.NewTerminalAuthenticator(repo)),
			Policy: Policy(), MaxRecvMsgSize: 12 << 20}}) // safety plans and imports carry files
	if err != nil {
		return nil, err
	}
	g := ports.NewGRPC(uc)
	venuev1.RegisterVenueServiceServer(core.Server().GRPC, g)
	venuev1.RegisterTerminalServiceServer(core.Server().GRPC, g)
	projections, err := cfg.Projections()
	if err != nil {
		return nil, err
	}
	return &Service{Core: core, cfg: cfg, projections: projections, app: uc}, nil
}

// Run publishes the outbox and records terminals' last calls until ctx ends.
// The stream is ensured in the background (retried until NATS answers) before the projection
// starts.
func (s *Service) Run(ctx context.Context) error {
	g, ctx := errgroup.WithContext(ctx)
	s.Core.Go(ctx, g)
	g.Go(func() error {
		if !s.cfg.AwaitStreams(ctx, bus.StreamVenue) {
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
