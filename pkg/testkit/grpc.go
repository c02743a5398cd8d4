package testkit

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"net"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"google.golang.org/grpc"

	"github.com/sciweek/sciweek/pkg/auth"
	"github.com/sciweek/sciweek/pkg/db"
	"github.com/sciweek/sciweek/pkg/rpc"
	"github.com/sciweek/sciweek/pkg/telemetry"
)

// Serve serves s on a free loopback port until the test ends and returns a client connection
// to it.
func Serve(t testing.TB, s *grpc.Server, tel *telemetry.Telemetry) *grpc.ClientConn {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = s.Serve(lis) }()
	t.Cleanup(s.Stop)
	conn, err := rpc.Dial(lis.Addr().String(), tel)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

// FreeAddr returns a loopback address no one listens on now, for a server a test starts in
// another process.
func FreeAddr(t testing.TB) string {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer lis.Close()
	return lis.Addr().String()
}

// Call binds one RPC to its request and call options and keeps only its error, for the tables
// of what each caller may and may not do, which check the status code alone. The request is
// built with the table, so it reads the values the test holds then.
func Call[Req, Resp any](ctx context.Context, method func(context.Context, Req, ...grpc.CallOption) (Resp, error), req Req,
	opts ...grpc.CallOption) func() error {
	return func() error {
		_, err := method(ctx, req, opts...)
		return err
	}
}

// Tokens signs access tokens for tests and verifies them like a service would.
type Tokens struct {
	// Issuer signs tokens.
	Issuer *auth.TokenIssuer
	// Verifier accepts the issuer's tokens.
	Verifier *auth.TokenVerifier
}

// NewTokens returns an issuer with a fresh key and its verifier.
func NewTokens(t testing.TB) *Tokens {
	t.Helper()
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	iss, err := auth.NewTokenIssuer(key, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	ver, err := auth.NewTokenVerifier(iss.PublicKey())
	if err != nil {
		t.Fatal(err)
	}
	return &Tokens{Issuer: iss, Verifier: ver}
}

// As returns a call option that authenticates the call as p.
func (k *Tokens) As(t testing.TB, p auth.Principal) grpc.CallOption {
	t.Helper()
	tok, _, err := k.Issuer.Issue(p)
	if err != nil {
		t.Fatal(err)
	}
	return grpc.PerRPCCredentials(rpc.BearerCredential(tok))
}

// CityAdmin is the bureau's admin.
func CityAdmin() auth.Principal {
	return auth.Principal{Subject: "city-admin", Role: auth.RoleCityAdmin}
}

// CountyAdmin is the admin of county code.
func CountyAdmin(code string) auth.Principal {
	return auth.Principal{Subject: "county-admin-" + code, Role: auth.RoleCountyAdmin, CountyCode: code}
}

// Pool opens a pool on a fresh database bound to schema.
func Pool(t testing.TB, schema string, tel *telemetry.Telemetry) *pgxpool.Pool {
	t.Helper()
	pool, err := db.Open(context.Background(), db.Config{URL: Postgres(t), Schema: schema}, tel)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}
