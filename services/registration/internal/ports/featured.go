package ports

import (
	"context"

	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
	"github.com/sciweek/sciweek/pkg/rpc"
	"github.com/sciweek/sciweek/services/registration/internal/convert"
)

// NominateActivity nominates an activity for the featured list.
func (g *GRPC) NominateActivity(ctx context.Context, req *registrationv1.NominateActivityRequest) (*registrationv1.NominateActivityResponse, error) {
	p, id, err := rpc.PrincipalAndID(ctx, req.GetActivityId(), "activity_id")
	if err != nil {
		return nil, err
	}
	n, err := g.app.NominateActivity(ctx, p, id, req.GetRecommendation())
	if err != nil {
		return nil, err
	}
	return &registrationv1.NominateActivityResponse{Nomination: convert.NominationToProto(n)}, nil
}

// DecideNomination accepts or declines a nomination.
func (g *GRPC) DecideNomination(ctx context.Context, req *registrationv1.DecideNominationRequest) (*registrationv1.DecideNominationResponse, error) {
	p, id, err := rpc.PrincipalAndID(ctx, req.GetActivityId(), "activity_id")
	if err != nil {
		return nil, err
	}
	n, err := g.app.DecideNomination(ctx, p, id, req.GetAccept(), req.GetNote())
	if err != nil {
		return nil, err
	}
	return &registrationv1.DecideNominationResponse{Nomination: convert.NominationToProto(n)}, nil
}

// ListNominations lists nominations.
func (g *GRPC) ListNominations(ctx context.Context, req *registrationv1.ListNominationsRequest) (*registrationv1.ListNominationsResponse, error) {
	p, err := rpc.Principal(ctx)
	if err != nil {
		return nil, err
	}
	list, err := g.app.ListNominations(ctx, p, req.GetEditionId(), req.GetCountyCode(), convert.NominationStatusFromProto(req.GetStatus()))
	if err != nil {
		return nil, err
	}
	out := &registrationv1.ListNominationsResponse{}
	for _, n := range list {
		out.Nominations = append(out.Nominations, convert.NominationToProto(n))
	}
	return out, nil
}

// ExportFeatured returns the featured list as XLSX.
func (g *GRPC) ExportFeatured(ctx context.Context, req *registrationv1.ExportFeaturedRequest) (*registrationv1.ExportFeaturedResponse, error) {
	p, err := rpc.Principal(ctx)
	if err != nil {
		return nil, err
	}
	b, name, err := g.app.ExportFeatured(ctx, p, req.GetEditionId())
	if err != nil {
		return nil, err
	}
	return &registrationv1.ExportFeaturedResponse{File: &registrationv1.File{Name: name, ContentType: xlsx, Content: b}}, nil
}
