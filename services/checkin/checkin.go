// Package checkin is the check-in service: the terminals' API and the system of record for
// attendance. Scans are judged against an in-memory catalog fed by events (no lookups on the hot
// path), written in group-committed batches, and acknowledged only after PostgreSQL has
// committed them together with their events (transactional outbox). This file wires its parts
// together.
package checkin

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/sync/errgroup"

	"github.com/sciweek/sciweek/pkg/auth"
	"github.com/sciweek/sciweek/pkg/bus"
	checkinv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/checkin/v1"
	"github.com/sciweek/sciweek/pkg/rpc"
	"github.com/sciweek/sciweek/pkg/telemetry"
	"github.com/sciweek/sciweek/pkg/wiring"
	"github.com/sciweek/sciweek/services/checkin/internal/adapters"
	"github.com/sciweek/sciweek/services/checkin/internal/app"
	"github.com/sciweek/sciweek/services/checkin/internal/ports"
	"github.com/sciweek/sciweek/services/checkin/migrations"
)

// Schema is the check-in service's PostgreSQL schema.
const Schema = "checkin"

// TallyExportApplication is the application_name check-in's session carries in
// pg_stat_activity while it reads its table for reporting's audit or rebuild.
const TallyExportApplication = adapters.TallyExportApplication

// streamWorkers is how many goroutines check-in keeps to run calls on: a city's doors calling at
// once in the week's busiest hour (the benchmark's 200 terminals, with room), so that a call
// runs on a goroutine whose stack has already grown (see rpc.ServerConfig.StreamWorkers).
const streamWorkers = 256

// Config is what the check-in service needs from its host process.
type Config struct {
	// Base is the pool on the service's schema, NATS, telemetry, the audit key and the stream
	// settings.
	wiring.Base
	// Batching tunes group commit; the zero value is fine.
	Batching Batching
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Location is the city's time zone, which says what "today" is for terminals; nil means
	// Asia/Shanghai.
	Location *time.Location
	// ServiceKey is the deployment's shared service key (SCIWEEK_SERVICE_KEY): the other
	// services prove with it that they may export the counts. Empty refuses them all.
	ServiceKey string
}

// Batching tunes group commit: how many records a transaction takes at most, how many
// transactions may be in flight, and how many records may wait before callers are told to come
// back later.
type Batching = adapters.BatcherConfig

// Migrate brings the checkin schema up to date.
func Migrate(ctx context.Context, pool *pgxpool.Pool, tel *telemetry.Telemetry) error {
	return wiring.Migrate(ctx, pool, tel, wiring.Schema{Name: Schema, Own: migrations.FS})
}

// Policy says which roles may call each of the service's RPCs and which calls are audited;
// the authorization matrix test walks it.
func Policy() auth.Policy { return ports.Policy() }

// Service is a wired check-in service.
type Service struct {
	wiring.Core
	cfg         Config
	batcher     *adapters.Batcher
	catalog     *adapters.Catalog
	app         *app.Service
	projections *bus.ProjectionRunner
}

// New wires the check-in service and loads its catalog. Terminals authenticate against the
// catalog; people's tokens are not accepted at all.
func New(ctx context.Context, cfg Config) (*Service, error) {
	if cfg.Pool == nil || cfg.JetStream == nil || cfg.Telemetry == nil {
		return nil, errors.New("checkin: pool, JetStream and telemetry are required")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	// Check-in commits hundreds of times a second on a busy day; gathering 20 ms of them per
	// relay round saves most of the rounds' own commits for the writers.
	relay, err := cfg.Relay(Schema, 20*time.Millisecond)
	if err != nil {
		return nil, err
	}
	records, err := adapters.NewRecords(cfg.Pool, cfg.Telemetry.Propagator, relay.Wake)
	if err != nil {
		return nil, err
	}
	batcher, err := adapters.NewBatcher(records, cfg.Batching, cfg.Telemetry.Meter.Meter("sciweek/checkin"), cfg.Telemetry.Tracer.Tracer("sciweek/checkin"))
	if err != nil {
		return nil, err
	}
	catalog := adapters.NewCatalog()
	if err := catalog.Load(ctx, cfg.Pool); err != nil {
		return nil, err
	}
	if cfg.Location == nil {
		if cfg.Location, err = time.LoadLocation("Asia/Shanghai"); err != nil {
			return nil, err
		}
	}
	door, err := adapters.NewDoor(cfg.Pool, cfg.Now, 0)
	if err != nil {
		return nil, err
	}
	uc, err := app.New(catalog, batcher, door, cfg.Now, cfg.Location)
	if err != nil {
		return nil, err
	}
	seen := adapters.NewSeenReporter(cfg.JetStream, cfg.Telemetry.Logger)
	core, err := cfg.NewCore(relay, wiring.Server{Schema: Schema,
		RPC: rpc.ServerConfig{Policy: Policy(), KnownGood: ports.KnownGood(), StreamWorkers: streamWorkers,
			Authenticator: auth.WithServices(auth.Chain(nil, app.NewTerminalAuthenticator(catalog, seen.Seen, cfg.Now)), cfg.ServiceKey)}})
	if err != nil {
		return nil, err
	}
	checkinv1.RegisterCheckinServiceServer(core.Server().GRPC, ports.NewGRPC(uc))
	tally, err := adapters.NewTally(cfg.Pool, cfg.JetStream, Schema)
	if err != nil {
		return nil, err
	}
	attendance, err := app.NewAttendance(tally, tally, tally)
	if err != nil {
		return nil, err
	}
	checkinv1.RegisterAttendanceServiceServer(core.Server().GRPC, ports.NewAttendance(attendance))
	projections, err := cfg.Projections()
	if err != nil {
		return nil, err
	}
	return &Service{Core: core, cfg: cfg, batcher: batcher, catalog: catalog, app: uc, projections: projections}, nil
}

// Run writes batches, publishes the outbox and keeps the catalog up to date until ctx ends.
// Records are written and queued in the outbox whether or not NATS is up; the stream is ensured
// in the background (retried until NATS answers) before the projections start.
func (s *Service) Run(ctx context.Context) error {
	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() error { return s.batcher.Run(ctx) })
	s.Core.Go(ctx, g)
	g.Go(func() error {
		if !s.cfg.AwaitStreams(ctx, bus.StreamCheckin) {
			return nil
		}
		for _, p := range projections(s.app) {
			g.Go(func() error { return s.projections.Run(ctx, p) })
		}
		return nil
	})
	return g.Wait()
}

// projections are the events check-in applies.
func projections(uc *app.Service) []bus.Projection {
	return []bus.Projection{ports.VenueEvents(uc), ports.RegistrationEvents(uc), ports.TicketEvents(uc)}
}

// Consumes lists the kinds of event check-in applies (pkg/events says who consumes what).
func Consumes() []bus.Kind {
	var out []bus.Kind
	for _, p := range projections(nil) {
		out = append(out, p.Consumes()...)
	}
	return out
}
