package convert

import (
	"testing"

	checkinv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/checkin/v1"
	"github.com/sciweek/sciweek/pkg/testkit"
	"github.com/sciweek/sciweek/services/checkin/internal/domain"
)

func TestEveryEnumRoundTrips(t *testing.T) {
	t.Parallel()
	testkit.EnumRoundTrip(t, kinds.ToProto, checkinv1.CheckinKind(0).Descriptor())
	testkit.EnumRoundTrip(t, categories.ToProto, checkinv1.ParticipantCategory(0).Descriptor())
	testkit.EnumRoundTrip(t, outcomes.ToProto, checkinv1.Outcome(0).Descriptor())
	testkit.EnumRoundTrip(t, refusals.ToProto, checkinv1.RefusalReason(0).Descriptor())
	testkit.EnumRoundTrip(t, levels.ToProto, checkinv1.OccupancyLevel(0).Descriptor())
	testkit.EnumRoundTrip(t, anomalies.ToProto, checkinv1.Anomaly(0).Descriptor())
	for d, p := range categories.ToProto {
		if CategoryFromProto(p) != d {
			t.Errorf("category %v ⇄ %v", d, p)
		}
	}
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
