package registration_test

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sciweek/sciweek/pkg/throttle"
)

// BenchmarkSignUp measures public sign-ups end to end: gRPC, validation, the session row lock,
// the keyed phone hash, the Ed25519-signed ticket and the committed transaction with its
// TicketIssued event. "one session" has every sign-up queue on the same session lock (the
// hot case: a popular activity opening); "many sessions" spreads them.
func BenchmarkSignUp(b *testing.B) {
	f := start(b)
	var phone atomic.Int64
	phone.Store(13000000000)
	next := func() string { return fmt.Sprint(phone.Add(1)) }
	a, session := f.liveActivity(0) // no limit: every sign-up gets a ticket
	b.Run("sequential", func(b *testing.B) {
		for b.Loop() {
			if _, err := f.signUp(a.GetId(), session, next()); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("parallel-one-session", func(b *testing.B) {
		b.SetParallelism(8)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := f.signUp(a.GetId(), session, next()); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
	sessions := make([][2]string, 8)
	for i := range sessions {
		act, s := f.liveActivity(0)
		sessions[i] = [2]string{act.GetId(), s}
	}
	var n atomic.Int64
	b.Run("parallel-many-sessions", func(b *testing.B) {
		b.SetParallelism(8)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				s := sessions[n.Add(1)%int64(len(sessions))]
				if _, err := f.signUp(s[0], s[1], next()); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}

// BenchmarkSignUpThrottled is BenchmarkSignUp's sequential case with the sign-up throttles on
// (per address, set high enough never to refuse, and per phone): what the two counters add to
// a sign-up (#12's closing note compares the two).
func BenchmarkSignUpThrottled(b *testing.B) {
	f := start(b, limits(throttle.Limits{
		SignupAddress: throttle.Rule{Free: 1 << 30, Window: time.Hour},
		SignupPhone:   throttle.DefaultLimits.SignupPhone,
	}))
	var phone atomic.Int64
	phone.Store(13000000000)
	a, session := f.liveActivity(0)
	for b.Loop() {
		if _, err := f.signUp(a.GetId(), session, fmt.Sprint(phone.Add(1))); err != nil {
			b.Fatal(err)
		}
	}
}
