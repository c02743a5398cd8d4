// Package app holds check-in's use cases: judging a terminal's scans against the in-memory
// catalog, recording them durably and exactly once, and knowing which terminal is calling.
package app

import (
	"context"
	"errors"
	"sort"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/sciweek/sciweek/pkg/auth"
	"github.com/sciweek/sciweek/pkg/errs"
	"github.com/sciweek/sciweek/services/checkin/internal/domain"
)

// Catalog is check-in's local copy of what it needs from the venue and registration services,
// kept in memory and up to date from their events, so the hot path makes no calls.
type Catalog interface {
	domain.Catalog
	// Terminal returns a known terminal.
	Terminal(id uuid.UUID) (domain.Terminal, bool)
	// Venue returns a known venue.
	Venue(id uuid.UUID) (domain.Venue, bool)
	// ActivitiesAt returns the approved activities held at a venue.
	ActivitiesAt(venue uuid.UUID) []domain.Activity
}

// Recorder stores judged records durably. Save returns once the records and their events are
// committed to disk, with each record's final state: a replayed sequence number comes back as
// its first record (replayed set), and a ticket admitted before as an already-checked-in
// refusal. It answers errs.Exhausted, with a retry delay, when it is full.
type Recorder interface {
	Save(ctx context.Context, records []domain.Record) ([]Stored, error)
}

// Stored is a record as stored.
type Stored struct {
	Record   domain.Record
	Replayed bool
	// FirstDoor names the terminal that admitted the ticket first, for already-checked-in
	// refusals, when known.
	FirstDoor string
}

// Service runs the check-in use cases.
type Service struct {
	catalog       Catalog
	catalogWriter CatalogWriter
	tickets       TicketStore
	recorder      Recorder
	door          DoorStore
	doorCatalog   DoorCatalog
	now           func() time.Time
	loc           *time.Location

	gatesMu sync.Mutex
	gates   map[uuid.UUID]*domain.Gate
}

// New returns the use cases; loc is the city's time zone, which says what "today" is.
func New(catalog interface {
	Catalog
	DoorCatalog
	CatalogWriter
}, recorder Recorder, door interface {
	DoorStore
	TicketStore
}, now func() time.Time, loc *time.Location) (*Service, error) {
	if catalog == nil || recorder == nil || door == nil || now == nil || loc == nil {
		return nil, errors.New("checkin app: catalog, recorder, door store, clock and location are required")
	}
	return &Service{catalog: catalog, doorCatalog: catalog, catalogWriter: catalog, tickets: door, recorder: recorder, door: door, now: now, loc: loc,
		gates: map[uuid.UUID]*domain.Gate{}}, nil
}

// Greeting is what a terminal learns when it says hello.
type Greeting struct {
	Terminal domain.Terminal
	Now      time.Time
	Skewed   bool
	// Activities are the approved activities at the terminal's venue with a session today;
	// their Sessions are today's only.
	Activities []domain.Activity
}

// Hello tells a terminal about itself, the server's clock and today's activities at its venue.
func (s *Service) Hello(_ context.Context, p auth.Principal, sentAt time.Time) (Greeting, error) {
	term, err := s.terminal(p)
	if err != nil {
		return Greeting{}, err
	}
	now := s.now()
	g := Greeting{Terminal: term, Now: now, Skewed: domain.Skewed(sentAt, now)}
	for _, a := range s.catalog.ActivitiesAt(term.VenueID) {
		if a.Sessions = a.SessionsOn(now, s.loc); len(a.Sessions) > 0 {
			g.Activities = append(g.Activities, a)
		}
	}
	sort.Slice(g.Activities, func(i, j int) bool {
		a, b := g.Activities[i].Sessions[0].StartsAt, g.Activities[j].Sessions[0].StartsAt
		return a.Before(b) || (a.Equal(b) && g.Activities[i].Title < g.Activities[j].Title)
	})
	return g, nil
}

// terminal returns the calling terminal.
func (s *Service) terminal(p auth.Principal) (domain.Terminal, error) {
	if !p.Is(auth.RoleTerminal) {
		return domain.Terminal{}, ErrTerminalsOnly.New()
	}
	id, err := uuid.Parse(p.Subject)
	if err != nil {
		return domain.Terminal{}, ErrTerminalIdentity.New()
	}
	term, ok := s.catalog.Terminal(id)
	if !ok {
		return domain.Terminal{}, ErrTerminalNotKnown.New()
	}
	return term, nil
}

// Record judges and records a terminal's scans (one, or a batch) and returns their results in
// the order given, once they are durable. A scan a terminal should never send fails the whole
// request and nothing is stored.
func (s *Service) Record(ctx context.Context, p auth.Principal, scans []domain.Scan, sentAt time.Time) ([]Stored, error) {
	term, err := s.terminal(p)
	if err != nil {
		return nil, err
	}
	now := s.now()
	skewed := domain.Skewed(sentAt, now)
	records := make([]domain.Record, len(scans))
	for i, sc := range scans {
		v, ok := s.catalog.Venue(sc.VenueID)
		if !ok {
			return nil, ErrVenueNotKnown.New("venue", sc.VenueID)
		}
		if err := sc.Check(term); err != nil {
			return nil, err
		}
		records[i] = domain.Judge(s.catalog, term, v, sc, now)
		if records[i].Outcome == domain.Refused && records[i].EditionID == "" {
			// Rare (a damaged ticket, an unknown activity), so the walk over the venue's
			// activities stays off the admitted scans' path.
			records[i].EditionID = domain.DoorEdition(s.catalog, s.catalog.ActivitiesAt(v.ID), sc.OccurredAt, now)
		}
		if skewed {
			records[i].Anomalies |= domain.AnomalyClockSkew
		}
	}
	s.flagBursts(term.ID, records)
	stored, err := s.recorder.Save(ctx, records)
	if err != nil {
		return nil, err
	}
	for i := range stored {
		if id := stored[i].Record.FirstTerminalID; id != uuid.Nil {
			if t, ok := s.catalog.Terminal(id); ok {
				stored[i].FirstDoor = t.Name
			}
		}
	}
	return stored, nil
}

// flagBursts passes a terminal's records through its gate in the order they happened.
func (s *Service) flagBursts(terminal uuid.UUID, records []domain.Record) {
	order := make([]int, len(records))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		return records[order[a]].Scan.OccurredAt.Before(records[order[b]].Scan.OccurredAt)
	})
	s.gatesMu.Lock()
	defer s.gatesMu.Unlock()
	g, ok := s.gates[terminal]
	if !ok {
		g = &domain.Gate{}
		s.gates[terminal] = g
	}
	for _, i := range order {
		g.Pass(&records[i])
	}
}

// NewTerminalAuthenticator checks terminal credentials against the catalog: the terminal must be
// known, the credential's hash must match and the terminal must not be revoked. seen, if set,
// hears of every authenticated call, for the registry's last-seen times.
func NewTerminalAuthenticator(catalog Catalog, seen func(ctx context.Context, terminal, venue uuid.UUID, at time.Time), now func() time.Time) *auth.TerminalAuthenticator {
	lookup := func(_ context.Context, id uuid.UUID) (auth.TerminalRecord, bool, error) {
		t, ok := catalog.Terminal(id)
		r := auth.TerminalRecord{ID: t.ID, VenueID: t.VenueID, CountyCode: t.CountyCode, CredentialHash: t.CredentialHash}
		if t.Revoked {
			r.Refusal = ErrTerminalRevoked.New("terminal", t.ID)
		}
		return r, ok, nil
	}
	var heard func(context.Context, auth.TerminalRecord)
	if seen != nil {
		heard = func(ctx context.Context, t auth.TerminalRecord) { seen(ctx, t.ID, t.VenueID, now()) }
	}
	return auth.NewTerminalAuthenticator(lookup, ErrTerminalNotKnown, heard)
}

// The refusals of a terminal's credential at check-in.
var (
	ErrTerminalRevoked = errs.Reason{Code: "TERMINAL_REVOKED", Kind: errs.Unauthenticated,
		English: "terminal {terminal} has been revoked",
		Chinese: "此终端已被撤销，不能再签到；如需继续使用，请在管理后台重新登记终端"}
	ErrTerminalsOnly = errs.Reason{Code: "CHECKIN_TERMINALS_ONLY", Kind: errs.PermissionDenied,
		English: "only check-in terminals record scans",
		Chinese: "只有签到终端可以记录入场"}
	ErrTerminalIdentity = errs.Reason{Code: "TERMINAL_IDENTITY_MALFORMED", Kind: errs.Unauthenticated,
		English: "terminal identity is malformed",
		Chinese: "终端身份无法识别，请重新配对"}
	ErrVenueNotKnown = errs.Reason{Code: "CHECKIN_VENUE_NOT_KNOWN", Kind: errs.NotFound,
		English: "venue {venue} is not known",
		Chinese: "签到服务还不认识这个场馆：新登记的场馆几秒钟后即可使用，请稍后重试"}
	ErrTerminalNotKnown = errs.Reason{Code: "TERMINAL_NOT_KNOWN_YET", Kind: errs.Unauthenticated,
		English: "terminal credential is not known (new terminals are recognised within seconds)",
		Chinese: "签到服务还不认识此终端：新登记的终端几秒钟后即可使用，请稍后重试"}
)
