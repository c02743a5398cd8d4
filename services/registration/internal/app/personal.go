package app

import (
	"context"
	"log/slog"
	"time"

	"github.com/sciweek/sciweek/pkg/auth"
	"github.com/sciweek/sciweek/pkg/errs"
	"github.com/sciweek/sciweek/services/registration/internal/domain"
)

// Retention erases personal data an edition no longer needs.
type Retention interface {
	// ErasePersonalData erases the names and phones of an edition's sign-ups (keeping the rows
	// and so the counts), marks the edition erased at at and commits event's EditionChanged; it
	// returns how many sign-ups it changed and the stored edition.
	ErasePersonalData(ctx context.Context, edition string, at time.Time, event func(domain.Edition) domain.EditionChanged) (int, domain.Edition, error)
}

// The refusals of an erasure on demand.
var (
	ErrEraseCityOnly = errs.Reason{Code: "PERSONAL_DATA_ERASE_CITY_ONLY", Kind: errs.PermissionDenied,
		English: "only the city admin erases an edition's personal data",
		Chinese: "只有市级管理员可以清除报名个人信息"}
	ErrEraseBeforeWeekEnds = errs.Reason{Code: "PERSONAL_DATA_ERASE_TOO_EARLY", Kind: errs.FailedPrecondition,
		English: "edition {edition} runs until {endsOn}: its sign-ups' personal data is needed until the week is over",
		Chinese: "本届活动周到 {endsOn} 才结束，结束前不能清除报名个人信息"}
)

// phoneFor is how a sign-up's phone shows to p: masked (138****8001) to those who manage the
// activity, hidden (1**********) to everyone else.
func phoneFor(p auth.Principal, a domain.Activity, masked string) string {
	if masked == "" || canManage(p, a) {
		return masked
	}
	return domain.HiddenPhone
}

// hidePhone is a sign-up as the public sign-up pages return it: whoever holds a manage code
// sees no digits of the phone.
func hidePhone(su domain.Signup) domain.Signup {
	if su.PhoneMasked != "" {
		su.PhoneMasked = domain.HiddenPhone
	}
	return su
}

// ErasePersonalData erases an edition's sign-ups' names and phone numbers now, on the city
// admin's demand, once the week is over; the counts stay.
func (s *Service) ErasePersonalData(ctx context.Context, p auth.Principal, edition string) (int, domain.Edition, error) {
	if !p.Is(auth.RoleCityAdmin) {
		return 0, domain.Edition{}, ErrEraseCityOnly.New()
	}
	e, err := s.Editions.Edition(ctx, edition)
	if err != nil {
		return 0, domain.Edition{}, err
	}
	if !e.WeekOver(s.Now()) {
		return 0, domain.Edition{}, ErrEraseBeforeWeekEnds.New("edition", e.ID, "endsOn", e.EndsOn.Format(time.DateOnly))
	}
	return s.erase(ctx, e, p.Subject)
}

// EraseDuePersonalData runs the retention rule: every edition whose retention days after its
// report deadline have passed loses its sign-ups' personal data. The service runs it
// periodically; it returns the editions erased.
func (s *Service) EraseDuePersonalData(ctx context.Context) ([]string, error) {
	list, err := s.Editions.Editions(ctx)
	if err != nil {
		return nil, err
	}
	var done []string
	for _, e := range list {
		if !e.EraseDue(s.Now()) {
			continue
		}
		if _, _, err := s.erase(ctx, e, "retention rule"); err != nil {
			return done, err
		}
		done = append(done, e.ID)
	}
	return done, nil
}

func (s *Service) erase(ctx context.Context, e domain.Edition, by string) (int, domain.Edition, error) {
	key, err := s.TicketKey(ctx, e.ID)
	if err != nil {
		return 0, domain.Edition{}, err
	}
	n, stored, err := s.Retention.ErasePersonalData(ctx, e.ID, s.Now(), func(x domain.Edition) domain.EditionChanged {
		return domain.EditionChanged{Edition: x, TicketKey: key}
	})
	if err != nil {
		return 0, domain.Edition{}, err
	}
	s.log().InfoContext(ctx, "personal data erased", "edition", e.ID, "signups", n, "by", by,
		"retention_days", e.RetentionDays, "due_at", e.EraseDueAt())
	return n, stored, nil
}

func (s *Service) log() *slog.Logger {
	if s.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Log
}
