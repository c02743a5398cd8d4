package convert

import (
	"testing"

	reportingv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/reporting/v1"
	"github.com/sciweek/sciweek/pkg/testkit"
)

func TestEveryEnumRoundTrips(t *testing.T) {
	t.Parallel()
	testkit.EnumRoundTrip(t, levelToProto, reportingv1.OccupancyLevel(0).Descriptor())
	if Level(0) != reportingv1.OccupancyLevel_OCCUPANCY_LEVEL_UNSPECIFIED {
		t.Error("a venue with no level must have UNSPECIFIED")
	}
}
