package stack_test

import (
	"context"
	"io"
	"net"
	"strconv"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"

	"github.com/sciweek/sciweek/cmd/sciweek/internal/stack"
	"github.com/sciweek/sciweek/pkg/bus"
	"github.com/sciweek/sciweek/pkg/devstack"
	checkinv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/checkin/v1"
	reportingv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/reporting/v1"
	venuev1 "github.com/sciweek/sciweek/pkg/gen/sciweek/venue/v1"
	"github.com/sciweek/sciweek/pkg/rpc"
	"github.com/sciweek/sciweek/pkg/testkit"
)

// freeAddr returns a loopback address nothing listens on now: where a neighbour will appear.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func health(t *testing.T, conn *grpc.ClientConn) healthpb.HealthCheckResponse_ServingStatus {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	resp, err := healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{})
	if err != nil {
		return healthpb.HealthCheckResponse_UNKNOWN
	}
	return resp.GetStatus()
}

// TestCheckinStartsWhileNATSIsDown starts check-in on its own with NATS not running: it starts
// and serves (records go to its outbox), and once NATS appears its stream is created and the
// projections run, with no restart.
func TestCheckinStartsWhileNATSIsDown(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	natsAddr := freeAddr(t)
	_, port, _ := net.SplitHostPort(natsAddr)
	st, err := stack.Start(ctx, stack.Options{DataDir: t.TempDir(), Only: "checkin", DatabaseURL: testkit.Postgres(t), NATSURL: "nats://" + natsAddr, LogWriter: io.Discard})
	if err != nil {
		t.Fatalf("check-in with NATS down did not start: %v", err)
	}
	t.Cleanup(func() { _ = st.Close(context.Background()) })
	conn := dial(t, st.Addrs.Checkin)
	if got := health(t, conn); got != healthpb.HealthCheckResponse_SERVING {
		t.Fatalf("check-in with NATS down: health %v, want SERVING (its outbox keeps the records)", got)
	}
	// It answers calls: an unknown terminal is refused as such, not as an outage.
	_, err = checkinv1.NewCheckinServiceClient(conn).RecordCheckin(ctx, &checkinv1.RecordCheckinRequest{},
		grpc.PerRPCCredentials(rpc.BearerCredential("sk_term_nobody")))
	if code := status.Code(err); code == codes.Unavailable || code == codes.OK {
		t.Fatalf("a call with NATS down: %v", err)
	}
	time.Sleep(time.Second) // a while down, retrying
	p, err := strconv.Atoi(port)
	if err != nil {
		t.Fatal(err)
	}
	appeared := time.Now()
	ns, err := devstack.StartNATS(devstack.NATSConfig{StoreDir: t.TempDir(), Port: p, MaxStore: testkit.TestMaxStore})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ns.Shutdown(); ns.WaitForShutdown() })
	js := jetStream(t, ns.ClientURL())
	// Check-in ensures its stream, then its projections ensure the streams they read.
	testkit.Eventually(t, 30*time.Second, func() error {
		for _, s := range []string{bus.StreamCheckin, bus.StreamVenue, bus.StreamRegistration} {
			if _, err := js.Stream(ctx, s); err != nil {
				return err
			}
		}
		return nil
	})
	t.Logf("check-in's streams ready %v after NATS appeared", time.Since(appeared).Round(time.Millisecond))
	select {
	case err := <-waitErr(st):
		t.Fatalf("check-in stopped: %v", err)
	default:
	}
}

func waitErr(st *stack.Stack) <-chan error {
	ch := make(chan error, 1)
	go func() { ch <- st.Wait() }()
	return ch
}

// TestVenueAndReportingStartWhileRegistrationIsDown starts venue and reporting with the
// registration service not running: they start, answer NOT_SERVING and refuse calls with
// Unavailable and a retry hint; once registration appears they fetch its keys and become ready.
func TestVenueAndReportingStartWhileRegistrationIsDown(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	n := testkit.StartNATS(t)
	dbURL := testkit.Postgres(t)
	regAddr := freeAddr(t)
	st, err := stack.Start(ctx, stack.Options{DataDir: t.TempDir(), Except: []string{"registration", "gateway"}, DatabaseURL: dbURL,
		NATSURL: n.Server.ClientURL(), Remote: stack.Addrs{Registration: regAddr}, LogWriter: io.Discard})
	if err != nil {
		t.Fatalf("venue and reporting with registration down did not start: %v", err)
	}
	t.Cleanup(func() { _ = st.Close(context.Background()) })
	venueConn, reportingConn := dial(t, st.Addrs.Venue), dial(t, st.Addrs.Reporting)
	for name, conn := range map[string]*grpc.ClientConn{"venue": venueConn, "reporting": reportingConn} {
		if got := health(t, conn); got != healthpb.HealthCheckResponse_NOT_SERVING {
			t.Errorf("%s without registration's keys: health %v, want NOT_SERVING", name, got)
		}
	}
	calls := map[string]func() error{
		"venue": func() error {
			_, err := venuev1.NewVenueServiceClient(venueConn).ListVenues(ctx, &venuev1.ListVenuesRequest{})
			return err
		},
		"reporting": func() error {
			_, err := reportingv1.NewStatsServiceClient(reportingConn).GetOverview(ctx, &reportingv1.GetOverviewRequest{EditionId: "2024"})
			return err
		},
	}
	for name, call := range calls {
		err := call()
		answer := status.Convert(err)
		d := rpc.DetailsOf(answer)
		if answer.Code() != codes.Unavailable || d.RetryAfter <= 0 || d.Reason != rpc.ErrNotReady.Code {
			t.Errorf("%s before ready: %v (reason %s, retry after %v); want Unavailable, %s, a retry hint", name, err, d.Reason, d.RetryAfter, rpc.ErrNotReady.Code)
		}
	}
	time.Sleep(2 * time.Second) // a while down, retrying

	appeared := time.Now()
	reg, err := stack.Start(ctx, stack.Options{DataDir: t.TempDir(), Only: "registration", DatabaseURL: dbURL, NATSURL: n.Server.ClientURL(),
		Addrs: stack.Addrs{Registration: regAddr}, Remote: stack.Addrs{Venue: st.Addrs.Venue}, LogWriter: io.Discard,
		PhoneKey: []byte("test-phone-key-of-at-least-32-bytes!")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = reg.Close(context.Background()) })
	t.Logf("registration serving %v after it was started", time.Since(appeared).Round(time.Millisecond))
	for name, conn := range map[string]*grpc.ClientConn{"venue": venueConn, "reporting": reportingConn} {
		testkit.Eventually(t, 30*time.Second, func() error {
			if got := health(t, conn); got != healthpb.HealthCheckResponse_SERVING {
				return status.Errorf(codes.Unavailable, "%s: %v", name, got)
			}
			return nil
		})
		t.Logf("%s ready %v after registration appeared", name, time.Since(appeared).Round(time.Millisecond))
		// Ready, it answers: a call without a credential is now refused for that, not as an outage.
		if err := calls[name](); status.Code(err) != codes.Unauthenticated {
			t.Errorf("%s once ready, without a credential: %v; want Unauthenticated", name, err)
		}
	}
}
