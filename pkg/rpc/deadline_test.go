package rpc_test

import (
	"context"
	"testing"
	"time"

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

func TestMethodClasses(t *testing.T) {
	t.Parallel()
	for method, want := range map[string]string{
		reportingv1.StatsService_GetOverview_FullMethodName:         rpc.ClassCall,
		reportingv1.StatsService_WatchDashboard_FullMethodName:      rpc.ClassWatch,
		reportingv1.StatsService_ExportDashboard_FullMethodName:     rpc.ClassBulk,
		reportingv1.StatsService_RebuildAggregates_FullMethodName:   rpc.ClassBulk,
		"/sciweek.registration.v1.ActivityService/ImportActivities": rpc.ClassBulk,
		"/sciweek.reporting.v1.ReportService/UploadReportFile":      rpc.ClassBulk,
		"/sciweek.checkin.v1.CheckinService/UploadCheckins":         rpc.ClassCall,
		"/sciweek.checkin.v1.CheckinService/RecordCheckin":          rpc.ClassCall,
	} {
		if got := rpc.MethodClass(method); got != want {
			t.Errorf("MethodClass(%s) = %s, want %s", method, got, want)
		}
	}
}

// TestServerDeadlinesRetryHintsAndReadiness: a handler stuck on something that honours its
// context (a database call) answers DeadlineExceeded with a retry hint when the server's bound
// passes, though the caller would wait 10 s; every Unavailable answer says when to retry; a
// server not ready refuses calls and says NOT_SERVING.
func TestServerDeadlinesRetryHintsAndReadiness(t *testing.T) {
	t.Parallel()
	tel := testkit.Telemetry(t, "rpctest")
	srv, err := rpc.NewServer(rpc.ServerConfig{Telemetry: tel, Authenticator: auth.AuthenticatorFunc(func(context.Context, string) (auth.Principal, error) {
		return auth.Principal{Subject: "c", Role: auth.RoleCityAdmin}, nil
	}), Policy: auth.Policy{Roles: map[string][]auth.Role{reportingv1.StatsService_GetOverview_FullMethodName: {auth.RoleCityAdmin}}}})
	if err != nil {
		t.Fatal(err)
	}
	srv.SetDeadlines(rpc.Deadlines{Call: 300 * time.Millisecond})
	impl := &stats{}
	reportingv1.RegisterStatsServiceServer(srv.GRPC, impl)
	conn := testkit.Serve(t, srv.GRPC, tel)
	client := reportingv1.NewStatsServiceClient(conn)
	as := grpc.PerRPCCredentials(rpc.BearerCredential("city"))

	cases := []struct {
		name   string
		answer func(ctx context.Context) error
		want   codes.Code
		within time.Duration
	}{
		{"hung dependency: the server's bound, not the caller's 10 s", func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() }, codes.DeadlineExceeded, 2 * time.Second},
		{"an outage without a hint of its own gets one", func(context.Context) error { return errs.General(errs.Unavailable).New() }, codes.Unavailable, time.Second},
		{"overload keeps its own hint", func(context.Context) error {
			e := errs.General(errs.Exhausted).New()
			e.RetryAfter = 3 * time.Second
			return e
		}, codes.ResourceExhausted, time.Second},
	}
	for _, tc := range cases {
		impl.answer = tc.answer
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		start := time.Now()
		_, err := client.GetOverview(ctx, &reportingv1.GetOverviewRequest{EditionId: "2024"}, as)
		took := time.Since(start)
		cancel()
		st := status.Convert(err)
		hint := rpc.DetailsOf(st).RetryAfter
		if st.Code() != tc.want || took > tc.within || hint <= 0 {
			t.Errorf("%s: %v after %v (retry after %v); want %v within %v with a retry hint", tc.name, err, took, hint, tc.want, tc.within)
		}
		if tc.want == codes.ResourceExhausted && hint != 3*time.Second {
			t.Errorf("%s: hint %v, want the error's own 3s", tc.name, hint)
		}
	}

	// A transport failure (the service is down: no details at all) still reads as a hint.
	if d := rpc.DetailsOf(status.New(codes.Unavailable, "connection refused")); d.RetryAfter != rpc.DefaultRetryAfter {
		t.Errorf("a bare Unavailable reads as retry after %v, want %v", d.RetryAfter, rpc.DefaultRetryAfter)
	}

	impl.answer = func(context.Context) error { return nil }
	srv.SetReady(false)
	h, err := healthpb.NewHealthClient(conn).Check(context.Background(), &healthpb.HealthCheckRequest{})
	if err != nil || h.GetStatus() != healthpb.HealthCheckResponse_NOT_SERVING {
		t.Errorf("not ready: health %v %v", h, err)
	}
	h, err = healthpb.NewHealthClient(conn).Check(context.Background(), &healthpb.HealthCheckRequest{Service: rpc.LivenessService})
	if err != nil || h.GetStatus() != healthpb.HealthCheckResponse_SERVING {
		t.Errorf("not ready but alive: liveness %v %v", h, err)
	}
	_, err = client.GetOverview(context.Background(), &reportingv1.GetOverviewRequest{EditionId: "2024"}, as)
	if d := rpc.DetailsOf(status.Convert(err)); status.Code(err) != codes.Unavailable || d.Reason != rpc.ErrNotReady.Code || d.RetryAfter <= 0 || !errs.IsChinese(d.Chinese) {
		t.Errorf("a call while not ready: %v %+v", err, d)
	}
	srv.SetReady(true)
	if _, err := client.GetOverview(context.Background(), &reportingv1.GetOverviewRequest{EditionId: "2024"}, as); err != nil {
		t.Errorf("once ready: %v", err)
	}
}
