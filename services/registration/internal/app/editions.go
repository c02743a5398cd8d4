package app

import (
	"context"
	"crypto/ed25519"

	"github.com/sciweek/sciweek/pkg/auth"
	"github.com/sciweek/sciweek/services/registration/internal/domain"
)

// Edition returns an edition; editions are public.
func (s *Service) Edition(ctx context.Context, id string) (domain.Edition, error) {
	return s.Editions.Edition(ctx, id)
}

// ListEditions returns every edition, newest first.
func (s *Service) ListEditions(ctx context.Context) ([]domain.Edition, error) {
	return s.Editions.Editions(ctx)
}

// cityOnly lets only the city admin do what (in English and Chinese).
func cityOnly(p auth.Principal, what, whatChinese string) error {
	if !p.Is(auth.RoleCityAdmin) {
		return ErrCityAdminOnly.New("what", what, "whatChinese", whatChinese)
	}
	return nil
}

// CreateEdition opens a new edition and makes its ticket key.
func (s *Service) CreateEdition(ctx context.Context, p auth.Principal, in domain.EditionInput) (domain.Edition, error) {
	if err := cityOnly(p, "open an edition", "创建活动周"); err != nil {
		return domain.Edition{}, err
	}
	e, err := domain.NewEdition(in)
	if err != nil {
		return domain.Edition{}, err
	}
	key, err := s.Keys.SigningKey(ctx, ticketKeyPurpose(e.ID))
	if err != nil {
		return domain.Edition{}, err
	}
	return e, s.Editions.CreateEdition(ctx, domain.EditionChanged{Edition: e, TicketKey: key.Public().(ed25519.PublicKey)})
}

// UpdateEdition changes an edition; the store refuses changes that strand its activities.
func (s *Service) UpdateEdition(ctx context.Context, p auth.Principal, in domain.EditionInput) (domain.Edition, error) {
	if err := cityOnly(p, "change an edition", "修改活动周设置"); err != nil {
		return domain.Edition{}, err
	}
	e, err := domain.NewEdition(in)
	if err != nil {
		return domain.Edition{}, err
	}
	key, err := s.TicketKey(ctx, e.ID)
	if err != nil {
		return domain.Edition{}, err
	}
	return e, s.Editions.UpdateEdition(ctx, domain.EditionChanged{Edition: e, TicketKey: key})
}

// PublishEditions announces every edition with its ticket key, so consumers that started after
// an edition was opened (or lost their copy) hold every key. Consumers apply it idempotently.
func (s *Service) PublishEditions(ctx context.Context) error {
	list, err := s.Editions.Editions(ctx)
	if err != nil {
		return err
	}
	evs := make([]domain.EditionChanged, 0, len(list))
	for _, e := range list {
		key, err := s.TicketKey(ctx, e.ID)
		if err != nil {
			return err
		}
		evs = append(evs, domain.EditionChanged{Edition: e, TicketKey: key})
	}
	return s.Editions.PublishEditions(ctx, evs)
}
