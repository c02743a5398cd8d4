package app

import (
	"context"

	"github.com/google/uuid"

	"github.com/sciweek/sciweek/pkg/auth"
	"github.com/sciweek/sciweek/pkg/errs"
	"github.com/sciweek/sciweek/services/registration/internal/domain"
)

// WhoAmI returns the caller's account.
func (s *Service) WhoAmI(ctx context.Context, p auth.Principal) (domain.Account, error) {
	return s.Accounts.Account(ctx, p.Subject)
}

// CreateAccount creates an account: the city admin creates county admins and viewers, a county
// admin the organizers of units in the county.
func (s *Service) CreateAccount(ctx context.Context, p auth.Principal, username, password string, role auth.Role, county string, unitID uuid.UUID, displayName string) (domain.Account, error) {
	switch role {
	case auth.RoleCountyAdmin, auth.RoleViewer:
		if err := cityOnly(p, "create "+string(role)+" accounts", "创建"+role.Label()+"账号"); err != nil {
			return domain.Account{}, err
		}
		if role == auth.RoleViewer {
			county = ""
		}
	case auth.RoleOrganizer:
		u, err := s.Units.Unit(ctx, unitID)
		if errs.KindOf(err) == errs.NotFound || (err == nil && !p.CanSeeCounty(u.CountyCode)) {
			return domain.Account{}, ErrOrganizerNeedsUnit.New()
		}
		if err != nil {
			return domain.Account{}, err
		}
		if !p.CanAdministerCounty(u.CountyCode) {
			return domain.Account{}, ErrAccountsOtherCounty.New("county", u.CountyCode)
		}
		county = u.CountyCode
	default:
		return domain.Account{}, ErrAccountRoleNotAllowed.New("role", role)
	}
	acc, err := domain.NewAccount(username, password, role, county, displayName)
	if err != nil {
		return domain.Account{}, err
	}
	if role == auth.RoleOrganizer {
		acc.UnitID = unitID
	}
	return acc, s.Accounts.CreateAccount(ctx, acc)
}

// ListAccounts lists the accounts the caller administers.
func (s *Service) ListAccounts(ctx context.Context, p auth.Principal, county string) ([]domain.Account, error) {
	switch {
	case p.Is(auth.RoleCityAdmin):
	case p.Is(auth.RoleCountyAdmin) && (county == "" || county == p.CountyCode):
		county = p.CountyCode
	default:
		return nil, ErrAccountsOwnCounty.New()
	}
	return s.Accounts.Accounts(ctx, county)
}

// SetAccount creates an account or replaces its password and role. It is for operators (the
// dev command's bootstrap, an admin CLI), not for RPC callers.
func (s *Service) SetAccount(ctx context.Context, username, password string, role auth.Role, county string, unitID uuid.UUID, displayName string) error {
	acc, err := domain.NewAccount(username, password, role, county, displayName)
	if err != nil {
		return err
	}
	acc.UnitID = unitID
	return s.Accounts.SaveAccount(ctx, acc)
}
