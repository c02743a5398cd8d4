package domain_test

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/sciweek/sciweek/pkg/errs"
	"github.com/sciweek/sciweek/services/checkin/internal/domain"
)

func TestNewRecord(t *testing.T) {
	t.Parallel()
	venue := domain.Venue{ID: uuid.New(), CountyCode: "140105"}
	other := uuid.New()
	term := domain.Terminal{ID: uuid.New(), VenueID: venue.ID, CountyCode: "140105"}
	act := domain.Activity{ID: uuid.New(), EditionID: "2024", CountyCode: "140105", VenueID: venue.ID, Approved: true}
	now := time.Date(2024, 5, 26, 9, 30, 0, 0, time.UTC)
	walkIn := func(mod func(*domain.Scan)) domain.Scan {
		s := domain.Scan{Sequence: 7, OccurredAt: now, VenueID: venue.ID, ActivityID: act.ID, Kind: domain.KindWalkIn, Category: domain.CategoryYoungPerson, Headcount: 12}
		if mod != nil {
			mod(&s)
		}
		return s
	}
	tests := []struct {
		name     string
		term     domain.Terminal
		act      domain.Activity
		scan     domain.Scan
		wantKind errs.Kind
		ok       bool
	}{
		{"walk-in admitted", term, act, walkIn(nil), 0, true},
		{"ticket admitted counts one", term, act, walkIn(func(s *domain.Scan) { s.Kind, s.TicketKey = domain.KindTicket, "T-1" }), 0, true},
		{"terminal of another venue", domain.Terminal{ID: term.ID, VenueID: other}, act, walkIn(nil), errs.PermissionDenied, false},
		{"activity not approved", term, domain.Activity{ID: act.ID, VenueID: venue.ID}, walkIn(nil), errs.FailedPrecondition, false},
		{"activity at another venue", term, domain.Activity{ID: act.ID, VenueID: other, Approved: true}, walkIn(nil), errs.FailedPrecondition, false},
		{"zero headcount", term, act, walkIn(func(s *domain.Scan) { s.Headcount = 0 }), errs.Invalid, false},
		{"too many at once", term, act, walkIn(func(s *domain.Scan) { s.Headcount = domain.MaxHeadcount + 1 }), errs.Invalid, false},
		{"walk-in without category", term, act, walkIn(func(s *domain.Scan) { s.Category = domain.CategoryUnspecified }), errs.Invalid, false},
		{"ticket without payload", term, act, walkIn(func(s *domain.Scan) { s.Kind = domain.KindTicket }), errs.Invalid, false},
		{"sequence zero", term, act, walkIn(func(s *domain.Scan) { s.Sequence = 0 }), errs.Invalid, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, err := domain.NewRecord(tt.term, venue, tt.act, tt.scan, now)
			if tt.ok {
				if err != nil {
					t.Fatal(err)
				}
				if r.Outcome != domain.Admitted || r.Scan.TerminalID != term.ID || r.CountyCode != "140105" || r.EditionID != "2024" {
					t.Fatalf("record = %+v", r)
				}
				if r.Scan.Kind == domain.KindTicket && r.Scan.Headcount != 1 {
					t.Fatalf("ticket headcount = %d", r.Scan.Headcount)
				}
				if !r.SameScan(r.Scan) {
					t.Fatal("a record is not the same scan as itself")
				}
				return
			}
			if errs.KindOf(err) != tt.wantKind {
				t.Fatalf("err = %v, want kind %v", err, tt.wantKind)
			}
		})
	}
}
