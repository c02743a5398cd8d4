package app

import (
	"context"
	"time"

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
	if err := domain.CheckPasswordRules(username, password); err != nil {
		return domain.Account{}, err
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

// The reasons an account's sessions end, as AccountSessionsEnded names them.
const (
	endedByLogout         = "logout"
	endedByPasswordChange = "password_changed"
	endedByPasswordReset  = "password_reset"
	endedByDisabling      = "disabled"
)

// updateAccount changes an account and, when its sessions ended, refuses their tokens here at
// once; other services hear of it from the event that committed with the change.
func (s *Service) updateAccount(ctx context.Context, username string, change func(*domain.Account) error, actor, why string) (domain.Account, error) {
	acc, err := s.Accounts.UpdateAccount(ctx, username, change, domain.SessionsEnded{Actor: actor, Reason: why, At: s.Now()})
	if err != nil {
		return domain.Account{}, err
	}
	s.Sessions.End(acc.Username, acc.TokenVersion)
	return acc, nil
}

// Logout ends every session of the caller's account, in every service. A token of a session
// that ended already changes nothing.
func (s *Service) Logout(ctx context.Context, p auth.Principal) error {
	_, err := s.updateAccount(ctx, p.Subject, func(a *domain.Account) error {
		if a.TokenVersion == p.TokenVersion {
			a.EndSessions()
		}
		return nil
	}, p.Subject, endedByLogout)
	return err
}

// ChangePassword replaces the caller's password (the old one is required), ends every session
// of the account and returns a token for the caller's new session.
//
// A wrong old password counts against the account as a wrong sign-in does (the same counter,
// delays and lock), so a session left open on someone's desk cannot be used to guess the
// password faster than the sign-in page allows.
func (s *Service) ChangePassword(ctx context.Context, p auth.Principal, old, password string) (string, time.Time, error) {
	accKey := loginAccountKey(p.Subject)
	v, err := s.Throttle.Check(ctx, accKey)
	if err != nil {
		return "", time.Time{}, err
	}
	if err := loginWait(v); err != nil {
		return "", time.Time{}, err
	}
	acc, err := s.updateAccount(ctx, p.Subject, func(a *domain.Account) error {
		if a.TokenVersion != p.TokenVersion {
			return auth.ErrSessionEnded.New()
		}
		return a.ChangePassword(old, password)
	}, p.Subject, endedByPasswordChange)
	if errs.ReasonOf(err) == domain.ErrOldPasswordWrong.Code {
		v, herr := s.Throttle.Hit(ctx, s.Limits.LoginAccount, accKey)
		if herr != nil {
			return "", time.Time{}, herr
		}
		if v.Locked {
			return "", time.Time{}, refusal(ErrLoginLocked, v)
		}
		return "", time.Time{}, err
	}
	if err != nil {
		return "", time.Time{}, err
	}
	if _, err := s.Throttle.Reset(ctx, accKey); err != nil {
		return "", time.Time{}, err
	}
	return s.Tokens.Issue(acc.Principal())
}

// RenewSession returns a fresh token for a session that has not ended, read from the account
// itself: a disabled account or a raised version ends the renewals too.
func (s *Service) RenewSession(ctx context.Context, p auth.Principal) (string, time.Time, error) {
	acc, err := s.Accounts.Account(ctx, p.Subject)
	if errs.KindOf(err) == errs.NotFound {
		return "", time.Time{}, auth.ErrSessionEnded.New()
	}
	if err != nil {
		return "", time.Time{}, err
	}
	if acc.Disabled || acc.TokenVersion != p.TokenVersion {
		return "", time.Time{}, auth.ErrSessionEnded.New()
	}
	return s.Tokens.Issue(acc.Principal())
}

// ResetPassword gives an account a one-time password (returned once) that must be changed at
// the next sign-in, and ends its sessions. The city admin resets anyone else's; a county admin
// the organizer accounts of the county.
func (s *Service) ResetPassword(ctx context.Context, p auth.Principal, username string) (domain.Account, string, error) {
	var otp string
	acc, err := s.updateAccount(ctx, username, func(a *domain.Account) error {
		if err := domain.CanAdministerAccount(p, *a); err != nil {
			return err
		}
		var err error
		otp, err = a.ResetPassword()
		return err
	}, p.Subject, endedByPasswordReset)
	return acc, otp, err
}

// SetAccountDisabled disables an account, ending its sessions, or enables it again; the same
// administrators as ResetPassword.
func (s *Service) SetAccountDisabled(ctx context.Context, p auth.Principal, username string, disabled bool) (domain.Account, error) {
	return s.updateAccount(ctx, username, func(a *domain.Account) error {
		if err := domain.CanAdministerAccount(p, *a); err != nil {
			return err
		}
		a.SetDisabled(disabled)
		return nil
	}, p.Subject, endedByDisabling)
}
