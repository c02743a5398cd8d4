package convert

import (
	"testing"

	checkinv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/checkin/v1"
	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
	reportingv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/reporting/v1"
	"github.com/sciweek/sciweek/pkg/testkit"
	"github.com/sciweek/sciweek/services/reporting/internal/stats/domain"
)

func TestEveryEnumRoundTrips(t *testing.T) {
	t.Parallel()
	testkit.EnumRoundTrip(t, levelToProto, reportingv1.OccupancyLevel(0).Descriptor())
	testkit.EnumRoundTrip(t, forms.ToProto, registrationv1.ActivityForm(0).Descriptor())
	testkit.EnumRoundTrip(t, themes.ToProto, registrationv1.ActivityTheme(0).Descriptor())
	testkit.EnumRoundTrip(t, groups.ToProto, registrationv1.TargetGroup(0).Descriptor())
	testkit.EnumRoundTrip(t, refusals.ToProto, checkinv1.RefusalReason(0).Descriptor())
	testkit.EnumRoundTrip(t, categories.ToProto, checkinv1.ParticipantCategory(0).Descriptor())
	testkit.EnumRoundTrip(t, kinds.ToProto, checkinv1.CheckinKind(0).Descriptor())
	testkit.EnumRoundTrip(t, anomalies.ToProto, checkinv1.Anomaly(0).Descriptor())
	for _, f := range domain.Forms() {
		if FormFromProto(Form(f)) != f || f.Slug() == "" {
			t.Errorf("form %v does not round-trip or has no slug", f)
		}
	}
	for _, k := range domain.Themes() {
		if ThemeFromProto(Theme(k)) != k {
			t.Errorf("theme %v does not round-trip", k)
		}
	}
	if Level(0) != reportingv1.OccupancyLevel_OCCUPANCY_LEVEL_UNSPECIFIED {
		t.Error("a venue with no level must have UNSPECIFIED")
	}
}
