// Package convert is the live statistics' home for converting between their domain and the
// contract where the gRPC port and the outbox's events both need it: a venue's occupancy, which
// the dashboard shows and an OccupancyAlarm carries. Enums go through explicit tables, which
// convert_test.go round-trips over every value the contract declares.
package convert

import (
	"google.golang.org/protobuf/types/known/timestamppb"

	reportingv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/reporting/v1"
	"github.com/sciweek/sciweek/services/reporting/internal/stats/domain"
)

var levelToProto = map[domain.Level]reportingv1.OccupancyLevel{
	domain.LevelNormal:  reportingv1.OccupancyLevel_OCCUPANCY_LEVEL_NORMAL,
	domain.LevelWarning: reportingv1.OccupancyLevel_OCCUPANCY_LEVEL_WARNING,
	domain.LevelAlarm:   reportingv1.OccupancyLevel_OCCUPANCY_LEVEL_ALARM,
}

// Level names an occupancy level in the contract; a venue with no safe capacity has none
// (UNSPECIFIED).
func Level(l domain.Level) reportingv1.OccupancyLevel { return levelToProto[l] }

// OccupancyToProto converts a venue's occupancy.
func OccupancyToProto(o domain.Occupancy) *reportingv1.VenueOccupancy {
	out := &reportingv1.VenueOccupancy{VenueId: o.VenueID.String(), VenueName: o.Name, CountyCode: o.CountyCode,
		Inside: o.Inside(), EnteredToday: o.Entered, SafeCapacity: uint32(o.SafeCapacity),
		WarnPercent: uint32(o.WarnPercent), AlarmPercent: uint32(o.AlarmPercent), Level: Level(o.Level)}
	if !o.UpdatedAt.IsZero() {
		out.UpdatedAt = timestamppb.New(o.UpdatedAt)
	}
	for _, d := range o.OverCapacity {
		out.OverCapacityDoors = append(out.OverCapacityDoors, &reportingv1.OverCapacityDoor{TerminalId: d.TerminalID.String(), Admitted: d.Admitted})
	}
	return out
}
