package stack_test

import (
	"context"
	"fmt"
	"io"
	"sort"
	"testing"
	"time"

	"google.golang.org/grpc"

	"github.com/sciweek/sciweek/cmd/sciweek/internal/demo"
	"github.com/sciweek/sciweek/cmd/sciweek/internal/stack"
	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
	reportingv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/reporting/v1"
	"github.com/sciweek/sciweek/pkg/rpc"
	"github.com/sciweek/sciweek/pkg/testkit"
)

// TestDemoHistory makes the first run's 2024 history at a fifteenth of its size, through the
// real check-in API, and checks what the dashboard then shows: every day of the week with
// Workers' Day the busiest, a city total that is the sum of its counties, refusals counted, a
// history that a second start does not add again, the report board with states, and the live
// trickle moving the demo edition.
func TestDemoHistory(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	st, err := stack.Start(ctx, stack.Options{DataDir: dir, DatabaseURL: testkit.Postgres(t), NATSPort: -1, LogWriter: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close(context.Background()) })
	conns := demo.Conns{Registration: dial(t, st.Addrs.Registration), Venue: dial(t, st.Addrs.Venue), Checkin: dial(t, st.Addrs.Checkin), Reporting: dial(t, st.Addrs.Reporting)}
	info, err := demo.Ensure(ctx, dir, st.Registration, conns)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := demo.History(ctx, dir, info, demo.HistoryConfig{People: 20_000, Conns: conns})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Skipped || sum.People < 19_000 || sum.Groups == 0 || sum.Refused == 0 || sum.Anomalies == 0 {
		t.Fatalf("history: %+v, want about 20,000 participations with school classes, refusals and anomalies", sum)
	}
	t.Logf("history: %+v", sum)

	login, err := registrationv1.NewAccountServiceClient(conns.Registration).Login(ctx, &registrationv1.LoginRequest{Username: info.AdminUsername, Password: info.AdminPassword})
	if err != nil {
		t.Fatal(err)
	}
	admin := grpc.PerRPCCredentials(rpc.BearerCredential(login.GetAccessToken()))
	stats := reportingv1.NewStatsServiceClient(conns.Reporting)
	var overview *reportingv1.Overview
	testkit.Eventually(t, 30*time.Second, func() error {
		resp, err := stats.GetOverview(ctx, &reportingv1.GetOverviewRequest{EditionId: demo.HistoryEdition}, admin)
		if err != nil {
			return err
		}
		overview = resp.GetOverview()
		if got := overview.GetCity().GetParticipations(); got != sum.People {
			return fmt.Errorf("the dashboard shows %d participations, the history admitted %d", got, sum.People)
		}
		// Every refused scan counts in the edition, those whose ticket cannot be read included
		// (the door's edition): before, only about a third did.
		if got := overview.GetRefusedScans(); got != sum.Refused {
			return fmt.Errorf("the dashboard shows %d refused scans, the doors were refused %d", got, sum.Refused)
		}
		return nil
	})
	var counties int64
	for _, c := range overview.GetCounties() {
		counties += c.GetParticipations()
	}
	if counties != overview.GetCity().GetParticipations() || len(overview.GetCounties()) < 10 {
		t.Errorf("%d counties add up to %d, the city shows %d", len(overview.GetCounties()), counties, overview.GetCity().GetParticipations())
	}

	days, err := stats.QueryParticipations(ctx, &reportingv1.QueryParticipationsRequest{EditionId: demo.HistoryEdition, GroupBy: reportingv1.Dimension_DIMENSION_DAY}, admin)
	if err != nil {
		t.Fatal(err)
	}
	byDay := map[string]int64{}
	var keys []string
	for _, r := range days.GetRows() {
		byDay[r.GetKey()] = r.GetParticipations()
		keys = append(keys, r.GetKey())
	}
	sort.Strings(keys)
	want := []string{"2024-05-25", "2024-05-26", "2024-05-27", "2024-05-28", "2024-05-29", "2024-05-30", "2024-05-31", "2024-06-01"}
	if len(keys) != len(want) {
		t.Fatalf("days %v, want the eight days of the week %v", keys, want)
	}
	for i, k := range keys {
		if k != want[i] || byDay[k] == 0 {
			t.Fatalf("days %v, want the eight days of the week %v, each with participations", byDay, want)
		}
		if k != "2024-05-30" && byDay[k] >= byDay["2024-05-30"] {
			t.Errorf("%s has %d participations, Workers' Day (30 May) %d: it should be the busiest", k, byDay[k], byDay["2024-05-30"])
		}
	}

	// A second start finds the marker and adds nothing.
	again, err := demo.History(ctx, dir, info, demo.HistoryConfig{People: 20_000, Conns: conns})
	if err != nil || !again.Skipped {
		t.Fatalf("second start: %+v, %v; want it skipped", again, err)
	}
	time.Sleep(time.Second)
	resp, err := stats.GetOverview(ctx, &reportingv1.GetOverviewRequest{EditionId: demo.HistoryEdition}, admin)
	if err != nil {
		t.Fatal(err)
	}
	if got := resp.GetOverview().GetCity().GetParticipations(); got != sum.People {
		t.Errorf("after a second start the dashboard shows %d participations, want %d", got, sum.People)
	}

	reports, err := reportingv1.NewReportServiceClient(conns.Reporting).ListReports(ctx, &reportingv1.ListReportsRequest{EditionId: demo.HistoryEdition}, admin)
	if err != nil {
		t.Fatal(err)
	}
	states := map[reportingv1.ReportStatus]int{}
	for _, r := range reports.GetReports() {
		states[r.GetStatus()]++
	}
	if states[reportingv1.ReportStatus_REPORT_STATUS_SUBMITTED] == 0 || states[reportingv1.ReportStatus_REPORT_STATUS_RETURNED] != 1 {
		t.Errorf("report board states %v, want reports submitted and one returned", states)
	}

	// The live trickle moves the demo edition's figures.
	tctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- demo.Trickle(tctx, dir, info, conns) }()
	testkit.Eventually(t, 30*time.Second, func() error {
		resp, err := stats.GetOverview(ctx, &reportingv1.GetOverviewRequest{EditionId: demo.LiveEdition}, admin)
		if err != nil {
			return err
		}
		if resp.GetOverview().GetCity().GetParticipationsToday() == 0 {
			return fmt.Errorf("the live edition counts nobody today yet")
		}
		return nil
	})
	stop()
	if err := <-done; err != nil {
		t.Errorf("trickle: %v", err)
	}
}
