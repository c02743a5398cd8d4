package testkit

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"google.golang.org/grpc"

	"github.com/sciweek/sciweek/pkg/telemetry"
	"github.com/sciweek/sciweek/pkg/wiring"
)

// Backing is what one service under test stands on, as each service's tests start it: its
// telemetry, a pool on its own migrated schema, an embedded NATS, and a context that ends with
// the test.
type Backing struct {
	// Ctx ends when the test does.
	Ctx       context.Context
	Telemetry *telemetry.Telemetry
	Pool      *pgxpool.Pool
	NATS      *NATS
	cancel    context.CancelFunc
}

// Back starts the backing of the service named service: telemetry, a pool on schema, which
// migrate brings up to date (the service's own Migrate), and NATS.
func Back(t testing.TB, service, schema string, migrate func(context.Context, *pgxpool.Pool, *telemetry.Telemetry) error) *Backing {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	tel := Telemetry(t, service)
	pool := Pool(t, schema, tel)
	n := StartNATS(t)
	if err := migrate(ctx, pool, tel); err != nil {
		t.Fatal(err)
	}
	return &Backing{Ctx: ctx, Telemetry: tel, Pool: pool, NATS: n, cancel: cancel}
}

// Base is what the service's Config takes from the backing (no audit key, default streams).
func (b *Backing) Base() wiring.Base {
	return wiring.Base{Pool: b.Pool, JetStream: b.NATS.JetStream, Telemetry: b.Telemetry}
}

// Run runs a wired service (run returns when its context ends) for the rest of the test, which
// waits for it to stop, and serves its gRPC server: the connection is the one the test's
// clients use.
func (b *Backing) Run(t testing.TB, run func(context.Context) error, srv *grpc.Server) *grpc.ClientConn {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); _ = run(b.Ctx) }()
	t.Cleanup(func() { b.cancel(); <-done })
	return Serve(t, srv, b.Telemetry)
}
