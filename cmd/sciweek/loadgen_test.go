package main

import (
	"context"
	"testing"
	"time"

	"google.golang.org/grpc"

	"github.com/sciweek/sciweek/cmd/sciweek/internal/demo"
	"github.com/sciweek/sciweek/cmd/sciweek/internal/loadgen"
	checkinv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/checkin/v1"
	reportingv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/reporting/v1"
)

// TestLoadgenAgainstTheDemoMatchesTheDashboard runs the terminal simulator as a person would
// after `make run`: terminals provisioned and activated through the venue service, tickets
// signed up for on the public API, offline periods and duplicate sends; the dashboard's figures
// must then grow by exactly what was acknowledged.
func TestLoadgenAgainstTheDemoMatchesTheDashboard(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := startDemo(t)
	world, stats, admin, chk := s.world, s.stats, s.admin, s.checks[0]
	if world.Venues != 4 || world.Counties != 4 || len(world.Terminals) != 4 {
		t.Fatalf("world: %d venues in %d counties, %d terminals", world.Venues, world.Counties, len(world.Terminals))
	}
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
	if sum.Admitted[checkinv1.CheckinKind_CHECKIN_KIND_TICKET] != 20 {
		t.Fatalf("%d tickets admitted, want each of the 20 once", sum.Admitted[checkinv1.CheckinKind_CHECKIN_KIND_TICKET])
	}
	if _, err := checkDashboard(ctx, stats, admin, demo.LiveEdition, before.GetOverview(), sum, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	if err := world.Close(ctx); err != nil {
		t.Fatalf("revoke the terminals: %v", err)
	}
}
