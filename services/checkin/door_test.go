package checkin_test

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	checkinv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/checkin/v1"
	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
	venuev1 "github.com/sciweek/sciweek/pkg/gen/sciweek/venue/v1"
	"github.com/sciweek/sciweek/pkg/testkit"
	"github.com/sciweek/sciweek/pkg/ticket"
)

// TestSequenceNumbersAtTheLimitOfTheirType: a door that sends a sequence number of 2^63 or more
// is told so (InvalidArgument), and the other doors' calls committed at the same time all
// succeed. Before, such a number broke a database check inside the group commit, came back as a
// retryable Unavailable and failed the other terminals' records in the same transaction.
func TestSequenceNumbersAtTheLimitOfTheirType(t *testing.T) {
	t.Parallel()
	f := start(t)
	ctx := context.Background()
	venue := f.venue(t, "140105")
	act := f.activity(t, venue, "140105", registrationv1.ActivityStatus_ACTIVITY_STATUS_APPROVED)
	_, bad := f.terminal(t, venue, "140105")
	_, good := f.terminal(t, venue, "140105")
	f.ready(t, good, venue, act)
	f.ready(t, bad, venue, act)

	walkIn := func(seq uint64) *checkinv1.CheckinRecord {
		r := f.walkIn(venue, act, 1)
		r.Sequence = seq
		return r
	}
	cases := []struct {
		name string
		seq  uint64
		want codes.Code
	}{
		{"largest signed 64-bit", math.MaxInt64, codes.OK},
		{"2^63", math.MaxInt64 + 1, codes.InvalidArgument},
		{"largest unsigned 64-bit", math.MaxUint64, codes.InvalidArgument},
		{"zero", 0, codes.InvalidArgument},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.record(walkIn(tc.seq), bad)
			if status.Code(err) != tc.want {
				t.Fatalf("sequence %d: %v, want %v", tc.seq, err, tc.want)
			}
		})
	}

	// Bad batches and good calls at once: every good call succeeds.
	var wg sync.WaitGroup
	errsGood := make(chan error, 60)
	for i := range 60 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			_, err := f.client.UploadCheckins(ctx, &checkinv1.UploadCheckinsRequest{Records: []*checkinv1.CheckinRecord{
				walkIn(uint64(1_000_000 + i)), walkIn(math.MaxUint64 - uint64(i))}}, bad)
			if status.Code(err) != codes.InvalidArgument {
				errsGood <- fmt.Errorf("bad batch %d: %v", i, err)
			}
		}()
		go func() {
			defer wg.Done()
			if _, err := f.record(f.walkIn(venue, act, 1), good); err != nil {
				errsGood <- fmt.Errorf("good call %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	close(errsGood)
	for err := range errsGood {
		t.Error(err)
	}
	// Nothing of a refused batch was written, not even its good record.
	if n := f.count(t, `terminal_sequence >= 1000000 AND terminal_sequence < 1000060`); n != 0 {
		t.Fatalf("%d records of refused batches were written", n)
	}
}

// TestAbsurdTimesAreRefusedAndNeverCounted: scans from a broken clock (1970, 2099, 9999, or
// ahead of the server) are kept as refusals with their own reason and count nowhere.
func TestAbsurdTimesAreRefusedAndNeverCounted(t *testing.T) {
	t.Parallel()
	f := start(t)
	venue := f.venue(t, "140106")
	now := time.Now()
	// This edition says its days: it runs from yesterday for a week.
	f.publish(t, "sciweek.registration.edition.changed", &registrationv1.EditionChanged{EventId: uuid.NewString(), OccurredAt: timestamppb.Now(),
		Edition: &registrationv1.Edition{Id: "2024", TicketPublicKey: []byte(f.key.Public().(ed25519.PublicKey)), TimeZone: "Asia/Shanghai",
			StartsOn: now.AddDate(0, 0, -1).Format(time.DateOnly), EndsOn: now.AddDate(0, 0, 6).Format(time.DateOnly)}})
	act := f.activity(t, venue, "140106", registrationv1.ActivityStatus_ACTIVITY_STATUS_APPROVED)
	_, as := f.terminal(t, venue, "140106")
	f.ready(t, as, venue, act)

	cases := []struct {
		name string
		at   time.Time
		want checkinv1.Outcome
	}{
		{"now", now, checkinv1.Outcome_OUTCOME_ADMITTED},
		{"yesterday, the edition's first day", now.Add(-20 * time.Hour), checkinv1.Outcome_OUTCOME_ADMITTED},
		{"a minute ahead (within the skew)", now.Add(time.Minute), checkinv1.Outcome_OUTCOME_ADMITTED},
		{"ten minutes ahead of the server", now.Add(10 * time.Minute), checkinv1.Outcome_OUTCOME_REFUSED},
		{"a week before the edition", now.AddDate(0, 0, -8), checkinv1.Outcome_OUTCOME_REFUSED},
		{"1970-01-01", time.Unix(0, 0), checkinv1.Outcome_OUTCOME_REFUSED},
		{"1970-01-01 plus a second", time.Unix(1, 0), checkinv1.Outcome_OUTCOME_REFUSED},
		{"2099-06-01", time.Date(2099, 6, 1, 9, 0, 0, 0, time.UTC), checkinv1.Outcome_OUTCOME_REFUSED},
		{"9999-12-31", time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC), checkinv1.Outcome_OUTCOME_REFUSED},
		{"0001-01-01", time.Date(1, 1, 1, 0, 0, 1, 0, time.UTC), checkinv1.Outcome_OUTCOME_REFUSED},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := f.walkIn(venue, act, 7)
			r.OccurredAt = timestamppb.New(tc.at)
			res, err := f.record(r, as)
			if err != nil {
				t.Fatal(err)
			}
			if res.GetOutcome() != tc.want {
				t.Fatalf("%s: %v %v, want %v", tc.at, res.GetOutcome(), res.GetRefusalReason(), tc.want)
			}
			if tc.want == checkinv1.Outcome_OUTCOME_REFUSED && res.GetRefusalReason() != checkinv1.RefusalReason_REFUSAL_REASON_TIME_OUT_OF_RANGE {
				t.Fatalf("reason %v", res.GetRefusalReason())
			}
		})
	}
	// A time protobuf cannot carry at all is refused as a malformed request.
	r := f.walkIn(venue, act, 1)
	r.OccurredAt = &timestamppb.Timestamp{Seconds: 253402300800} // 10000-01-01
	if _, err := f.record(r, as); status.Code(err) != codes.InvalidArgument {
		t.Fatalf("year 10000: %v", err)
	}
	// Nothing refused counts: the admitted people are the three admitted scans' 21.
	if n := f.sum(t, `headcount = 7`); n != 21 {
		t.Fatalf("admitted people %d, want 21", n)
	}
}

// TestSyncTellsADoorWhatChanged: a full sync, then deltas with tickets admitted at any door of
// the venue, revocations and the venue's occupancy; a foreign cursor gets everything again.
func TestSyncTellsADoorWhatChanged(t *testing.T) {
	t.Parallel()
	f := start(t)
	ctx := context.Background()
	venue := uuid.NewString()
	f.publish(t, "sciweek.venue.venue.changed", &venuev1.VenueChanged{EventId: uuid.NewString(), OccurredAt: timestamppb.Now(),
		Venue: &venuev1.Venue{Id: venue, CountyCode: "140107", Name: "山西省科学技术馆", SafeCapacity: 10, WarnPercent: 50, AlarmPercent: 100}})
	act := f.activity(t, venue, "140107", registrationv1.ActivityStatus_ACTIVITY_STATUS_APPROVED)
	_, door1 := f.namedTerminal(t, venue, "140107", "1号门")
	door2ID, door2 := f.namedTerminal(t, venue, "140107", "2号门")
	f.ready(t, door1, venue, act)
	f.ready(t, door2, venue, act)

	full, err := f.client.SyncTerminal(ctx, &checkinv1.SyncTerminalRequest{SentAt: timestamppb.Now()}, door1)
	if err != nil {
		t.Fatal(err)
	}
	if !full.GetFull() || full.GetVenueName() != "山西省科学技术馆" || full.GetTerminalName() != "1号门" || len(full.GetEditions()) != 1 ||
		len(full.GetEditions()[0].GetPublicKey()) != 32 || len(full.GetActivities()) != 1 || !full.GetActivities()[0].GetOpen() {
		t.Fatalf("full sync: %v", full)
	}
	// The two probes of ready() admitted two people.
	if o := full.GetOccupancy(); o.GetAdmittedToday() != 2 || o.GetInside() != 2 || o.GetSafeCapacity() != 10 ||
		o.GetLevel() != checkinv1.OccupancyLevel_OCCUPANCY_LEVEL_NORMAL {
		t.Fatalf("occupancy %v", o)
	}

	// Door 2 admits a ticket; door 1's next sync has it, with door 2's name.
	payload, ticketID := f.ticket(t, act, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	if res, err := f.record(f.scan(venue, payload), door2); err != nil || res.GetOutcome() != checkinv1.Outcome_OUTCOME_ADMITTED {
		t.Fatalf("admit: %v %v", res, err)
	}
	revoked := uuid.NewString()
	f.publish(t, "sciweek.registration.ticket.revoked", &registrationv1.TicketRevoked{EventId: uuid.NewString(), OccurredAt: timestamppb.Now(), TicketId: revoked})
	var delta *checkinv1.SyncTerminalResponse
	testkit.Eventually(t, 5*time.Second, func() error {
		delta, err = f.client.SyncTerminal(ctx, &checkinv1.SyncTerminalRequest{Cursor: full.GetCursor()}, door1)
		if err != nil {
			return err
		}
		if delta.GetFull() {
			return fmt.Errorf("delta is full")
		}
		if len(delta.GetRevokedTicketIds()) != 1 || delta.GetRevokedTicketIds()[0] != revoked {
			return fmt.Errorf("revoked %v", delta.GetRevokedTicketIds())
		}
		return nil
	})
	if a := delta.GetAdmitted(); len(a) != 1 || a[0].GetTicketId() != ticketID || a[0].GetDoor() != "2号门" || a[0].GetTerminalId() != door2ID {
		t.Fatalf("admitted %v", a)
	}

	// Door 1 scans the same ticket: already admitted, and the answer names door 2.
	res, err := f.record(f.scan(venue, payload), door1)
	if err != nil || res.GetRefusalReason() != checkinv1.RefusalReason_REFUSAL_REASON_ALREADY_CHECKED_IN || res.GetFirstDoor() != "2号门" {
		t.Fatalf("second scan: %v %v", res, err)
	}

	// Three more walk-ins put the venue over its warning level (5 of 10) once the counts refresh.
	for range 3 {
		if _, err := f.record(f.walkIn(venue, act, 1), door1); err != nil {
			t.Fatal(err)
		}
	}
	testkit.Eventually(t, 10*time.Second, func() error {
		s, err := f.client.SyncTerminal(ctx, &checkinv1.SyncTerminalRequest{Cursor: delta.GetCursor()}, door1)
		if err != nil {
			return err
		}
		if o := s.GetOccupancy(); o.GetInside() != 6 || o.GetLevel() != checkinv1.OccupancyLevel_OCCUPANCY_LEVEL_WARNING {
			return fmt.Errorf("occupancy %v", o)
		}
		return nil
	})

	// A cursor from another database, or none it can read, gets everything.
	for _, cursor := range []string{"v1." + uuid.NewString() + ".1700000000000000.0", "garbage", "v1.x.y.z"} {
		s, err := f.client.SyncTerminal(ctx, &checkinv1.SyncTerminalRequest{Cursor: cursor}, door1)
		if err != nil || !s.GetFull() || len(s.GetAdmitted()) != 1 {
			t.Fatalf("cursor %q: full=%v admitted=%d %v", cursor, s.GetFull(), len(s.GetAdmitted()), err)
		}
	}
	// People and unknown devices do not sync.
	if _, err := f.client.SyncTerminal(ctx, &checkinv1.SyncTerminalRequest{}); status.Code(err) != codes.Unauthenticated {
		t.Fatalf("anonymous sync: %v", err)
	}
	if _, err := f.client.SyncTerminal(ctx, &checkinv1.SyncTerminalRequest{Cursor: string(make([]byte, 200))}, door1); status.Code(err) != codes.InvalidArgument {
		t.Fatalf("long cursor: %v", err)
	}
}

// TestSyncHandsADoorItsVenuesTickets: the tickets registration issues for a venue's activities
// reach its doors with their short codes, once each, and no other venue's, no long-expired ticket
// and no online activity's; a scan of a payload a door got this way is judged like any other.
func TestSyncHandsADoorItsVenuesTickets(t *testing.T) {
	t.Parallel()
	f := start(t)
	ctx := context.Background()
	venue, other := f.venue(t, "140107"), f.venue(t, "140107")
	act := f.activity(t, venue, "140107", registrationv1.ActivityStatus_ACTIVITY_STATUS_APPROVED)
	_, door := f.namedTerminal(t, venue, "140107", "东门")
	f.ready(t, door, venue, act)

	issue := func(venue string, until time.Time, withPayload bool) (payload, id string) {
		payload, id = f.ticket(t, act, time.Now().Add(-time.Hour), until)
		ev := &registrationv1.TicketIssued{EventId: uuid.NewString(), OccurredAt: timestamppb.Now(), TicketId: id, EditionId: "2024",
			ActivityId: act, VenueId: venue, ValidUntil: timestamppb.New(until)}
		if withPayload {
			ev.Payload = payload
		}
		f.publish(t, "sciweek.registration.ticket.issued", ev)
		return payload, id
	}
	soon := time.Now().Add(time.Hour)
	p1, id1 := issue(venue, soon, true)
	p2, id2 := issue(venue, soon, true)
	issue(other, soon, true)                          // another venue's
	issue(venue, time.Now().Add(-48*time.Hour), true) // expired two days ago
	issue("", soon, true)                             // an online activity's
	issue(venue, soon, false)                         // announced before events carried payloads

	want := map[string]string{id1: p1, id2: p2}
	var full *checkinv1.SyncTerminalResponse
	testkit.Eventually(t, 5*time.Second, func() error {
		var err error
		if full, err = f.client.SyncTerminal(ctx, &checkinv1.SyncTerminalRequest{}, door); err != nil {
			return err
		}
		if len(full.GetTickets()) < len(want) {
			return fmt.Errorf("%d tickets", len(full.GetTickets()))
		}
		return nil
	})
	check := func(got []*checkinv1.VenueTicket, want map[string]string) {
		t.Helper()
		if len(got) != len(want) {
			t.Fatalf("tickets %v, want %d", got, len(want))
		}
		for _, tk := range got {
			if want[tk.GetTicketId()] != tk.GetPayload() || tk.GetShortCode() != ticket.ShortCode(uuid.MustParse(tk.GetTicketId())) {
				t.Fatalf("ticket %v", tk)
			}
		}
	}
	check(full.GetTickets(), want)

	// The next sync brings only what was issued since.
	p3, id3 := issue(venue, soon, true)
	testkit.Eventually(t, 5*time.Second, func() error {
		delta, err := f.client.SyncTerminal(ctx, &checkinv1.SyncTerminalRequest{Cursor: full.GetCursor()}, door)
		if err != nil {
			return err
		}
		if len(delta.GetTickets()) == 0 {
			return fmt.Errorf("no new ticket")
		}
		check(delta.GetTickets(), map[string]string{id3: p3})
		return nil
	})

	// A door admitting by short code sends the payload it synced: judged like a scan.
	if res, err := f.record(f.scan(venue, p2), door); err != nil || res.GetOutcome() != checkinv1.Outcome_OUTCOME_ADMITTED {
		t.Fatalf("admit %v %v", res, err)
	}
}
