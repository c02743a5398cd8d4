package ports

import (
	"context"

	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
	"github.com/sciweek/sciweek/pkg/rpc"
	"github.com/sciweek/sciweek/services/registration/internal/convert"
	"github.com/sciweek/sciweek/services/registration/internal/domain"
)

// CreateUnit registers a unit.
func (g *GRPC) CreateUnit(ctx context.Context, req *registrationv1.CreateUnitRequest) (*registrationv1.CreateUnitResponse, error) {
	p, err := rpc.Principal(ctx)
	if err != nil {
		return nil, err
	}
	u, err := g.app.CreateUnit(ctx, p, req.GetName(), req.GetCountyCode(), convert.UnitKindFromProto(req.GetKind()))
	if err != nil {
		return nil, err
	}
	return &registrationv1.CreateUnitResponse{Unit: convert.UnitToProto(u)}, nil
}

// GetUnit returns a unit.
func (g *GRPC) GetUnit(ctx context.Context, req *registrationv1.GetUnitRequest) (*registrationv1.GetUnitResponse, error) {
	p, id, err := rpc.PrincipalAndID(ctx, req.GetUnitId(), "unit_id")
	if err != nil {
		return nil, err
	}
	u, err := g.app.GetUnit(ctx, p, id)
	if err != nil {
		return nil, err
	}
	return &registrationv1.GetUnitResponse{Unit: convert.UnitToProto(u)}, nil
}

// ListUnits lists units.
func (g *GRPC) ListUnits(ctx context.Context, req *registrationv1.ListUnitsRequest) (*registrationv1.ListUnitsResponse, error) {
	p, err := rpc.Principal(ctx)
	if err != nil {
		return nil, err
	}
	units, next, err := rpc.ListPage(req.GetPageSize(), req.GetPageToken(), func(offset, limit int) ([]domain.Unit, error) {
		return g.app.ListUnits(ctx, p, req.GetCountyCode(), offset, limit)
	}, convert.UnitToProto)
	if err != nil {
		return nil, err
	}
	return &registrationv1.ListUnitsResponse{Units: units, NextPageToken: next}, nil
}
