package domain_test

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/sciweek/sciweek/services/reporting/internal/stats/domain"
)

func taiyuan(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestDayIsTheCitysCalendarDay(t *testing.T) {
	t.Parallel()
	loc := taiyuan(t)
	tests := []struct {
		name string
		at   time.Time
		want string
	}{
		{"late evening UTC is next morning in Taiyuan", time.Date(2024, 5, 25, 23, 30, 0, 0, time.UTC), "2024-05-26"},
		{"morning UTC is the same afternoon", time.Date(2024, 5, 25, 6, 0, 0, 0, time.UTC), "2024-05-25"},
		{"one minute before local midnight", time.Date(2024, 5, 25, 15, 59, 0, 0, time.UTC), "2024-05-25"},
		{"local midnight", time.Date(2024, 5, 25, 16, 0, 0, 0, time.UTC), "2024-05-26"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := domain.Day(tt.at, loc); got != tt.want {
				t.Fatalf("Day(%v) = %s, want %s", tt.at, got, tt.want)
			}
		})
	}
}

func TestTallyFoldsABatchIntoOneIncrementPerRow(t *testing.T) {
	t.Parallel()
	venue, act := uuid.New(), uuid.New()
	at := time.Date(2024, 5, 26, 2, 0, 0, 0, time.UTC)
	tally := domain.NewTally(taiyuan(t))
	admit := func(ticketed bool, p domain.People) {
		tally.Admit(domain.Admission{EditionID: "2024", CountyCode: "140105", VenueID: venue, ActivityID: act, Ticketed: ticketed, People: p, OccurredAt: at,
			TicketID: map[bool]uuid.UUID{true: uuid.New()}[ticketed]})
	}
	admit(true, domain.PeopleOf(domain.CategoryYoungPerson, 1))
	admit(true, domain.PeopleOf(domain.CategoryUnspecified, 1))
	admit(false, domain.People{YoungPeople: 28, Adults: 2}) // a class and its teachers
	admit(false, domain.PeopleOf(domain.CategoryVolunteer, 12))
	// An offline terminal's scan from an hour earlier lands in its own hour.
	tally.Admit(domain.Admission{EditionID: "2024", CountyCode: "140105", VenueID: venue, ActivityID: act, People: domain.PeopleOf(domain.CategoryScienceWorker, 3),
		OccurredAt: at.Add(-time.Hour)})
	tally.Refuse(domain.Refusal{EditionID: "2024", CountyCode: "140105", VenueID: venue, Reason: 1, OccurredAt: at})
	tally.Refuse(domain.Refusal{EditionID: "2024", CountyCode: "140105", VenueID: venue, Reason: 1, OccurredAt: at})
	if len(tally.Counts) != 1 || len(tally.Refusals) != 1 || len(tally.Hours) != 2 || len(tally.Tickets) != 2 {
		t.Fatalf("rows: %d counts, %d refusals, %d hours, %d tickets; want 1, 1, 2 and 2", len(tally.Counts), len(tally.Refusals), len(tally.Hours), len(tally.Tickets))
	}
	for k, c := range tally.Counts {
		want := domain.Counts{Ticketed: 2, WalkIns: 45, People: domain.People{YoungPeople: 29, Adults: 3, ScienceWorkers: 3, Volunteers: 12}}
		if k.Day != "2024-05-26" || c != want {
			t.Fatalf("%+v = %+v, want %+v", k, c, want)
		}
	}
	for k, n := range tally.Hours {
		if want := map[int]int64{10: 44, 9: 3}[k.Hour]; n != want {
			t.Fatalf("hour %d: %d people, want %d", k.Hour, n, want)
		}
	}
	for _, n := range tally.Refusals {
		if n != 2 {
			t.Fatalf("refusals = %d, want 2", n)
		}
	}
}

func TestOverviewSumsCounties(t *testing.T) {
	t.Parallel()
	o := domain.NewOverview("2024", []domain.CountyTotals{
		{CountyCode: "140181", Totals: domain.Totals{Ticketed: 5, WalkIns: 1, Today: 2}},
		{CountyCode: "140105", Totals: domain.Totals{Ticketed: 10, WalkIns: 20, Today: 3}},
	}, 4, 99, time.Now())
	if o.City.Participations() != 36 || o.City.Today != 5 || o.Counties[0].CountyCode != "140105" {
		t.Fatalf("overview = %+v", o)
	}
}
