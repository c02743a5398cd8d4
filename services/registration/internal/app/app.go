// Package app holds registration's use cases: registering activities, their county review, the
// editions, and signing people in.
package app

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/sciweek/sciweek/pkg/auth"
	"github.com/sciweek/sciweek/pkg/errs"
	"github.com/sciweek/sciweek/services/registration/internal/domain"
)

// Activities stores activities; changes and their events commit together.
type Activities interface {
	// Create stores a new activity with its event.
	Create(ctx context.Context, a domain.Activity, ev domain.ActivityEvent) error
	// Get returns an activity with its history, or errs.NotFound.
	Get(ctx context.Context, id uuid.UUID) (domain.Activity, error)
	// Update loads an activity under a lock, lets change modify it and name the event, and
	// stores both in one transaction.
	Update(ctx context.Context, id uuid.UUID, change func(*domain.Activity) (domain.ActivityEvent, error)) (domain.Activity, error)
	// List returns activities of an edition matching the filter, newest first, without history.
	List(ctx context.Context, f ActivityFilter, offset, limit int) ([]domain.Activity, error)
}

// ActivityFilter narrows a listing.
type ActivityFilter struct {
	EditionID  string
	CountyCode string        // empty: any
	Status     domain.Status // empty: any
}

// Editions reads editions.
type Editions interface {
	// Edition returns an edition with its counties, or errs.NotFound.
	Edition(ctx context.Context, id string) (domain.Edition, error)
}

// Accounts stores the accounts people sign in with.
type Accounts interface {
	// Account returns an account, or errs.NotFound.
	Account(ctx context.Context, username string) (domain.Account, error)
	// Save creates or replaces an account.
	Save(ctx context.Context, a domain.Account) error
}

// Venues answers questions about venues, which the venue service owns.
type Venues interface {
	// VenueCounty returns the county of a venue, or errs.NotFound.
	VenueCounty(ctx context.Context, id uuid.UUID) (string, error)
}

// TokenIssuer signs access tokens.
type TokenIssuer interface {
	Issue(p auth.Principal) (string, time.Time, error)
}

// Service runs the registration use cases.
type Service struct {
	activities Activities
	editions   Editions
	accounts   Accounts
	venues     Venues
	tokens     TokenIssuer
	now        func() time.Time
}

// Deps are the service's collaborators.
type Deps struct {
	Activities Activities
	Editions   Editions
	Accounts   Accounts
	Venues     Venues
	Tokens     TokenIssuer
	Now        func() time.Time
}

// New returns the use cases.
func New(d Deps) (*Service, error) {
	if d.Activities == nil || d.Editions == nil || d.Accounts == nil || d.Venues == nil || d.Tokens == nil || d.Now == nil {
		return nil, errs.E(errs.Internal, "registration app: every dependency is required")
	}
	return &Service{activities: d.Activities, editions: d.Editions, accounts: d.Accounts, venues: d.Venues, tokens: d.Tokens, now: d.Now}, nil
}

// CreateActivity registers a draft activity in a county the caller works in, at a venue of that
// county.
func (s *Service) CreateActivity(ctx context.Context, p auth.Principal, editionID string, in domain.NewActivity) (domain.Activity, error) {
	if p.Is(auth.RoleViewer) || (!p.SeesAllCounties() && p.CountyCode != in.CountyCode) {
		return domain.Activity{}, errs.E(errs.PermissionDenied, "you may register activities only in your own county (%s)", p.CountyCode)
	}
	ed, err := s.editions.Edition(ctx, editionID)
	if err != nil {
		return domain.Activity{}, err
	}
	a, err := domain.CreateActivity(ed, in, p.Subject, s.now())
	if err != nil {
		return domain.Activity{}, err
	}
	county, err := s.venues.VenueCounty(ctx, in.VenueID)
	if errs.KindOf(err) == errs.NotFound {
		return domain.Activity{}, errs.E(errs.Invalid, "venue %s is not in the venue registry; register it first", in.VenueID)
	}
	if err != nil {
		return domain.Activity{}, err
	}
	if county != in.CountyCode {
		return domain.Activity{}, errs.E(errs.Invalid, "venue %s is in county %s, not in the activity's county %s", in.VenueID, county, in.CountyCode)
	}
	if err := s.activities.Create(ctx, a, domain.ActivityEvent{Status: domain.StatusDraft, Activity: a, Actor: p.Subject}); err != nil {
		return domain.Activity{}, err
	}
	return a, nil
}

// visible reports whether the caller may see the activity at all.
func visible(p auth.Principal, a domain.Activity) bool { return p.CanSeeCounty(a.CountyCode) }

// GetActivity returns an activity the caller may see.
func (s *Service) GetActivity(ctx context.Context, p auth.Principal, id uuid.UUID) (domain.Activity, error) {
	a, err := s.activities.Get(ctx, id)
	if err != nil {
		return domain.Activity{}, err
	}
	if !visible(p, a) {
		return domain.Activity{}, errs.E(errs.NotFound, "activity %s not found", id)
	}
	return a, nil
}

// ListActivities lists an edition's activities the caller may see.
func (s *Service) ListActivities(ctx context.Context, p auth.Principal, f ActivityFilter, offset, limit int) ([]domain.Activity, error) {
	if _, err := s.editions.Edition(ctx, f.EditionID); err != nil {
		return nil, err
	}
	switch {
	case p.SeesAllCounties():
	case f.CountyCode == "":
		f.CountyCode = p.CountyCode
	case f.CountyCode != p.CountyCode:
		return nil, errs.E(errs.PermissionDenied, "you may list activities of your own county (%s) only", p.CountyCode)
	}
	return s.activities.List(ctx, f, offset, limit)
}

// SubmitActivity sends an activity to its county's review.
func (s *Service) SubmitActivity(ctx context.Context, p auth.Principal, id uuid.UUID) (domain.Activity, error) {
	return s.activities.Update(ctx, id, func(a *domain.Activity) (domain.ActivityEvent, error) {
		if !visible(p, *a) {
			return domain.ActivityEvent{}, errs.E(errs.NotFound, "activity %s not found", id)
		}
		if p.Is(auth.RoleViewer) {
			return domain.ActivityEvent{}, errs.E(errs.PermissionDenied, "viewers cannot submit activities")
		}
		if err := a.Submit(p.Subject, s.now()); err != nil {
			return domain.ActivityEvent{}, err
		}
		return domain.ActivityEvent{Status: a.Status, Activity: *a, Actor: p.Subject}, nil
	})
}

// review is the check shared by approving and returning: the reviewer is an admin of the
// activity's county (or the bureau).
func review(p auth.Principal, a domain.Activity, id uuid.UUID) error {
	if !visible(p, a) {
		return errs.E(errs.NotFound, "activity %s not found", id)
	}
	if !p.CanAdministerCounty(a.CountyCode) {
		return errs.E(errs.PermissionDenied, "only an admin of county %s may review this activity", a.CountyCode)
	}
	return nil
}

// ApproveActivity approves a submitted activity.
func (s *Service) ApproveActivity(ctx context.Context, p auth.Principal, id uuid.UUID) (domain.Activity, error) {
	return s.activities.Update(ctx, id, func(a *domain.Activity) (domain.ActivityEvent, error) {
		if err := review(p, *a, id); err != nil {
			return domain.ActivityEvent{}, err
		}
		if err := a.Approve(p.Subject, s.now()); err != nil {
			return domain.ActivityEvent{}, err
		}
		return domain.ActivityEvent{Status: a.Status, Activity: *a, Actor: p.Subject}, nil
	})
}

// ReturnActivity returns a submitted activity to its organizer.
func (s *Service) ReturnActivity(ctx context.Context, p auth.Principal, id uuid.UUID, reason string) (domain.Activity, error) {
	return s.activities.Update(ctx, id, func(a *domain.Activity) (domain.ActivityEvent, error) {
		if err := review(p, *a, id); err != nil {
			return domain.ActivityEvent{}, err
		}
		if err := a.Return(p.Subject, reason, s.now()); err != nil {
			return domain.ActivityEvent{}, err
		}
		return domain.ActivityEvent{Status: a.Status, Activity: *a, Actor: p.Subject, Reason: reason}, nil
	})
}

// Edition returns an edition.
func (s *Service) Edition(ctx context.Context, id string) (domain.Edition, error) {
	return s.editions.Edition(ctx, id)
}

// Login checks a person's password and returns a signed access token. Unknown users and wrong
// passwords get the same answer, so user names cannot be probed.
func (s *Service) Login(ctx context.Context, username, password string) (string, time.Time, domain.Account, error) {
	acc, err := s.accounts.Account(ctx, username)
	if errs.KindOf(err) == errs.NotFound {
		return "", time.Time{}, domain.Account{}, errs.E(errs.Unauthenticated, "wrong user name or password")
	}
	if err != nil {
		return "", time.Time{}, domain.Account{}, err
	}
	if err := acc.CheckPassword(password); err != nil {
		return "", time.Time{}, domain.Account{}, err
	}
	tok, exp, err := s.tokens.Issue(acc.Principal())
	if err != nil {
		return "", time.Time{}, domain.Account{}, err
	}
	return tok, exp, acc, nil
}

// SetAccount creates an account or replaces its password and role. It is for operators (the
// dev command's bootstrap, an admin CLI), not for RPC callers.
func (s *Service) SetAccount(ctx context.Context, username, password string, role auth.Role, county, displayName string) error {
	acc, err := domain.NewAccount(username, password, role, county, displayName)
	if err != nil {
		return err
	}
	return s.accounts.Save(ctx, acc)
}
