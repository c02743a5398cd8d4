package app

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/sciweek/sciweek/pkg/auth"
	"github.com/sciweek/sciweek/pkg/errs"
	"github.com/sciweek/sciweek/services/registration/internal/domain"
)

// PublicFilter narrows the public listing.
type PublicFilter struct {
	EditionID   string
	CountyCode  string             // empty: any
	SignupOnly  bool               // requires sign-up
	Form        domain.Form        // empty: any
	TargetGroup domain.TargetGroup // empty: any
	Day         string             // YYYY-MM-DD in the edition's time zone; empty: any
}

// PublicActivities lists an edition's approved activities for the public. A day keeps the
// activities with a session that overlaps that day as the edition's clocks show it, so the
// public calendar and the list agree on which day an evening session belongs to.
func (s *Service) PublicActivities(ctx context.Context, pf PublicFilter, offset, limit int) ([]domain.Activity, error) {
	ed, err := s.Editions.Edition(ctx, pf.EditionID)
	if err != nil {
		return nil, err
	}
	f := ActivityFilter{EditionID: pf.EditionID, CountyCode: pf.CountyCode, PublicOnly: true, SignupOnly: pf.SignupOnly,
		Form: pf.Form, TargetGroup: pf.TargetGroup}
	if pf.Day != "" {
		day, err := time.ParseInLocation(time.DateOnly, pf.Day, ed.Location)
		if err != nil {
			return nil, ErrDayInvalid.New("day", pf.Day)
		}
		f.From, f.To = day, day.AddDate(0, 0, 1)
	}
	return s.Activities.Activities(ctx, f, offset, limit)
}

// PublicActivity returns an approved activity; others do not exist for the public.
func (s *Service) PublicActivity(ctx context.Context, id uuid.UUID) (domain.Activity, error) {
	a, err := s.Activities.Activity(ctx, id)
	if err != nil {
		return domain.Activity{}, err
	}
	if a.Status != domain.StatusApproved {
		return domain.Activity{}, notFound(domain.ErrActivityNotFound, id)
	}
	a.History = nil
	return a, nil
}

// phoneKey is the keyed hash of a phone number (domain.PhoneHash) under the service's phone
// key, which comes from outside the database.
func (s *Service) phoneKey(_ context.Context, phone string) ([]byte, error) {
	return domain.PhoneHash(s.PhoneKey, phone), nil
}

func manageHash(code string) []byte {
	h := sha256.Sum256([]byte(code))
	return h[:]
}

// SignUp takes a place in a session (or on its waiting list) and returns the sign-up with its
// ticket when confirmed, and the code that manages it.
// client is the address of the person's device, for the throttle.
func (s *Service) SignUp(ctx context.Context, activityID, sessionID uuid.UUID, name, phone string, age domain.AgeGroup, client string) (domain.Signup, string, error) {
	phone, err := domain.NormalizePhone(phone)
	if err != nil {
		return domain.Signup{}, "", err
	}
	a, err := s.PublicActivity(ctx, activityID)
	if err != nil {
		return domain.Signup{}, "", err
	}
	su, _, err := domain.NewSignup(a, sessionID, name, age, s.Now())
	if err != nil {
		return domain.Signup{}, "", err
	}
	su.PhoneMasked = domain.MaskPhone(phone)
	key, err := s.phoneKey(ctx, phone)
	if err != nil {
		return domain.Signup{}, "", err
	}
	if err := s.throttleSignup(ctx, client, key); err != nil {
		return domain.Signup{}, "", err
	}
	b := make([]byte, 10)
	if _, err := rand.Read(b); err != nil {
		return domain.Signup{}, "", err
	}
	code := base32.StdEncoding.EncodeToString(b)[:16]
	stored, err := s.Signups.SignUp(ctx, su, key, manageHash(code), func(ses domain.Session) (domain.Signup, error) {
		su.Status = domain.Admit(ses)
		if su.Status == domain.SignupConfirmed {
			t, err := s.signTicket(ctx, su, ses)
			if err != nil {
				return domain.Signup{}, err
			}
			su.Ticket = t
		}
		return su, nil
	})
	if errs.KindOf(err) == errs.Exists {
		return domain.Signup{}, "", domain.ErrPhoneTaken.New()
	}
	return hidePhone(stored), code, err
}

func checkCode(code string) func(domain.Signup, []byte) error {
	return func(_ domain.Signup, hash []byte) error {
		if !hmac.Equal(manageHash(code), hash) {
			return ErrManageCodeWrong.New()
		}
		return nil
	}
}

// GetSignup returns a sign-up to whoever holds its manage code.
func (s *Service) GetSignup(ctx context.Context, id uuid.UUID, code string) (domain.Signup, error) {
	su, hash, err := s.Signups.Signup(ctx, id)
	if err != nil {
		return domain.Signup{}, err
	}
	if err := checkCode(code)(su, hash); err != nil {
		return domain.Signup{}, err
	}
	return hidePhone(su), nil
}

// FindSignup returns the sign-up made with a phone number whose manage code is code. A number
// that never signed up and a wrong code give the same refusal: the answer tells nobody whether
// a number signed up.
func (s *Service) FindSignup(ctx context.Context, phone, code string) (domain.Signup, error) {
	phone, err := domain.NormalizePhone(phone)
	if err != nil {
		return domain.Signup{}, err
	}
	key, err := s.phoneKey(ctx, phone)
	if err != nil {
		return domain.Signup{}, err
	}
	su, found, err := s.Signups.SignupByCode(ctx, key, manageHash(code))
	if err != nil {
		return domain.Signup{}, err
	}
	if !found {
		return domain.Signup{}, ErrSignupNotFoundByCode.New()
	}
	return hidePhone(su), nil
}

// CancelSignup gives a place back; the first on the waiting list gets it with a new ticket.
func (s *Service) CancelSignup(ctx context.Context, id uuid.UUID, code string) (domain.Signup, *domain.Signup, error) {
	su, promoted, err := s.Signups.CancelSignup(ctx, id, checkCode(code), func(next domain.Signup, ses domain.Session) (domain.Ticket, error) {
		return s.signTicket(ctx, next, ses)
	})
	if promoted != nil {
		p := hidePhone(*promoted)
		promoted = &p
	}
	return hidePhone(su), promoted, err
}

// ListSignups lists an activity's sign-ups for those who manage it, phones masked.
func (s *Service) ListSignups(ctx context.Context, p auth.Principal, activityID, sessionID uuid.UUID) (domain.Activity, []domain.Signup, error) {
	a, err := s.GetActivity(ctx, p, activityID)
	if err != nil {
		return domain.Activity{}, nil, err
	}
	if !canManage(p, a) {
		return domain.Activity{}, nil, ErrSignupListPersonal.New()
	}
	list, err := s.Signups.Signups(ctx, activityID, sessionID)
	for i := range list {
		list[i].PhoneMasked = phoneFor(p, a, list[i].PhoneMasked)
	}
	return a, list, err
}

// ExportSignups returns an activity's sign-ups as XLSX, phones masked, and the file's name.
func (s *Service) ExportSignups(ctx context.Context, p auth.Principal, activityID uuid.UUID) ([]byte, string, error) {
	a, list, err := s.ListSignups(ctx, p, activityID, uuid.Nil)
	if err != nil {
		return nil, "", err
	}
	ed, err := s.Editions.Edition(ctx, a.EditionID)
	if err != nil {
		return nil, "", err
	}
	b, err := s.Spreadsheets.SignupList(a, ed.Location, list)
	return b, fmt.Sprintf("%s报名名单.xlsx", a.Details.Title), err
}
