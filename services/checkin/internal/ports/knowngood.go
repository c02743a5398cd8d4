package ports

import (
	"math"
	"unicode/utf8"

	"google.golang.org/protobuf/proto"

	checkinv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/checkin/v1"
	"github.com/sciweek/sciweek/pkg/rpc"
)

// KnownGood gives the quick checks of the two calls doors make for every scan (rpc.KnownGood):
// the rules of proto/sciweek/checkin/v1/checkin.proto for RecordCheckinRequest and
// UploadCheckinsRequest, written out. They must stay in step with the contract; FuzzKnownGood
// holds them to protovalidate's verdict, so a rule added to the contract and not here only makes
// the check answer false more often once the fuzz test has caught it.
func KnownGood() rpc.KnownGood {
	return rpc.KnownGood{
		(&checkinv1.RecordCheckinRequest{}).ProtoReflect().Descriptor().FullName(): func(m proto.Message) bool {
			req, ok := m.(*checkinv1.RecordCheckinRequest)
			return ok && goodRecord(req.GetRecord())
		},
		(&checkinv1.UploadCheckinsRequest{}).ProtoReflect().Descriptor().FullName(): func(m proto.Message) bool {
			req, ok := m.(*checkinv1.UploadCheckinsRequest)
			if !ok || len(req.GetRecords()) < 1 || len(req.GetRecords()) > maxUploadRecords {
				return false
			}
			for _, r := range req.GetRecords() {
				if !goodRecord(r) {
					return false
				}
			}
			return true
		},
	}
}

// maxUploadRecords is UploadCheckinsRequest.records' max_items.
const maxUploadRecords = 1000

// goodRecord is CheckinRecord's rules; nil is not good (record is required).
func goodRecord(r *checkinv1.CheckinRecord) bool {
	if r == nil || r.GetSequence() == 0 || r.GetSequence() > math.MaxInt64 || r.GetOccurredAt() == nil {
		return false
	}
	if !isUUID(r.GetVenueId()) || (r.GetActivityId() != "" && !isUUID(r.GetActivityId())) {
		return false
	}
	switch k := r.GetKind().(type) {
	case *checkinv1.CheckinRecord_Ticket:
		n := utf8.RuneCountInString(k.Ticket.GetPayload())
		return k.Ticket != nil && utf8.ValidString(k.Ticket.GetPayload()) && n >= 8 && n <= 512
	case *checkinv1.CheckinRecord_WalkIn:
		c := k.WalkIn.GetCategory()
		return k.WalkIn != nil && c != checkinv1.ParticipantCategory_PARTICIPANT_CATEGORY_UNSPECIFIED &&
			c.Descriptor().Values().ByNumber(c.Number()) != nil && inCount(k.WalkIn.GetHeadcount(), 1, 1000)
	case *checkinv1.CheckinRecord_Group:
		g := k.Group
		return g != nil && g.GetYoungPeople() <= 1000 && g.GetTeachers() <= 200 && g.GetYoungPeople()+g.GetTeachers() > 0 &&
			utf8.ValidString(g.GetGroupName()) && utf8.RuneCountInString(g.GetGroupName()) <= 100
	case *checkinv1.CheckinRecord_Checkout:
		return k.Checkout != nil && inCount(k.Checkout.GetHeadcount(), 1, 1000)
	default:
		return false // kind is a required oneof
	}
}

func inCount(n, lowest, highest uint32) bool { return n >= lowest && n <= highest }

// isUUID is protovalidate's string.uuid: 8-4-4-4-12 hexadecimal digits of either case.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
	}
	return true
}
