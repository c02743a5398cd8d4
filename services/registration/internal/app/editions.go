package app

import (
	"context"

	"github.com/sciweek/sciweek/pkg/auth"
	"github.com/sciweek/sciweek/pkg/errs"
	"github.com/sciweek/sciweek/services/registration/internal/domain"
)

// Edition returns an edition; editions are public.
func (s *Service) Edition(ctx context.Context, id string) (domain.Edition, error) {
	return s.Editions.Edition(ctx, id)
}

// ListEditions returns every edition, newest first.
func (s *Service) ListEditions(ctx context.Context) ([]domain.Edition, error) {
	return s.Editions.Editions(ctx)
}

func cityOnly(p auth.Principal, what string) error {
	if !p.Is(auth.RoleCityAdmin) {
		return errs.E(errs.PermissionDenied, "only the city admin may %s", what)
	}
	return nil
}

// CreateEdition opens a new edition and makes its ticket key.
func (s *Service) CreateEdition(ctx context.Context, p auth.Principal, in domain.EditionInput) (domain.Edition, error) {
	if err := cityOnly(p, "open an edition"); err != nil {
		return domain.Edition{}, err
	}
	e, err := domain.NewEdition(in)
	if err != nil {
		return domain.Edition{}, err
	}
	if err := s.Editions.CreateEdition(ctx, e); err != nil {
		return domain.Edition{}, err
	}
	if _, err := s.Keys.SigningKey(ctx, ticketKeyPurpose(e.ID)); err != nil {
		return domain.Edition{}, err
	}
	return e, nil
}

// UpdateEdition changes an edition; the store refuses changes that strand its activities.
func (s *Service) UpdateEdition(ctx context.Context, p auth.Principal, in domain.EditionInput) (domain.Edition, error) {
	if err := cityOnly(p, "change an edition"); err != nil {
		return domain.Edition{}, err
	}
	e, err := domain.NewEdition(in)
	if err != nil {
		return domain.Edition{}, err
	}
	if err := s.Editions.UpdateEdition(ctx, e); err != nil {
		return domain.Edition{}, err
	}
	return e, nil
}
