package domain_test

import (
	"crypto/ed25519"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/sciweek/sciweek/pkg/errs"
	"github.com/sciweek/sciweek/pkg/ticket"
	"github.com/sciweek/sciweek/services/checkin/internal/domain"
)

// catalog is the judge's view held in a map; in the service it is fed by events.
type catalog struct {
	activities map[uuid.UUID]domain.Activity
	keys       map[string]ed25519.PublicKey
	revoked    map[uuid.UUID]bool
	editions   map[string]domain.Edition
}

func (c catalog) Activity(id uuid.UUID) (domain.Activity, bool) {
	a, ok := c.activities[id]
	return a, ok
}
func (c catalog) TicketKey(e string) (ed25519.PublicKey, bool) { k, ok := c.keys[e]; return k, ok }
func (c catalog) Revoked(id uuid.UUID) bool                    { return c.revoked[id] }
func (c catalog) Edition(id string) (domain.Edition, bool) {
	e, ok := c.editions[id]
	return e, ok
}

func TestScanCheck(t *testing.T) {
	t.Parallel()
	venue := uuid.New()
	term := domain.Terminal{ID: uuid.New(), VenueID: venue, CountyCode: "140105"}
	now := time.Date(2024, 5, 26, 9, 30, 0, 0, time.UTC)
	walkIn := func(mod func(*domain.Scan)) domain.Scan {
		s := domain.Scan{Sequence: 7, OccurredAt: now, VenueID: venue, ActivityID: uuid.New(), Kind: domain.KindWalkIn, Category: domain.CategoryYoungPerson, Headcount: 12}
		if mod != nil {
			mod(&s)
		}
		return s
	}
	tests := []struct {
		name string
		scan domain.Scan
		want errs.Kind // 0: accepted
	}{
		{"walk-in", walkIn(nil), 0},
		{"ticket", walkIn(func(s *domain.Scan) { s.Kind, s.TicketPayload, s.ActivityID = domain.KindTicket, "SW1:X", uuid.Nil }), 0},
		{"group of teachers only", walkIn(func(s *domain.Scan) { s.Kind, s.Headcount, s.Adults = domain.KindGroup, 0, 2 }), 0},
		{"check-out", walkIn(func(s *domain.Scan) { s.Kind = domain.KindCheckout }), 0},
		{"another venue", walkIn(func(s *domain.Scan) { s.VenueID = uuid.New() }), errs.PermissionDenied},
		{"zero headcount", walkIn(func(s *domain.Scan) { s.Headcount = 0 }), errs.Invalid},
		{"too many at once", walkIn(func(s *domain.Scan) { s.Headcount = domain.MaxHeadcount + 1 }), errs.Invalid},
		{"walk-in without category", walkIn(func(s *domain.Scan) { s.Category = domain.CategoryUnspecified }), errs.Invalid},
		{"ticket without payload", walkIn(func(s *domain.Scan) { s.Kind = domain.KindTicket }), errs.Invalid},
		{"empty group", walkIn(func(s *domain.Scan) { s.Kind, s.Headcount, s.Adults = domain.KindGroup, 0, 0 }), errs.Invalid},
		{"walk-in without activity", walkIn(func(s *domain.Scan) { s.ActivityID = uuid.Nil }), errs.Invalid},
		{"sequence zero", walkIn(func(s *domain.Scan) { s.Sequence = 0 }), errs.Invalid},
		{"no time", walkIn(func(s *domain.Scan) { s.OccurredAt = time.Time{} }), errs.Invalid},
		{"unknown kind", walkIn(func(s *domain.Scan) { s.Kind = 9 }), errs.Invalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.scan.Check(term)
			if tt.want == 0 && err != nil {
				t.Fatal(err)
			}
			if tt.want != 0 && errs.KindOf(err) != tt.want {
				t.Fatalf("err = %v, want kind %v", err, tt.want)
			}
		})
	}
}

func TestJudge(t *testing.T) {
	t.Parallel()
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	_, otherPriv, _ := ed25519.GenerateKey(nil)
	venue := domain.Venue{ID: uuid.New(), CountyCode: "140105"}
	term := domain.Terminal{ID: uuid.New(), VenueID: venue.ID, CountyCode: "140105"}
	start := time.Date(2024, 5, 26, 9, 0, 0, 0, time.UTC)
	act := domain.Activity{ID: uuid.New(), EditionID: "2024", CountyCode: "140105", VenueID: venue.ID, Approved: true,
		Sessions: []domain.Session{{StartsAt: start, EndsAt: start.Add(2 * time.Hour)}}}
	elsewhere := domain.Activity{ID: uuid.New(), EditionID: "2024", VenueID: uuid.New(), Approved: true}
	pending := domain.Activity{ID: uuid.New(), EditionID: "2024", VenueID: venue.ID}
	revoked := uuid.New()
	c := catalog{
		activities: map[uuid.UUID]domain.Activity{act.ID: act, elsewhere.ID: elsewhere, pending.ID: pending},
		keys:       map[string]ed25519.PublicKey{"2024": pub},
		revoked:    map[uuid.UUID]bool{revoked: true},
	}
	sign := func(activity uuid.UUID, id uuid.UUID, key ed25519.PrivateKey) string {
		p, err := ticket.Sign(ticket.Ticket{EditionID: "2024", ActivityID: activity, TicketID: id, Holder: ticket.HolderMinor,
			ValidFrom: start.Add(-time.Hour), ValidUntil: start.Add(3 * time.Hour)}, key)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	scan := func(kind domain.Kind, payload string, at time.Time) domain.Scan {
		s := domain.Scan{Sequence: 1, OccurredAt: at, VenueID: venue.ID, Kind: kind, TicketPayload: payload, Headcount: 1, Category: domain.CategoryAdult}
		if kind != domain.KindTicket {
			s.ActivityID = act.ID
		}
		return s
	}
	during := start.Add(30 * time.Minute)
	walkInFor := func(activity uuid.UUID) domain.Scan {
		s := scan(domain.KindWalkIn, "", during)
		s.ActivityID = activity
		return s
	}
	// The scans whose edition cannot be known: a ticket that does not verify, an activity the
	// catalogue does not hold. Every other record, refused or not, carries its edition, so the
	// statistics count it in one.
	editionless := map[string]bool{"forged ticket": true, "not a ticket": true, "walk-in for an unknown activity": true}
	tests := []struct {
		name    string
		scan    domain.Scan
		refusal domain.Refusal
		anomaly domain.Anomalies
	}{
		{"valid ticket", scan(domain.KindTicket, sign(act.ID, uuid.New(), priv), during), domain.RefusalNone, 0},
		{"walk-in", scan(domain.KindWalkIn, "", during), domain.RefusalNone, 0},
		{"walk-in long after the session", scan(domain.KindWalkIn, "", start.Add(5*time.Hour)), domain.RefusalNone, domain.AnomalyOutsideSession},
		{"forged ticket", scan(domain.KindTicket, sign(act.ID, uuid.New(), otherPriv), during), domain.RefusalInvalidSignature, 0},
		{"not a ticket", scan(domain.KindTicket, "hello", during), domain.RefusalInvalidSignature, 0},
		{"ticket for another venue", scan(domain.KindTicket, sign(elsewhere.ID, uuid.New(), priv), during), domain.RefusalWrongVenue, 0},
		{"ticket before its window", scan(domain.KindTicket, sign(act.ID, uuid.New(), priv), start.Add(-2*time.Hour)), domain.RefusalNotYetValid, 0},
		{"ticket after its window", scan(domain.KindTicket, sign(act.ID, uuid.New(), priv), start.Add(4*time.Hour)), domain.RefusalExpired, 0},
		{"revoked ticket", scan(domain.KindTicket, sign(act.ID, revoked, priv), during), domain.RefusalRevoked, 0},
		{"ticket of an activity not approved", scan(domain.KindTicket, sign(pending.ID, uuid.New(), priv), during), domain.RefusalActivityNotOpen, 0},
		{"walk-in for another venue's activity", walkInFor(elsewhere.ID), domain.RefusalWrongVenue, 0},
		{"walk-in for an activity not approved", walkInFor(pending.ID), domain.RefusalActivityNotOpen, 0},
		{"walk-in for an unknown activity", walkInFor(uuid.New()), domain.RefusalActivityNotOpen, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// Judged when the terminal uploads, after every scan of the table happened.
			r := domain.Judge(c, term, venue, tt.scan, start.Add(6*time.Hour))
			if r.Refusal != tt.refusal || (r.Outcome == domain.Refused) != (tt.refusal != domain.RefusalNone) {
				t.Fatalf("outcome %d refusal %d, want refusal %d", r.Outcome, r.Refusal, tt.refusal)
			}
			if r.Anomalies != tt.anomaly {
				t.Fatalf("anomalies %b, want %b", r.Anomalies, tt.anomaly)
			}
			if r.CountyCode != "140105" || r.TerminalID != term.ID {
				t.Fatalf("record = %+v", r)
			}
			if want := map[bool]string{false: "2024", true: ""}[editionless[tt.name]]; r.EditionID != want {
				t.Fatalf("edition %q, want %q", r.EditionID, want)
			}
			if tt.scan.Kind == domain.KindTicket && tt.refusal == domain.RefusalNone && (r.Scan.Category != domain.CategoryYoungPerson || r.Scan.Headcount != 1) {
				t.Fatalf("a minor's ticket counts one young person, got %+v", r.Scan)
			}
		})
	}
}

func TestGateFlagsBursts(t *testing.T) {
	t.Parallel()
	at := time.Date(2024, 5, 26, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		kind  domain.Kind
		gaps  []time.Duration
		burst []bool
	}{
		{"people walking", domain.KindTicket, []time.Duration{0, time.Second, 2 * time.Second}, []bool{false, false, false}},
		{"faster than people walk", domain.KindTicket, []time.Duration{0, 100 * time.Millisecond, 200 * time.Millisecond}, []bool{false, true, true}},
		{"groups come together", domain.KindGroup, []time.Duration{0, 10 * time.Millisecond}, []bool{false, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var g domain.Gate
			for i, gap := range tt.gaps {
				r := domain.Record{Scan: domain.Scan{Kind: tt.kind, OccurredAt: at.Add(gap), Headcount: 30}}
				g.Pass(&r)
				if got := r.Anomalies&domain.AnomalyBurst != 0; got != tt.burst[i] {
					t.Fatalf("scan %d burst = %v", i, got)
				}
			}
		})
	}
}

func TestSkewed(t *testing.T) {
	t.Parallel()
	now := time.Date(2024, 5, 26, 9, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		name string
		sent time.Time
		want bool
	}{
		{"not stamped", time.Time{}, false},
		{"in step", now.Add(-3 * time.Second), false},
		{"behind", now.Add(-10 * time.Minute), true},
		{"ahead", now.Add(10 * time.Minute), true},
	} {
		if got := domain.Skewed(tt.sent, now); got != tt.want {
			t.Errorf("%s: skewed = %v", tt.name, got)
		}
	}
}

// TestDoorEdition: a refusal whose own edition cannot be read counts in the edition the door was
// serving at the time, when exactly one fits.
func TestDoorEdition(t *testing.T) {
	t.Parallel()
	venue := uuid.New()
	day := func(d int, h int) time.Time { return time.Date(2024, 5, d, h, 0, 0, 0, time.UTC) }
	act := func(edition string, d int) domain.Activity {
		return domain.Activity{ID: uuid.New(), EditionID: edition, VenueID: venue, Approved: true,
			Sessions: []domain.Session{{StartsAt: day(d, 9), EndsAt: day(d, 11)}}}
	}
	c := catalog{}
	now := day(31, 12)
	tests := []struct {
		name string
		acts []domain.Activity
		at   time.Time
		want string
	}{
		{"the venue's one edition", []domain.Activity{act("2024", 26), act("2024", 27)}, day(26, 10), "2024"},
		{"a time no edition covers", []domain.Activity{act("2024", 26)}, day(1, 10).AddDate(0, -2, 0), ""},
		{"two editions at once", []domain.Activity{act("2024", 26), act("demo", 26)}, day(26, 10), ""},
		{"no activities", nil, day(26, 10), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := domain.DoorEdition(c, tt.acts, tt.at, now); got != tt.want {
				t.Fatalf("edition %q, want %q", got, tt.want)
			}
		})
	}
}
