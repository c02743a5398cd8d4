package app

import (
	"context"

	"github.com/google/uuid"

	"github.com/sciweek/sciweek/pkg/auth"
	"github.com/sciweek/sciweek/services/registration/internal/domain"
)

// CreateUnit registers a unit in a county the caller administers.
func (s *Service) CreateUnit(ctx context.Context, p auth.Principal, name, county string, kind domain.UnitKind) (domain.Unit, error) {
	if !p.CanAdministerCounty(county) {
		return domain.Unit{}, ErrUnitOwnCountyOnly.New("county", p.CountyCode)
	}
	u, err := domain.NewUnit(name, county, kind, s.Now())
	if err != nil {
		return domain.Unit{}, err
	}
	return u, s.Units.CreateUnit(ctx, u)
}

// GetUnit returns a unit the caller may see: organizers see their own unit.
func (s *Service) GetUnit(ctx context.Context, p auth.Principal, id uuid.UUID) (domain.Unit, error) {
	u, err := s.Units.Unit(ctx, id)
	if err != nil {
		return domain.Unit{}, err
	}
	if p.Is(auth.RoleOrganizer) && p.UnitID != u.ID.String() || !p.CanSeeCounty(u.CountyCode) {
		return domain.Unit{}, notFound(domain.ErrUnitNotFound, id)
	}
	return u, nil
}

// ListUnits lists the units the caller may see.
func (s *Service) ListUnits(ctx context.Context, p auth.Principal, county string, offset, limit int) ([]domain.Unit, error) {
	switch {
	case p.Is(auth.RoleOrganizer):
		id, err := uuid.Parse(p.UnitID)
		if err != nil {
			return nil, nil
		}
		u, err := s.GetUnit(ctx, p, id)
		if err != nil || offset > 0 {
			return nil, err
		}
		return []domain.Unit{u}, nil
	case p.SeesAllCounties():
	case county == "":
		county = p.CountyCode
	case county != p.CountyCode:
		return nil, ErrUnitListOwnCountyOnly.New("county", p.CountyCode)
	}
	return s.Units.Units(ctx, county, offset, limit)
}
