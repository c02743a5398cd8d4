package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/nats-io/nats.go/jetstream"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/sciweek/sciweek/cmd/sciweek/internal/loadgen"
	"github.com/sciweek/sciweek/pkg/auth"
	"github.com/sciweek/sciweek/pkg/bus"
	checkinv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/checkin/v1"
	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
	venuev1 "github.com/sciweek/sciweek/pkg/gen/sciweek/venue/v1"
	"github.com/sciweek/sciweek/pkg/testkit"
)

// TestMain runs the tests, or, when a test starts this binary as a child, the sciweek command
// itself: the SIGKILL test needs check-in in a process of its own that it can kill.
func TestMain(m *testing.M) {
	if args := os.Getenv("SCIWEEK_TEST_COMMAND"); args != "" {
		os.Args = append(os.Args[:1], strings.Fields(args)...)
		main()
		os.Exit(0)
	}
	os.Exit(testkit.Main(m))
}

// checkinChild is `sciweek serve checkin` in a child process (or another part, named by part).
type checkinChild struct {
	part   string
	addr   string
	env    []string
	log    string
	mu     sync.Mutex
	cmd    *exec.Cmd
	starts int
}

func (c *checkinChild) start() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.starts++
	logFile, err := os.Create(fmt.Sprintf("%s.%d", c.log, c.starts))
	if err != nil {
		return err
	}
	part := c.part
	if part == "" {
		part = "checkin"
	}
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(append(os.Environ(), c.env...), "SCIWEEK_TEST_COMMAND=serve "+part+" -listen "+c.addr+" -metrics=")
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return err
	}
	c.cmd = cmd
	conn, err := grpc.NewClient(c.addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return err
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{}, grpc.WaitForReady(true)); err != nil {
		return fmt.Errorf("%s start %d did not come up: %w", part, c.starts, err)
	}
	return nil
}

// kill sends SIGKILL: no shutdown, no draining, whatever was in flight is cut off.
func (c *checkinChild) kill() {
	c.mu.Lock()
	defer c.mu.Unlock()
	_ = c.cmd.Process.Signal(syscall.SIGKILL)
	_, _ = c.cmd.Process.Wait()
}

func (c *checkinChild) stop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _, _ = c.cmd.Process.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		_ = c.cmd.Process.Kill()
	}
}

func publish(t *testing.T, js jetstream.JetStream, subject string, ev proto.Message) {
	t.Helper()
	testkit.Publish(t, js, subject, ev)
}

// publishDoors publishes the catalog check-in learns from the venue and registration services'
// events, for a check-in started without them: a venue, an approved activity there in session
// now, and n active terminals at the venue. It returns the terminals as the load generator
// drives them, and their ids.
func publishDoors(t *testing.T, js jetstream.JetStream, n int) ([]loadgen.Terminal, []uuid.UUID) {
	t.Helper()
	venue, activity := uuid.NewString(), uuid.NewString()
	publish(t, js, "sciweek.venue.venue.changed", &venuev1.VenueChanged{EventId: uuid.NewString(), OccurredAt: timestamppb.Now(),
		Venue: &venuev1.Venue{Id: venue, CountyCode: "140105", Name: "太原市科技馆"}})
	now := time.Now()
	publish(t, js, "sciweek.registration.activity.approved", &registrationv1.ActivityApproved{EventId: uuid.NewString(), Activity: &registrationv1.Activity{
		Id: activity, EditionId: "2024", CountyCode: "140105", Status: registrationv1.ActivityStatus_ACTIVITY_STATUS_APPROVED, UpdatedAt: timestamppb.Now(),
		Details: &registrationv1.ActivityDetails{VenueId: venue, Sessions: []*registrationv1.Session{
			{StartsAt: timestamppb.New(now.Add(-time.Hour)), EndsAt: timestamppb.New(now.Add(2 * time.Hour))}}}}})
	var terminals []loadgen.Terminal
	var ids []uuid.UUID
	for range n {
		id := uuid.New()
		cred, err := auth.NewTerminalCredential(id)
		if err != nil {
			t.Fatal(err)
		}
		hash := cred.Hash()
		publish(t, js, "sciweek.venue.terminal.provisioned", &venuev1.TerminalProvisioned{EventId: uuid.NewString(), OccurredAt: timestamppb.Now(),
			Terminal: &venuev1.Terminal{Id: id.String(), VenueId: venue, CountyCode: "140105", State: venuev1.TerminalState_TERMINAL_STATE_ACTIVE}, CredentialSha256: hash[:]})
		terminals = append(terminals, loadgen.Terminal{Credential: cred.String(), VenueID: venue, Activities: []string{activity}})
		ids = append(ids, id)
	}
	return terminals, ids
}

// TestAcknowledgedCheckinsSurviveSIGKILL streams uploads from terminals at check-in, kills the
// check-in process with SIGKILL twice in the middle of the stream, restarts it, and checks that
// after the terminals' retries every acknowledged record is stored exactly once and published
// exactly once.
func TestAcknowledgedCheckinsSurviveSIGKILL(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dbURL := testkit.Postgres(t)
	n := testkit.StartNATS(t)
	if err := bus.EnsureStreams(ctx, n.JetStream, bus.StreamOptions{}, bus.StreamVenue, bus.StreamRegistration); err != nil {
		t.Fatal(err)
	}
	terminals, ids := publishDoors(t, n.JetStream, 8)

	child := &checkinChild{addr: testkit.FreeAddr(t), log: filepath.Join(t.TempDir(), "checkin.log"),
		env: []string{"DATABASE_URL=" + dbURL, "SCIWEEK_DATA=" + t.TempDir(), "NATS_URL=" + n.Server.ClientURL(), "GORACE=halt_on_error=1"}}
	if err := child.start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(child.stop)
	t.Cleanup(func() {
		if t.Failed() {
			logs, _ := filepath.Glob(child.log + ".*")
			for _, l := range logs {
				b, _ := os.ReadFile(l)
				t.Logf("%s:\n%s", l, b)
			}
		}
	})

	conn, err := grpc.NewClient(child.addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// Kill check-in twice while terminals upload, each time once more records are acknowledged,
	// and stream on until the second restart has acknowledged records too: on a loaded machine a
	// restart may take longer than any fixed stream length would allow.
	var mu sync.Mutex
	var acked, ackedAfter int
	kills := []int{2_000, 8_000}
	killed := make(chan struct{}, len(kills))
	restarted := false
	stop := make(chan struct{})
	onAck := func(time.Time, int64) {
		mu.Lock()
		defer mu.Unlock()
		acked++
		if len(kills) > 0 && acked*50 >= kills[0] {
			kills = kills[1:]
			killed <- struct{}{}
		}
		if restarted {
			if ackedAfter++; ackedAfter*50 == 4_000 {
				close(stop)
			}
		}
	}
	restarts := make(chan struct{})
	go func() {
		defer close(restarts)
		for range 2 {
			<-killed
			child.kill()
			if err := child.start(); err != nil {
				t.Error(err)
				close(stop)
				return
			}
		}
		mu.Lock()
		restarted = true
		mu.Unlock()
	}()
	sum, err := loadgen.Run(ctx, loadgen.Config{Conns: []grpc.ClientConnInterface{conn}, Terminals: terminals, Duration: 3 * time.Minute, Stop: stop,
		Rate: 4000, Batch: 50, Mix: loadgen.Mix{Group: 0.05, Checkout: 0.2}, OnAck: onAck, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-restarts:
	case <-time.After(time.Minute):
		t.Fatal("check-in was not killed twice during the stream")
	}
	if child.starts != 3 {
		t.Fatalf("check-in started %d times, want 3", child.starts)
	}
	if sum.Unacknowledged != 0 || len(sum.Errors) > 0 {
		t.Fatalf("%d records never acknowledged: %v", sum.Unacknowledged, sum.Errors)
	}
	if sum.Retries == 0 {
		t.Fatal("no terminal had to retry: the kills did not land in the stream")
	}
	t.Logf("%d records acknowledged in %d calls; %d retries; %d answered as replays", sum.Records, sum.Calls, sum.Retries, sum.Replayed)

	// Every acknowledged record is stored once: each terminal's sequence numbers 1..last, no
	// gaps, no extras, and the people they admitted add up.
	db, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close(ctx)
	var stored, distinct, people, exits int64
	err = db.QueryRow(ctx, `SELECT count(*), count(DISTINCT (terminal_id, terminal_sequence)),
			coalesce(sum(headcount + adults) FILTER (WHERE kind <> 4 AND outcome = 1), 0), coalesce(sum(headcount) FILTER (WHERE kind = 4 AND outcome = 1), 0)
		FROM checkin.checkin_records WHERE terminal_id = ANY($1)`, ids).Scan(&stored, &distinct, &people, &exits)
	if err != nil {
		t.Fatal(err)
	}
	if stored != sum.Records || distinct != stored || people != sum.People() || exits != sum.Exits {
		t.Fatalf("stored %d records (%d distinct), %d people in, %d out; acknowledged %d records, %d people in, %d out",
			stored, distinct, people, exits, sum.Records, sum.People(), sum.Exits)
	}
	for i, id := range ids {
		var lo, hi, count int64
		if err := db.QueryRow(ctx, `SELECT min(terminal_sequence), max(terminal_sequence), count(*) FROM checkin.checkin_records WHERE terminal_id = $1`, id).
			Scan(&lo, &hi, &count); err != nil {
			t.Fatal(err)
		}
		if lo != 1 || hi != int64(terminals[i].Sequence) || count != hi {
			t.Fatalf("terminal %d: sequences %d..%d, %d stored; it sent 1..%d", i, lo, hi, count, terminals[i].Sequence)
		}
	}

	// And every stored record reaches the bus once: the relay's re-publishes after a kill carry
	// the same message ids and JetStream drops them.
	testkit.Eventually(t, 20*time.Second, func() error {
		records, unique, err := recordsInEvents(ctx, n.JetStream)
		if err != nil {
			return err
		}
		if records != stored || unique != stored {
			return fmt.Errorf("events carry %d records (%d distinct), want %d", records, unique, stored)
		}
		return nil
	})
}

func recordsInEvents(ctx context.Context, js jetstream.JetStream) (records, unique int64, err error) {
	cons, err := js.OrderedConsumer(ctx, bus.StreamCheckin, jetstream.OrderedConsumerConfig{FilterSubjects: []string{"sciweek.checkin.records.>"}})
	if err != nil {
		return 0, 0, err
	}
	seen := map[string]bool{}
	for {
		batch, err := cons.FetchNoWait(1000)
		if err != nil {
			return 0, 0, err
		}
		got := 0
		for m := range batch.Messages() {
			got++
			var ev checkinv1.CheckinsRecorded
			if err := proto.Unmarshal(m.Data(), &ev); err != nil {
				return 0, 0, err
			}
			for _, r := range ev.GetRecords() {
				records++
				seen[r.GetRecordId()] = true
			}
		}
		if got == 0 {
			return records, int64(len(seen)), nil
		}
	}
}
