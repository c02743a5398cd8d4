package checkin_test

import (
	"context"
	"sync/atomic"
	"testing"

	"google.golang.org/protobuf/types/known/timestamppb"

	checkinv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/checkin/v1"
	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
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
