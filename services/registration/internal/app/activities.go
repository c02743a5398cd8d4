package app

import (
	"context"

	"github.com/google/uuid"

	"github.com/sciweek/sciweek/pkg/auth"
	"github.com/sciweek/sciweek/pkg/errs"
	"github.com/sciweek/sciweek/services/registration/internal/domain"
)

// unitFor returns the unit an activity is registered for: the organizer's own, or the one an
// admin names within their reach.
func (s *Service) unitFor(ctx context.Context, p auth.Principal, unitID uuid.UUID) (domain.Unit, error) {
	if p.Is(auth.RoleOrganizer) {
		own, err := uuid.Parse(p.UnitID)
		if err != nil {
			return domain.Unit{}, ErrNoUnitLinked.New()
		}
		if unitID != uuid.Nil && unitID != own {
			return domain.Unit{}, ErrOwnUnitOnly.New()
		}
		unitID = own
	}
	if unitID == uuid.Nil {
		return domain.Unit{}, ErrUnitRequired.New()
	}
	u, err := s.Units.Unit(ctx, unitID)
	if err != nil {
		return domain.Unit{}, err
	}
	if !p.CanAdministerCounty(u.CountyCode) && !(p.Is(auth.RoleOrganizer) && p.UnitID == u.ID.String()) {
		if !p.CanSeeCounty(u.CountyCode) {
			return domain.Unit{}, notFound(domain.ErrUnitNotFound, unitID)
		}
		return domain.Unit{}, ErrOwnCountyOnly.New("county", p.CountyCode)
	}
	return u, nil
}

// withVenue checks the venue against the activity's county and records its name.
func (s *Service) withVenue(ctx context.Context, county string, d domain.Details) (domain.Details, error) {
	if d.VenueID == uuid.Nil {
		d.VenueName = ""
		return d, nil
	}
	vc, name, err := s.Venues.Venue(ctx, d.VenueID)
	if errs.KindOf(err) == errs.NotFound {
		return d, ErrVenueNotRegistered.New("venue", d.VenueID)
	}
	if err != nil {
		return d, err
	}
	if vc != county {
		return d, ErrVenueOtherCounty.New("name", name, "venue", d.VenueID, "venueCounty", vc, "county", county)
	}
	d.VenueName = name
	return d, nil
}

// CreateActivity registers a draft activity for a unit within the caller's reach, at a venue of
// the unit's county.
func (s *Service) CreateActivity(ctx context.Context, p auth.Principal, editionID string, unitID uuid.UUID, d domain.Details) (domain.Activity, error) {
	if p.Is(auth.RoleViewer) {
		return domain.Activity{}, ErrViewerCannotRegister.New()
	}
	u, err := s.unitFor(ctx, p, unitID)
	if err != nil {
		return domain.Activity{}, err
	}
	ed, err := s.Editions.Edition(ctx, editionID)
	if err != nil {
		return domain.Activity{}, err
	}
	a, err := domain.CreateActivity(ed, domain.NewActivity{Unit: u, Details: d}, p.Subject, s.Now())
	if err != nil {
		return domain.Activity{}, err
	}
	if a.Details, err = s.withVenue(ctx, u.CountyCode, a.Details); err != nil {
		return domain.Activity{}, err
	}
	if err := s.Activities.CreateActivity(ctx, a, domain.ActivityEvent{Status: domain.StatusDraft, Activity: a, Actor: p.Subject}); err != nil {
		return domain.Activity{}, err
	}
	return a, nil
}

// GetActivity returns an activity the caller may see.
func (s *Service) GetActivity(ctx context.Context, p auth.Principal, id uuid.UUID) (domain.Activity, error) {
	a, err := s.Activities.Activity(ctx, id)
	if err != nil {
		return domain.Activity{}, err
	}
	if !canSee(p, a) {
		return domain.Activity{}, notFound(domain.ErrActivityNotFound, id)
	}
	return a, nil
}

// ListActivities lists an edition's activities the caller may see. Asking for a county or
// unit out of reach is refused rather than quietly narrowed.
func (s *Service) ListActivities(ctx context.Context, p auth.Principal, f ActivityFilter, offset, limit int) ([]domain.Activity, error) {
	if _, err := s.Editions.Edition(ctx, f.EditionID); err != nil {
		return nil, err
	}
	switch p.Role {
	case auth.RoleCityAdmin, auth.RoleViewer:
	case auth.RoleCountyAdmin:
		if f.CountyCode != "" && f.CountyCode != p.CountyCode {
			return nil, ErrListOwnCountyOnly.New("county", p.CountyCode)
		}
		f.CountyCode = p.CountyCode
	case auth.RoleOrganizer:
		own, err := uuid.Parse(p.UnitID)
		if err != nil {
			return nil, ErrNoUnitLinked.New()
		}
		if f.UnitID != uuid.Nil && f.UnitID != own {
			return nil, ErrListOwnUnitOnly.New()
		}
		if f.CountyCode != "" && f.CountyCode != p.CountyCode {
			return nil, ErrListOwnUnitOnly.New()
		}
		f.UnitID = own
	default:
		return nil, ErrRoleCannotList.New("role", p.Role, "roleLabel", p.Role.Label())
	}
	return s.Activities.Activities(ctx, f, offset, limit)
}

// managing lets the activity's organizer unit, its county's admin and the city admin act.
func managing(p auth.Principal, a domain.Activity) error {
	if !canManage(p, a) {
		return ErrCannotChange.New()
	}
	return nil
}

// reviewing lets only an admin of the activity's county (or the city admin) act.
func reviewing(p auth.Principal, a domain.Activity) error {
	if !canReview(p, a) {
		return ErrReviewOtherCounty.New("county", a.CountyCode)
	}
	return nil
}

// change runs one change of an activity, if the caller may see it and allowed agrees.
func (s *Service) change(ctx context.Context, p auth.Principal, id uuid.UUID, allowed func(auth.Principal, domain.Activity) error,
	step func(*domain.Activity) (domain.ActivityEvent, error)) (domain.Activity, int, error) {
	return s.Activities.UpdateActivity(ctx, id, func(a *domain.Activity) (domain.ActivityEvent, error) {
		if !canSee(p, *a) {
			return domain.ActivityEvent{}, notFound(domain.ErrActivityNotFound, id)
		}
		if err := allowed(p, *a); err != nil {
			return domain.ActivityEvent{}, err
		}
		return step(a)
	})
}

// UpdateActivity replaces a draft's details.
func (s *Service) UpdateActivity(ctx context.Context, p auth.Principal, id uuid.UUID, d domain.Details) (domain.Activity, error) {
	current, err := s.GetActivity(ctx, p, id)
	if err != nil {
		return domain.Activity{}, err
	}
	ed, err := s.Editions.Edition(ctx, current.EditionID)
	if err != nil {
		return domain.Activity{}, err
	}
	if d, err = s.withVenue(ctx, current.CountyCode, d); err != nil {
		return domain.Activity{}, err
	}
	a, _, err := s.change(ctx, p, id, managing, func(a *domain.Activity) (domain.ActivityEvent, error) {
		if err := a.Update(ed, d, s.Now()); err != nil {
			return domain.ActivityEvent{}, err
		}
		return domain.ActivityEvent{Activity: *a, Actor: p.Subject}, nil // a plain edit: no status change, no event
	})
	return a, err
}

// SubmitActivity sends an activity to its county's review.
func (s *Service) SubmitActivity(ctx context.Context, p auth.Principal, id uuid.UUID) (domain.Activity, error) {
	a, _, err := s.change(ctx, p, id, managing, func(a *domain.Activity) (domain.ActivityEvent, error) {
		if err := a.Submit(p.Subject, s.Now()); err != nil {
			return domain.ActivityEvent{}, err
		}
		return domain.ActivityEvent{Status: a.Status, Activity: *a, Actor: p.Subject}, nil
	})
	return a, err
}

// ApproveActivity approves a submitted activity; only an admin of its county (or the city) may.
func (s *Service) ApproveActivity(ctx context.Context, p auth.Principal, id uuid.UUID) (domain.Activity, error) {
	a, _, err := s.change(ctx, p, id, reviewing, func(a *domain.Activity) (domain.ActivityEvent, error) {
		if err := a.Approve(p.Subject, s.Now()); err != nil {
			return domain.ActivityEvent{}, err
		}
		return domain.ActivityEvent{Status: a.Status, Activity: *a, Actor: p.Subject}, nil
	})
	return a, err
}

// ReturnActivity returns a submitted activity to its organizer with a reason.
func (s *Service) ReturnActivity(ctx context.Context, p auth.Principal, id uuid.UUID, reason string) (domain.Activity, error) {
	a, _, err := s.change(ctx, p, id, reviewing, func(a *domain.Activity) (domain.ActivityEvent, error) {
		if err := a.Return(p.Subject, reason, s.Now()); err != nil {
			return domain.ActivityEvent{}, err
		}
		return domain.ActivityEvent{Status: a.Status, Activity: *a, Actor: p.Subject, Reason: reason}, nil
	})
	return a, err
}

// CancelActivity calls an activity off; its sign-ups are cancelled and their tickets revoked.
func (s *Service) CancelActivity(ctx context.Context, p auth.Principal, id uuid.UUID, reason string) (domain.Activity, int, error) {
	return s.change(ctx, p, id, managing, func(a *domain.Activity) (domain.ActivityEvent, error) {
		if err := a.Cancel(p.Subject, reason, s.Now()); err != nil {
			return domain.ActivityEvent{}, err
		}
		return domain.ActivityEvent{Status: a.Status, Activity: *a, Actor: p.Subject, Reason: reason}, nil
	})
}
