package ports

import (
	"context"

	reportingv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/reporting/v1"
	"github.com/sciweek/sciweek/pkg/rpc"
)

// ExportDashboard writes the dashboard of a filter as a workbook.
func (g *GRPC) ExportDashboard(ctx context.Context, req *reportingv1.ExportDashboardRequest) (*reportingv1.ExportDashboardResponse, error) {
	p, err := rpc.Principal(ctx)
	if err != nil {
		return nil, err
	}
	f, err := g.app.ExportDashboard(ctx, p, req.GetEditionId(), filterFromProto(req.GetFilter()))
	if err != nil {
		return nil, err
	}
	return &reportingv1.ExportDashboardResponse{Name: f.Name, ContentType: f.ContentType, Content: f.Content}, nil
}
