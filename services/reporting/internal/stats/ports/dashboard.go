package ports

import (
	"strings"

	"context"

	reportingv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/reporting/v1"
	"github.com/sciweek/sciweek/pkg/rpc"
	"github.com/sciweek/sciweek/services/reporting/internal/stats/convert"
	"github.com/sciweek/sciweek/services/reporting/internal/stats/domain"
)

func filterFromProto(f *reportingv1.DashboardFilter) domain.Filter {
	return domain.Filter{CountyCode: f.GetCountyCode(), FromDay: f.GetFromDay(), ToDay: f.GetToDay(),
		Form: convert.FormFromProto(f.GetForm()), TargetGroup: convert.TargetGroupFromProto(f.GetTargetGroup()), UnitID: strings.ToLower(f.GetUnitId()),
		WorkersDay: f.GetWorkersDay(), Theme: convert.ThemeFromProto(f.GetTheme())}
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
	return &reportingv1.GetDashboardResponse{Dashboard: convert.DashboardToProto(d)}, nil
}

// WatchDashboard streams the dashboard after changes.
func (g *GRPC) WatchDashboard(req *reportingv1.WatchDashboardRequest, stream reportingv1.StatsService_WatchDashboardServer) error {
	p, err := rpc.Principal(stream.Context())
	if err != nil {
		return err
	}
	return g.app.WatchDashboard(stream.Context(), p, req.GetEditionId(), filterFromProto(req.GetFilter()), func(d domain.Dashboard) error {
		return stream.Send(&reportingv1.WatchDashboardResponse{Dashboard: convert.DashboardToProto(d)})
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
