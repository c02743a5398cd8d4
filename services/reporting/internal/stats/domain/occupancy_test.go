package domain_test

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/sciweek/sciweek/services/reporting/internal/stats/domain"
)

func TestLevelOf(t *testing.T) {
	t.Parallel()
	hall := domain.VenueLimits{SafeCapacity: 200, WarnPercent: 80, AlarmPercent: 95}
	tests := []struct {
		name   string
		limits domain.VenueLimits
		inside int64
		want   domain.Level
	}{
		{"empty", hall, 0, domain.LevelNormal},
		{"just below warning", hall, 159, domain.LevelNormal},
		{"at warning", hall, 160, domain.LevelWarning},
		{"just below alarm", hall, 189, domain.LevelWarning},
		{"at alarm", hall, 190, domain.LevelAlarm},
		{"over capacity", hall, 500, domain.LevelAlarm},
		{"no capacity on file", domain.VenueLimits{}, 10000, domain.LevelNormal},
		{"default thresholds warn at 80%", domain.VenueLimits{SafeCapacity: 100}, 80, domain.LevelWarning},
		{"default thresholds alarm at 100%", domain.VenueLimits{SafeCapacity: 100}, 100, domain.LevelAlarm},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.limits.LevelOf(tt.inside); got != tt.want {
				t.Fatalf("LevelOf(%d) = %d, want %d", tt.inside, got, tt.want)
			}
		})
	}
}

func TestOccupancyClosesAtTheEndOfTheDay(t *testing.T) {
	t.Parallel()
	loc := taiyuan(t)
	venue := uuid.New()
	tally := domain.NewTally(loc)
	evening := time.Date(2024, 5, 25, 20, 0, 0, 0, loc)
	tally.Admit(domain.Admission{EditionID: "2024", CountyCode: "140105", VenueID: venue, People: domain.People{Adults: 40}, OccurredAt: evening})
	tally.Leave(domain.Exit{CountyCode: "140105", VenueID: venue, Headcount: 30, OccurredAt: evening.Add(time.Hour)})
	tally.Admit(domain.Admission{EditionID: "2024", CountyCode: "140105", VenueID: venue, People: domain.People{YoungPeople: 5}, OccurredAt: evening.Add(13 * time.Hour)})
	// More check-outs than check-ins the next morning: nobody is inside, not minus people.
	tally.Leave(domain.Exit{CountyCode: "140105", VenueID: venue, Headcount: 9, OccurredAt: evening.Add(14 * time.Hour)})
	if got := flowOf(tally, venue, "2024-05-25"); got != 10 {
		t.Fatalf("inside on the 25th = %d, want 10", got)
	}
	if got := flowOf(tally, venue, "2024-05-26"); got != 0 {
		t.Fatalf("inside on the 26th = %d, want 0", got)
	}
}

func TestSummarizeKeepsTheFullest(t *testing.T) {
	t.Parallel()
	occ := func(name string, capacity, in int64, level domain.Level) domain.Occupancy {
		return domain.Occupancy{VenueLimits: domain.VenueLimits{Name: name, SafeCapacity: capacity}, Flow: domain.Flow{Entered: in}, Level: level}
	}
	s := domain.Summarize([]domain.Occupancy{
		occ("farm", 0, 500, domain.LevelNormal),
		occ("museum", 100, 96, domain.LevelAlarm),
		occ("school", 100, 85, domain.LevelWarning),
		occ("lab", 100, 10, domain.LevelNormal),
	}, 3)
	if s.Inside != 691 || s.VenuesOpen != 4 || s.VenuesWarning != 1 || s.VenuesAlarm != 1 {
		t.Fatalf("summary = %+v", s)
	}
	var names []string
	for _, o := range s.Fullest {
		names = append(names, o.Name)
	}
	if len(names) != 3 || names[0] != "museum" || names[1] != "school" || names[2] != "lab" {
		t.Fatalf("fullest = %v", names)
	}
}

func flowOf(t *domain.Tally, venue uuid.UUID, day string) int64 {
	f, _ := t.Flow(domain.OccupancyKey{VenueID: venue, Day: day})
	return f.Inside()
}
