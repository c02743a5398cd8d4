// Package app holds registration's use cases: editions, organizer units, activities and their
// county review, featured nominations, bulk import, public sign-ups with signed tickets, and
// signing people in. Who may do what is decided here, with the caller's principal.
package app

import (
	"context"
	"crypto/ed25519"
	"errors"
	"log/slog"
	"time"

	"github.com/google/uuid"

	"github.com/sciweek/sciweek/pkg/auth"
	"github.com/sciweek/sciweek/pkg/errs"
	"github.com/sciweek/sciweek/pkg/sheet"
	"github.com/sciweek/sciweek/pkg/throttle"
	"github.com/sciweek/sciweek/pkg/ticket"
	"github.com/sciweek/sciweek/services/registration/internal/domain"
)

// Activities stores activities; every change commits with its events.
type Activities interface {
	// CreateActivity stores a new activity with its event.
	CreateActivity(ctx context.Context, a domain.Activity, ev domain.ActivityEvent) error
	// Activity returns an activity with its sessions (and their sign-up counts) and history,
	// or errs.NotFound.
	Activity(ctx context.Context, id uuid.UUID) (domain.Activity, error)
	// UpdateActivity loads an activity under a lock, lets change modify it and name its event,
	// and stores both in one transaction. A cancelled activity's sign-ups are cancelled and
	// their tickets revoked in the same transaction; the count comes back.
	UpdateActivity(ctx context.Context, id uuid.UUID, change func(*domain.Activity) (domain.ActivityEvent, error)) (domain.Activity, int, error)
	// Activities returns an edition's activities matching the filter, newest first.
	Activities(ctx context.Context, f ActivityFilter, offset, limit int) ([]domain.Activity, error)
	// ImportActivities stores new units and activities with their events, all or nothing.
	ImportActivities(ctx context.Context, units []domain.Unit, acts []domain.Activity, evs []domain.ActivityEvent) error
}

// ActivityFilter narrows a listing.
type ActivityFilter struct {
	EditionID  string
	CountyCode string        // empty: any
	UnitID     uuid.UUID     // Nil: any
	Status     domain.Status // empty: any
	Form       domain.Form   // empty: any
	Theme      domain.Theme  // empty: any
	Query      string        // title contains
	PublicOnly bool          // approved, ordered by first session
	SignupOnly bool          // requires sign-up
	// TargetGroup keeps activities for that group; empty: any.
	TargetGroup domain.TargetGroup
	// From and To keep activities with a session overlapping [From, To); zero: any.
	From, To time.Time
}

// Editions stores editions.
type Editions interface {
	// Edition returns an edition, or errs.NotFound.
	Edition(ctx context.Context, id string) (domain.Edition, error)
	// Editions returns every edition, newest first.
	Editions(ctx context.Context) ([]domain.Edition, error)
	// CreateEdition stores a new edition with its event, or errs.Exists.
	CreateEdition(ctx context.Context, ev domain.EditionChanged) error
	// UpdateEdition replaces an edition with its event, refusing changes that would strand its
	// activities.
	UpdateEdition(ctx context.Context, ev domain.EditionChanged) error
	// PublishEditions writes EditionChanged events for the editions.
	PublishEditions(ctx context.Context, evs []domain.EditionChanged) error
}

// Units stores organizer units.
type Units interface {
	// CreateUnit stores a unit, or errs.Exists when its county has one of that name.
	CreateUnit(ctx context.Context, u domain.Unit) error
	// Unit returns a unit, or errs.NotFound.
	Unit(ctx context.Context, id uuid.UUID) (domain.Unit, error)
	// Units lists units, optionally of one county, by name.
	Units(ctx context.Context, county string, offset, limit int) ([]domain.Unit, error)
}

// Accounts stores the accounts people sign in with.
type Accounts interface {
	// Account returns an account, or errs.NotFound.
	Account(ctx context.Context, username string) (domain.Account, error)
	// SaveAccount creates or replaces an account.
	SaveAccount(ctx context.Context, a domain.Account) error
	// CreateAccount stores a new account, or errs.Exists.
	CreateAccount(ctx context.Context, a domain.Account) error
	// Accounts lists accounts, optionally of one county, by user name.
	Accounts(ctx context.Context, county string) ([]domain.Account, error)
	// UpdateAccount loads an account under a lock, lets change modify it and stores it; when
	// its token version rose, an AccountSessionsEnded event (ended says who and why) commits
	// with it. Unknown accounts are errs.NotFound.
	UpdateAccount(ctx context.Context, username string, change func(*domain.Account) error, ended domain.SessionsEnded) (domain.Account, error)
	// RecordLogin notes a successful sign-in.
	RecordLogin(ctx context.Context, username string, at time.Time) error
}

// Sessions is the service's own table of ended sessions, which its token verifier consults:
// the use cases raise it as soon as a change commits, before the event reaches other services.
type Sessions interface {
	End(username string, version int64)
}

// Nominations stores featured nominations with their events.
type Nominations interface {
	// CreateNomination stores a nomination, or errs.Exists for an activity nominated already.
	CreateNomination(ctx context.Context, n domain.Nomination, ev domain.NominationEvent) error
	// UpdateNomination changes a nomination under a lock with its event.
	UpdateNomination(ctx context.Context, activityID uuid.UUID, change func(*domain.Nomination) (domain.NominationEvent, error)) (domain.Nomination, error)
	// Nominations lists an edition's nominations.
	Nominations(ctx context.Context, edition, county string, status domain.NominationStatus) ([]domain.Nomination, error)
}

// Signups stores sign-ups. The session's row is locked while a sign-up changes, so places are
// never oversold however many people sign up at once.
type Signups interface {
	// SignUp locks the session, lets decide set the sign-up's status and ticket from the
	// session's current counts, and stores the sign-up with the new counts and its event. It
	// returns errs.Exists when the phone already holds a place or a waiting place in the
	// session.
	SignUp(ctx context.Context, s domain.Signup, phoneKey, manageKey []byte, decide func(domain.Session) (domain.Signup, error)) (domain.Signup, error)
	// Signup returns a sign-up and the hash of its manage code, or errs.NotFound.
	Signup(ctx context.Context, id uuid.UUID) (domain.Signup, []byte, error)
	// SignupByCode returns the sign-up made with the keyed phone hash whose manage code hashes
	// to manageHash; found is false when there is none.
	SignupByCode(ctx context.Context, phoneKey, manageHash []byte) (su domain.Signup, found bool, err error)
	// CancelSignup locks the session, lets check refuse, cancels the sign-up and gives its
	// place to the first on the waiting list, whose ticket promote makes.
	CancelSignup(ctx context.Context, id uuid.UUID, check func(domain.Signup, []byte) error, promote func(domain.Signup, domain.Session) (domain.Ticket, error)) (domain.Signup, *domain.Signup, error)
	// Signups lists an activity's sign-ups, optionally of one session.
	Signups(ctx context.Context, activityID, sessionID uuid.UUID) ([]domain.Signup, error)
}

// Keys keeps the service's secrets: generated on first use, never leaving the service.
type Keys interface {
	// SigningKey returns the Ed25519 key for a purpose.
	SigningKey(ctx context.Context, purpose string) (ed25519.PrivateKey, error)
}

// Venues answers questions about venues, which the venue service owns.
type Venues interface {
	// Venue returns the county and name of a venue, or errs.NotFound.
	Venue(ctx context.Context, id uuid.UUID) (county, name string, err error)
	// VenuesOf returns a county's venues by name.
	VenuesOf(ctx context.Context, county string) (map[string]uuid.UUID, error)
}

// Spreadsheets reads and writes the XLSX and CSV files people exchange.
type Spreadsheets interface {
	// Read returns every sheet of an XLSX, .xls or CSV file (by its name's extension).
	Read(fileName string, content []byte, encoding string) (sheet.Book, error)
	// Template returns the import template for an edition.
	Template(ed domain.Edition) ([]byte, error)
	// Featured returns the accepted featured list in the layout of 附件2.
	Featured(ed domain.Edition, rows []FeaturedRow) ([]byte, error)
	// SignupList returns an activity's sign-ups, phones masked.
	SignupList(a domain.Activity, loc *time.Location, signups []domain.Signup) ([]byte, error)
}

// FeaturedRow is one line of the featured list.
type FeaturedRow struct {
	Nomination domain.Nomination
	Activity   domain.Activity
}

// TokenIssuer signs access tokens.
type TokenIssuer interface {
	Issue(p auth.Principal) (string, time.Time, error)
}

// Deps are the service's collaborators.
type Deps struct {
	Activities   Activities
	Editions     Editions
	Units        Units
	Accounts     Accounts
	Nominations  Nominations
	Signups      Signups
	Keys         Keys
	Venues       Venues
	Spreadsheets Spreadsheets
	Tokens       TokenIssuer
	Sessions     Sessions
	Throttle     Throttle
	Retention    Retention
	// PhoneKey keys the phone hashes (domain.PhoneHash); it comes from outside the database.
	PhoneKey []byte
	// Log records what the service does on its own or on demand (erasures); nil logs nothing.
	Log *slog.Logger
	// Limits are the throttles' rules.
	Limits throttle.Limits
	Now    func() time.Time
}

// Service runs the registration use cases.
type Service struct {
	Deps
}

// New returns the use cases.
func New(d Deps) (*Service, error) {
	if d.Activities == nil || d.Editions == nil || d.Units == nil || d.Accounts == nil || d.Nominations == nil || d.Signups == nil ||
		d.Keys == nil || d.Venues == nil || d.Spreadsheets == nil || d.Tokens == nil || d.Throttle == nil || d.Retention == nil || d.Sessions == nil || d.Now == nil {
		return nil, errors.New("registration app: every dependency is required")
	}
	if len(d.PhoneKey) < 16 {
		return nil, errors.New("registration app: the phone key needs at least 16 bytes")
	}
	return &Service{Deps: d}, nil
}

// The caller's reach over an activity. Organizers reach their unit's activities, county admins
// their county's, the city admin all; viewers see everything and change nothing.

func canSee(p auth.Principal, a domain.Activity) bool {
	switch p.Role {
	case auth.RoleCityAdmin, auth.RoleViewer:
		return true
	case auth.RoleCountyAdmin:
		return p.CountyCode == a.CountyCode
	case auth.RoleOrganizer:
		return p.UnitID != "" && p.UnitID == a.UnitID.String()
	}
	return false
}

func canManage(p auth.Principal, a domain.Activity) bool {
	return canSee(p, a) && !p.Is(auth.RoleViewer)
}

func canReview(p auth.Principal, a domain.Activity) bool {
	return p.CanAdministerCounty(a.CountyCode)
}

// notFound hides what the caller may not see, so ids cannot be probed: the answer is the one of
// an id that does not exist.
func notFound(what errs.Reason, id uuid.UUID) error {
	return what.New("id", id)
}

// ticketKeyPurpose names an edition's ticket signing key.
func ticketKeyPurpose(edition string) string { return "ticket:" + edition }

// TicketKey returns the public key of an edition's tickets, generating the key pair the first
// time it is asked for.
func (s *Service) TicketKey(ctx context.Context, edition string) (ed25519.PublicKey, error) {
	if _, err := s.Editions.Edition(ctx, edition); err != nil {
		return nil, err
	}
	k, err := s.Keys.SigningKey(ctx, ticketKeyPurpose(edition))
	if err != nil {
		return nil, err
	}
	return k.Public().(ed25519.PublicKey), nil
}

// signTicket makes the ticket of a confirmed sign-up for session ses.
func (s *Service) signTicket(ctx context.Context, su domain.Signup, ses domain.Session) (domain.Ticket, error) {
	key, err := s.Keys.SigningKey(ctx, ticketKeyPurpose(su.EditionID))
	if err != nil {
		return domain.Ticket{}, err
	}
	from, until := domain.TicketWindow(ses)
	t := domain.Ticket{ID: uuid.New(), ValidFrom: from.Truncate(time.Second), ValidUntil: until.Truncate(time.Second)}
	holder := ticket.HolderAdult
	if su.AgeGroup == domain.AgeMinor {
		holder = ticket.HolderMinor
	}
	t.Payload, err = ticket.Sign(ticket.Ticket{EditionID: su.EditionID, ActivityID: su.ActivityID, SessionID: ses.ID, TicketID: t.ID,
		Holder: holder, ValidFrom: t.ValidFrom, ValidUntil: t.ValidUntil}, key)
	return t, err
}
