package domain_test

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/sciweek/sciweek/services/reporting/internal/stats/domain"
)

func TestFoldCountsEachKindOfRecord(t *testing.T) {
	t.Parallel()
	loc := taiyuan(t)
	venue, activity, terminal, ticket := uuid.New(), uuid.New(), uuid.New(), uuid.New()
	at := time.Date(2024, 5, 26, 2, 0, 0, 0, time.UTC) // 10:00 in Taiyuan
	base := domain.CheckinRecord{EditionID: "2024", CountyCode: "140105", VenueID: venue, ActivityID: activity, OccurredAt: at, RecordedAt: at}
	day := domain.CountKey{EditionID: "2024", CountyCode: "140105", Day: "2024-05-26", VenueID: venue, ActivityID: activity}
	with := func(f func(*domain.CheckinRecord)) domain.CheckinRecord { r := base; f(&r); return r }
	tests := []struct {
		name   string
		record domain.CheckinRecord
		check  func(t *testing.T, tl *domain.Tally)
	}{
		{"a ticket counts its holder once", with(func(r *domain.CheckinRecord) {
			r.Kind, r.Category, r.TicketID = domain.RecordTicket, domain.CategoryYoungPerson, ticket
		}), func(t *testing.T, tl *domain.Tally) {
			if c := tl.Counts[day]; c.Ticketed != 1 || c.YoungPeople != 1 || len(tl.Tickets) != 1 || tl.Tickets[0].TicketID != ticket {
				t.Fatalf("counts %+v, tickets %v", c, tl.Tickets)
			}
		}},
		{"a walk-in counts its headcount in its category", with(func(r *domain.CheckinRecord) {
			r.Kind, r.Category, r.Headcount = domain.RecordWalkIn, domain.CategoryScienceWorker, 3
		}), func(t *testing.T, tl *domain.Tally) {
			if c := tl.Counts[day]; c.WalkIns != 3 || c.ScienceWorkers != 3 {
				t.Fatalf("counts %+v", c)
			}
		}},
		{"a group counts its young people and its teachers as adults", with(func(r *domain.CheckinRecord) {
			r.Kind, r.Headcount, r.Adults = domain.RecordGroup, 40, 3
		}), func(t *testing.T, tl *domain.Tally) {
			if c := tl.Counts[day]; c.WalkIns != 43 || c.YoungPeople != 40 || c.Adults != 3 {
				t.Fatalf("counts %+v", c)
			}
		}},
		{"a checkout leaves the venue and counts no one", with(func(r *domain.CheckinRecord) {
			r.Kind, r.Headcount = domain.RecordCheckout, 2
		}), func(t *testing.T, tl *domain.Tally) {
			if f, _ := tl.Flow(domain.OccupancyKey{VenueID: venue, Day: "2024-05-26"}); f.Exited != 2 || len(tl.Counts) != 0 {
				t.Fatalf("flow %+v, counts %v", f, tl.Counts)
			}
		}},
		{"an over-capacity admission names its door", with(func(r *domain.CheckinRecord) {
			r.Kind, r.Category, r.Headcount, r.OverCapacity, r.TerminalID = domain.RecordWalkIn, domain.CategoryAdult, 1, true, terminal
		}), func(t *testing.T, tl *domain.Tally) {
			if n := tl.OverCapacity[domain.OverCapacityKey{VenueID: venue, Day: "2024-05-26", TerminalID: terminal}]; n != 1 {
				t.Fatalf("over capacity %v", tl.OverCapacity)
			}
		}},
		{"a refusal counts on the day it happened", with(func(r *domain.CheckinRecord) {
			r.Kind, r.Refused, r.Refusal = domain.RecordTicket, true, domain.RefusalRevoked
		}), func(t *testing.T, tl *domain.Tally) {
			if n := tl.Refusals[domain.RefusalKey{EditionID: "2024", CountyCode: "140105", Day: "2024-05-26", VenueID: venue, Reason: domain.RefusalRevoked}]; n != 1 || len(tl.Counts) != 0 {
				t.Fatalf("refusals %v, counts %v", tl.Refusals, tl.Counts)
			}
		}},
		{"a refusal from a broken clock counts on the day it was recorded", with(func(r *domain.CheckinRecord) {
			r.Kind, r.Refused, r.Refusal = domain.RecordWalkIn, true, domain.RefusalTimeOutOfRange
			r.OccurredAt = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
		}), func(t *testing.T, tl *domain.Tally) {
			if n := tl.Refusals[domain.RefusalKey{EditionID: "2024", CountyCode: "140105", Day: "2024-05-26", VenueID: venue, Reason: domain.RefusalTimeOutOfRange}]; n != 1 {
				t.Fatalf("refusals %v", tl.Refusals)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tl := domain.NewTally(loc)
			tl.Fold(tt.record)
			tt.check(t, tl)
		})
	}
}

func TestEditionDefaultsAndTheOnlineRule(t *testing.T) {
	t.Parallel()
	if e := (domain.Edition{ID: "2024"}).WithDefaults(); e.TimeZone != "Asia/Shanghai" || e.MaxVideoSeconds != 180 {
		t.Fatalf("defaults %+v", e)
	}
	if e := (domain.Edition{TimeZone: "Asia/Urumqi", MaxVideoSeconds: 60}).WithDefaults(); e.TimeZone != "Asia/Urumqi" || e.MaxVideoSeconds != 60 {
		t.Fatalf("set values replaced: %+v", e)
	}
	for _, tc := range []struct {
		name   string
		form   domain.Form
		venue  uuid.UUID
		online bool
	}{
		{"online interaction", domain.FormOnlineInteraction, uuid.New(), true},
		{"no venue", 1, uuid.Nil, true},
		{"a lecture at a venue", 1, uuid.New(), false},
	} {
		if got := domain.IsOnline(tc.form, tc.venue); got != tc.online {
			t.Errorf("%s: IsOnline = %v", tc.name, got)
		}
	}
}
