package app

import (
	"context"
	"crypto/ed25519"
	"time"

	"github.com/google/uuid"

	"github.com/sciweek/sciweek/pkg/errs"
	"github.com/sciweek/sciweek/pkg/ticket"
	"github.com/sciweek/sciweek/services/checkin/internal/domain"
)

// CatalogWriter keeps the catalog up to date from the venue and registration services' events.
// Each write joins the unit of work of the event being applied (the projection's transaction,
// carried in ctx), so the fact and the projection's checkpoint commit together; states carry
// the time they were true as of, and an older one never replaces a newer one.
type CatalogWriter interface {
	PutVenue(ctx context.Context, v domain.Venue, at time.Time) error
	PutTerminal(ctx context.Context, t domain.Terminal, at time.Time) error
	RevokeTerminal(ctx context.Context, id uuid.UUID, at time.Time) error
	PutActivity(ctx context.Context, a domain.Activity, at time.Time) error
	PutEdition(ctx context.Context, e domain.Edition, at time.Time) error
	RevokeTicket(ctx context.Context, id uuid.UUID, at time.Time) error
}

// TicketStore keeps the tickets issued for each venue's activities, which the venue's doors sync.
type TicketStore interface {
	PutTicket(ctx context.Context, t domain.VenueTicket) error
}

// VenueChanged keeps a venue's name, county and capacity.
func (s *Service) VenueChanged(ctx context.Context, v domain.Venue, at time.Time) error {
	return s.catalogWriter.PutVenue(ctx, v, at)
}

// TerminalChanged keeps a terminal provisioned, rotated or reset. hash is its credential's
// SHA-256; an empty one (a reset waiting for its device) admits no credential at all.
func (s *Service) TerminalChanged(ctx context.Context, t domain.Terminal, hash []byte, at time.Time) error {
	if len(hash) != 0 && len(hash) != len(t.CredentialHash) {
		return ErrCredentialHashSize.New("terminal", t.ID, "bytes", len(hash))
	}
	copy(t.CredentialHash[:], hash)
	return s.catalogWriter.PutTerminal(ctx, t, at)
}

// TerminalRevoked refuses a terminal from now on; revocation is final.
func (s *Service) TerminalRevoked(ctx context.Context, id uuid.UUID, at time.Time) error {
	return s.catalogWriter.RevokeTerminal(ctx, id, at)
}

// EditionChanged keeps an edition's ticket key and days.
func (s *Service) EditionChanged(ctx context.Context, e domain.Edition, at time.Time) error {
	if len(e.Key) != ed25519.PublicKeySize {
		return ErrTicketKeySize.New("edition", e.ID, "bytes", len(e.Key))
	}
	return s.catalogWriter.PutEdition(ctx, e, at)
}

// ActivityChanged keeps an activity's review status, venue and sessions.
func (s *Service) ActivityChanged(ctx context.Context, a domain.Activity, at time.Time) error {
	return s.catalogWriter.PutActivity(ctx, a, at)
}

// TicketRevoked refuses a ticket from now on.
func (s *Service) TicketRevoked(ctx context.Context, id uuid.UUID, at time.Time) error {
	return s.catalogWriter.RevokeTicket(ctx, id, at)
}

// TicketIssued hands a new ticket to its venue's doors, with its short code. An online
// activity's ticket has no door to go to, and one announced before events carried the signed
// payload cannot be handed to one: both are left out.
func (s *Service) TicketIssued(ctx context.Context, t domain.VenueTicket) error {
	if t.VenueID == uuid.Nil || t.Payload == "" {
		return nil
	}
	t.ShortCode = ticket.ShortCode(t.TicketID)
	return s.tickets.PutTicket(ctx, t)
}

// Events that do not make sense: the projection logs and skips them.
var (
	ErrCredentialHashSize = errs.Reason{Code: "EVENT_CREDENTIAL_HASH_SIZE", Kind: errs.Invalid,
		English: "terminal {terminal}: credential hash has {bytes} bytes",
		Chinese: "终端凭据的摘要长度不对（{bytes} 字节）"}
	ErrTicketKeySize = errs.Reason{Code: "EVENT_TICKET_KEY_SIZE", Kind: errs.Invalid,
		English: "edition {edition}: ticket key has {bytes} bytes",
		Chinese: "活动周 {edition} 的验票公钥长度不对（{bytes} 字节）"}
)
