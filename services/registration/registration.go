// Package registration is the registration service: editions, activities and their county
// review, and the accounts people sign in with (it holds the key that signs access tokens).
// This file wires its parts together; everything else is under internal/.
package registration

import (
	"context"
	"crypto/ed25519"
	"errors"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/sync/errgroup"
	"google.golang.org/grpc"

	"github.com/sciweek/sciweek/pkg/auth"
	"github.com/sciweek/sciweek/pkg/bus"
	"github.com/sciweek/sciweek/pkg/events"
	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
	"github.com/sciweek/sciweek/pkg/rpc"
	"github.com/sciweek/sciweek/pkg/telemetry"
	"github.com/sciweek/sciweek/pkg/throttle"
	"github.com/sciweek/sciweek/pkg/wiring"
	"github.com/sciweek/sciweek/services/registration/internal/adapters"
	"github.com/sciweek/sciweek/services/registration/internal/app"
	"github.com/sciweek/sciweek/services/registration/internal/ports"
	"github.com/sciweek/sciweek/services/registration/migrations"
)

// Schema is the registration service's PostgreSQL schema.
const Schema = "registration"

// TokenLifetime is how long an access token is accepted unless renewed: short, so a token that
// leaks is soon worthless; the gateway renews an active person's token past half its life.
const TokenLifetime = 30 * time.Minute

// Config is what the registration service needs from its host process.
type Config struct {
	// Base is the pool on the service's schema, NATS, telemetry, the audit key and the stream
	// settings.
	wiring.Base
	// Venue is a connection to the venue service.
	Venue grpc.ClientConnInterface
	// Limits are the sign-in and sign-up throttles' rules; nil means throttle.DefaultLimits.
	Limits *throttle.Limits
	// PhoneKey keys the hashes of sign-ups' phone numbers (at least 16 bytes). It is a secret
	// kept outside the database (SCIWEEK_PHONE_KEY or SCIWEEK_PHONE_KEY_FILE), the same for
	// every replica and every start: with the key beside the hashes and the masks showing seven
	// digits, each number was recoverable in 10⁴ tries.
	PhoneKey []byte
	// Now is the clock of the use cases; nil means time.Now (tests move it to the end of the
	// retention days).
	Now func() time.Time
	// RetentionEvery is how often the retention rule runs (erasing the personal data of
	// editions past their retention days); 0 means hourly.
	RetentionEvery time.Duration
	// TokenLifetime is how long an access token lives unless renewed; 0 means TokenLifetime.
	TokenLifetime time.Duration
}

// Migrate brings the registration schema up to date.
func Migrate(ctx context.Context, pool *pgxpool.Pool, tel *telemetry.Telemetry) error {
	return wiring.Migrate(ctx, pool, tel, wiring.Schema{Name: Schema, Throttled: true, Own: migrations.FS})
}

// Policy says which roles may call each of the service's RPCs and which calls are audited;
// the authorization matrix test walks it.
func Policy() auth.Policy { return wiring.WithAudit(ports.Policy()) }

// Service is a wired registration service.
type Service struct {
	wiring.Core
	cfg      Config
	app      *app.Service
	verifier *auth.TokenVerifier
}

// New wires the registration service. It loads (or, on first start, creates) the key that signs
// access tokens.
func New(ctx context.Context, cfg Config) (*Service, error) {
	if cfg.Pool == nil || cfg.JetStream == nil || cfg.Telemetry == nil || cfg.Venue == nil {
		return nil, errors.New("registration: pool, JetStream, telemetry and venue connection are required")
	}
	relay, err := cfg.Relay(Schema, 0)
	if err != nil {
		return nil, err
	}
	store, err := adapters.NewStore(cfg.Pool, cfg.Telemetry.Propagator, relay.Wake)
	if err != nil {
		return nil, err
	}
	// The default edition's ticket key is made on first start, like the token key.
	if _, err := store.SigningKey(ctx, "ticket:2024"); err != nil {
		return nil, err
	}
	key, err := store.SigningKey(ctx, "access_token")
	if err != nil {
		return nil, err
	}
	if cfg.TokenLifetime <= 0 {
		cfg.TokenLifetime = TokenLifetime
	}
	issuer, err := auth.NewTokenIssuer(key, cfg.TokenLifetime)
	if err != nil {
		return nil, err
	}
	verifier, err := auth.NewTokenVerifier(issuer.PublicKey())
	if err != nil {
		return nil, err
	}
	// The sessions that ended are refused from the first call: read from the accounts now,
	// raised by this service's own changes as they commit, and by other replicas' through
	// their events (Run).
	revoked := auth.NewRevocations()
	ended, err := store.EndedSessions(ctx)
	if err != nil {
		return nil, err
	}
	for name, v := range ended {
		revoked.End(name, v)
	}
	verifier.WithRevocations(revoked)
	counters, limits, err := wiring.Throttles(cfg.Pool, cfg.Limits)
	if err != nil {
		return nil, err
	}
	if len(cfg.PhoneKey) < 16 {
		return nil, errors.New("registration: a phone key of at least 16 bytes is required (SCIWEEK_PHONE_KEY or SCIWEEK_PHONE_KEY_FILE)")
	}
	// The key used to sit in the database: hashes made with it are re-keyed once, and it goes.
	if n, err := store.RekeyPhones(ctx, cfg.PhoneKey); err != nil {
		return nil, err
	} else if n > 0 {
		cfg.Telemetry.Logger.InfoContext(ctx, "phone hashes re-keyed with the key from outside the database; the stored key is deleted", "signups", n)
	}
	uc, err := app.New(app.Deps{
		Activities: store, Editions: store, Units: store, Accounts: store, Nominations: store, Signups: store, Keys: store,
		Venues: adapters.NewVenueClient(cfg.Venue), Spreadsheets: adapters.Spreadsheets{}, Tokens: issuer, Sessions: revoked,
		Throttle: counters, Limits: limits, Retention: store, PhoneKey: cfg.PhoneKey, Log: cfg.Telemetry.Logger, Now: wiring.Clock(cfg.Now),
	})
	if err != nil {
		return nil, err
	}
	core, err := cfg.NewCore(relay, wiring.Server{Schema: Schema, ServeAudit: true,
		RPC: rpc.ServerConfig{Authenticator: auth.Chain(verifier, nil), Policy: Policy(),
			MaxRecvMsgSize: 12 << 20}}) // imports carry spreadsheets of up to 8 MiB
	if err != nil {
		return nil, err
	}
	g := ports.NewGRPC(uc, issuer.PublicKey())
	registrationv1.RegisterActivityServiceServer(core.Server().GRPC, g)
	registrationv1.RegisterEditionServiceServer(core.Server().GRPC, g)
	registrationv1.RegisterAccountServiceServer(core.Server().GRPC, g)
	registrationv1.RegisterUnitServiceServer(core.Server().GRPC, g)
	registrationv1.RegisterFeaturedServiceServer(core.Server().GRPC, g)
	registrationv1.RegisterSignupServiceServer(core.Server().GRPC, g)
	return &Service{Core: core, cfg: cfg, app: uc, verifier: verifier}, nil
}

// TokenVerifier verifies the access tokens this service issues; other services in the same
// process use it directly, others fetch the key with AccountService.GetTokenKeys.
func (s *Service) TokenVerifier() *auth.TokenVerifier { return s.verifier }

// SetAccount creates an account or resets its password; for operators, not for RPC callers.
// unitID links an organizer's account to its unit (uuid.Nil for other roles).
func (s *Service) SetAccount(ctx context.Context, username, password string, role auth.Role, county string, unitID uuid.UUID, displayName string) error {
	return s.app.SetAccount(ctx, username, password, role, county, unitID, displayName)
}

// Run publishes the outbox until ctx ends. The editions' events go to the outbox at once; the
// stream is ensured in the background (retried until NATS answers) and the relay publishes
// once it can.
func (s *Service) Run(ctx context.Context) error {
	if err := s.app.PublishEditions(ctx); err != nil {
		return err
	}
	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		if !s.cfg.AwaitStreams(ctx, bus.StreamRegistration) {
			return nil
		}
		// Other replicas' ended sessions; this one's own are in its table from the commit, and
		// all of them were read from the accounts at start.
		for {
			err := events.FollowSessionsEnded(ctx, s.cfg.JetStream, s.cfg.Streams, s.cfg.Telemetry.Logger, s.verifier.Revocations())
			if err == nil || ctx.Err() != nil {
				return nil
			}
			s.cfg.Telemetry.Logger.WarnContext(ctx, "cannot follow the ended sessions yet; retrying", "error", err)
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(time.Second):
			}
		}
	})
	g.Go(func() error { s.retain(ctx); return nil })
	s.Core.Go(ctx, g)
	return g.Wait()
}

// retain runs the retention rule now and then until ctx ends (every replica may: an erased
// edition is not erased again).
func (s *Service) retain(ctx context.Context) {
	every := s.cfg.RetentionEvery
	if every <= 0 {
		every = time.Hour
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := s.app.EraseDuePersonalData(ctx); err != nil && ctx.Err() == nil {
			s.cfg.Telemetry.Logger.WarnContext(ctx, "retention rule", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// FetchTokenVerifier asks a registration service for its token keys and returns a verifier; a
// service running in its own process calls it at start.
func FetchTokenVerifier(ctx context.Context, conn grpc.ClientConnInterface) (*auth.TokenVerifier, error) {
	resp, err := registrationv1.NewAccountServiceClient(conn).GetTokenKeys(ctx, &registrationv1.GetTokenKeysRequest{})
	if err != nil {
		return nil, err
	}
	keys := make([]ed25519.PublicKey, 0, len(resp.GetEd25519PublicKeys()))
	for _, k := range resp.GetEd25519PublicKeys() {
		keys = append(keys, ed25519.PublicKey(k))
	}
	return auth.NewTokenVerifier(keys...)
}

// Consumes lists the kinds of event registration applies: only the ended sessions (its own,
// from other replicas), into memory (pkg/events says who consumes what).
func Consumes() []bus.Kind { return []bus.Kind{events.AccountSessionsEnded} }
