package checkin_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/types/known/timestamppb"

	checkinv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/checkin/v1"
	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
	"github.com/sciweek/sciweek/pkg/testkit"
)

// BenchmarkRecordCheckin measures one acknowledged walk-in through gRPC, authentication, the
// read model and a committed PostgreSQL transaction with its outbox event, sequentially and with
// many terminals' calls in flight. It is the per-call baseline the batched pipeline (#5) is
// measured against.
func BenchmarkRecordCheckin(b *testing.B) {
	f := start(b)
	venue := f.venue(b, "140105")
	act := f.activity(b, venue, "140105", registrationv1.ActivityStatus_ACTIVITY_STATUS_APPROVED)
	_, as := f.terminal(b, venue, "140105")
	f.ready(b, as, venue, act)
	var seq atomic.Uint64
	seq.Store(1_000_000)
	record := func() error {
		_, err := f.client.RecordCheckin(context.Background(), &checkinv1.RecordCheckinRequest{Record: &checkinv1.CheckinRecord{
			Sequence: seq.Add(1), OccurredAt: timestamppb.Now(), VenueId: venue, ActivityId: act,
			Kind: &checkinv1.CheckinRecord_WalkIn{WalkIn: &checkinv1.WalkIn{Category: checkinv1.ParticipantCategory_PARTICIPANT_CATEGORY_ADULT, Headcount: 1}},
		}}, as)
		return err
	}
	b.Run("sequential", func(b *testing.B) {
		for b.Loop() {
			if err := record(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.SetParallelism(16)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if err := record(); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}

// BenchmarkSyncTerminal measures one door's poll (a delta since its last cursor, over gRPC with
// its credential) at a venue whose doors admitted 200 tickets and with 2,000 tickets signed up
// for (the full answer carries them all), 1,000 revocations in the city and 5,000 other records
// in the table; the occupancy count is included at the rate doors
// see it refreshed. 500 doors polling every 5 s make 100 polls a second: the CPU share of one
// core they take is 100 × ns/op ÷ 10⁹ (reported as cpu%/500doors).
func BenchmarkSyncTerminal(b *testing.B) {
	f := start(b)
	ctx := context.Background()
	venue := f.venue(b, "140105")
	act := f.activity(b, venue, "140105", registrationv1.ActivityStatus_ACTIVITY_STATUS_APPROVED)
	_, as := f.terminal(b, venue, "140105")
	f.ready(b, as, venue, act)
	for i := range 200 {
		p, _ := f.ticket(b, act, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
		if r, err := f.record(f.scan(venue, p), as); err != nil || r.GetOutcome() != checkinv1.Outcome_OUTCOME_ADMITTED {
			b.Fatalf("ticket %d: %v %v", i, r, err)
		}
	}
	for range 5 {
		batch := make([]*checkinv1.CheckinRecord, 1000)
		for i := range batch {
			batch[i] = f.walkIn(venue, act, 1)
		}
		if _, err := f.client.UploadCheckins(ctx, &checkinv1.UploadCheckinsRequest{Records: batch}, as); err != nil {
			b.Fatal(err)
		}
	}
	// 2,000 tickets signed up for at the venue, which a full answer hands over (payload and code).
	for range 2000 {
		p, id := f.ticket(b, act, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
		f.publish(b, "sciweek.registration.ticket.issued", &registrationv1.TicketIssued{EventId: uuid.NewString(), OccurredAt: timestamppb.Now(),
			TicketId: id, ActivityId: act, VenueId: venue, ValidUntil: timestamppb.New(time.Now().Add(time.Hour)), Payload: p})
	}
	for range 1000 {
		f.publish(b, "sciweek.registration.ticket.revoked", &registrationv1.TicketRevoked{EventId: uuid.NewString(), OccurredAt: timestamppb.Now(), TicketId: uuid.NewString()})
	}
	var first *checkinv1.SyncTerminalResponse
	testkit.Eventually(b, 30*time.Second, func() error {
		var err error
		if first, err = f.client.SyncTerminal(ctx, &checkinv1.SyncTerminalRequest{}, as); err != nil {
			return err
		}
		if len(first.GetTickets()) < 2000 || len(first.GetRevokedTicketIds()) < 1000 {
			return fmt.Errorf("%d tickets, %d revocations", len(first.GetTickets()), len(first.GetRevokedTicketIds()))
		}
		return nil
	})
	b.Run("full", func(b *testing.B) {
		for b.Loop() {
			if _, err := f.client.SyncTerminal(ctx, &checkinv1.SyncTerminalRequest{}, as); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("delta", func(b *testing.B) {
		cursor := first.GetCursor()
		for b.Loop() {
			r, err := f.client.SyncTerminal(ctx, &checkinv1.SyncTerminalRequest{Cursor: cursor}, as)
			if err != nil {
				b.Fatal(err)
			}
			cursor = r.GetCursor()
		}
		b.ReportMetric(100*float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e9*100, "cpu%/500doors")
	})
}
