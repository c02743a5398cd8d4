package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"syscall"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/sciweek/sciweek/cmd/sciweek/internal/demo"
	"github.com/sciweek/sciweek/cmd/sciweek/internal/loadgen"
	checkinv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/checkin/v1"
	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
	reportingv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/reporting/v1"
	"github.com/sciweek/sciweek/pkg/rpc"
)

// loadgenCmd simulates terminals against a running system (`make run`), and checks the
// dashboard's figures against what it sent.
func loadgenCmd(args []string) error {
	fs := flag.NewFlagSet("loadgen", flag.ExitOnError)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `usage: sciweek loadgen [flags]

Simulates check-in terminals against a running system (start one with "make run"): provisions
terminals at venues of the demo data and activates them with their setup codes, signs people up
for tickets, then scans tickets, walk-ins, school groups and check-outs, with optional offline
periods and duplicate sends. It shows a live progress line, prints what it sent, and compares
it with the dashboard's figures. Its terminals are revoked at the end unless -keep is given.

flags:
`)
		fs.PrintDefaults()
	}
	data := fs.String("data", envOr("SCIWEEK_DATA", ".data"), "data folder of the running system: the admin login is read from <data>/demo.json")
	host := fs.String("host", "127.0.0.1", "host of the running system")
	grpcBase := fs.Int("grpc-port", 7101, "first gRPC port of the running system: registration, then venue, check-in and reporting")
	edition := fs.String("edition", demo.LiveEdition, "edition whose activities are in session now")
	terminals := fs.Int("terminals", 100, "terminals to simulate")
	venues := fs.Int("venues", 20, "venues to spread them over")
	tickets := fs.Int("tickets", 1000, "tickets to sign up for and scan")
	duration := fs.Duration("duration", 30*time.Second, "how long terminals scan")
	rate := fs.Float64("rate", 0, "records per second over all terminals; 0 sends as fast as acknowledged")
	batch := fs.Int("batch", 1, "records per call: 1 scans one at a time, more uploads batches as gates do (at most 1000)")
	ticketShare := fs.Float64("ticket", 0.2, "share of ticket scans")
	groupShare := fs.Float64("group", 0.02, "share of group check-ins (a class and its teachers)")
	checkoutShare := fs.Float64("checkout", 0.2, "share of check-outs")
	offline := fs.Float64("offline", 0, "share of terminals that go offline once and upload later")
	offlineFor := fs.Duration("offline-for", 0, "how long they stay offline (default a third of -duration)")
	duplicates := fs.Float64("duplicates", 0, "share of calls sent twice")
	conns := fs.Int("conns", 4, "connections to the check-in service")
	keep := fs.Bool("keep", false, "keep the terminals instead of revoking them at the end")
	_ = fs.Parse(args)

	var info demo.Info
	b, err := os.ReadFile(filepath.Join(*data, "demo.json"))
	if err != nil {
		return fmt.Errorf("read the admin login (is the system running with -data %s?): %w", *data, err)
	}
	if err := json.Unmarshal(b, &info); err != nil {
		return err
	}
	addr := func(i int) string { return fmt.Sprintf("%s:%d", *host, *grpcBase+i) }
	dial := func(a string) (*grpc.ClientConn, error) {
		return grpc.NewClient(a, grpc.WithTransportCredentials(insecure.NewCredentials()))
	}
	regConn, err := dial(addr(0))
	if err != nil {
		return err
	}
	defer regConn.Close()
	venueConn, err := dial(addr(1))
	if err != nil {
		return err
	}
	defer venueConn.Close()
	repConn, err := dial(addr(3))
	if err != nil {
		return err
	}
	defer repConn.Close()
	checkinConns := make([]grpc.ClientConnInterface, *conns)
	for i := range checkinConns {
		c, err := dial(addr(2))
		if err != nil {
			return err
		}
		defer c.Close()
		checkinConns[i] = c
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	world, err := loadgen.Prepare(ctx, loadgen.Setup{Registration: regConn, Venue: venueConn, Checkin: checkinConns[0],
		Username: info.AdminUsername, Password: info.AdminPassword, Edition: *edition,
		Terminals: *terminals, Venues: *venues, Tickets: *tickets, Log: os.Stderr, RunID: rand.Uint32()})
	if err != nil {
		return err
	}
	if !*keep {
		defer func() {
			if err := world.Close(context.Background()); err != nil {
				fmt.Fprintln(os.Stderr, "loadgen: revoke terminals:", err)
			}
		}()
	}
	login, err := registrationv1.NewAccountServiceClient(regConn).Login(ctx, &registrationv1.LoginRequest{Username: info.AdminUsername, Password: info.AdminPassword})
	if err != nil {
		return err
	}
	stats := reportingv1.NewStatsServiceClient(repConn)
	admin := grpc.PerRPCCredentials(rpc.BearerCredential(login.GetAccessToken()))
	before, err := stats.GetOverview(ctx, &reportingv1.GetOverviewRequest{EditionId: *edition}, admin)
	if err != nil {
		return err
	}

	fmt.Fprintf(os.Stderr, "loadgen: %d terminals at %d venues in %d counties for %s\n", len(world.Terminals), world.Venues, world.Counties, *duration)
	sum, err := loadgen.Run(ctx, loadgen.Config{Conns: checkinConns, Terminals: world.Terminals, Duration: *duration, Rate: *rate, Batch: *batch,
		Mix:     loadgen.Mix{Ticket: *ticketShare, Group: *groupShare, Checkout: *checkoutShare},
		Offline: *offline, OfflineFor: *offlineFor, Duplicates: *duplicates, Progress: os.Stderr})
	if err != nil {
		return err
	}
	printSummary(os.Stdout, sum)

	// The dashboard should now show exactly what was acknowledged.
	line, err := checkDashboard(ctx, stats, admin, *edition, before.GetOverview(), sum, 30*time.Second)
	if err != nil {
		return err
	}
	fmt.Println("\n" + line)
	return nil
}

// checkDashboard waits until the edition's live figures have grown by what a run acknowledged,
// and says so; it fails if they do not within limit.
func checkDashboard(ctx context.Context, stats reportingv1.StatsServiceClient, as grpc.CallOption, edition string,
	before *reportingv1.Overview, sum loadgen.Summary, limit time.Duration) (string, error) {
	want := before.GetCity().GetParticipations() + sum.People()
	wantRefused := before.GetRefusedScans() + sum.RefusedTotal()
	deadline := time.Now().Add(limit)
	for {
		after, err := stats.GetOverview(ctx, &reportingv1.GetOverviewRequest{EditionId: edition}, as)
		if err != nil {
			return "", err
		}
		got, gotRefused := after.GetOverview().GetCity().GetParticipations(), after.GetOverview().GetRefusedScans()
		if got == want && gotRefused == wantRefused {
			return fmt.Sprintf("Dashboard (edition %s): participations %d → %d (+%d), refused scans %d → %d (+%d): matches what was acknowledged.",
				edition, before.GetCity().GetParticipations(), got, sum.People(), before.GetRefusedScans(), gotRefused, sum.RefusedTotal()), nil
		}
		if time.Now().After(deadline) {
			return "", fmt.Errorf("dashboard shows %d participations and %d refused scans after %s, want %d and %d", got, gotRefused, limit, want, wantRefused)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func printSummary(w io.Writer, s loadgen.Summary) {
	fmt.Fprintf(w, "\nSent for %s: %d records acknowledged in %d calls (%.0f records/s); %d not acknowledged\n",
		s.Elapsed.Round(time.Millisecond), s.Records, s.Calls, s.Rate(), s.Unacknowledged)
	fmt.Fprintf(w, "  admitted    tickets %d · walk-ins %d · groups %d · check-outs %d\n",
		s.Admitted[checkinv1.CheckinKind_CHECKIN_KIND_TICKET], s.Admitted[checkinv1.CheckinKind_CHECKIN_KIND_WALK_IN],
		s.Admitted[checkinv1.CheckinKind_CHECKIN_KIND_GROUP], s.Admitted[checkinv1.CheckinKind_CHECKIN_KIND_CHECKOUT])
	fmt.Fprintf(w, "  people      %d participations (%d with tickets, %d without) · %d checked out\n", s.People(), s.Ticketed, s.WalkIns, s.Exits)
	fmt.Fprintf(w, "  refused     %d", s.RefusedTotal())
	var reasons []string
	for r := range s.Refused {
		reasons = append(reasons, r.String())
	}
	sort.Strings(reasons)
	for _, r := range reasons {
		fmt.Fprintf(w, " · %s %d", r, s.Refused[checkinv1.RefusalReason(checkinv1.RefusalReason_value[r])])
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "  anomalies  ")
	for a, n := range s.Anomalies {
		fmt.Fprintf(w, " %s %d", a, n)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "  replays     %d records answered as replays · %d duplicate calls, %d mismatches\n", s.Replayed, s.DuplicateSends, s.DuplicateMismatches)
	fmt.Fprintf(w, "  retries     %d (%d overloaded)\n", s.Retries, s.Overloaded)
	fmt.Fprintf(w, "  latency     p50 %s · p90 %s · p99 %s · max %s\n", s.Latency(0.5).Round(10*time.Microsecond), s.Latency(0.9).Round(10*time.Microsecond),
		s.Latency(0.99).Round(10*time.Microsecond), s.Latency(1).Round(10*time.Microsecond))
	for _, e := range s.Errors {
		fmt.Fprintln(w, "  error      ", e)
	}
}
