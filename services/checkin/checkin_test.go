package checkin_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/sciweek/sciweek/pkg/auth"
	"github.com/sciweek/sciweek/pkg/bus"
	checkinv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/checkin/v1"
	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
	venuev1 "github.com/sciweek/sciweek/pkg/gen/sciweek/venue/v1"
	"github.com/sciweek/sciweek/pkg/rpc"
	"github.com/sciweek/sciweek/pkg/testkit"
	"github.com/sciweek/sciweek/services/checkin"
)

func TestMain(m *testing.M) { os.Exit(testkit.Main(m)) }

type fixture struct {
	client checkinv1.CheckinServiceClient
	js     jetstream.JetStream
	pool   *pgxpool.Pool
	seq    uint64
}

func start(t testing.TB) *fixture {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	tel := testkit.Telemetry(t, "checkin")
	pool := testkit.Pool(t, checkin.Schema, tel)
	n := testkit.StartNATS(t)
	if err := checkin.Migrate(ctx, pool, tel); err != nil {
		t.Fatal(err)
	}
	if err := bus.EnsureStreams(ctx, n.JetStream, bus.StreamOptions{}, bus.StreamVenue, bus.StreamRegistration); err != nil {
		t.Fatal(err)
	}
	svc, err := checkin.New(checkin.Config{Pool: pool, JetStream: n.JetStream, Telemetry: tel})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { defer close(done); _ = svc.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	conn := testkit.Serve(t, svc.Server().GRPC, tel)
	return &fixture{client: checkinv1.NewCheckinServiceClient(conn), js: n.JetStream, pool: pool}
}

// publish sends an event as its owning service's relay would.
func (f *fixture) publish(t testing.TB, subject string, ev proto.Message) {
	t.Helper()
	msg := nats.NewMsg(subject)
	msg.Data, _ = proto.Marshal(ev)
	msg.Header.Set(bus.HeaderType, string(ev.ProtoReflect().Descriptor().FullName()))
	if _, err := f.js.PublishMsg(context.Background(), msg); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) venue(t testing.TB, county string) string {
	id := uuid.NewString()
	f.publish(t, "sciweek.venue.venue.changed", &venuev1.VenueChanged{EventId: uuid.NewString(), OccurredAt: timestamppb.Now(),
		Venue: &venuev1.Venue{Id: id, CountyCode: county, Name: "场馆"}})
	return id
}

func (f *fixture) terminal(t testing.TB, venue, county string) (string, grpc.CallOption) {
	id := uuid.New()
	cred, err := auth.NewTerminalCredential(id)
	if err != nil {
		t.Fatal(err)
	}
	hash := cred.Hash()
	f.publish(t, "sciweek.venue.terminal.provisioned", &venuev1.TerminalProvisioned{EventId: uuid.NewString(), OccurredAt: timestamppb.Now(),
		Terminal: &venuev1.Terminal{Id: id.String(), VenueId: venue, CountyCode: county, State: venuev1.TerminalState_TERMINAL_STATE_ACTIVE}, CredentialSha256: hash[:]})
	return id.String(), grpc.PerRPCCredentials(rpc.BearerCredential(cred.String()))
}

func (f *fixture) activity(t testing.TB, venue, county string, status registrationv1.ActivityStatus) string {
	id := uuid.NewString()
	a := &registrationv1.Activity{Id: id, EditionId: "2024", CountyCode: county, Details: &registrationv1.ActivityDetails{VenueId: venue}, Status: status, UpdatedAt: timestamppb.Now()}
	if status == registrationv1.ActivityStatus_ACTIVITY_STATUS_APPROVED {
		f.publish(t, "sciweek.registration.activity.approved", &registrationv1.ActivityApproved{EventId: uuid.NewString(), Activity: a})
	} else {
		f.publish(t, "sciweek.registration.activity.submitted", &registrationv1.ActivitySubmitted{EventId: uuid.NewString(), Activity: a})
	}
	return id
}

func (f *fixture) walkIn(venue, activity string, headcount uint32) *checkinv1.RecordCheckinRequest {
	f.seq++
	return &checkinv1.RecordCheckinRequest{Sequence: f.seq, OccurredAt: timestamppb.Now(), VenueId: venue, ActivityId: activity,
		Kind: &checkinv1.RecordCheckinRequest_WalkIn{WalkIn: &checkinv1.WalkIn{Category: checkinv1.ParticipantCategory_PARTICIPANT_CATEGORY_YOUNG_PERSON, Headcount: headcount}}}
}

func (f *fixture) ticket(venue, activity, payload string) *checkinv1.RecordCheckinRequest {
	f.seq++
	return &checkinv1.RecordCheckinRequest{Sequence: f.seq, OccurredAt: timestamppb.Now(), VenueId: venue, ActivityId: activity,
		Kind: &checkinv1.RecordCheckinRequest_Ticket{Ticket: &checkinv1.TicketScan{Payload: payload}}}
}

// ready waits until the read model has the terminal and the activity.
func (f *fixture) ready(t testing.TB, as grpc.CallOption, venue, activity string) {
	t.Helper()
	testkit.Eventually(t, 5*time.Second, func() error {
		_, err := f.client.RecordCheckin(context.Background(), f.walkIn(venue, activity, 1), as)
		return err
	})
}

func (f *fixture) count(t *testing.T, where string, args ...any) int {
	t.Helper()
	var n int
	if err := f.pool.QueryRow(context.Background(), `SELECT count(*) FROM checkin_records WHERE `+where, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestRecordIsDurableAndReplaysChangeNothing(t *testing.T) {
	t.Parallel()
	f := start(t)
	ctx := context.Background()
	venue := f.venue(t, "140105")
	act := f.activity(t, venue, "140105", registrationv1.ActivityStatus_ACTIVITY_STATUS_APPROVED)
	_, as := f.terminal(t, venue, "140105")
	f.ready(t, as, venue, act)

	req := f.walkIn(venue, act, 12)
	first, err := f.client.RecordCheckin(ctx, req, as)
	if err != nil {
		t.Fatal(err)
	}
	if first.GetOutcome() != checkinv1.Outcome_OUTCOME_ADMITTED || first.GetReplayed() {
		t.Fatalf("first = %v", first)
	}
	// Acknowledged means committed: the row is there as soon as the reply is.
	if n := f.count(t, `id = $1 AND headcount = 12`, first.GetRecordId()); n != 1 {
		t.Fatalf("acknowledged record stored %d times", n)
	}
	for range 3 {
		again, err := f.client.RecordCheckin(ctx, req, as)
		if err != nil {
			t.Fatal(err)
		}
		if !again.GetReplayed() || again.GetRecordId() != first.GetRecordId() {
			t.Fatalf("replay = %v, want the first record replayed", again)
		}
	}
	if n := f.count(t, `terminal_sequence = $1`, int64(req.GetSequence())); n != 1 {
		t.Fatalf("replays stored %d records", n)
	}
	changed := proto.Clone(req).(*checkinv1.RecordCheckinRequest)
	changed.GetWalkIn().Headcount = 13
	_, err = f.client.RecordCheckin(ctx, changed, as)
	if status.Code(err) != codes.AlreadyExists {
		t.Fatalf("sequence reused for another scan: %v, want AlreadyExists", err)
	}
	// The event went out once, on a subject that names the county and the venue.
	testkit.Eventually(t, 5*time.Second, func() error {
		s, err := f.js.Stream(ctx, bus.StreamCheckin)
		if err != nil {
			return err
		}
		info, err := s.Info(ctx, jetstream.WithSubjectFilter("sciweek.checkin.*.recorded.>"))
		if err != nil {
			return err
		}
		recorded := uint64(0)
		for _, n := range info.State.Subjects {
			recorded += n
		}
		if recorded != 2 { // the readiness probe and the record
			return fmt.Errorf("stream has %d recorded events, want 2", recorded)
		}
		msg, err := s.GetLastMsgForSubject(ctx, "sciweek.checkin.walkin.recorded.140105."+venue)
		if err != nil {
			return err
		}
		var ev checkinv1.CheckinRecorded
		if err := proto.Unmarshal(msg.Data, &ev); err != nil {
			return err
		}
		if ev.GetRecordId() != first.GetRecordId() || ev.GetHeadcount() != 12 || ev.GetEditionId() != "2024" {
			return fmt.Errorf("event = %v", &ev)
		}
		return nil
	})
}

func TestTicketCountsOnceAcrossTerminals(t *testing.T) {
	t.Parallel()
	f := start(t)
	ctx := context.Background()
	venue := f.venue(t, "140106")
	act := f.activity(t, venue, "140106", registrationv1.ActivityStatus_ACTIVITY_STATUS_APPROVED)
	_, gate1 := f.terminal(t, venue, "140106")
	_, gate2 := f.terminal(t, venue, "140106")
	f.ready(t, gate1, venue, act)
	f.ready(t, gate2, venue, act)
	first, err := f.client.RecordCheckin(ctx, f.ticket(venue, act, "TICKET-0001-abcdef"), gate1)
	if err != nil || first.GetOutcome() != checkinv1.Outcome_OUTCOME_ADMITTED {
		t.Fatalf("first scan: %v %v", first, err)
	}
	second, err := f.client.RecordCheckin(ctx, f.ticket(venue, act, "TICKET-0001-abcdef"), gate2)
	if err != nil {
		t.Fatal(err)
	}
	if second.GetOutcome() != checkinv1.Outcome_OUTCOME_REFUSED || second.GetRefusalReason() != checkinv1.RefusalReason_REFUSAL_REASON_ALREADY_CHECKED_IN ||
		second.GetFirstCheckedInAt() == nil {
		t.Fatalf("second scan = %v, want already checked in with the first time", second)
	}
	if n := f.count(t, `ticket_key = $1 AND outcome = 1`, "TICKET-0001-abcdef"); n != 1 {
		t.Fatalf("ticket admitted %d times", n)
	}
	if n := f.count(t, `ticket_key = $1 AND outcome = 2`, "TICKET-0001-abcdef"); n != 1 {
		t.Fatalf("refusal stored %d times, want 1 (refusals are counted too)", n)
	}
}

func TestRefusals(t *testing.T) {
	t.Parallel()
	f := start(t)
	ctx := context.Background()
	venueA, venueB := f.venue(t, "140105"), f.venue(t, "140107")
	act := f.activity(t, venueA, "140105", registrationv1.ActivityStatus_ACTIVITY_STATUS_APPROVED)
	actB := f.activity(t, venueB, "140107", registrationv1.ActivityStatus_ACTIVITY_STATUS_APPROVED)
	pending := f.activity(t, venueA, "140105", registrationv1.ActivityStatus_ACTIVITY_STATUS_SUBMITTED)
	termID, as := f.terminal(t, venueA, "140105")
	f.ready(t, as, venueA, act)
	_, _ = termID, actB
	testkit.Eventually(t, 5*time.Second, func() error { // the other activities reached the read model too
		_, err := f.client.RecordCheckin(ctx, f.walkIn(venueA, pending, 1), as)
		if status.Code(err) != codes.FailedPrecondition {
			return fmt.Errorf("pending activity: %v", err)
		}
		return nil
	})
	personToken := testkit.NewTokens(t).As(t, testkit.CityAdmin())
	tests := []struct {
		name string
		req  *checkinv1.RecordCheckinRequest
		as   grpc.CallOption
		want codes.Code
		msg  string
	}{
		{"no credential", f.walkIn(venueA, act, 1), grpc.EmptyCallOption{}, codes.Unauthenticated, "missing credential"},
		{"wrong secret", f.walkIn(venueA, act, 1), grpc.PerRPCCredentials(rpc.BearerCredential("sct_" + strings.ReplaceAll(termID, "-", "") + "_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")), codes.Unauthenticated, "not valid"},
		{"unknown terminal", f.walkIn(venueA, act, 1), grpc.PerRPCCredentials(rpc.BearerCredential("sct_0123456789abcdef0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")), codes.Unauthenticated, "not known"},
		{"a person's token", f.walkIn(venueA, act, 1), personToken, codes.Unauthenticated, "only terminal credentials"},
		{"recording at another venue", f.walkIn(venueB, actB, 1), as, codes.PermissionDenied, "records at venue"},
		{"unknown venue", f.walkIn(uuid.NewString(), act, 1), as, codes.NotFound, "venue"},
		{"unknown activity", f.walkIn(venueA, uuid.NewString(), 1), as, codes.NotFound, "activity"},
		{"activity not approved", f.walkIn(venueA, pending, 1), as, codes.FailedPrecondition, "not approved"},
		{"activity at another venue", f.walkIn(venueA, actB, 1), as, codes.FailedPrecondition, "another venue"},
		{"malformed: no time", func() *checkinv1.RecordCheckinRequest { r := f.walkIn(venueA, act, 1); r.OccurredAt = nil; return r }(), as, codes.InvalidArgument, "occurred_at"},
		{"malformed: sequence 0", func() *checkinv1.RecordCheckinRequest { r := f.walkIn(venueA, act, 1); r.Sequence = 0; return r }(), as, codes.InvalidArgument, "sequence"},
		{"malformed: no kind", func() *checkinv1.RecordCheckinRequest { r := f.walkIn(venueA, act, 1); r.Kind = nil; return r }(), as, codes.InvalidArgument, "kind"},
		{"malformed: headcount 0", f.walkIn(venueA, act, 0), as, codes.InvalidArgument, "headcount"},
		{"malformed: venue id", func() *checkinv1.RecordCheckinRequest { r := f.walkIn(venueA, act, 1); r.VenueId = "hall-1"; return r }(), as, codes.InvalidArgument, "venue_id"},
	}
	before := f.count(t, `true`)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.client.RecordCheckin(ctx, tt.req, tt.as)
			if status.Code(err) != tt.want || !strings.Contains(status.Convert(err).Message(), tt.msg) {
				t.Fatalf("got %v, want %v containing %q", err, tt.want, tt.msg)
			}
		})
	}
	if after := f.count(t, `true`); after != before {
		t.Fatalf("refused calls stored %d records", after-before)
	}
}

func TestRevokedTerminalIsRefusedWithinTwoSeconds(t *testing.T) {
	t.Parallel()
	f := start(t)
	ctx := context.Background()
	venue := f.venue(t, "140105")
	act := f.activity(t, venue, "140105", registrationv1.ActivityStatus_ACTIVITY_STATUS_APPROVED)
	id, as := f.terminal(t, venue, "140105")
	f.ready(t, as, venue, act)
	f.publish(t, "sciweek.venue.terminal.revoked", &venuev1.TerminalRevoked{EventId: uuid.NewString(), OccurredAt: timestamppb.Now(),
		Terminal: &venuev1.Terminal{Id: id, VenueId: venue, CountyCode: "140105", State: venuev1.TerminalState_TERMINAL_STATE_REVOKED}})
	revokedAt := time.Now()
	testkit.Eventually(t, 2*time.Second, func() error {
		_, err := f.client.RecordCheckin(ctx, f.walkIn(venue, act, 1), as)
		if status.Code(err) != codes.Unauthenticated {
			return fmt.Errorf("revoked terminal still accepted (%v)", err)
		}
		return nil
	})
	t.Logf("revoked terminal refused %v after the event", time.Since(revokedAt).Round(time.Millisecond))
}

func TestRotatedCredentialReplacesTheOldOne(t *testing.T) {
	t.Parallel()
	f := start(t)
	ctx := context.Background()
	venue := f.venue(t, "140105")
	act := f.activity(t, venue, "140105", registrationv1.ActivityStatus_ACTIVITY_STATUS_APPROVED)
	id, old := f.terminal(t, venue, "140105")
	f.ready(t, old, venue, act)
	next, err := auth.NewTerminalCredential(uuid.MustParse(id))
	if err != nil {
		t.Fatal(err)
	}
	hash := next.Hash()
	f.publish(t, "sciweek.venue.terminal.rotated", &venuev1.TerminalCredentialRotated{EventId: uuid.NewString(), OccurredAt: timestamppb.Now(),
		Terminal: &venuev1.Terminal{Id: id, VenueId: venue, CountyCode: "140105", State: venuev1.TerminalState_TERMINAL_STATE_ACTIVE}, CredentialSha256: hash[:]})
	testkit.Eventually(t, 2*time.Second, func() error {
		if _, err := f.client.RecordCheckin(ctx, f.walkIn(venue, act, 1), old); status.Code(err) != codes.Unauthenticated {
			return fmt.Errorf("old credential still accepted (%v)", err)
		}
		return nil
	})
	if _, err := f.client.RecordCheckin(ctx, f.walkIn(venue, act, 1), grpc.PerRPCCredentials(rpc.BearerCredential(next.String()))); err != nil {
		t.Fatalf("new credential: %v", err)
	}
}
