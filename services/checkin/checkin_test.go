package checkin_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	mrand "math/rand/v2"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go/jetstream"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
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
	"github.com/sciweek/sciweek/pkg/ticket"
	"github.com/sciweek/sciweek/services/checkin"
	"github.com/sciweek/sciweek/services/checkin/internal/adapters"
)

func TestMain(m *testing.M) { os.Exit(testkit.Main(m)) }

type fixture struct {
	client checkinv1.CheckinServiceClient
	js     jetstream.JetStream
	pool   *pgxpool.Pool
	key    ed25519.PrivateKey
	seq    atomic.Uint64
}

func start(t testing.TB, batching ...adapters.BatcherConfig) *fixture {
	t.Helper()
	b := testkit.Back(t, "checkin", checkin.Schema, checkin.Migrate)
	if err := bus.EnsureStreams(b.Ctx, b.NATS.JetStream, bus.StreamOptions{}, bus.StreamVenue, bus.StreamRegistration); err != nil {
		t.Fatal(err)
	}
	cfg := checkin.Config{Base: b.Base()}
	if len(batching) > 0 {
		cfg.Batching = batching[0]
	}
	svc, err := checkin.New(b.Ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	conn := b.Run(t, svc.Run, svc.Server().GRPC)
	f := &fixture{client: checkinv1.NewCheckinServiceClient(conn), js: b.NATS.JetStream, pool: b.Pool}
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	f.key = priv
	f.publish(t, "sciweek.registration.edition.changed", &registrationv1.EditionChanged{EventId: uuid.NewString(), OccurredAt: timestamppb.Now(),
		Edition: &registrationv1.Edition{Id: "2024", TicketPublicKey: pub}})
	return f
}

// publish sends an event as its owning service's relay would.
func (f *fixture) publish(t testing.TB, subject string, ev proto.Message) {
	t.Helper()
	testkit.Publish(t, f.js, subject, ev)
}

func (f *fixture) venue(t testing.TB, county string) string {
	id := uuid.NewString()
	f.publish(t, "sciweek.venue.venue.changed", &venuev1.VenueChanged{EventId: uuid.NewString(), OccurredAt: timestamppb.Now(),
		Venue: &venuev1.Venue{Id: id, CountyCode: county, Name: "场馆"}})
	return id
}

func (f *fixture) terminal(t testing.TB, venue, county string) (string, grpc.CallOption) {
	return f.namedTerminal(t, venue, county, "")
}

// namedTerminal provisions a terminal with a name, as the venue registry does.
func (f *fixture) namedTerminal(t testing.TB, venue, county, name string) (string, grpc.CallOption) {
	t.Helper()
	id := uuid.New()
	cred, err := auth.NewTerminalCredential(id)
	if err != nil {
		t.Fatal(err)
	}
	hash := cred.Hash()
	f.publish(t, "sciweek.venue.terminal.provisioned", &venuev1.TerminalProvisioned{EventId: uuid.NewString(), OccurredAt: timestamppb.Now(),
		Terminal:         &venuev1.Terminal{Id: id.String(), VenueId: venue, CountyCode: county, Name: name, State: venuev1.TerminalState_TERMINAL_STATE_ACTIVE},
		CredentialSha256: hash[:]})
	return id.String(), grpc.PerRPCCredentials(rpc.BearerCredential(cred.String()))
}

// activity publishes an activity at venue with one session around now (or approved/not).
func (f *fixture) activity(t testing.TB, venue, county string, status registrationv1.ActivityStatus) string {
	id := uuid.NewString()
	now := time.Now()
	a := &registrationv1.Activity{Id: id, EditionId: "2024", CountyCode: county, Status: status, UpdatedAt: timestamppb.Now(),
		Details: &registrationv1.ActivityDetails{VenueId: venue, Sessions: []*registrationv1.Session{
			{StartsAt: timestamppb.New(now.Add(-time.Hour)), EndsAt: timestamppb.New(now.Add(2 * time.Hour))}}}}
	if status == registrationv1.ActivityStatus_ACTIVITY_STATUS_APPROVED {
		f.publish(t, "sciweek.registration.activity.approved", &registrationv1.ActivityApproved{EventId: uuid.NewString(), Activity: a})
	} else {
		f.publish(t, "sciweek.registration.activity.submitted", &registrationv1.ActivitySubmitted{EventId: uuid.NewString(), Activity: a})
	}
	return id
}

// ticket signs a ticket for activity valid around now, as registration would.
func (f *fixture) ticket(t testing.TB, activity string, from, until time.Time) (string, string) {
	t.Helper()
	tk := ticket.Ticket{EditionID: "2024", ActivityID: uuid.MustParse(activity), SessionID: uuid.New(), TicketID: uuid.New(),
		Holder: ticket.HolderMinor, ValidFrom: from.Truncate(time.Second), ValidUntil: until.Truncate(time.Second)}
	p, err := ticket.Sign(tk, f.key)
	if err != nil {
		t.Fatal(err)
	}
	return p, tk.TicketID.String()
}

func (f *fixture) walkIn(venue, activity string, headcount uint32) *checkinv1.CheckinRecord {
	return &checkinv1.CheckinRecord{Sequence: f.seq.Add(1), OccurredAt: timestamppb.Now(), VenueId: venue, ActivityId: activity,
		Kind: &checkinv1.CheckinRecord_WalkIn{WalkIn: &checkinv1.WalkIn{Category: checkinv1.ParticipantCategory_PARTICIPANT_CATEGORY_YOUNG_PERSON, Headcount: headcount}}}
}

func (f *fixture) scan(venue, payload string) *checkinv1.CheckinRecord {
	return &checkinv1.CheckinRecord{Sequence: f.seq.Add(1), OccurredAt: timestamppb.Now(), VenueId: venue,
		Kind: &checkinv1.CheckinRecord_Ticket{Ticket: &checkinv1.TicketScan{Payload: payload}}}
}

func (f *fixture) record(r *checkinv1.CheckinRecord, as grpc.CallOption) (*checkinv1.CheckinResult, error) {
	resp, err := f.client.RecordCheckin(context.Background(), &checkinv1.RecordCheckinRequest{Record: r, SentAt: timestamppb.Now()}, as)
	return resp.GetResult(), err
}

// door is a venue with an approved activity and a terminal of its own that the service knows and
// that has scanned once (ready): where most tests start scanning.
type door struct {
	venue, activity, terminal string
	as                        grpc.CallOption
}

// openDoor makes a door in county: the venue, its approved activity, its terminal, then ready.
func (f *fixture) openDoor(t testing.TB, county string) door {
	t.Helper()
	venue := f.venue(t, county)
	act := f.activity(t, venue, county, registrationv1.ActivityStatus_ACTIVITY_STATUS_APPROVED)
	id, as := f.terminal(t, venue, county)
	f.ready(t, as, venue, act)
	return door{venue: venue, activity: act, terminal: id, as: as}
}

// ready waits until the catalog has the terminal and the activity: a probe walk-in is admitted.
func (f *fixture) ready(t testing.TB, as grpc.CallOption, venue, activity string) {
	t.Helper()
	testkit.Eventually(t, 5*time.Second, func() error {
		r, err := f.record(f.walkIn(venue, activity, 1), as)
		if err == nil && r.GetOutcome() != checkinv1.Outcome_OUTCOME_ADMITTED {
			return fmt.Errorf("probe %v", r.GetRefusalReason())
		}
		return err
	})
}

func (f *fixture) count(t testing.TB, where string, args ...any) int {
	t.Helper()
	var n int
	if err := f.pool.QueryRow(context.Background(), `SELECT count(*) FROM checkin_records WHERE `+where, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func (f *fixture) sum(t testing.TB, where string, args ...any) int {
	t.Helper()
	var n int
	if err := f.pool.QueryRow(context.Background(), `SELECT coalesce(sum(headcount + adults), 0) FROM checkin_records WHERE outcome = 1 AND `+where, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestRecordIsDurableAndReplaysChangeNothing(t *testing.T) {
	t.Parallel()
	f := start(t)
	d := f.openDoor(t, "140105")
	venue, act, as := d.venue, d.activity, d.as

	rec := f.walkIn(venue, act, 12)
	first, err := f.record(rec, as)
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
		again, err := f.record(rec, as)
		if err != nil {
			t.Fatal(err)
		}
		if !again.GetReplayed() || again.GetRecordId() != first.GetRecordId() {
			t.Fatalf("replay = %v, want the first record replayed", again)
		}
	}
	changed := proto.Clone(rec).(*checkinv1.CheckinRecord)
	changed.GetWalkIn().Headcount = 13
	_, err = f.record(changed, as)
	if status.Code(err) != codes.AlreadyExists {
		t.Fatalf("sequence reused for another scan: %v, want AlreadyExists", err)
	}
	// One event per committed batch and county; the replays published nothing.
	testkit.Eventually(t, 5*time.Second, func() error {
		got := countAdmittedInEvents(t, f.js, "sciweek.checkin.records.140105")
		if got != 2 { // the readiness probe and the record; refused probes before it are not counted
			return fmt.Errorf("%d admitted records in events, want 2", got)
		}
		return nil
	})
}

func countAdmittedInEvents(t testing.TB, js jetstream.JetStream, subject string) int {
	t.Helper()
	ctx := context.Background()
	cons, err := js.OrderedConsumer(ctx, bus.StreamCheckin, jetstream.OrderedConsumerConfig{FilterSubjects: []string{subject}})
	if err != nil {
		t.Fatal(err)
	}
	batch, err := cons.FetchNoWait(10000)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for m := range batch.Messages() {
		var ev checkinv1.CheckinsRecorded
		if err := proto.Unmarshal(m.Data(), &ev); err != nil {
			t.Fatal(err)
		}
		for _, r := range ev.GetRecords() {
			if r.GetOutcome() == checkinv1.Outcome_OUTCOME_ADMITTED {
				n++
			}
		}
	}
	return n
}

func TestTicketsAreVerifiedOfflineAndCountOnce(t *testing.T) {
	t.Parallel()
	f := start(t)
	venue, otherVenue := f.venue(t, "140106"), f.venue(t, "140106")
	act := f.activity(t, venue, "140106", registrationv1.ActivityStatus_ACTIVITY_STATUS_APPROVED)
	elsewhere := f.activity(t, otherVenue, "140106", registrationv1.ActivityStatus_ACTIVITY_STATUS_APPROVED)
	pending := f.activity(t, venue, "140106", registrationv1.ActivityStatus_ACTIVITY_STATUS_SUBMITTED)
	_, gate1 := f.terminal(t, venue, "140106")
	_, gate2 := f.terminal(t, venue, "140106")
	f.ready(t, gate1, venue, act)
	f.ready(t, gate2, venue, act)
	now := time.Now()
	good, goodID := f.ticket(t, act, now.Add(-time.Hour), now.Add(time.Hour))
	revokedTicket, revokedID := f.ticket(t, act, now.Add(-time.Hour), now.Add(time.Hour))
	f.publish(t, "sciweek.registration.ticket.revoked", &registrationv1.TicketRevoked{EventId: uuid.NewString(), OccurredAt: timestamppb.Now(),
		TicketId: revokedID, EditionId: "2024", ActivityId: act, Reason: "signup_cancelled"})
	early, _ := f.ticket(t, act, now.Add(time.Hour), now.Add(2*time.Hour))
	late, _ := f.ticket(t, act, now.Add(-3*time.Hour), now.Add(-2*time.Hour))
	wrongVenue, _ := f.ticket(t, elsewhere, now.Add(-time.Hour), now.Add(time.Hour))
	notOpen, _ := f.ticket(t, pending, now.Add(-time.Hour), now.Add(time.Hour))
	_, otherKey, _ := ed25519.GenerateKey(rand.Reader)
	forged, err := ticket.Sign(ticket.Ticket{EditionID: "2024", ActivityID: uuid.MustParse(act), SessionID: uuid.New(), TicketID: uuid.New(),
		ValidFrom: now.Add(-time.Hour), ValidUntil: now.Add(time.Hour)}, otherKey)
	if err != nil {
		t.Fatal(err)
	}
	tampered := []byte(good)
	tampered[len(ticket.Prefix)+30] ^= 1 // still base32 letters, another activity id
	if tampered[len(ticket.Prefix)+30] < 'A' || tampered[len(ticket.Prefix)+30] > 'Z' {
		tampered[len(ticket.Prefix)+30] = 'Q'
	}
	testkit.Eventually(t, 5*time.Second, func() error { // the revocation reached the catalog
		var n int
		if err := f.pool.QueryRow(context.Background(), `SELECT count(*) FROM revoked_tickets WHERE ticket_id = $1`, revokedID).Scan(&n); err != nil || n != 1 {
			return fmt.Errorf("revocation not applied yet (%v)", err)
		}
		return nil
	})
	tests := []struct {
		name    string
		payload string
		want    checkinv1.RefusalReason
	}{
		{"genuine", good, checkinv1.RefusalReason_REFUSAL_REASON_UNSPECIFIED},
		{"the same ticket at another gate", good, checkinv1.RefusalReason_REFUSAL_REASON_ALREADY_CHECKED_IN},
		{"signed by another key", forged, checkinv1.RefusalReason_REFUSAL_REASON_INVALID_SIGNATURE},
		{"tampered", string(tampered), checkinv1.RefusalReason_REFUSAL_REASON_INVALID_SIGNATURE},
		{"not a ticket", "https://example.com/anything", checkinv1.RefusalReason_REFUSAL_REASON_INVALID_SIGNATURE},
		{"for another venue", wrongVenue, checkinv1.RefusalReason_REFUSAL_REASON_WRONG_VENUE},
		{"before its window", early, checkinv1.RefusalReason_REFUSAL_REASON_NOT_YET_VALID},
		{"after its window", late, checkinv1.RefusalReason_REFUSAL_REASON_EXPIRED},
		{"revoked", revokedTicket, checkinv1.RefusalReason_REFUSAL_REASON_REVOKED},
		{"activity not approved", notOpen, checkinv1.RefusalReason_REFUSAL_REASON_ACTIVITY_NOT_OPEN},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gate := gate1
			if i == 1 {
				gate = gate2
			}
			r, err := f.record(f.scan(venue, tt.payload), gate)
			if err != nil {
				t.Fatal(err)
			}
			if r.GetRefusalReason() != tt.want {
				t.Fatalf("got %v (%v), want %v", r.GetRefusalReason(), r.GetOutcome(), tt.want)
			}
			if tt.want == checkinv1.RefusalReason_REFUSAL_REASON_ALREADY_CHECKED_IN && r.GetFirstCheckedInAt() == nil {
				t.Fatal("an already-checked-in refusal needs the time of the first admission")
			}
		})
	}
	if n := f.count(t, `ticket_id = $1 AND outcome = 1`, goodID); n != 1 {
		t.Fatalf("ticket admitted %d times", n)
	}
	// Every refusal is itself recorded, for the statistics of refused scans. (Only tickets are
	// counted: the readiness probes' walk-ins may have been refused before the catalog knew
	// the activity.)
	if n := f.count(t, `outcome = 2 AND kind = 1`); n != len(tests)-1 {
		t.Fatalf("%d refusals stored, want %d", n, len(tests)-1)
	}
	// Each counts in an edition, so the dashboard shows it: the ticket's, or for a ticket that
	// does not verify, the edition the door was serving (DoorEdition).
	if n := f.count(t, `outcome = 2 AND kind = 1 AND edition_id <> '2024'`); n != 0 {
		t.Fatalf("%d refusals stored without the door's edition", n)
	}
	var category int
	if err := f.pool.QueryRow(context.Background(), `SELECT category FROM checkin_records WHERE ticket_id = $1 AND outcome = 1`, goodID).Scan(&category); err != nil || category != 1 {
		t.Fatalf("a minor's ticket counts as category %d (%v), want young person (1)", category, err)
	}
}

func TestUploadsInShuffledBatchesCountOnce(t *testing.T) {
	t.Parallel()
	f := start(t)
	ctx := context.Background()
	d := f.openDoor(t, "140107")
	venue, act, termID, as := d.venue, d.activity, d.terminal, d.as
	// A terminal that was offline uploads 10,000 records: walk-ins, groups and check-outs,
	// some from yesterday. It uploads them three times, in different orders and batch sizes.
	const n = 10000
	records := make([]*checkinv1.CheckinRecord, n)
	yesterday := time.Now().Add(-24 * time.Hour)
	for i := range records {
		r := &checkinv1.CheckinRecord{Sequence: uint64(1000 + i), OccurredAt: timestamppb.New(yesterday.Add(time.Duration(i) * time.Second)),
			VenueId: venue, ActivityId: act}
		switch i % 10 {
		case 0:
			r.Kind = &checkinv1.CheckinRecord_Group{Group: &checkinv1.GroupCheckin{YoungPeople: 30, Teachers: 2, GroupName: "五年级二班"}}
		case 1:
			r.Kind = &checkinv1.CheckinRecord_Checkout{Checkout: &checkinv1.Checkout{Headcount: 1}}
		default:
			r.Kind = &checkinv1.CheckinRecord_WalkIn{WalkIn: &checkinv1.WalkIn{Category: checkinv1.ParticipantCategory(1 + i%4), Headcount: 1}}
		}
		records[i] = r
	}
	rng := mrand.New(mrand.NewPCG(1, 2))
	for round := range 3 {
		order := rng.Perm(n)
		for start := 0; start < n; {
			size := min(1+rng.IntN(1000), n-start)
			batch := make([]*checkinv1.CheckinRecord, size)
			for i := range batch {
				batch[i] = records[order[start+i]]
			}
			resp, err := f.client.UploadCheckins(ctx, &checkinv1.UploadCheckinsRequest{Records: batch, SentAt: timestamppb.Now()}, as)
			if err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
			for i, res := range resp.GetResults() {
				if res.GetSequence() != batch[i].GetSequence() || res.GetReplayed() != (round > 0) {
					t.Fatalf("round %d: result %d = %v", round, i, res)
				}
			}
			start += size
		}
	}
	if got := f.count(t, `terminal_id = $1 AND terminal_sequence >= 1000`, termID); got != n {
		t.Fatalf("%d records stored, want %d", got, n)
	}
	// 1,000 groups of 32, 8,000 walk-ins of 1 (the check-outs count as 1,000 leaving).
	if got := f.sum(t, `terminal_id = $1 AND terminal_sequence >= 1000 AND kind <> 4`, termID); got != 1000*32+8000 {
		t.Fatalf("people admitted: %d, want %d", got, 1000*32+8000)
	}
	testkit.Eventually(t, 10*time.Second, func() error {
		if got := countAdmittedInEvents(t, f.js, "sciweek.checkin.records.140107"); got != n+1 {
			return fmt.Errorf("%d records in events, want %d", got, n+1)
		}
		return nil
	})
}

func TestAnomaliesAreFlagged(t *testing.T) {
	t.Parallel()
	f := start(t)
	d := f.openDoor(t, "140105")
	venue, act, as := d.venue, d.activity, d.as
	now := time.Now().Add(time.Minute) // after the readiness probe
	at := func(r *checkinv1.CheckinRecord, t time.Time) *checkinv1.CheckinRecord {
		r.OccurredAt = timestamppb.New(t)
		return r
	}
	resp, err := f.client.UploadCheckins(context.Background(), &checkinv1.UploadCheckinsRequest{SentAt: timestamppb.New(time.Now().Add(-10 * time.Minute)),
		Records: []*checkinv1.CheckinRecord{
			at(f.walkIn(venue, act, 1), now),
			at(f.walkIn(venue, act, 1), now.Add(100*time.Millisecond)), // faster than people walk
			// Before the session (a scan after it would lie ahead of the server's clock, which is
			// refused as a broken clock rather than flagged).
			at(f.walkIn(venue, act, 1), now.Add(-3*time.Hour)),
		}}, as)
	if err != nil {
		t.Fatal(err)
	}
	flags := func(r *checkinv1.CheckinResult) string {
		var s []string
		for _, a := range r.GetAnomalies() {
			s = append(s, strings.TrimPrefix(a.String(), "ANOMALY_"))
		}
		return strings.Join(sortStrings(s), ",")
	}
	got := []string{flags(resp.GetResults()[0]), flags(resp.GetResults()[1]), flags(resp.GetResults()[2])}
	want := []string{"CLOCK_SKEW", "BURST,CLOCK_SKEW", "CLOCK_SKEW,OUTSIDE_SESSION"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("anomalies %v, want %v", got, want)
	}
	for _, r := range resp.GetResults() {
		if r.GetOutcome() != checkinv1.Outcome_OUTCOME_ADMITTED {
			t.Fatalf("a flagged record still counts: %v", r)
		}
	}
}

func sortStrings(s []string) []string {
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j] < s[i] {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
	return s
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
	testkit.Eventually(t, 5*time.Second, func() error { // the other activities reached the catalog too
		r, err := f.record(f.walkIn(venueA, actB, 1), as)
		if err != nil || r.GetRefusalReason() != checkinv1.RefusalReason_REFUSAL_REASON_WRONG_VENUE {
			return fmt.Errorf("activity at another venue: %v %v", r, err)
		}
		return nil
	})
	personToken := testkit.NewTokens(t).As(t, testkit.CityAdmin())
	tests := []struct {
		name string
		req  *checkinv1.CheckinRecord
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
		{"malformed: no time", func() *checkinv1.CheckinRecord { r := f.walkIn(venueA, act, 1); r.OccurredAt = nil; return r }(), as, codes.InvalidArgument, "occurred_at"},
		{"malformed: sequence 0", func() *checkinv1.CheckinRecord { r := f.walkIn(venueA, act, 1); r.Sequence = 0; return r }(), as, codes.InvalidArgument, "sequence"},
		{"malformed: no kind", func() *checkinv1.CheckinRecord { r := f.walkIn(venueA, act, 1); r.Kind = nil; return r }(), as, codes.InvalidArgument, "kind"},
		{"malformed: headcount 0", f.walkIn(venueA, act, 0), as, codes.InvalidArgument, "headcount"},
		{"malformed: empty group", func() *checkinv1.CheckinRecord {
			r := f.walkIn(venueA, act, 1)
			r.Kind = &checkinv1.CheckinRecord_Group{Group: &checkinv1.GroupCheckin{}}
			return r
		}(), as, codes.InvalidArgument, "at least one person"},
		{"malformed: walk-in without activity", f.walkIn(venueA, "", 1), as, codes.InvalidArgument, "needs the activity"},
		{"malformed: venue id", func() *checkinv1.CheckinRecord { r := f.walkIn(venueA, act, 1); r.VenueId = "hall-1"; return r }(), as, codes.InvalidArgument, "venue_id"},
	}
	before := f.count(t, `true`)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.record(tt.req, tt.as)
			if status.Code(err) != tt.want || !strings.Contains(status.Convert(err).Message(), tt.msg) {
				t.Fatalf("got %v, want %v containing %q", err, tt.want, tt.msg)
			}
		})
	}
	if after := f.count(t, `true`); after != before {
		t.Fatalf("refused calls stored %d records", after-before)
	}
	// A batch with one bad record stores nothing.
	_, err := f.client.UploadCheckins(ctx, &checkinv1.UploadCheckinsRequest{Records: []*checkinv1.CheckinRecord{
		f.walkIn(venueA, act, 1), f.walkIn(venueB, actB, 1)}}, as)
	if status.Code(err) != codes.PermissionDenied || f.count(t, `true`) != before {
		t.Fatalf("a batch with a record of another venue: %v, %d stored", err, f.count(t, `true`)-before)
	}
	// A walk-in for an activity that is not approved is recorded as a refusal.
	r, err := f.record(f.walkIn(venueA, pending, 3), as)
	if err != nil || r.GetRefusalReason() != checkinv1.RefusalReason_REFUSAL_REASON_ACTIVITY_NOT_OPEN {
		t.Fatalf("walk-in for a pending activity: %v %v", r, err)
	}
}

func TestOverloadAnswersResourceExhaustedWithARetryDelay(t *testing.T) {
	t.Parallel()
	// A queue of 5 records and a long linger: the second call finds the queue full.
	f := start(t, adapters.BatcherConfig{MaxPending: 5, Linger: 500 * time.Millisecond, MaxBatch: 10000, Writers: 1})
	d := f.openDoor(t, "140105")
	venue, act, as := d.venue, d.activity, d.as
	batch := func(n int) []*checkinv1.CheckinRecord {
		out := make([]*checkinv1.CheckinRecord, n)
		for i := range out {
			out[i] = f.walkIn(venue, act, 1)
		}
		return out
	}
	first := make(chan error, 1)
	go func() {
		_, err := f.client.UploadCheckins(context.Background(), &checkinv1.UploadCheckinsRequest{Records: batch(4)}, as)
		first <- err
	}()
	time.Sleep(100 * time.Millisecond) // the first batch waits in the queue
	_, err := f.client.UploadCheckins(context.Background(), &checkinv1.UploadCheckinsRequest{Records: batch(4)}, as)
	st := status.Convert(err)
	if st.Code() != codes.ResourceExhausted {
		t.Fatalf("second call: %v, want ResourceExhausted", err)
	}
	var delay time.Duration
	for _, d := range st.Details() {
		if ri, ok := d.(*errdetails.RetryInfo); ok {
			delay = ri.GetRetryDelay().AsDuration()
		}
	}
	if delay <= 0 {
		t.Fatalf("no RetryInfo in %v", st.Details())
	}
	if err := <-first; err != nil {
		t.Fatalf("the queued call: %v (nothing accepted may be dropped)", err)
	}
}

func TestRevokedTerminalIsRefusedWithinTwoSeconds(t *testing.T) {
	t.Parallel()
	f := start(t)
	d := f.openDoor(t, "140105")
	venue, act, id, as := d.venue, d.activity, d.terminal, d.as
	f.publish(t, "sciweek.venue.terminal.revoked", &venuev1.TerminalRevoked{EventId: uuid.NewString(), OccurredAt: timestamppb.Now(),
		Terminal: &venuev1.Terminal{Id: id, VenueId: venue, CountyCode: "140105", State: venuev1.TerminalState_TERMINAL_STATE_REVOKED}})
	revokedAt := time.Now()
	testkit.Eventually(t, 2*time.Second, func() error {
		_, err := f.record(f.walkIn(venue, act, 1), as)
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
		if _, err := f.record(f.walkIn(venue, act, 1), old); status.Code(err) != codes.Unauthenticated {
			return fmt.Errorf("old credential still accepted (%v)", err)
		}
		return nil
	})
	if _, err := f.record(f.walkIn(venue, act, 1), grpc.PerRPCCredentials(rpc.BearerCredential(next.String()))); err != nil {
		t.Fatalf("new credential: %v", err)
	}
}

func TestHelloTellsATerminalItsVenueClockAndActivities(t *testing.T) {
	t.Parallel()
	f := start(t)
	ctx := context.Background()
	venue := f.venue(t, "140108")
	act := f.activity(t, venue, "140108", registrationv1.ActivityStatus_ACTIVITY_STATUS_APPROVED)
	f.activity(t, venue, "140108", registrationv1.ActivityStatus_ACTIVITY_STATUS_SUBMITTED)               // not approved: not shown
	f.activity(t, f.venue(t, "140108"), "140108", registrationv1.ActivityStatus_ACTIVITY_STATUS_APPROVED) // elsewhere
	termID, as := f.terminal(t, venue, "140108")
	f.ready(t, as, venue, act)
	hello, err := f.client.Hello(ctx, &checkinv1.HelloRequest{SentAt: timestamppb.New(time.Now().Add(-10 * time.Minute))}, as)
	if err != nil {
		t.Fatal(err)
	}
	if hello.GetTerminalId() != termID || hello.GetVenueId() != venue || hello.GetCountyCode() != "140108" || !hello.GetClockSkewDetected() {
		t.Fatalf("hello = %v", hello)
	}
	if len(hello.GetActivities()) != 1 || hello.GetActivities()[0].GetActivityId() != act || len(hello.GetActivities()[0].GetSessions()) != 1 {
		t.Fatalf("activities = %v", hello.GetActivities())
	}
	if d := time.Since(hello.GetServerTime().AsTime()); d < 0 || d > 5*time.Second {
		t.Fatalf("server time %v", hello.GetServerTime().AsTime())
	}
	if _, err := f.client.Hello(ctx, &checkinv1.HelloRequest{}); status.Code(err) != codes.Unauthenticated {
		t.Fatalf("hello without a credential: %v", err)
	}
}
