package domain

import (
	"slices"

	"github.com/google/uuid"
)

// DoorTally is check-in's count of one door's records of one activity on one day of the city's
// calendar.
type DoorTally struct {
	TerminalID   uuid.UUID
	TerminalName string
	// ActivityID is Nil for checkouts and scans refused without an activity.
	ActivityID     uuid.UUID
	Day            string
	Participations int64
	Refused        int64
}

// DoorFigures are one door's figures: the bottom of the roll-up (city → county → unit →
// activity → venue → door).
type DoorFigures struct {
	TerminalID     uuid.UUID
	TerminalName   string
	Participations int64 // over the edition
	Today          int64
	Refused        int64 // over the edition
}

// VenueDoors are a venue's doors, busiest first, and their sums.
type VenueDoors struct {
	VenueID                             uuid.UUID
	Today                               string
	Doors                               []DoorFigures
	Participations, TodayParticipations int64
	Refused                             int64
}

// FoldDoors adds check-in's tallies up door by door, today's apart; keep, when set, keeps only
// the tallies it accepts (an organizer's own activities).
func FoldDoors(venue uuid.UUID, today string, tallies []DoorTally, keep func(DoorTally) bool) VenueDoors {
	out := VenueDoors{VenueID: venue, Today: today}
	doors := map[uuid.UUID]*DoorFigures{}
	for _, t := range tallies {
		if keep != nil && !keep(t) {
			continue
		}
		d := doors[t.TerminalID]
		if d == nil {
			d = &DoorFigures{TerminalID: t.TerminalID, TerminalName: t.TerminalName}
			doors[t.TerminalID] = d
		}
		d.Participations += t.Participations
		d.Refused += t.Refused
		out.Participations += t.Participations
		out.Refused += t.Refused
		if t.Day == today {
			d.Today += t.Participations
			out.TodayParticipations += t.Participations
		}
	}
	for _, d := range doors {
		out.Doors = append(out.Doors, *d)
	}
	slices.SortFunc(out.Doors, func(a, b DoorFigures) int {
		if a.Participations != b.Participations {
			return int(b.Participations - a.Participations)
		}
		if a.TerminalName != b.TerminalName {
			if a.TerminalName < b.TerminalName {
				return -1
			}
			return 1
		}
		return slices.Compare(a.TerminalID[:], b.TerminalID[:])
	})
	return out
}
