// Package app holds the venue service's use cases: who may register venues and terminals, the
// terminal setup flow, imports, and the safety plans on file. Storage and events are behind the
// Repository.
package app

import (
	"context"
	"crypto/subtle"
	"errors"
	"path/filepath"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/sciweek/sciweek/pkg/auth"
	"github.com/sciweek/sciweek/pkg/errs"
	"github.com/sciweek/sciweek/services/venue/internal/domain"
)

// Repository stores venues and terminals; every method that changes data also writes its event
// to the outbox in the same transaction.
type Repository interface {
	// MarkSeen records when a terminal last called check-in, keeping the latest time; it joins
	// the unit of work of the event being applied.
	MarkSeen(ctx context.Context, id uuid.UUID, at time.Time) error
	// CreateVenues stores new venues with their events, all or none; a name taken in its county
	// is errs.Exists.
	CreateVenues(ctx context.Context, vs []domain.Venue, actor string) error
	// UpdateVenue loads a venue under a lock, lets change modify it, and stores it with its event.
	UpdateVenue(ctx context.Context, id uuid.UUID, change func(*domain.Venue) error, actor string) (domain.Venue, error)
	// Venue returns one venue, or an errs.NotFound error.
	Venue(ctx context.Context, id uuid.UUID) (domain.Venue, error)
	// Venues lists venues, optionally of one county and matching a name, by name, from offset.
	Venues(ctx context.Context, county, query string, offset, limit int) ([]domain.Venue, error)
	// AttachSafetyPlan stores a venue's plan and marks it on file, with the venue's event.
	AttachSafetyPlan(ctx context.Context, id uuid.UUID, f File, actor string, now time.Time) (domain.Venue, error)
	// SafetyPlan returns a venue's plan, or errs.NotFound.
	SafetyPlan(ctx context.Context, id uuid.UUID) (File, error)
	// CreateTerminal stores a new terminal.
	CreateTerminal(ctx context.Context, t domain.Terminal) error
	// UpdateTerminal loads a terminal under a lock, lets change modify it and name its event,
	// and stores both in one transaction.
	UpdateTerminal(ctx context.Context, id uuid.UUID, change func(*domain.Terminal) (domain.TerminalEvent, error)) (domain.Terminal, error)
	// TerminalBySetupCode returns the id of the pending terminal with this setup code hash, or
	// errs.NotFound.
	TerminalBySetupCode(ctx context.Context, hash [32]byte) (uuid.UUID, error)
	// Terminal returns one terminal, or errs.NotFound.
	Terminal(ctx context.Context, id uuid.UUID) (domain.Terminal, error)
	// Terminals lists a venue's terminals, newest first.
	Terminals(ctx context.Context, venueID uuid.UUID) ([]domain.Terminal, error)
}

// File is an uploaded or generated document.
type File struct {
	Name        string
	ContentType string
	Content     []byte
}

// CredentialMaker makes a terminal's secret and returns it with its SHA-256.
type CredentialMaker func(terminalID uuid.UUID) (secret string, hash [32]byte, err error)

// Counties resolves county names to codes, from the editions registration keeps; nil means
// codes only.
type Counties func(ctx context.Context) (map[string]string, error)

// Service runs the venue use cases.
type Service struct {
	repo     Repository
	creds    CredentialMaker
	counties Counties
	sheets   Sheets
	setup    SetupThrottle
	now      func() time.Time
}

// New returns the use cases over repo; setup throttles wrong setup codes (no counters: none).
func New(repo Repository, creds CredentialMaker, counties Counties, sheets Sheets, setup SetupThrottle, now func() time.Time) (*Service, error) {
	if repo == nil || creds == nil || sheets == nil || now == nil {
		return nil, errors.New("venue app: repository, credential maker, spreadsheets and clock are required")
	}
	return &Service{repo: repo, creds: creds, counties: counties, sheets: sheets, setup: setup, now: now}, nil
}

// CreateVenue registers a venue in a county the caller administers.
func (s *Service) CreateVenue(ctx context.Context, p auth.Principal, d domain.Details) (domain.Venue, error) {
	if !p.CanAdministerCounty(d.CountyCode) {
		return domain.Venue{}, ErrOwnCountyOnly.New("county", p.CountyCode)
	}
	v, err := domain.NewVenue(d, s.now())
	if err != nil {
		return domain.Venue{}, err
	}
	if err := s.repo.CreateVenues(ctx, []domain.Venue{v}, p.Subject); err != nil {
		return domain.Venue{}, err
	}
	return v, nil
}

// seeing refuses venues out of the caller's sight as not found, so ids cannot be probed, and
// venues they see but may not change as denied.
func seeing(p auth.Principal, county string, id uuid.UUID, change bool) error {
	if !p.CanSeeCounty(county) {
		return domain.ErrVenueNotFound.New("id", id)
	}
	if change && !p.CanAdministerCounty(county) {
		return ErrChangeOtherCounty.New("county", county)
	}
	return nil
}

// UpdateVenue changes a venue of a county the caller administers.
func (s *Service) UpdateVenue(ctx context.Context, p auth.Principal, id uuid.UUID, d domain.Details) (domain.Venue, error) {
	return s.repo.UpdateVenue(ctx, id, func(v *domain.Venue) error {
		if err := seeing(p, v.CountyCode, id, true); err != nil {
			return err
		}
		return v.Update(d, s.now())
	}, p.Subject)
}

// Venue returns a venue the caller may see.
func (s *Service) Venue(ctx context.Context, p auth.Principal, id uuid.UUID) (domain.Venue, error) {
	v, err := s.repo.Venue(ctx, id)
	if err != nil {
		return domain.Venue{}, err
	}
	return v, seeing(p, v.CountyCode, id, false)
}

// Venues lists the venues the caller may see. A county-scoped caller asking for another county
// is refused rather than silently given their own.
func (s *Service) Venues(ctx context.Context, p auth.Principal, county, query string, offset, limit int) ([]domain.Venue, error) {
	switch {
	case p.SeesAllCounties():
	case county == "":
		county = p.CountyCode
	case county != p.CountyCode:
		return nil, ErrListOwnCountyOnly.New("county", p.CountyCode)
	}
	return s.repo.Venues(ctx, county, query, offset, limit)
}

// planTypes are the files a safety plan may be, by extension, with how to recognise them.
var planTypes = map[string]struct {
	contentType string
	magic       string
}{
	".pdf": {"application/pdf", "%PDF-"}, ".docx": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "PK\x03\x04"},
	".doc": {"application/msword", "\xd0\xcf\x11\xe0"}, ".jpg": {"image/jpeg", "\xff\xd8\xff"}, ".jpeg": {"image/jpeg", "\xff\xd8\xff"},
	".png": {"image/png", "\x89PNG"},
}

// AttachSafetyPlan stores a venue's security and emergency plan. The file must be what its
// name says: its first bytes are checked, not the name alone.
func (s *Service) AttachSafetyPlan(ctx context.Context, p auth.Principal, id uuid.UUID, name string, content []byte) (domain.Venue, error) {
	v, err := s.Venue(ctx, p, id)
	if err != nil {
		return domain.Venue{}, err
	}
	if err := seeing(p, v.CountyCode, id, true); err != nil {
		return domain.Venue{}, err
	}
	kind, ok := planTypes[strings.ToLower(filepath.Ext(name))]
	if !ok {
		return domain.Venue{}, ErrPlanType.New("file", filepath.Base(name))
	}
	if !strings.HasPrefix(string(content), kind.magic) {
		return domain.Venue{}, ErrPlanContent.New("file", filepath.Base(name), "type", strings.TrimPrefix(filepath.Ext(name), "."))
	}
	return s.repo.AttachSafetyPlan(ctx, id, File{Name: filepath.Base(name), ContentType: kind.contentType, Content: content}, p.Subject, s.now())
}

// SafetyPlan returns a venue's plan to those who may see the venue.
func (s *Service) SafetyPlan(ctx context.Context, p auth.Principal, id uuid.UUID) (File, error) {
	if _, err := s.Venue(ctx, p, id); err != nil {
		return File{}, err
	}
	return s.repo.SafetyPlan(ctx, id)
}

// ProvisionTerminal registers a pending terminal for a venue in a county the caller
// administers and returns its one-time setup code.
func (s *Service) ProvisionTerminal(ctx context.Context, p auth.Principal, venueID uuid.UUID, name string) (domain.Terminal, string, error) {
	v, err := s.Venue(ctx, p, venueID)
	if err != nil {
		return domain.Terminal{}, "", err
	}
	if !p.CanAdministerCounty(v.CountyCode) {
		return domain.Terminal{}, "", ErrProvisionOtherCounty.New("county", v.CountyCode, "venue", v.Name)
	}
	code, err := domain.NewSetupCode()
	if err != nil {
		return domain.Terminal{}, "", err
	}
	t, err := domain.NewTerminal(v, name, code, s.now())
	if err != nil {
		return domain.Terminal{}, "", err
	}
	if err := s.repo.CreateTerminal(ctx, t); err != nil {
		return domain.Terminal{}, "", err
	}
	return t, code, nil
}

// ActivateTerminal exchanges a setup code, once, for the terminal's credential. Wrong codes
// count against the client's address and everyone's (SetupThrottle).
func (s *Service) ActivateTerminal(ctx context.Context, code, client string) (domain.Terminal, string, error) {
	if err := s.checkSetup(ctx, client); err != nil {
		return domain.Terminal{}, "", err
	}
	id, err := s.repo.TerminalBySetupCode(ctx, domain.SetupCodeHash(code))
	if err != nil {
		return domain.Terminal{}, "", s.setupFailed(ctx, client, err)
	}
	secret, hash, err := s.creds(id)
	if err != nil {
		return domain.Terminal{}, "", err
	}
	t, err := s.repo.UpdateTerminal(ctx, id, func(t *domain.Terminal) (domain.TerminalEvent, error) {
		if subtle.ConstantTimeCompare(t.SetupHash[:], func() []byte { h := domain.SetupCodeHash(code); return h[:] }()) != 1 {
			return domain.TerminalEvent{}, domain.ErrSetupCodeInvalid.New()
		}
		if err := t.Activate(hash, s.now()); err != nil {
			return domain.TerminalEvent{}, err
		}
		return domain.TerminalEvent{Kind: domain.TerminalProvisioned, Terminal: *t, Actor: "terminal:" + t.ID.String()}, nil
	})
	if err != nil {
		return domain.Terminal{}, "", err
	}
	return t, secret, nil
}

// RotateCredential gives the calling terminal a new credential.
func (s *Service) RotateCredential(ctx context.Context, p auth.Principal) (string, error) {
	id, err := uuid.Parse(p.Subject)
	if err != nil || !p.Is(auth.RoleTerminal) {
		return "", ErrRotateTerminalsOnly.New()
	}
	secret, hash, err := s.creds(id)
	if err != nil {
		return "", err
	}
	_, err = s.repo.UpdateTerminal(ctx, id, func(t *domain.Terminal) (domain.TerminalEvent, error) {
		if err := t.Rotate(hash); err != nil {
			return domain.TerminalEvent{}, err
		}
		return domain.TerminalEvent{Kind: domain.TerminalRotated, Terminal: *t, Actor: "terminal:" + t.ID.String()}, nil
	})
	return secret, err
}

// terminalChange runs an admin's change on a terminal of a county they administer.
func (s *Service) terminalChange(ctx context.Context, p auth.Principal, id uuid.UUID, step func(*domain.Terminal) (domain.TerminalEvent, error)) (domain.Terminal, error) {
	return s.repo.UpdateTerminal(ctx, id, func(t *domain.Terminal) (domain.TerminalEvent, error) {
		if !p.CanSeeCounty(t.CountyCode) {
			return domain.TerminalEvent{}, domain.ErrTerminalNotFound.New("id", id)
		}
		if !p.CanAdministerCounty(t.CountyCode) {
			return domain.TerminalEvent{}, ErrTerminalOtherCounty.New("county", t.CountyCode)
		}
		return step(t)
	})
}

// ResetTerminalSetup gives a terminal a new setup code.
func (s *Service) ResetTerminalSetup(ctx context.Context, p auth.Principal, id uuid.UUID) (domain.Terminal, string, error) {
	code, err := domain.NewSetupCode()
	if err != nil {
		return domain.Terminal{}, "", err
	}
	t, err := s.terminalChange(ctx, p, id, func(t *domain.Terminal) (domain.TerminalEvent, error) {
		wasActive := t.State == domain.StateActive
		if err := t.ResetSetup(code, s.now()); err != nil {
			return domain.TerminalEvent{}, err
		}
		if !wasActive {
			return domain.TerminalEvent{}, nil // nothing downstream knew its credential
		}
		return domain.TerminalEvent{Kind: domain.TerminalRotated, Terminal: *t, Actor: p.Subject}, nil
	})
	return t, code, err
}

// RevokeTerminal withdraws a terminal's credential.
func (s *Service) RevokeTerminal(ctx context.Context, p auth.Principal, id uuid.UUID) (domain.Terminal, error) {
	return s.terminalChange(ctx, p, id, func(t *domain.Terminal) (domain.TerminalEvent, error) {
		if err := t.Revoke(s.now()); err != nil {
			return domain.TerminalEvent{}, err
		}
		return domain.TerminalEvent{Kind: domain.TerminalRevoked, Terminal: *t, Actor: p.Subject}, nil
	})
}

// Terminals lists a venue's terminals for an admin of its county.
func (s *Service) Terminals(ctx context.Context, p auth.Principal, venueID uuid.UUID) ([]domain.Terminal, error) {
	v, err := s.Venue(ctx, p, venueID)
	if err != nil {
		return nil, err
	}
	if !p.CanAdministerCounty(v.CountyCode) {
		return nil, ErrTerminalsOtherCounty.New("county", v.CountyCode)
	}
	return s.repo.Terminals(ctx, venueID)
}

// NewTerminalAuthenticator checks terminal credentials against the registry, for the one thing
// a terminal may do here: rotate its own credential. Only an active terminal may.
func NewTerminalAuthenticator(repo Repository) *auth.TerminalAuthenticator {
	lookup := func(ctx context.Context, id uuid.UUID) (auth.TerminalRecord, bool, error) {
		t, err := repo.Terminal(ctx, id)
		if errs.KindOf(err) == errs.NotFound {
			return auth.TerminalRecord{}, false, nil
		}
		if err != nil {
			return auth.TerminalRecord{}, false, err
		}
		r := auth.TerminalRecord{ID: t.ID, VenueID: t.VenueID, CountyCode: t.CountyCode, CredentialHash: t.CredentialHash}
		if t.State != domain.StateActive {
			r.Refusal = ErrTerminalNotActive.New()
		}
		return r, true, nil
	}
	return auth.NewTerminalAuthenticator(lookup, ErrTerminalUnknown, nil)
}

// The refusals of a terminal's credential at the venue registry.
var (
	ErrTerminalNotActive = errs.Reason{Code: "TERMINAL_NOT_ACTIVE", Kind: errs.Unauthenticated,
		English: "terminal credential is not valid",
		Chinese: "此终端已被撤销或重置，请在管理后台取得新的设置码后重新配对"}
	ErrTerminalUnknown = errs.Reason{Code: "TERMINAL_UNKNOWN", Kind: errs.Unauthenticated,
		English: "terminal credential is not known",
		Chinese: "系统中没有此终端，请在管理后台登记终端后重新配对"}
)

// TerminalSeen records that a terminal called check-in at at, for the console's list.
func (s *Service) TerminalSeen(ctx context.Context, id uuid.UUID, at time.Time) error {
	return s.repo.MarkSeen(ctx, id, at)
}
