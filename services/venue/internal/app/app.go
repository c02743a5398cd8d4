// Package app holds the venue service's use cases: who may register venues and terminals, and
// in what order things happen. Storage and events are behind the Repository.
package app

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/sciweek/sciweek/pkg/auth"
	"github.com/sciweek/sciweek/pkg/errs"
	"github.com/sciweek/sciweek/services/venue/internal/domain"
)

// Repository stores venues and terminals; every method that changes data also writes its event
// to the outbox in the same transaction.
type Repository interface {
	// CreateVenue stores a new venue with its event.
	CreateVenue(ctx context.Context, v domain.Venue, ev domain.VenueChanged) error
	// Venue returns one venue, or an errs.NotFound error.
	Venue(ctx context.Context, id uuid.UUID) (domain.Venue, error)
	// Venues lists venues, optionally of one county, by name, from offset.
	Venues(ctx context.Context, county string, offset, limit int) ([]domain.Venue, error)
	// CreateTerminal stores a new terminal with its event.
	CreateTerminal(ctx context.Context, t domain.Terminal, ev domain.TerminalProvisioned) error
	// UpdateTerminal loads a terminal, lets change modify it and name the event, and stores both
	// in one transaction.
	UpdateTerminal(ctx context.Context, id uuid.UUID, change func(*domain.Terminal) (domain.TerminalRevoked, error)) (domain.Terminal, error)
	// Terminals lists a venue's terminals, newest first.
	Terminals(ctx context.Context, venueID uuid.UUID) ([]domain.Terminal, error)
}

// CredentialMaker makes a terminal's secret and returns it with its SHA-256.
type CredentialMaker func(terminalID uuid.UUID) (secret string, hash [32]byte, err error)

// Service runs the venue use cases.
type Service struct {
	repo  Repository
	creds CredentialMaker
	now   func() time.Time
}

// New returns the use cases over repo.
func New(repo Repository, creds CredentialMaker, now func() time.Time) (*Service, error) {
	if repo == nil || creds == nil || now == nil {
		return nil, errs.E(errs.Internal, "venue app: repository, credential maker and clock are required")
	}
	return &Service{repo: repo, creds: creds, now: now}, nil
}

// NewVenue is what a caller gives to register a venue.
type NewVenue struct {
	Name         string
	Kind         domain.Kind
	CountyCode   string
	Address      string
	SafeCapacity int
}

// CreateVenue registers a venue in a county the caller administers.
func (s *Service) CreateVenue(ctx context.Context, p auth.Principal, in NewVenue) (domain.Venue, error) {
	if !p.CanAdministerCounty(in.CountyCode) {
		return domain.Venue{}, errs.E(errs.PermissionDenied, "you may register venues only in your own county (%s)", p.CountyCode)
	}
	v, err := domain.NewVenue(in.Name, in.Kind, in.CountyCode, in.Address, in.SafeCapacity, s.now())
	if err != nil {
		return domain.Venue{}, err
	}
	if err := s.repo.CreateVenue(ctx, v, domain.VenueChanged{Venue: v, Actor: p.Subject}); err != nil {
		return domain.Venue{}, err
	}
	return v, nil
}

// Venue returns a venue the caller may see. Venues of other counties are reported as not found
// to county-scoped callers, so ids cannot be probed.
func (s *Service) Venue(ctx context.Context, p auth.Principal, id uuid.UUID) (domain.Venue, error) {
	v, err := s.repo.Venue(ctx, id)
	if err != nil {
		return domain.Venue{}, err
	}
	if !p.CanSeeCounty(v.CountyCode) {
		return domain.Venue{}, errs.E(errs.NotFound, "venue %s not found", id)
	}
	return v, nil
}

// Venues lists the venues the caller may see. A county-scoped caller asking for another county
// is refused rather than silently given their own.
func (s *Service) Venues(ctx context.Context, p auth.Principal, county string, offset, limit int) ([]domain.Venue, error) {
	switch {
	case p.SeesAllCounties():
	case county == "":
		county = p.CountyCode
	case county != p.CountyCode:
		return nil, errs.E(errs.PermissionDenied, "you may list venues of your own county (%s) only", p.CountyCode)
	}
	return s.repo.Venues(ctx, county, offset, limit)
}

// ProvisionTerminal registers a terminal for a venue in a county the caller administers and
// returns the credential, which is never shown again.
func (s *Service) ProvisionTerminal(ctx context.Context, p auth.Principal, venueID uuid.UUID, name string) (domain.Terminal, string, error) {
	v, err := s.Venue(ctx, p, venueID)
	if err != nil {
		return domain.Terminal{}, "", err
	}
	if !p.CanAdministerCounty(v.CountyCode) {
		return domain.Terminal{}, "", errs.E(errs.PermissionDenied, "only an admin of county %s may provision terminals at %s", v.CountyCode, v.Name)
	}
	t, err := domain.NewTerminal(v, name, s.now())
	if err != nil {
		return domain.Terminal{}, "", err
	}
	secret, hash, err := s.creds(t.ID)
	if err != nil {
		return domain.Terminal{}, "", err
	}
	if err := s.repo.CreateTerminal(ctx, t, domain.TerminalProvisioned{Terminal: t, CredentialHash: hash, Actor: p.Subject}); err != nil {
		return domain.Terminal{}, "", err
	}
	return t, secret, nil
}

// RevokeTerminal withdraws a terminal's credential.
func (s *Service) RevokeTerminal(ctx context.Context, p auth.Principal, id uuid.UUID) (domain.Terminal, error) {
	return s.repo.UpdateTerminal(ctx, id, func(t *domain.Terminal) (domain.TerminalRevoked, error) {
		if !p.CanAdministerCounty(t.CountyCode) {
			if !p.CanSeeCounty(t.CountyCode) {
				return domain.TerminalRevoked{}, errs.E(errs.NotFound, "terminal %s not found", id)
			}
			return domain.TerminalRevoked{}, errs.E(errs.PermissionDenied, "only an admin of county %s may revoke this terminal", t.CountyCode)
		}
		if err := t.Revoke(s.now()); err != nil {
			return domain.TerminalRevoked{}, err
		}
		return domain.TerminalRevoked{Terminal: *t, Actor: p.Subject}, nil
	})
}

// Terminals lists a venue's terminals for an admin of its county.
func (s *Service) Terminals(ctx context.Context, p auth.Principal, venueID uuid.UUID) ([]domain.Terminal, error) {
	v, err := s.Venue(ctx, p, venueID)
	if err != nil {
		return nil, err
	}
	if !p.CanAdministerCounty(v.CountyCode) {
		return nil, errs.E(errs.PermissionDenied, "only an admin of county %s may see its terminals", v.CountyCode)
	}
	return s.repo.Terminals(ctx, venueID)
}
