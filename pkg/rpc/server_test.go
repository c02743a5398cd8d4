package rpc_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"testing"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
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
		{"kind becomes code", nil, []grpc.CallOption{as("city")}, func(context.Context) error { return closed.New("edition", "2024") }, codes.FailedPrecondition, "edition 2024 is closed"},
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
			if st.Code() == codes.OK {
				return
			}
			// Every refusal carries a reason and a Chinese message for people.
			d := rpc.DetailsOf(st)
			var info *errdetails.ErrorInfo
			for _, x := range st.Details() {
				if i, ok := x.(*errdetails.ErrorInfo); ok {
					info = i
				}
			}
			if info == nil || info.GetDomain() != rpc.Domain || d.Reason == "" || !errs.IsChinese(d.Chinese) {
				t.Fatalf("details %v: reason %q, Chinese %q", st.Details(), d.Reason, d.Chinese)
			}
		})
	}
	// Probes reach health without a credential.
	if _, err := healthpb.NewHealthClient(conn).Check(context.Background(), &healthpb.HealthCheckRequest{}); err != nil {
		t.Fatalf("health without a credential: %v", err)
	}
}

var closed = errs.Reason{Code: "TEST_EDITION_CLOSED", Kind: errs.FailedPrecondition,
	English: "edition {edition} is closed", Chinese: "{edition} 活动周已结束"}

// TestStatusCarriesReasonArgumentsAndChinese: the one mapping gives the status an English message
// for API clients, ErrorInfo with the reason and its arguments for programs, and a zh-CN
// LocalizedMessage for people; an internal error shows none of its text.
func TestStatusCarriesReasonArgumentsAndChinese(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name            string
		err             error
		code            codes.Code
		message, reason string
		args            map[string]string
		chinese         string
	}{
		{"a reason", closed.New("edition", "2024"), codes.FailedPrecondition, "edition 2024 is closed", "TEST_EDITION_CLOSED",
			map[string]string{"edition": "2024"}, "2024 活动周已结束"},
		{"wrapped by fmt", fmt.Errorf("closing: %w", closed.New("edition", "2025")), codes.FailedPrecondition, "edition 2025 is closed", "TEST_EDITION_CLOSED",
			map[string]string{"edition": "2025"}, "2025 活动周已结束"},
		{"an error without a reason gets its kind's", errs.E(errs.NotFound, "venue v1 not found"), codes.NotFound, "venue v1 not found", "NOT_FOUND",
			nil, errs.General(errs.NotFound).Chinese},
		{"an error written in Chinese keeps its words", errs.E(errs.Invalid, "名额不能为负数"), codes.InvalidArgument, "名额不能为负数", "INVALID_ARGUMENT",
			nil, "名额不能为负数"},
		{"a reason wrapping a cause shows the reason, not the cause", closed.Wrap(errors.New("pq: x"), "edition", "2024"), codes.FailedPrecondition,
			"edition 2024 is closed", "TEST_EDITION_CLOSED", map[string]string{"edition": "2024"}, "2024 活动周已结束"},
		{"internal hides everything", &errs.Error{Kind: errs.Internal, Msg: "secret", Reason: "TEST_SECRET", Chinese: "秘密", Args: map[string]string{"k": "v"}},
			codes.Internal, "internal error", "INTERNAL", nil, errs.General(errs.Internal).Chinese},
		{"a plain error is internal", errors.New("pq: password for user x"), codes.Internal, "internal error", "INTERNAL", nil, errs.General(errs.Internal).Chinese},
		{"a cancelled call", fmt.Errorf("query: %w", context.Canceled), codes.Canceled, rpc.ErrCancelled.English, "CANCELLED", nil, rpc.ErrCancelled.Chinese},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			st := rpc.Status(tc.err)
			d := rpc.DetailsOf(st)
			if st.Code() != tc.code || st.Message() != tc.message || d.Reason != tc.reason || d.Chinese != tc.chinese || !maps.Equal(d.Args, tc.args) {
				t.Fatalf("Status = %v %q, reason %q args %v Chinese %q", st.Code(), st.Message(), d.Reason, d.Args, d.Chinese)
			}
		})
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
