package ports

import (
	"context"

	"google.golang.org/protobuf/types/known/timestamppb"

	checkinv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/checkin/v1"
	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
	reportingv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/reporting/v1"
	"github.com/sciweek/sciweek/pkg/rpc"
	"github.com/sciweek/sciweek/services/reporting/internal/stats/convert"
	"github.com/sciweek/sciweek/services/reporting/internal/stats/domain"
)

func filterFromProto(f *reportingv1.DashboardFilter) domain.Filter {
	return domain.Filter{CountyCode: f.GetCountyCode(), FromDay: f.GetFromDay(), ToDay: f.GetToDay(),
		Form: int16(f.GetForm()), TargetGroup: int16(f.GetTargetGroup())}
}

func filterToProto(f domain.Filter) *reportingv1.DashboardFilter {
	return &reportingv1.DashboardFilter{CountyCode: f.CountyCode, FromDay: f.FromDay, ToDay: f.ToDay,
		Form: registrationv1.ActivityForm(f.Form), TargetGroup: registrationv1.TargetGroup(f.TargetGroup)}
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
		Occupancy: occupancySummaryToProto(d.Occupancy),
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
		out.VenuesInAlarm = append(out.VenuesInAlarm, convert.OccupancyToProto(v))
	}
	return out
}

// GetDashboard returns the dashboard.
func (g *GRPC) GetDashboard(ctx context.Context, req *reportingv1.GetDashboardRequest) (*reportingv1.GetDashboardResponse, error) {
	p, err := rpc.Principal(ctx)
	if err != nil {
		return nil, err
	}
	d, err := g.app.Dashboard(ctx, p, req.GetEditionId(), filterFromProto(req.GetFilter()))
	if err != nil {
		return nil, err
	}
	return &reportingv1.GetDashboardResponse{Dashboard: DashboardToProto(d)}, nil
}

// WatchDashboard streams the dashboard after changes.
func (g *GRPC) WatchDashboard(req *reportingv1.WatchDashboardRequest, stream reportingv1.StatsService_WatchDashboardServer) error {
	p, err := rpc.Principal(stream.Context())
	if err != nil {
		return err
	}
	return g.app.WatchDashboard(stream.Context(), p, req.GetEditionId(), filterFromProto(req.GetFilter()), func(d domain.Dashboard) error {
		return stream.Send(&reportingv1.WatchDashboardResponse{Dashboard: DashboardToProto(d)})
	})
}

// RebuildAggregates rebuilds the figures from the stored check-in events.
func (g *GRPC) RebuildAggregates(ctx context.Context, _ *reportingv1.RebuildAggregatesRequest) (*reportingv1.RebuildAggregatesResponse, error) {
	p, err := rpc.Principal(ctx)
	if err != nil {
		return nil, err
	}
	events, participations, took, err := g.app.Rebuild(ctx, p)
	if err != nil {
		return nil, err
	}
	return &reportingv1.RebuildAggregatesResponse{Events: int64(events), Participations: participations, TookMs: took.Milliseconds()}, nil
}
