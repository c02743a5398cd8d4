package domain_test

import (
	"testing"

	"github.com/google/uuid"

	"github.com/sciweek/sciweek/services/reporting/internal/stats/domain"
)

func TestFoldDoors(t *testing.T) {
	t.Parallel()
	venue, east, west := uuid.New(), uuid.New(), uuid.New()
	lecture, other := uuid.New(), uuid.New()
	tallies := []domain.DoorTally{
		{TerminalID: east, TerminalName: "东门", ActivityID: lecture, Day: "2024-05-25", Participations: 30, Refused: 2},
		{TerminalID: east, TerminalName: "东门", ActivityID: lecture, Day: "2024-05-26", Participations: 5},
		{TerminalID: west, TerminalName: "西门", ActivityID: other, Day: "2024-05-26", Participations: 40, Refused: 1},
		{TerminalID: west, TerminalName: "西门", Day: "2024-05-26", Refused: 3}, // refused without an activity
	}
	tests := []struct {
		name                        string
		keep                        func(domain.DoorTally) bool
		doors                       []string
		participations, today, refs int64
	}{
		{"every record", nil, []string{"西门", "东门"}, 75, 45, 6},
		{"one activity's", func(d domain.DoorTally) bool { return d.ActivityID == lecture }, []string{"东门"}, 35, 5, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := domain.FoldDoors(venue, "2024-05-26", tallies, tt.keep)
			var names []string
			var sum, today, refused int64
			for _, d := range got.Doors {
				names = append(names, d.TerminalName)
				sum, today, refused = sum+d.Participations, today+d.Today, refused+d.Refused
			}
			if len(names) != len(tt.doors) || names[0] != tt.doors[0] {
				t.Fatalf("doors %v, want %v", names, tt.doors)
			}
			if got.Participations != tt.participations || got.TodayParticipations != tt.today || got.Refused != tt.refs {
				t.Fatalf("sums %d, %d today, %d refused; want %d, %d, %d", got.Participations, got.TodayParticipations, got.Refused, tt.participations, tt.today, tt.refs)
			}
			if sum != got.Participations || today != got.TodayParticipations || refused != got.Refused {
				t.Fatalf("the doors add up to %d, %d, %d; the venue says %d, %d, %d", sum, today, refused, got.Participations, got.TodayParticipations, got.Refused)
			}
		})
	}
}
