package domain_test

import (
	"testing"

	"github.com/google/uuid"

	"github.com/sciweek/sciweek/services/reporting/internal/stats/domain"
)

func TestFoldAnomalies(t *testing.T) {
	t.Parallel()
	v1, v2, d1, d2, d3 := uuid.New(), uuid.New(), uuid.New(), uuid.New(), uuid.New()
	mine, theirs := uuid.New(), uuid.New()
	tallies := []domain.AnomalyTally{
		{VenueID: v1, TerminalID: d1, ActivityID: mine, Kind: domain.AnomalyBurst, Records: 3},
		{VenueID: v1, TerminalID: d1, ActivityID: mine, Kind: domain.AnomalyOutsideSession, Records: 1},
		{VenueID: v1, TerminalID: d2, ActivityID: theirs, Kind: domain.AnomalyBurst, Records: 5},
		{VenueID: v2, TerminalID: d3, ActivityID: theirs, Kind: domain.AnomalyClockSkew, Records: 20},
	}
	tests := []struct {
		name       string
		keep       func(domain.AnomalyTally) bool
		total      int64
		venues     int
		firstVenue uuid.UUID
		firstDoor  uuid.UUID
	}{
		{"everything, most flagged venue first", nil, 29, 2, v2, d3},
		{"one activity's doors only", func(t domain.AnomalyTally) bool { return t.ActivityID == mine }, 4, 1, v1, d1},
		{"nothing kept", func(domain.AnomalyTally) bool { return false }, 0, 0, uuid.Nil, uuid.Nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := domain.FoldAnomalies(tallies, tt.keep)
			if got.Total != tt.total || len(got.Venues) != tt.venues {
				t.Fatalf("total %d over %d venues, want %d over %d", got.Total, len(got.Venues), tt.total, tt.venues)
			}
			var sum int64
			for _, k := range got.Kinds {
				sum += k.Records
			}
			if sum != got.Total {
				t.Errorf("kinds sum to %d, total %d", sum, got.Total)
			}
			if tt.venues > 0 && (got.Venues[0].VenueID != tt.firstVenue || got.Venues[0].Doors[0].TerminalID != tt.firstDoor) {
				t.Errorf("first venue %v door %v, want %v %v", got.Venues[0].VenueID, got.Venues[0].Doors[0].TerminalID, tt.firstVenue, tt.firstDoor)
			}
		})
	}
}
