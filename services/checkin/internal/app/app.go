// Package app holds check-in's use cases: recording a terminal's scan durably and exactly once,
// and knowing which terminal is calling.
package app

import (
	"context"
	"crypto/subtle"
	"time"

	"github.com/google/uuid"

	"github.com/sciweek/sciweek/pkg/auth"
	"github.com/sciweek/sciweek/pkg/errs"
	"github.com/sciweek/sciweek/services/checkin/internal/domain"
)

// ReadModel is check-in's local copy of what it needs from the venue and registration services,
// kept up to date from their events so the hot path makes no calls.
type ReadModel interface {
	// Terminal returns a terminal, or errs.NotFound.
	Terminal(ctx context.Context, id uuid.UUID) (domain.Terminal, error)
	// Venue returns a venue, or errs.NotFound.
	Venue(ctx context.Context, id uuid.UUID) (domain.Venue, error)
	// Activity returns an activity, or errs.NotFound.
	Activity(ctx context.Context, id uuid.UUID) (domain.Activity, error)
}

// Records stores check-in records.
type Records interface {
	// Save stores r with its event and commits before returning. If the terminal sent this
	// sequence number before, it stores nothing and returns the first record with replayed
	// set. If r admits a ticket that was admitted before, it stores r as an
	// already-checked-in refusal instead and returns that.
	Save(ctx context.Context, r domain.Record) (stored domain.Record, replayed bool, err error)
}

// Service runs the check-in use cases.
type Service struct {
	model   ReadModel
	records Records
	now     func() time.Time
}

// New returns the use cases.
func New(model ReadModel, records Records, now func() time.Time) (*Service, error) {
	if model == nil || records == nil || now == nil {
		return nil, errs.E(errs.Internal, "checkin app: read model, records and clock are required")
	}
	return &Service{model: model, records: records, now: now}, nil
}

// Result is the answer to a terminal.
type Result struct {
	Record   domain.Record
	Replayed bool
}

// Record records a scan made by terminal p. The result is returned only after the record and
// its event have committed to disk.
func (s *Service) Record(ctx context.Context, p auth.Principal, scan domain.Scan) (Result, error) {
	if !p.Is(auth.RoleTerminal) {
		return Result{}, errs.E(errs.PermissionDenied, "only check-in terminals record scans")
	}
	termID, err := uuid.Parse(p.Subject)
	if err != nil {
		return Result{}, errs.E(errs.Unauthenticated, "terminal identity is malformed")
	}
	term, err := s.model.Terminal(ctx, termID)
	if err != nil {
		return Result{}, err
	}
	venue, err := s.model.Venue(ctx, scan.VenueID)
	if errs.KindOf(err) == errs.NotFound {
		return Result{}, errs.E(errs.NotFound, "venue %s is not known", scan.VenueID)
	}
	if err != nil {
		return Result{}, err
	}
	act, err := s.model.Activity(ctx, scan.ActivityID)
	if errs.KindOf(err) == errs.NotFound {
		return Result{}, errs.E(errs.NotFound, "activity %s is not known (approved activities reach terminals within seconds)", scan.ActivityID)
	}
	if err != nil {
		return Result{}, err
	}
	rec, err := domain.NewRecord(term, venue, act, scan, s.now())
	if err != nil {
		return Result{}, err
	}
	stored, replayed, err := s.records.Save(ctx, rec)
	if err != nil {
		return Result{}, err
	}
	return Result{Record: stored, Replayed: replayed}, nil
}

// TerminalAuthenticator checks terminal credentials against the read model: the terminal must
// exist, the credential's hash must match and the terminal must not be revoked.
type TerminalAuthenticator struct {
	model ReadModel
	seen  func(ctx context.Context, terminal, venue uuid.UUID, at time.Time)
	now   func() time.Time
}

// NewTerminalAuthenticator returns an authenticator over the read model; seen, if set, hears of
// every authenticated call, for the registry's last-seen times.
func NewTerminalAuthenticator(model ReadModel, seen func(ctx context.Context, terminal, venue uuid.UUID, at time.Time), now func() time.Time) *TerminalAuthenticator {
	return &TerminalAuthenticator{model: model, seen: seen, now: now}
}

// Authenticate returns the terminal's principal.
func (a *TerminalAuthenticator) Authenticate(ctx context.Context, credential string) (auth.Principal, error) {
	cred, err := auth.ParseTerminalCredential(credential)
	if err != nil {
		return auth.Principal{}, err
	}
	t, err := a.model.Terminal(ctx, cred.TerminalID)
	if errs.KindOf(err) == errs.NotFound {
		return auth.Principal{}, errs.E(errs.Unauthenticated, "terminal credential is not known (new terminals are recognised within seconds)")
	}
	if err != nil {
		return auth.Principal{}, err
	}
	hash := cred.Hash()
	if subtle.ConstantTimeCompare(hash[:], t.CredentialHash[:]) != 1 {
		return auth.Principal{}, errs.E(errs.Unauthenticated, "terminal credential is not valid")
	}
	if t.Revoked {
		return auth.Principal{}, errs.E(errs.Unauthenticated, "terminal %s has been revoked", t.ID)
	}
	if a.seen != nil {
		a.seen(ctx, t.ID, t.VenueID, a.now())
	}
	return auth.Principal{Subject: t.ID.String(), Role: auth.RoleTerminal, CountyCode: t.CountyCode, VenueID: t.VenueID.String()}, nil
}
