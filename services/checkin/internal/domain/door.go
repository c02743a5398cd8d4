package domain

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// SyncOverlap is how far back of its cursor a door's sync reads again. Records are stamped when
// they are judged and become visible when their group commit returns, and commits finish out of
// order; reading the last seconds again means an admission committed late is never missed. The
// door keeps what it syncs by ticket, so a repeat changes nothing there.
const SyncOverlap = 15 * time.Second

// FullSyncWindow is how far back a full sync reaches for the tickets admitted at a venue: a
// ticket is valid for one session, so older admissions cannot be scanned again in earnest.
const FullSyncWindow = 14 * 24 * time.Hour

// Cursor is where a door's last sync stopped: the database it came from (so a cursor from before
// a restore is recognised as foreign), the server time the sync read admissions up to, the
// last revocation it had and the last of its venue's tickets.
type Cursor struct {
	Generation uuid.UUID
	At         time.Time
	Revoked    int64
	Tickets    int64
}

// String encodes the cursor for the door, which keeps it as an opaque string.
func (c Cursor) String() string {
	return fmt.Sprintf("v1.%s.%d.%d.%d", c.Generation, c.At.UnixMicro(), c.Revoked, c.Tickets)
}

// ParseCursor decodes a door's cursor; ok is false for an empty or malformed one, which gets a
// full sync. A cursor of four parts (from before doors synced tickets) has had no ticket yet.
func ParseCursor(s string) (Cursor, bool) {
	parts := strings.Split(s, ".")
	if (len(parts) != 4 && len(parts) != 5) || parts[0] != "v1" {
		return Cursor{}, false
	}
	g, err := uuid.Parse(parts[1])
	if err != nil {
		return Cursor{}, false
	}
	us, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil || us <= 0 {
		return Cursor{}, false
	}
	rev, err := strconv.ParseInt(parts[3], 10, 64)
	if err != nil || rev < 0 {
		return Cursor{}, false
	}
	c := Cursor{Generation: g, At: time.UnixMicro(us).UTC(), Revoked: rev}
	if len(parts) == 5 {
		if c.Tickets, err = strconv.ParseInt(parts[4], 10, 64); err != nil || c.Tickets < 0 {
			return Cursor{}, false
		}
	}
	return c, true
}

// VenueTicket is a ticket issued for an activity at a venue, as a door syncs it.
type VenueTicket struct {
	TicketID   uuid.UUID
	VenueID    uuid.UUID
	ShortCode  string
	Payload    string
	ValidUntil time.Time
}

// TicketsPerSync bounds the tickets one sync answer carries, so a door's first sync at a venue
// with many sign-ups stays small; it gets the rest on its next polls.
const TicketsPerSync = 5000

// TicketKeepAfterExpiry is how long after a ticket expires doors still get it: a door with a
// slow clock may still be judging its session.
const TicketKeepAfterExpiry = 24 * time.Hour

// AdmittedTicket is a ticket a door of the venue admitted.
type AdmittedTicket struct {
	TicketID   uuid.UUID
	AdmittedAt time.Time
	TerminalID uuid.UUID
}

// DayFlow is what a venue's records say of one day: people admitted and people who left.
type DayFlow struct {
	Admitted, Left int64
}

// Inside is how many people are inside: those admitted less those who left, never below zero
// (people leave through doors that do not count them).
func (f DayFlow) Inside() int64 { return max(0, f.Admitted-f.Left) }

// Level is how full a venue is against its safe capacity.
type Level int16

// The levels; the numbers match the contract's enum.
const (
	LevelUnknown Level = 0
	LevelNormal  Level = 1
	LevelWarning Level = 2
	LevelAlarm   Level = 3
)

// LevelOf says where inside stands at the venue: at the alarm level doors ask before each
// admission. The venue service sends its effective levels; 0 falls back to 80 % and 100 %.
func LevelOf(v Venue, inside int64) Level {
	if v.SafeCapacity <= 0 {
		return LevelUnknown
	}
	warn, alarm := v.WarnPercent, v.AlarmPercent
	if alarm <= 0 {
		alarm = 100
	}
	if warn <= 0 {
		warn = 80
	}
	if inside >= math.MaxInt64/100 {
		return LevelAlarm // beyond any capacity, and inside*100 would overflow
	}
	pct := inside * 100
	switch {
	case pct >= int64(v.SafeCapacity)*int64(alarm):
		return LevelAlarm
	case pct >= int64(v.SafeCapacity)*int64(warn):
		return LevelWarning
	}
	return LevelNormal
}
