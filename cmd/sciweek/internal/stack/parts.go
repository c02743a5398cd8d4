package stack

import (
	"context"
	"errors"
	"net/http"
	"path/filepath"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go/jetstream"
	"google.golang.org/grpc"

	"github.com/sciweek/sciweek/pkg/auth"
	"github.com/sciweek/sciweek/pkg/bus"
	"github.com/sciweek/sciweek/pkg/rpc"
	"github.com/sciweek/sciweek/pkg/telemetry"
	"github.com/sciweek/sciweek/pkg/wiring"
	"github.com/sciweek/sciweek/services/checkin"
	"github.com/sciweek/sciweek/services/gateway"
	"github.com/sciweek/sciweek/services/registration"
	"github.com/sciweek/sciweek/services/reporting"
	"github.com/sciweek/sciweek/services/venue"
)

// part is one part of the system, declared once: its name, its address in Addrs, its database
// schema (none for the gateway) and how it starts. The stack starts the parts in this order:
// registration signs the tokens every other part verifies, so it comes first.
type part struct {
	name    string
	addr    func(*Addrs) *string
	schema  string
	migrate func(context.Context, *pgxpool.Pool, *telemetry.Telemetry) error
	// people says the part verifies people's tokens, which it gets from registration.
	people bool
	start  func(e *env) (running, error)
}

// env is what a part starts with.
type env struct {
	ctx     context.Context
	st      *Stack
	opts    *Options
	tel     *telemetry.Telemetry
	pool    *pgxpool.Pool // nil for the gateway
	js      jetstream.JetStream
	people  auth.Authenticator
	streams bus.StreamOptions
}

// running is a started part: a gRPC service with its background work, or the HTTP gateway.
type running struct {
	server *rpc.Server
	run    func(context.Context) error
	http   http.Handler
}

// base is what every service's Config takes from the stack.
func (e *env) base() wiring.Base {
	return wiring.Base{AuditKey: e.opts.AuditKey, Pool: e.pool, JetStream: e.js, Telemetry: e.tel, Streams: e.streams}
}

func (e *env) dial(p string) (*grpc.ClientConn, error) { return e.st.dial(*e.st.Addrs.of(p), e.tel) }

// table returns the parts (a function: the parts' start functions find each other's addresses
// through it).
func table() []part {
	return []part{
		{name: "registration", addr: func(a *Addrs) *string { return &a.Registration }, schema: registration.Schema, migrate: registration.Migrate,
			start: func(e *env) (running, error) {
				venueConn, err := e.dial("venue")
				if err != nil {
					return running{}, err
				}
				phoneKey := e.opts.PhoneKey
				if len(phoneKey) == 0 {
					if e.opts.Only != "" {
						return running{}, errors.New("registration needs the phone hash key: set SCIWEEK_PHONE_KEY or SCIWEEK_PHONE_KEY_FILE (README: Personal data)")
					}
					if phoneKey, err = DevPhoneKey(e.opts.DataDir); err != nil {
						return running{}, err
					}
				}
				reg, err := registration.New(e.ctx, registration.Config{Base: e.base(), Venue: venueConn,
					Limits: e.opts.Limits, PhoneKey: phoneKey, TokenLifetime: e.opts.TokenLifetime})
				if err != nil {
					return running{}, err
				}
				e.st.Registration, e.people = reg, reg.TokenVerifier()
				return running{server: reg.Server(), run: reg.Run}, nil
			}},
		{name: "venue", addr: func(a *Addrs) *string { return &a.Venue }, schema: venue.Schema, migrate: venue.Migrate, people: true,
			start: func(e *env) (running, error) {
				regConn, err := e.dial("registration")
				if err != nil {
					return running{}, err
				}
				ven, err := venue.New(venue.Config{Base: e.base(), People: e.people, Registration: regConn,
					Limits: e.opts.Limits})
				if err != nil {
					return running{}, err
				}
				return running{server: ven.Server(), run: ven.Run}, nil
			}},
		{name: "checkin", addr: func(a *Addrs) *string { return &a.Checkin }, schema: checkin.Schema, migrate: checkin.Migrate,
			start: func(e *env) (running, error) {
				chk, err := checkin.New(e.ctx, checkin.Config{Base: e.base(), Location: e.opts.Location,
					Batching: e.opts.CheckinBatching, ServiceKey: e.opts.ServiceKey})
				if err != nil {
					return running{}, err
				}
				return running{server: chk.Server(), run: chk.Run}, nil
			}},
		{name: "reporting", addr: func(a *Addrs) *string { return &a.Reporting }, schema: reporting.Schema, migrate: reporting.Migrate, people: true,
			start: func(e *env) (running, error) {
				regConn, err := e.dial("registration")
				if err != nil {
					return running{}, err
				}
				checkinConn, err := e.dial("checkin")
				if err != nil {
					return running{}, err
				}
				rep, err := reporting.New(reporting.Config{Base: e.base(), People: e.people,
					Location: e.opts.Location, MinPushInterval: e.opts.MinPushInterval, Registration: regConn,
					FilesDir: filepath.Join(e.opts.DataDir, "files"), S3: e.opts.S3, SMTP: e.opts.SMTP,
					Checkin: checkinConn, ServiceKey: e.opts.ServiceKey, AuditEvery: e.opts.AuditEvery, AuditRest: e.opts.AuditRest})
				if err != nil {
					return running{}, err
				}
				return running{server: rep.Server(), run: rep.Run}, nil
			}},
		{name: "gateway", addr: func(a *Addrs) *string { return &a.Gateway },
			start: func(e *env) (running, error) {
				conns := map[string]*grpc.ClientConn{}
				for _, p := range []string{"registration", "venue", "checkin", "reporting"} {
					c, err := e.dial(p)
					if err != nil {
						return running{}, err
					}
					conns[p] = c
				}
				handler, err := gateway.New(e.ctx, gateway.Config{Telemetry: e.tel, Registration: conns["registration"], Venue: conns["venue"],
					Checkin: conns["checkin"], Reporting: conns["reporting"], Metrics: e.st.Metrics.Handler(),
					SecureCookies: e.opts.GatewayTLS != nil, Hygiene: e.opts.Gateway})
				return running{http: handler}, err
			}},
	}
}

// Parts are the parts a stack can run, in the order it starts them.
var Parts = func() []string {
	t := table()
	out := make([]string, len(t))
	for i, p := range t {
		out[i] = p.name
	}
	return out
}()

func (a *Addrs) of(name string) *string {
	for _, p := range table() {
		if p.name == name {
			return p.addr(a)
		}
	}
	return nil
}
