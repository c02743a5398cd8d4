package convert

import (
	"testing"

	"google.golang.org/protobuf/reflect/protoreflect"

	checkinv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/checkin/v1"
	"github.com/sciweek/sciweek/services/checkin/internal/domain"
)

// roundTrip checks that every value the contract's enum declares but UNSPECIFIED has exactly one
// domain value, and converts back to itself: a value added to a .proto without its domain
// counterpart fails here.
func roundTrip[D, P comparable](t *testing.T, e enum[D, P], desc protoreflect.EnumDescriptor, of func(protoreflect.EnumNumber) P) {
	t.Helper()
	values := desc.Values()
	for i := range values.Len() {
		v := values.Get(i)
		p := of(v.Number())
		d, ok := e.fromProto[p]
		if v.Number() == 0 {
			if ok {
				t.Errorf("%s: UNSPECIFIED has the domain value %v", v.FullName(), d)
			}
			continue
		}
		if !ok {
			t.Errorf("%s has no domain value", v.FullName())
			continue
		}
		if back := e.toProto[d]; back != p {
			t.Errorf("%s → %v → %v", v.FullName(), d, back)
		}
	}
	if len(e.toProto) != values.Len()-1 {
		t.Errorf("%s: %d domain values for %d contract values", desc.FullName(), len(e.toProto), values.Len()-1)
	}
}

func TestEveryEnumRoundTrips(t *testing.T) {
	t.Parallel()
	t.Run("kind", func(t *testing.T) {
		roundTrip(t, kinds, checkinv1.CheckinKind(0).Descriptor(), func(n protoreflect.EnumNumber) checkinv1.CheckinKind { return checkinv1.CheckinKind(n) })
	})
	t.Run("category", func(t *testing.T) {
		roundTrip(t, categories, checkinv1.ParticipantCategory(0).Descriptor(), func(n protoreflect.EnumNumber) checkinv1.ParticipantCategory {
			return checkinv1.ParticipantCategory(n)
		})
	})
	t.Run("outcome", func(t *testing.T) {
		roundTrip(t, outcomes, checkinv1.Outcome(0).Descriptor(), func(n protoreflect.EnumNumber) checkinv1.Outcome { return checkinv1.Outcome(n) })
	})
	t.Run("refusal", func(t *testing.T) {
		roundTrip(t, refusals, checkinv1.RefusalReason(0).Descriptor(), func(n protoreflect.EnumNumber) checkinv1.RefusalReason { return checkinv1.RefusalReason(n) })
	})
	t.Run("level", func(t *testing.T) {
		roundTrip(t, levels, checkinv1.OccupancyLevel(0).Descriptor(), func(n protoreflect.EnumNumber) checkinv1.OccupancyLevel { return checkinv1.OccupancyLevel(n) })
	})
	t.Run("anomaly", func(t *testing.T) {
		roundTrip(t, anomalies, checkinv1.Anomaly(0).Descriptor(), func(n protoreflect.EnumNumber) checkinv1.Anomaly { return checkinv1.Anomaly(n) })
	})
}

func TestZeroValuesAreUnspecified(t *testing.T) {
	t.Parallel()
	if Refusal(domain.RefusalNone) != checkinv1.RefusalReason_REFUSAL_REASON_UNSPECIFIED || Level(domain.LevelUnknown) != checkinv1.OccupancyLevel_OCCUPANCY_LEVEL_UNSPECIFIED ||
		CategoryFromProto(checkinv1.ParticipantCategory(99)) != domain.CategoryUnspecified {
		t.Fatal("a value outside the tables must convert to the zero value")
	}
	all := domain.AnomalyOutsideSession | domain.AnomalyBurst | domain.AnomalyClockSkew | domain.AnomalyOverCapacity
	if got := Anomalies(all); len(got) != 4 || got[0] != checkinv1.Anomaly_ANOMALY_OUTSIDE_SESSION || got[3] != checkinv1.Anomaly_ANOMALY_OVER_CAPACITY {
		t.Fatalf("Anomalies(all) = %v", got)
	}
	if got := Anomalies(0); len(got) != 0 {
		t.Fatalf("Anomalies(0) = %v", got)
	}
}
