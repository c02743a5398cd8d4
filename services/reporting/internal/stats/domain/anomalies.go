package domain

import (
	"cmp"
	"slices"
	"time"

	"github.com/google/uuid"
)

// AnomalyKind is a flag check-in sets on a record that deserves a second look; the record still
// counts. The numbers are the statistics' own (not stored): convert maps them to the contract.
type AnomalyKind int16

// The kinds.
const (
	AnomalyUnspecified AnomalyKind = iota
	// AnomalyOutsideSession is a scan outside every session of its activity.
	AnomalyOutsideSession
	// AnomalyBurst is scans at one door faster than people walk through a gate.
	AnomalyBurst
	// AnomalyClockSkew is a door whose clock was far from the server's.
	AnomalyClockSkew
	// AnomalyOverCapacity is an admission staff confirmed at the venue's alarm level.
	AnomalyOverCapacity
)

// AnomalyQuery narrows the anomalies counted.
type AnomalyQuery struct {
	EditionID  string
	CountyCode string
	// VenueID keeps one venue; Nil keeps all.
	VenueID uuid.UUID
	// Day keeps one day of the city's calendar (YYYY-MM-DD); empty keeps the edition.
	Day string
}

// AnomalyTally is check-in's count of one door's records of one activity flagged with one kind.
type AnomalyTally struct {
	CountyCode   string
	VenueID      uuid.UUID
	TerminalID   uuid.UUID
	TerminalName string
	// ActivityID is Nil for checkouts.
	ActivityID uuid.UUID
	Kind       AnomalyKind
	Records    int64
	LastAt     time.Time
}

// KindCount is the flagged records of one kind.
type KindCount struct {
	Kind    AnomalyKind
	Records int64
}

// DoorAnomalies are one door's flagged records.
type DoorAnomalies struct {
	TerminalID   uuid.UUID
	TerminalName string
	Kinds        []KindCount
	Total        int64
	LastAt       time.Time
}

// VenueAnomalies are one venue's flagged records, door by door.
type VenueAnomalies struct {
	VenueID    uuid.UUID
	VenueName  string
	CountyCode string
	CountyName string
	Kinds      []KindCount
	Total      int64
	Doors      []DoorAnomalies
}

// Anomalies are the flagged records a viewer may see.
type Anomalies struct {
	Kinds  []KindCount
	Total  int64
	Venues []VenueAnomalies
}

// FoldAnomalies sums check-in's tallies by venue, door and kind, keeping those keep accepts
// (nil keeps all), most flagged first. A record with two flags counts under each, so totals sum
// the kinds.
func FoldAnomalies(tallies []AnomalyTally, keep func(AnomalyTally) bool) Anomalies {
	type door struct {
		d     DoorAnomalies
		kinds map[AnomalyKind]int64
	}
	type venue struct {
		v     VenueAnomalies
		kinds map[AnomalyKind]int64
		doors map[uuid.UUID]*door
	}
	all := map[AnomalyKind]int64{}
	venues := map[uuid.UUID]*venue{}
	for _, t := range tallies {
		if keep != nil && !keep(t) {
			continue
		}
		v := venues[t.VenueID]
		if v == nil {
			v = &venue{v: VenueAnomalies{VenueID: t.VenueID, CountyCode: t.CountyCode}, kinds: map[AnomalyKind]int64{}, doors: map[uuid.UUID]*door{}}
			venues[t.VenueID] = v
		}
		d := v.doors[t.TerminalID]
		if d == nil {
			d = &door{d: DoorAnomalies{TerminalID: t.TerminalID, TerminalName: t.TerminalName}, kinds: map[AnomalyKind]int64{}}
			v.doors[t.TerminalID] = d
		}
		all[t.Kind] += t.Records
		v.kinds[t.Kind] += t.Records
		d.kinds[t.Kind] += t.Records
		if t.LastAt.After(d.d.LastAt) {
			d.d.LastAt = t.LastAt
		}
	}
	out := Anomalies{}
	out.Kinds, out.Total = kindCounts(all)
	for _, v := range venues {
		v.v.Kinds, v.v.Total = kindCounts(v.kinds)
		for _, d := range v.doors {
			d.d.Kinds, d.d.Total = kindCounts(d.kinds)
			v.v.Doors = append(v.v.Doors, d.d)
		}
		slices.SortFunc(v.v.Doors, func(a, b DoorAnomalies) int {
			return cmp.Or(cmp.Compare(b.Total, a.Total), cmp.Compare(a.TerminalName, b.TerminalName), slices.Compare(a.TerminalID[:], b.TerminalID[:]))
		})
		out.Venues = append(out.Venues, v.v)
	}
	slices.SortFunc(out.Venues, func(a, b VenueAnomalies) int {
		return cmp.Or(cmp.Compare(b.Total, a.Total), slices.Compare(a.VenueID[:], b.VenueID[:]))
	})
	return out
}

// kindCounts lists counts by kind, most first, and their sum.
func kindCounts(m map[AnomalyKind]int64) ([]KindCount, int64) {
	out := make([]KindCount, 0, len(m))
	var total int64
	for k, n := range m {
		out = append(out, KindCount{Kind: k, Records: n})
		total += n
	}
	slices.SortFunc(out, func(a, b KindCount) int {
		return cmp.Or(cmp.Compare(b.Records, a.Records), cmp.Compare(a.Kind, b.Kind))
	})
	return out, total
}
