// Package convert is the live statistics' home for converting between their domain and the
// contract where the gRPC port and the outbox's events both need it: a venue's occupancy, which
// the dashboard shows and an OccupancyAlarm carries. Enums go through explicit tables, which
// convert_test.go round-trips over every value the contract declares.
package convert

import (
	"google.golang.org/protobuf/types/known/timestamppb"

	checkinv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/checkin/v1"
	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
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

// DashboardToProto converts a dashboard to its contract.
func DashboardToProto(d domain.Dashboard) *reportingv1.Dashboard {
	t := d.Totals
	out := &reportingv1.Dashboard{
		EditionId: d.EditionID, Filter: filterToProto(d.Filter), Today: d.Today, StreamPosition: d.StreamPosition,
		Totals: &reportingv1.DashboardTotals{
			Participations: t.Participations(), Ticketed: t.Ticketed, WalkIns: t.WalkIns, YoungPeople: t.YoungPeople, Adults: t.Adults,
			ScienceWorkers: t.ScienceWorkers, Volunteers: t.Volunteers, DistinctPeople: t.DistinctPeople, Today: t.Today, Yesterday: t.Yesterday,
			RefusedScans: t.Refused, ActivitiesPlanned: t.ActivitiesPlanned, ActivitiesHeld: t.ActivitiesHeld, OnlineActivities: t.OnlineActivities,
			VenuesOpened: t.VenuesOpened,
		},
		Occupancy: OccupancySummaryToProto(d.Occupancy),
	}
	if !d.UpdatedAt.IsZero() {
		out.UpdatedAt = timestamppb.New(d.UpdatedAt)
	}
	for _, c := range d.Counties {
		out.Counties = append(out.Counties, &reportingv1.CountyRanking{CountyCode: c.CountyCode, CountyName: c.CountyName, Participations: c.Participations,
			Today: c.Today, YoungPeople: c.YoungPeople, ActivitiesPlanned: c.ActivitiesPlanned, ActivitiesHeld: c.ActivitiesHeld, VenuesOpened: c.VenuesOpened})
	}
	for _, h := range d.ByHour {
		out.ByHour = append(out.ByHour, &reportingv1.HourCount{Hour: h.Hour, Participations: h.Participations})
	}
	for _, c := range d.ByDay {
		out.ByDay = append(out.ByDay, &reportingv1.DayCount{Day: c.Day, Participations: c.Participations, YoungPeople: c.YoungPeople})
	}
	for _, f := range d.Forms {
		out.Forms = append(out.Forms, &reportingv1.FormCount{Form: registrationv1.ActivityForm(f.Form), ActivitiesPlanned: f.ActivitiesPlanned,
			ActivitiesHeld: f.ActivitiesHeld, Participations: f.Participations})
	}
	for _, g := range d.TargetGroups {
		out.TargetGroups = append(out.TargetGroups, &reportingv1.TargetGroupCount{TargetGroup: registrationv1.TargetGroup(g.TargetGroup),
			ActivitiesPlanned: g.ActivitiesPlanned, Participations: g.Participations})
	}
	activity := func(a domain.ActivityCount) *reportingv1.ActivityCount {
		return &reportingv1.ActivityCount{ActivityId: a.ActivityID.String(), Title: a.Title, CountyCode: a.CountyCode, VenueName: a.VenueName,
			Form: registrationv1.ActivityForm(a.Form), Participations: a.Participations}
	}
	for _, a := range d.TopActivities {
		out.TopActivities = append(out.TopActivities, activity(a))
	}
	for _, a := range d.OnlineActivities {
		out.OnlineActivities = append(out.OnlineActivities, activity(a))
	}
	for _, r := range d.Refusals {
		out.Refusals = append(out.Refusals, &reportingv1.RefusalCount{Reason: checkinv1.RefusalReason(r.Reason), Refused: r.Refused})
	}
	for _, v := range d.VenuesInAlarm {
		out.VenuesInAlarm = append(out.VenuesInAlarm, OccupancyToProto(v))
	}
	return out
}

func filterToProto(f domain.Filter) *reportingv1.DashboardFilter {
	return &reportingv1.DashboardFilter{CountyCode: f.CountyCode, FromDay: f.FromDay, ToDay: f.ToDay,
		Form: registrationv1.ActivityForm(f.Form), TargetGroup: registrationv1.TargetGroup(f.TargetGroup)}
}

// OccupancySummaryToProto converts the city's (or a county's) occupancy summary.
func OccupancySummaryToProto(s domain.OccupancySummary) *reportingv1.OccupancySummary {
	occ := &reportingv1.OccupancySummary{Inside: s.Inside, VenuesOpen: uint32(s.VenuesOpen),
		VenuesWarning: uint32(s.VenuesWarning), VenuesAlarm: uint32(s.VenuesAlarm)}
	for _, v := range s.Fullest {
		occ.Fullest = append(occ.Fullest, OccupancyToProto(v))
	}
	return occ
}
