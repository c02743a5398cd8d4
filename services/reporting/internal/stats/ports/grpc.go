package ports

import (
	"context"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/sciweek/sciweek/pkg/auth"
	reportingv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/reporting/v1"
	"github.com/sciweek/sciweek/pkg/rpc"
	"github.com/sciweek/sciweek/services/reporting/internal/stats/app"
	"github.com/sciweek/sciweek/services/reporting/internal/stats/convert"
	"github.com/sciweek/sciweek/services/reporting/internal/stats/domain"
)

// Policy lets the bureau, county admins and viewers read statistics, and organizers their own
// unit's dashboard; the use cases then keep county admins to their county and organizers to
// their unit.
func Policy() auth.Policy {
	readers := []auth.Role{auth.RoleCityAdmin, auth.RoleCountyAdmin, auth.RoleViewer}
	// Organizers read the dashboard of their own unit's activities.
	dashboard := append([]auth.Role{auth.RoleOrganizer}, readers...)
	return auth.Policy{Roles: map[string][]auth.Role{
		reportingv1.StatsService_GetOverview_FullMethodName:         readers,
		reportingv1.StatsService_QueryParticipations_FullMethodName: readers,
		reportingv1.StatsService_WatchOverview_FullMethodName:       readers,
		reportingv1.StatsService_ListOccupancy_FullMethodName:       readers,
		reportingv1.StatsService_GetDashboard_FullMethodName:        dashboard,
		reportingv1.StatsService_WatchDashboard_FullMethodName:      dashboard,
		reportingv1.StatsService_ExportDashboard_FullMethodName:     dashboard,
		reportingv1.StatsService_RebuildAggregates_FullMethodName:   {auth.RoleCityAdmin},
		// Organizers read the anomalies of their own unit's activities' doors.
		reportingv1.StatsService_ListAnomalies_FullMethodName: dashboard,
		// Organizers read a venue's doors as far as their own unit's activities go.
		reportingv1.StatsService_ListDoorFigures_FullMethodName: dashboard,
	},
		// Reads change nothing and hand out no file: the audit trail leaves them out (the
		// dashboard's export stays audited).
		Reads: []string{
			reportingv1.StatsService_GetOverview_FullMethodName, reportingv1.StatsService_QueryParticipations_FullMethodName,
			reportingv1.StatsService_WatchOverview_FullMethodName, reportingv1.StatsService_ListOccupancy_FullMethodName,
			reportingv1.StatsService_GetDashboard_FullMethodName, reportingv1.StatsService_WatchDashboard_FullMethodName,
			reportingv1.StatsService_ListAnomalies_FullMethodName, reportingv1.StatsService_ListDoorFigures_FullMethodName,
		},
	}
}

// GRPC implements StatsService.
type GRPC struct {
	reportingv1.UnimplementedStatsServiceServer
	app *app.Service
}

// NewGRPC returns the gRPC port.
func NewGRPC(a *app.Service) *GRPC { return &GRPC{app: a} }

func overviewToProto(o domain.Overview) *reportingv1.Overview {
	totals := func(code string, t domain.Totals) *reportingv1.CountyTotals {
		return &reportingv1.CountyTotals{CountyCode: code, Participations: t.Participations(), Ticketed: t.Ticketed, WalkIns: t.WalkIns, ParticipationsToday: t.Today}
	}
	out := &reportingv1.Overview{EditionId: o.EditionID, City: totals("", o.City), RefusedScans: o.Refused, StreamPosition: o.StreamPosition}
	if !o.UpdatedAt.IsZero() {
		out.UpdatedAt = timestamppb.New(o.UpdatedAt)
	}
	for _, c := range o.Counties {
		out.Counties = append(out.Counties, totals(c.CountyCode, c.Totals))
	}
	out.Occupancy = convert.OccupancySummaryToProto(o.Occupancy)
	return out
}

// ListOccupancy returns how full each venue is now.
func (g *GRPC) ListOccupancy(ctx context.Context, req *reportingv1.ListOccupancyRequest) (*reportingv1.ListOccupancyResponse, error) {
	p, err := rpc.Principal(ctx)
	if err != nil {
		return nil, err
	}
	venues, err := g.app.Occupancy(ctx, p, req.GetCountyCode())
	if err != nil {
		return nil, err
	}
	out := &reportingv1.ListOccupancyResponse{}
	for _, v := range venues {
		out.Venues = append(out.Venues, convert.OccupancyToProto(v))
	}
	return out, nil
}

// GetOverview returns the live figures.
func (g *GRPC) GetOverview(ctx context.Context, req *reportingv1.GetOverviewRequest) (*reportingv1.GetOverviewResponse, error) {
	p, err := rpc.Principal(ctx)
	if err != nil {
		return nil, err
	}
	o, err := g.app.Overview(ctx, p, req.GetEditionId())
	if err != nil {
		return nil, err
	}
	return &reportingv1.GetOverviewResponse{Overview: overviewToProto(o)}, nil
}

var dimensions = map[reportingv1.Dimension]domain.Dimension{
	reportingv1.Dimension_DIMENSION_COUNTY:   domain.ByCounty,
	reportingv1.Dimension_DIMENSION_VENUE:    domain.ByVenue,
	reportingv1.Dimension_DIMENSION_ACTIVITY: domain.ByActivity,
	reportingv1.Dimension_DIMENSION_DAY:      domain.ByDay,
}

// QueryParticipations returns grouped counts.
func (g *GRPC) QueryParticipations(ctx context.Context, req *reportingv1.QueryParticipationsRequest) (*reportingv1.QueryParticipationsResponse, error) {
	p, err := rpc.Principal(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := g.app.Query(ctx, p, domain.Query{
		EditionID: req.GetEditionId(), GroupBy: dimensions[req.GetGroupBy()], CountyCode: req.GetCountyCode(), FromDay: req.GetFromDay(), ToDay: req.GetToDay(),
	})
	if err != nil {
		return nil, err
	}
	out := &reportingv1.QueryParticipationsResponse{}
	for _, r := range rows {
		out.Rows = append(out.Rows, &reportingv1.ParticipationRow{Key: r.Key, Participations: r.Participations(), Ticketed: r.Ticketed, WalkIns: r.WalkIns})
	}
	return out, nil
}

// WatchOverview streams the figures after each change.
func (g *GRPC) WatchOverview(req *reportingv1.WatchOverviewRequest, stream reportingv1.StatsService_WatchOverviewServer) error {
	p, err := rpc.Principal(stream.Context())
	if err != nil {
		return err
	}
	return g.app.Watch(stream.Context(), p, req.GetEditionId(), func(o domain.Overview) error {
		return stream.Send(&reportingv1.WatchOverviewResponse{Overview: overviewToProto(o)})
	})
}
