package rpc_test

import (
	"context"
	"errors"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"

	"github.com/sciweek/sciweek/pkg/auth"
	"github.com/sciweek/sciweek/pkg/errs"
	reportingv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/reporting/v1"
	"github.com/sciweek/sciweek/pkg/rpc"
	"github.com/sciweek/sciweek/pkg/testkit"
)

// stats answers GetOverview with whatever the test case asks for.
type stats struct {
	reportingv1.UnimplementedStatsServiceServer
	answer func(ctx context.Context) error
}

func (s *stats) GetOverview(ctx context.Context, _ *reportingv1.GetOverviewRequest) (*reportingv1.GetOverviewResponse, error) {
	if err := s.answer(ctx); err != nil {
		return nil, err
	}
	return &reportingv1.GetOverviewResponse{}, nil
}

func TestServerMapsCredentialsPolicyAndErrorsToCodes(t *testing.T) {
	t.Parallel()
	tel := testkit.Telemetry(t, "rpctest")
	// The authenticator reads the credential as the outcome to produce.
	authn := auth.AuthenticatorFunc(func(_ context.Context, cred string) (auth.Principal, error) {
		switch cred {
		case "city":
			return auth.Principal{Subject: "c", Role: auth.RoleCityAdmin}, nil
		case "organizer":
			return auth.Principal{Subject: "o", Role: auth.RoleOrganizer, CountyCode: "140105"}, nil
		case "db-down":
			return auth.Principal{}, errs.E(errs.Unavailable, "database unavailable, try again")
		case "unknown":
			return auth.Principal{}, errs.E(errs.NotFound, "no such terminal")
		}
		return auth.Principal{}, errs.E(errs.Unauthenticated, "bad credential")
	})
	srv, err := rpc.NewServer(rpc.ServerConfig{Telemetry: tel, Authenticator: authn, Policy: auth.Policy{Roles: map[string][]auth.Role{
		reportingv1.StatsService_GetOverview_FullMethodName: {auth.RoleCityAdmin},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	impl := &stats{}
	reportingv1.RegisterStatsServiceServer(srv.GRPC, impl)
	conn := testkit.Serve(t, srv.GRPC, tel)
	client := reportingv1.NewStatsServiceClient(conn)
	as := func(cred string) grpc.CallOption { return grpc.PerRPCCredentials(rpc.BearerCredential(cred)) }
	tests := []struct {
		name    string
		req     *reportingv1.GetOverviewRequest
		opts    []grpc.CallOption
		answer  func(ctx context.Context) error
		want    codes.Code
		message string
	}{
		{"no credential", nil, nil, nil, codes.Unauthenticated, `missing credential: send "authorization: Bearer <token>"`},
		{"bad credential", nil, []grpc.CallOption{as("forged")}, nil, codes.Unauthenticated, "bad credential"},
		{"unknown credential is unauthenticated, not not-found", nil, []grpc.CallOption{as("unknown")}, nil, codes.Unauthenticated, "no such terminal"},
		{"our database down is unavailable, not the caller's fault", nil, []grpc.CallOption{as("db-down")}, nil, codes.Unavailable, "database unavailable, try again"},
		{"role outside the policy", nil, []grpc.CallOption{as("organizer")}, nil, codes.PermissionDenied, "role organizer may not call /sciweek.reporting.v1.StatsService/GetOverview"},
		{"malformed request", &reportingv1.GetOverviewRequest{EditionId: "NOT VALID"}, []grpc.CallOption{as("city")}, nil, codes.InvalidArgument, ""},
		{"kind becomes code", nil, []grpc.CallOption{as("city")}, func(context.Context) error { return errs.E(errs.FailedPrecondition, "edition is closed") }, codes.FailedPrecondition, "edition is closed"},
		{"error without kind hides its text", nil, []grpc.CallOption{as("city")}, func(context.Context) error { return errors.New("pq: password for user x") }, codes.Internal, "internal error"},
		{"panic is an internal error", nil, []grpc.CallOption{as("city")}, func(context.Context) error { panic("boom") }, codes.Internal, "internal error"},
		{"principal reaches the handler", nil, []grpc.CallOption{as("city")}, func(ctx context.Context) error {
			if p, ok := auth.FromContext(ctx); !ok || p.Role != auth.RoleCityAdmin {
				return errs.E(errs.Internal, "no principal")
			}
			return nil
		}, codes.OK, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			impl.answer = tt.answer
			if impl.answer == nil {
				impl.answer = func(context.Context) error { return nil }
			}
			req := tt.req
			if req == nil {
				req = &reportingv1.GetOverviewRequest{EditionId: "2024"}
			}
			_, err := client.GetOverview(context.Background(), req, tt.opts...)
			st := status.Convert(err)
			if st.Code() != tt.want || (tt.message != "" && st.Message() != tt.message) {
				t.Fatalf("got %v %q, want %v %q", st.Code(), st.Message(), tt.want, tt.message)
			}
		})
	}
	// Probes reach health without a credential.
	if _, err := healthpb.NewHealthClient(conn).Check(context.Background(), &healthpb.HealthCheckRequest{}); err != nil {
		t.Fatalf("health without a credential: %v", err)
	}
}

func TestPageTokens(t *testing.T) {
	t.Parallel()
	off, limit, err := rpc.Page(0, "")
	if err != nil || off != 0 || limit != rpc.DefaultPageSize {
		t.Fatalf("first page: %d %d %v", off, limit, err)
	}
	next := rpc.NextPageToken(0, 10, 10)
	off, limit, err = rpc.Page(10, next)
	if err != nil || off != 10 || limit != 10 {
		t.Fatalf("second page: %d %d %v", off, limit, err)
	}
	if rpc.NextPageToken(10, 10, 3) != "" {
		t.Fatal("a short page must be the last")
	}
	if _, _, err := rpc.Page(10, "garbage!"); errs.KindOf(err) != errs.Invalid {
		t.Fatalf("forged token: %v", err)
	}
}
