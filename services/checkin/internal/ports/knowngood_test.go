package ports_test

import (
	"math"
	"strings"
	"testing"
	"unicode/utf8"

	"buf.build/go/protovalidate"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	checkinv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/checkin/v1"
	"github.com/sciweek/sciweek/services/checkin/internal/ports"
)

const (
	venue    = "0191c3a4-5b6c-7d8e-9f00-112233445566"
	activity = "0191C3A4-5B6C-7D8E-9F00-AABBCCDDEEFF"
)

// check answers the quick check's verdict and protovalidate's for one request.
func check(t testing.TB, rules protovalidate.Validator, req proto.Message) (quick, valid bool) {
	t.Helper()
	good := ports.KnownGood()[req.ProtoReflect().Descriptor().FullName()]
	if good == nil {
		t.Fatalf("no quick check for %s", req.ProtoReflect().Descriptor().FullName())
	}
	return good(req), rules.Validate(req) == nil
}

func record(mutate func(*checkinv1.CheckinRecord)) *checkinv1.CheckinRecord {
	r := &checkinv1.CheckinRecord{Sequence: 1, OccurredAt: timestamppb.Now(), VenueId: venue,
		Kind: &checkinv1.CheckinRecord_Ticket{Ticket: &checkinv1.TicketScan{Payload: "v1.ticket.signature"}}}
	if mutate != nil {
		mutate(r)
	}
	return r
}

// TestKnownGoodAgreesWithTheContract: what doors send every day passes the quick check (or the
// shortcut would never be taken), and each rule of the contract, at and just past its bound, gets
// the same verdict from the quick check as from protovalidate.
func TestKnownGoodAgreesWithTheContract(t *testing.T) {
	t.Parallel()
	rules, err := protovalidate.New()
	if err != nil {
		t.Fatal(err)
	}
	walkIn := func(c checkinv1.ParticipantCategory, n uint32) func(*checkinv1.CheckinRecord) {
		return func(r *checkinv1.CheckinRecord) {
			r.Kind = &checkinv1.CheckinRecord_WalkIn{WalkIn: &checkinv1.WalkIn{Category: c, Headcount: n}}
		}
	}
	group := func(young, teachers uint32, name string) func(*checkinv1.CheckinRecord) {
		return func(r *checkinv1.CheckinRecord) {
			r.Kind = &checkinv1.CheckinRecord_Group{Group: &checkinv1.GroupCheckin{YoungPeople: young, Teachers: teachers, GroupName: name}}
		}
	}
	one := func(mutate func(*checkinv1.CheckinRecord)) proto.Message {
		return &checkinv1.RecordCheckinRequest{Record: record(mutate), SentAt: timestamppb.Now()}
	}
	many := func(n int) proto.Message {
		req := &checkinv1.UploadCheckinsRequest{}
		for i := range n {
			req.Records = append(req.Records, record(func(r *checkinv1.CheckinRecord) { r.Sequence = uint64(i + 1) }))
		}
		return req
	}
	tests := []struct {
		name  string
		req   proto.Message
		valid bool
	}{
		{"a ticket scan", one(nil), true},
		{"a ticket scan naming its activity in capitals", one(func(r *checkinv1.CheckinRecord) { r.ActivityId = activity }), true},
		{"a walk-in", one(walkIn(checkinv1.ParticipantCategory_PARTICIPANT_CATEGORY_ADULT, 1)), true},
		{"a walk-in of 1,000", one(walkIn(checkinv1.ParticipantCategory_PARTICIPANT_CATEGORY_ADULT, 1000)), true},
		{"a walk-in of 1,001", one(walkIn(checkinv1.ParticipantCategory_PARTICIPANT_CATEGORY_ADULT, 1001)), false},
		{"a walk-in of nobody", one(walkIn(checkinv1.ParticipantCategory_PARTICIPANT_CATEGORY_ADULT, 0)), false},
		{"a walk-in without a category", one(walkIn(checkinv1.ParticipantCategory_PARTICIPANT_CATEGORY_UNSPECIFIED, 1)), false},
		{"a walk-in of a category not in the contract", one(walkIn(checkinv1.ParticipantCategory(99), 1)), false},
		{"a group at its bounds with a 100-character name", one(group(1000, 200, strings.Repeat("班", 100))), true},
		{"a group of teachers only", one(group(0, 3, "")), true},
		{"an empty group", one(group(0, 0, "x")), false},
		{"a group of 1,001", one(group(1001, 0, "")), false},
		{"a group with 201 teachers", one(group(1, 201, "")), false},
		{"a group name of 101 characters", one(group(1, 0, strings.Repeat("班", 101))), false},
		{"a checkout", one(func(r *checkinv1.CheckinRecord) {
			r.Kind = &checkinv1.CheckinRecord_Checkout{Checkout: &checkinv1.Checkout{Headcount: 1000}}
		}), true},
		{"a checkout of nobody", one(func(r *checkinv1.CheckinRecord) {
			r.Kind = &checkinv1.CheckinRecord_Checkout{Checkout: &checkinv1.Checkout{}}
		}), false},
		{"no record", &checkinv1.RecordCheckinRequest{}, false},
		{"no kind", one(func(r *checkinv1.CheckinRecord) { r.Kind = nil }), false},
		{"sequence 0", one(func(r *checkinv1.CheckinRecord) { r.Sequence = 0 }), false},
		{"sequence 2^63-1", one(func(r *checkinv1.CheckinRecord) { r.Sequence = math.MaxInt64 }), true},
		{"sequence 2^63", one(func(r *checkinv1.CheckinRecord) { r.Sequence = math.MaxInt64 + 1 }), false},
		{"no time", one(func(r *checkinv1.CheckinRecord) { r.OccurredAt = nil }), false},
		{"a time far in the past", one(func(r *checkinv1.CheckinRecord) { r.OccurredAt = &timestamppb.Timestamp{Seconds: -62135596800} }), true},
		{"no venue", one(func(r *checkinv1.CheckinRecord) { r.VenueId = "" }), false},
		{"a venue without dashes", one(func(r *checkinv1.CheckinRecord) { r.VenueId = strings.ReplaceAll(venue, "-", "") }), false},
		{"a venue with a g", one(func(r *checkinv1.CheckinRecord) { r.VenueId = "g" + venue[1:] }), false},
		{"an activity that is not a UUID", one(func(r *checkinv1.CheckinRecord) { r.ActivityId = "42" }), false},
		{"a ticket of 7 characters", one(func(r *checkinv1.CheckinRecord) {
			r.Kind = &checkinv1.CheckinRecord_Ticket{Ticket: &checkinv1.TicketScan{Payload: "1234567"}}
		}), false},
		{"a ticket of 8 two-byte characters", one(func(r *checkinv1.CheckinRecord) {
			r.Kind = &checkinv1.CheckinRecord_Ticket{Ticket: &checkinv1.TicketScan{Payload: strings.Repeat("票", 8)}}
		}), true},
		{"a ticket of 513 characters", one(func(r *checkinv1.CheckinRecord) {
			r.Kind = &checkinv1.CheckinRecord_Ticket{Ticket: &checkinv1.TicketScan{Payload: strings.Repeat("a", 513)}}
		}), false},
		{"an upload of one", many(1), true},
		{"an upload of 1,000", many(1000), true},
		{"an upload of 1,001", many(1001), false},
		{"an empty upload", many(0), false},
		{"an upload with one bad record among good ones", func() proto.Message {
			req := many(20).(*checkinv1.UploadCheckinsRequest)
			req.Records[13].VenueId = "not a venue"
			return req
		}(), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			quick, valid := check(t, rules, tt.req)
			if valid != tt.valid {
				t.Fatalf("protovalidate says valid=%v, the test expects %v: the contract changed", valid, tt.valid)
			}
			if quick != valid {
				t.Fatalf("quick check says %v, protovalidate %v", quick, valid)
			}
		})
	}
}

// FuzzKnownGood: whatever a door sends, the quick check never passes a record protovalidate
// would refuse (the one thing it must never do); and on well-formed text the two agree, so the
// shortcut is taken whenever it could be.
func FuzzKnownGood(f *testing.F) {
	rules, err := protovalidate.New()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(uint64(1), int64(1716712200), venue, "", uint8(0), "v1.ticket.signature", int32(0), uint32(0), uint32(0), uint16(1))
	f.Add(uint64(math.MaxInt64), int64(-62135596800), venue, activity, uint8(1), "", int32(2), uint32(1000), uint32(0), uint16(20))
	f.Add(uint64(math.MaxInt64+1), int64(253402300799), activity, venue, uint8(2), "太原五中初二（3）班", int32(0), uint32(0), uint32(200), uint16(1000))
	f.Add(uint64(7), int64(0), venue+"0", "x", uint8(3), "", int32(-1), uint32(0), uint32(1001), uint16(1001))
	f.Add(uint64(7), int64(0), venue, "", uint8(4), "\xff\xfe", int32(99), uint32(0), uint32(0), uint16(0))
	f.Fuzz(func(t *testing.T, seq uint64, unix int64, venueID, activityID string, kind uint8, text string, category int32, a, b uint32, n uint16) {
		r := &checkinv1.CheckinRecord{Sequence: seq, VenueId: venueID, ActivityId: activityID}
		if unix != 0 {
			r.OccurredAt = &timestamppb.Timestamp{Seconds: unix}
		}
		switch kind % 5 {
		case 0:
			r.Kind = &checkinv1.CheckinRecord_Ticket{Ticket: &checkinv1.TicketScan{Payload: text}}
		case 1:
			r.Kind = &checkinv1.CheckinRecord_WalkIn{WalkIn: &checkinv1.WalkIn{Category: checkinv1.ParticipantCategory(category), Headcount: a}}
		case 2:
			r.Kind = &checkinv1.CheckinRecord_Group{Group: &checkinv1.GroupCheckin{YoungPeople: a, Teachers: b, GroupName: text}}
		case 3:
			r.Kind = &checkinv1.CheckinRecord_Checkout{Checkout: &checkinv1.Checkout{Headcount: a}}
		}
		upload := &checkinv1.UploadCheckinsRequest{}
		for range min(int(n), 1001) {
			upload.Records = append(upload.Records, r)
		}
		wellFormed := utf8.ValidString(venueID) && utf8.ValidString(activityID) && utf8.ValidString(text)
		for _, req := range []proto.Message{&checkinv1.RecordCheckinRequest{Record: r}, upload} {
			quick, valid := check(t, rules, req)
			if quick && !valid {
				t.Fatalf("the quick check passes %v, which protovalidate refuses: %v", req, rules.Validate(req))
			}
			if wellFormed && quick != valid {
				t.Fatalf("the quick check says %v and protovalidate %v for %v", quick, valid, req)
			}
		}
	})
}

// FuzzKnownGoodWire: the same promise for requests as they arrive, bytes off the wire.
func FuzzKnownGoodWire(f *testing.F) {
	rules, err := protovalidate.New()
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []proto.Message{
		&checkinv1.RecordCheckinRequest{Record: record(nil)},
		&checkinv1.UploadCheckinsRequest{Records: []*checkinv1.CheckinRecord{record(nil), record(func(r *checkinv1.CheckinRecord) { r.Sequence = 2 })}},
	} {
		b, err := proto.Marshal(seed)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, req := range []proto.Message{&checkinv1.RecordCheckinRequest{}, &checkinv1.UploadCheckinsRequest{}} {
			if proto.Unmarshal(b, req) != nil {
				continue
			}
			if quick, valid := check(t, rules, req); quick && !valid {
				t.Fatalf("the quick check passes %v, which protovalidate refuses: %v", req, rules.Validate(req))
			}
		}
	})
}

// BenchmarkValidateScan is the cost of checking one scan's request against its contract, by
// protovalidate and by the quick check that stands in for it on the hot path.
func BenchmarkValidateScan(b *testing.B) {
	rules, err := protovalidate.New()
	if err != nil {
		b.Fatal(err)
	}
	req := &checkinv1.RecordCheckinRequest{Record: record(func(r *checkinv1.CheckinRecord) { r.ActivityId = activity }), SentAt: timestamppb.Now()}
	good := ports.KnownGood()[req.ProtoReflect().Descriptor().FullName()]
	b.Run("protovalidate", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := rules.Validate(req); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("quick check", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if !good(req) {
				b.Fatal("not known good")
			}
		}
	})
}
