package app

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/sciweek/sciweek/pkg/auth"
	"github.com/sciweek/sciweek/services/registration/internal/domain"
)

// NominateActivity recommends an approved activity of the caller's county for the featured list.
func (s *Service) NominateActivity(ctx context.Context, p auth.Principal, activityID uuid.UUID, recommendation string) (domain.Nomination, error) {
	a, err := s.GetActivity(ctx, p, activityID)
	if err != nil {
		return domain.Nomination{}, err
	}
	if !p.Is(auth.RoleCountyAdmin) || p.CountyCode != a.CountyCode {
		return domain.Nomination{}, ErrNominateOtherCounty.New("county", a.CountyCode)
	}
	n, err := domain.Nominate(a, recommendation, p.Subject, s.Now())
	if err != nil {
		return domain.Nomination{}, err
	}
	return n, s.Nominations.CreateNomination(ctx, n, domain.NominationEvent{Nomination: n, Actor: p.Subject})
}

// DecideNomination accepts or declines a nomination; the city admin decides.
func (s *Service) DecideNomination(ctx context.Context, p auth.Principal, activityID uuid.UUID, accept bool, note string) (domain.Nomination, error) {
	if err := cityOnly(p, "decide on featured activities", "决定特色活动推荐"); err != nil {
		return domain.Nomination{}, err
	}
	return s.Nominations.UpdateNomination(ctx, activityID, func(n *domain.Nomination) (domain.NominationEvent, error) {
		if err := n.Decide(accept, note, p.Subject, s.Now()); err != nil {
			return domain.NominationEvent{}, err
		}
		return domain.NominationEvent{Nomination: *n, Actor: p.Subject, Decided: true}, nil
	})
}

// ListNominations lists an edition's nominations: the city sees all, a county its own.
func (s *Service) ListNominations(ctx context.Context, p auth.Principal, edition, county string, status domain.NominationStatus) ([]domain.Nomination, error) {
	switch {
	case p.SeesAllCounties():
	case p.Is(auth.RoleCountyAdmin) && (county == "" || county == p.CountyCode):
		county = p.CountyCode
	default:
		return nil, ErrNominationsOwnCounty.New()
	}
	if _, err := s.Editions.Edition(ctx, edition); err != nil {
		return nil, err
	}
	return s.Nominations.Nominations(ctx, edition, county, status)
}

// ExportFeatured returns the accepted featured list as an XLSX file and its name.
func (s *Service) ExportFeatured(ctx context.Context, p auth.Principal, edition string) ([]byte, string, error) {
	ed, err := s.Editions.Edition(ctx, edition)
	if err != nil {
		return nil, "", err
	}
	list, err := s.ListNominations(ctx, p, edition, "", domain.NominationAccepted)
	if err != nil {
		return nil, "", err
	}
	rows := make([]FeaturedRow, 0, len(list))
	for _, n := range list {
		a, err := s.Activities.Activity(ctx, n.ActivityID)
		if err != nil {
			return nil, "", err
		}
		rows = append(rows, FeaturedRow{Nomination: n, Activity: a})
	}
	b, err := s.Spreadsheets.Featured(ed, rows)
	return b, fmt.Sprintf("%s特色科技活动推荐清单.xlsx", ed.Name), err
}
