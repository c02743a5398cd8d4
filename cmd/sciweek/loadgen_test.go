package main

import (
	"context"
	"io"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/sciweek/sciweek/cmd/sciweek/internal/demo"
	"github.com/sciweek/sciweek/cmd/sciweek/internal/loadgen"
	"github.com/sciweek/sciweek/cmd/sciweek/internal/stack"
	checkinv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/checkin/v1"
	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
	reportingv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/reporting/v1"
	"github.com/sciweek/sciweek/pkg/rpc"
	"github.com/sciweek/sciweek/pkg/testkit"
)

// TestLoadgenAgainstTheDemoMatchesTheDashboard runs the terminal simulator as a person would
// after `make run`: terminals provisioned and activated through the venue service, tickets
// signed up for on the public API, offline periods and duplicate sends; the dashboard's figures
// must then grow by exactly what was acknowledged.
func TestLoadgenAgainstTheDemoMatchesTheDashboard(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	st, err := stack.Start(ctx, stack.Options{DataDir: dir, DatabaseURL: testkit.Postgres(t), NATSPort: -1, LogWriter: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close(context.Background()) })
	dial := func(addr string) *grpc.ClientConn {
		c, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = c.Close() })
		return c
	}
	reg, ven, chk, rep := dial(st.Addrs.Registration), dial(st.Addrs.Venue), dial(st.Addrs.Checkin), dial(st.Addrs.Reporting)
	info, err := demo.Ensure(ctx, dir, st.Registration, demo.Conns{Registration: reg, Venue: ven})
	if err != nil {
		t.Fatal(err)
	}
	world, err := loadgen.Prepare(ctx, loadgen.Setup{Registration: reg, Venue: ven, Checkin: chk, Username: info.AdminUsername, Password: info.AdminPassword,
		Edition: demo.LiveEdition, Terminals: 6, Venues: 3, Tickets: 30, RunID: 1})
	if err != nil {
		t.Fatal(err)
	}
	if world.Venues != 3 || world.Counties != 3 || len(world.Terminals) != 6 {
		t.Fatalf("world: %d venues in %d counties, %d terminals", world.Venues, world.Counties, len(world.Terminals))
	}
	login, err := registrationv1.NewAccountServiceClient(reg).Login(ctx, &registrationv1.LoginRequest{Username: info.AdminUsername, Password: info.AdminPassword})
	if err != nil {
		t.Fatal(err)
	}
	admin := grpc.PerRPCCredentials(rpc.BearerCredential(login.GetAccessToken()))
	stats := reportingv1.NewStatsServiceClient(rep)
	before, err := stats.GetOverview(ctx, &reportingv1.GetOverviewRequest{EditionId: demo.LiveEdition}, admin)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := loadgen.Run(ctx, loadgen.Config{Conns: []grpc.ClientConnInterface{chk}, Terminals: world.Terminals, Duration: 3 * time.Second,
		Rate: 600, Batch: 3, Mix: loadgen.Mix{Ticket: 0.3, Group: 0.05, Checkout: 0.2}, Offline: 0.5, OfflineFor: time.Second, Duplicates: 0.2, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Unacknowledged != 0 || sum.DuplicateMismatches != 0 || sum.DuplicateSends == 0 {
		t.Fatalf("summary: %d unacknowledged, %d duplicate sends with %d mismatches, errors %v", sum.Unacknowledged, sum.DuplicateSends, sum.DuplicateMismatches, sum.Errors)
	}
	if sum.Admitted[checkinv1.CheckinKind_CHECKIN_KIND_TICKET] != 30 {
		t.Fatalf("%d tickets admitted, want each of the 30 once", sum.Admitted[checkinv1.CheckinKind_CHECKIN_KIND_TICKET])
	}
	if _, err := checkDashboard(ctx, stats, admin, demo.LiveEdition, before.GetOverview(), sum, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	if err := world.Close(ctx); err != nil {
		t.Fatalf("revoke the terminals: %v", err)
	}
}
