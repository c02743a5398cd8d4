package ports

import (
	"context"

	"google.golang.org/protobuf/types/known/timestamppb"

	reportingv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/reporting/v1"
	"github.com/sciweek/sciweek/pkg/rpc"
	"github.com/sciweek/sciweek/services/reporting/internal/stats/convert"
	"github.com/sciweek/sciweek/services/reporting/internal/stats/domain"
)

// ListAnomalies counts the flagged scans the caller may see, per venue and door.
func (g *GRPC) ListAnomalies(ctx context.Context, req *reportingv1.ListAnomaliesRequest) (*reportingv1.ListAnomaliesResponse, error) {
	p, err := rpc.Principal(ctx)
	if err != nil {
		return nil, err
	}
	q := domain.AnomalyQuery{EditionID: req.GetEditionId(), CountyCode: req.GetCountyCode(), Day: req.GetDay()}
	if q.VenueID, err = rpc.ParseOptionalUUID(req.GetVenueId(), "venue_id"); err != nil {
		return nil, err
	}
	a, err := g.app.Anomalies(ctx, p, q)
	if err != nil {
		return nil, err
	}
	out := &reportingv1.ListAnomaliesResponse{Kinds: kindsToProto(a.Kinds), Total: a.Total}
	for _, v := range a.Venues {
		pv := &reportingv1.VenueAnomalies{VenueId: v.VenueID.String(), VenueName: v.VenueName, CountyCode: v.CountyCode, CountyName: v.CountyName,
			Kinds: kindsToProto(v.Kinds), Total: v.Total}
		for _, d := range v.Doors {
			pv.Doors = append(pv.Doors, &reportingv1.DoorAnomalies{TerminalId: d.TerminalID.String(), TerminalName: d.TerminalName,
				Kinds: kindsToProto(d.Kinds), Total: d.Total, LastAt: timestamppb.New(d.LastAt)})
		}
		out.Venues = append(out.Venues, pv)
	}
	return out, nil
}

func kindsToProto(ks []domain.KindCount) []*reportingv1.AnomalyKindCount {
	out := make([]*reportingv1.AnomalyKindCount, len(ks))
	for i, k := range ks {
		out[i] = &reportingv1.AnomalyKindCount{Kind: convert.Anomaly(k.Kind), Records: k.Records}
	}
	return out
}

// ListDoorFigures gives a venue's figures door by door, as far as the caller may see them.
func (g *GRPC) ListDoorFigures(ctx context.Context, req *reportingv1.ListDoorFiguresRequest) (*reportingv1.ListDoorFiguresResponse, error) {
	p, err := rpc.Principal(ctx)
	if err != nil {
		return nil, err
	}
	venue, err := rpc.ParseUUID(req.GetVenueId(), "venue_id")
	if err != nil {
		return nil, err
	}
	v, err := g.app.Doors(ctx, p, req.GetEditionId(), venue)
	if err != nil {
		return nil, err
	}
	out := &reportingv1.ListDoorFiguresResponse{VenueId: v.VenueID.String(), Today: v.Today, Participations: v.Participations,
		TodayParticipations: v.TodayParticipations, Refused: v.Refused}
	for _, d := range v.Doors {
		out.Doors = append(out.Doors, &reportingv1.DoorFigures{TerminalId: d.TerminalID.String(), TerminalName: d.TerminalName,
			Participations: d.Participations, Today: d.Today, Refused: d.Refused})
	}
	return out, nil
}
