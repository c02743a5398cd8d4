package domain

import (
	"sort"
	"time"

	"github.com/google/uuid"
)

// Level places a venue's occupancy against its thresholds; the numbers match the contract.
type Level int16

// The levels.
const (
	LevelNormal  Level = 1
	LevelWarning Level = 2
	LevelAlarm   Level = 3
)

// Default thresholds, for venues whose registry entry names none.
const (
	DefaultWarnPercent  = 80
	DefaultAlarmPercent = 100
)

// VenueLimits is what the venue registry says about a venue's crowd.
type VenueLimits struct {
	VenueID      uuid.UUID
	Name         string
	CountyCode   string
	SafeCapacity int64
	WarnPercent  int64
	AlarmPercent int64
}

// LevelOf places inside against the limits. A venue without a safe capacity on file is never
// raised: an alarm nobody can act on trains people to ignore alarms.
func (v VenueLimits) LevelOf(inside int64) Level {
	if v.SafeCapacity <= 0 {
		return LevelNormal
	}
	warn, alarm := v.WarnPercent, v.AlarmPercent
	if warn <= 0 {
		warn = DefaultWarnPercent
	}
	if alarm <= 0 {
		alarm = DefaultAlarmPercent
	}
	switch pct := inside * 100; {
	case pct >= alarm*v.SafeCapacity:
		return LevelAlarm
	case pct >= warn*v.SafeCapacity:
		return LevelWarning
	}
	return LevelNormal
}

// OccupancyKey is one venue on one local day. Occupancy starts from nought every day: whoever
// did not check out by midnight is taken to have left, the automatic close of the day.
type OccupancyKey struct {
	VenueID uuid.UUID
	Day     string
}

// Flow is the people in and out of one venue on one day.
type Flow struct {
	Entered int64
	Exited  int64
}

// flow is a flow in a tally, with the county its records named.
type flow struct {
	Flow
	CountyCode string
}

// Inside is the people in the venue: in less out, never below nought (a check-out terminal may
// count people a walk-in terminal missed).
func (f Flow) Inside() int64 { return max(f.Entered-f.Exited, 0) }

// Occupancy is a venue's state today.
type Occupancy struct {
	VenueLimits
	Flow
	Level     Level
	UpdatedAt time.Time
	// OverCapacity are the doors that admitted people today after confirming at the alarm
	// level, most first.
	OverCapacity []DoorConfirmations
}

// DoorConfirmations is one door's admissions confirmed at the alarm level.
type DoorConfirmations struct {
	TerminalID uuid.UUID
	Admitted   int64
}

// Share is inside as a fraction of safe capacity; 0 when no capacity is on file.
func (o Occupancy) Share() float64 {
	if o.SafeCapacity <= 0 {
		return 0
	}
	return float64(o.Inside()) / float64(o.SafeCapacity)
}

// SortFullest orders venues fullest first: by share of capacity, then people inside, then name.
func SortFullest(os []Occupancy) {
	sort.SliceStable(os, func(i, j int) bool {
		a, b := os[i], os[j]
		if a.Share() != b.Share() {
			return a.Share() > b.Share()
		}
		if a.Inside() != b.Inside() {
			return a.Inside() > b.Inside()
		}
		return a.Name < b.Name
	})
}

// OccupancySummary sums venues' occupancy for the overview.
type OccupancySummary struct {
	Inside        int64
	VenuesOpen    int
	VenuesWarning int
	VenuesAlarm   int
	Fullest       []Occupancy
}

// FullestShown is how many of the fullest venues the overview and the dashboard carry.
const FullestShown = 10

// Summarize sums venues' occupancy and keeps the n fullest.
func Summarize(venues []Occupancy, n int) OccupancySummary {
	s := OccupancySummary{VenuesOpen: len(venues)}
	for _, v := range venues {
		s.Inside += v.Inside()
		switch v.Level {
		case LevelWarning:
			s.VenuesWarning++
		case LevelAlarm:
			s.VenuesAlarm++
		}
	}
	sorted := append([]Occupancy(nil), venues...)
	SortFullest(sorted)
	s.Fullest = sorted[:min(n, len(sorted))]
	return s
}

// LevelChange is a venue moving from one level to another: what an OccupancyAlarm announces.
type LevelChange struct {
	Occupancy
	Previous Level
}
