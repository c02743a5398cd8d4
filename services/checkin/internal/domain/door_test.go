package domain_test

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/sciweek/sciweek/services/checkin/internal/domain"
)

func TestPlausible(t *testing.T) {
	t.Parallel()
	now := time.Date(2024, 5, 28, 10, 0, 0, 0, time.UTC)
	ed := domain.Edition{ID: "2024", StartsOn: "2024-05-25", EndsOn: "2024-06-01", TimeZone: "Asia/Shanghai"}
	session := domain.Activity{Sessions: []domain.Session{{StartsAt: now.Add(-time.Hour), EndsAt: now.Add(time.Hour)}}}
	late := time.Date(2024, 6, 3, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		at, now time.Time
		a       domain.Activity
		e       domain.Edition
		known   bool
		want    bool
	}{
		{"during the edition", now, now, session, ed, true, true},
		{"the day before the edition", time.Date(2024, 5, 24, 12, 0, 0, 0, time.UTC), now, session, ed, true, true},
		{"two days before the edition", time.Date(2024, 5, 23, 0, 0, 0, 0, time.UTC), now, session, ed, true, false},
		{"the day after the edition, uploaded later", time.Date(2024, 6, 2, 12, 0, 0, 0, time.UTC), late, session, ed, true, true},
		{"ahead of the server by the skew", now.Add(domain.MaxSkew), now, session, ed, true, true},
		{"ahead of the server by more", now.Add(domain.MaxSkew + time.Second), now, session, ed, true, false},
		{"1970", time.Unix(0, 0), now, session, ed, true, false},
		{"9999", time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC), now, session, ed, true, false},
		{"edition unknown: the sessions decide", now.Add(-30 * time.Hour), now, session, domain.Edition{}, false, false},
		{"edition without days: the sessions decide", now.Add(-20 * time.Hour), now, session, domain.Edition{ID: "x"}, true, true},
		{"nothing known: only the clock", time.Unix(0, 0), now, domain.Activity{}, domain.Edition{}, false, true},
		{"sessions beyond the edition widen it", time.Date(2024, 6, 10, 0, 0, 0, 0, time.UTC), time.Date(2024, 6, 11, 0, 0, 0, 0, time.UTC),
			domain.Activity{Sessions: []domain.Session{{StartsAt: time.Date(2024, 6, 9, 1, 0, 0, 0, time.UTC), EndsAt: time.Date(2024, 6, 9, 3, 0, 0, 0, time.UTC)}}}, ed, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := domain.Plausible(tt.at, tt.now, tt.a, tt.e, tt.known); got != tt.want {
				t.Fatalf("Plausible(%s) = %v, want %v", tt.at, got, tt.want)
			}
		})
	}
}

func TestLevelOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		v      domain.Venue
		inside int64
		want   domain.Level
	}{
		{"no capacity", domain.Venue{}, 1000, domain.LevelUnknown},
		{"empty", domain.Venue{SafeCapacity: 100}, 0, domain.LevelNormal},
		{"default warning at 80 %", domain.Venue{SafeCapacity: 100}, 80, domain.LevelWarning},
		{"default alarm at 100 %", domain.Venue{SafeCapacity: 100}, 100, domain.LevelAlarm},
		{"own levels", domain.Venue{SafeCapacity: 10, WarnPercent: 50, AlarmPercent: 90}, 9, domain.LevelAlarm},
		{"below own warning", domain.Venue{SafeCapacity: 10, WarnPercent: 50, AlarmPercent: 90}, 4, domain.LevelNormal},
		{"no overflow at the limits", domain.Venue{SafeCapacity: math.MaxInt32, WarnPercent: 1000, AlarmPercent: 1000}, math.MaxInt64, domain.LevelAlarm},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := domain.LevelOf(tt.v, tt.inside); got != tt.want {
				t.Fatalf("LevelOf = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestCursorRoundTrip(t *testing.T) {
	t.Parallel()
	c := domain.Cursor{Generation: uuid.New(), At: time.Date(2024, 5, 26, 9, 30, 0, 123456000, time.UTC), Revoked: 42, Tickets: 7}
	got, ok := domain.ParseCursor(c.String())
	if !ok || got != c {
		t.Fatalf("round trip: %v %v, want %v", got, ok, c)
	}
	// A door that synced before tickets were synced keeps its place and gets every ticket.
	old := fmt.Sprintf("v1.%s.%d.%d", c.Generation, c.At.UnixMicro(), c.Revoked)
	if got, ok := domain.ParseCursor(old); !ok || got.Tickets != 0 || got.Revoked != 42 {
		t.Fatalf("ParseCursor(%q) = %v, %v; want the cursor with no ticket", old, got, ok)
	}
	for _, bad := range []string{"", "v1", "v2." + uuid.NewString() + ".1.0", "v1.nope.1.0", "v1." + uuid.NewString() + ".-5.0", "v1." + uuid.NewString() + ".99999999999999999999.0",
		"v1." + uuid.NewString() + ".1", "v1." + uuid.NewString() + ".1.-1", "v1." + uuid.NewString() + ".1.0.-1", "v1." + uuid.NewString() + ".1.0.x",
		"v1." + uuid.NewString() + ".1.0.0.0"} {
		if _, ok := domain.ParseCursor(bad); ok {
			t.Errorf("ParseCursor(%q) accepted", bad)
		}
	}
}

// FuzzParseCursor: whatever a door sends as its cursor, parsing never panics and what parses
// prints back the same.
func FuzzParseCursor(f *testing.F) {
	f.Add("")
	f.Add("v1.0191c3a4-5b6c-7d8e-9f00-112233445566.1716712200000000.0")
	f.Add("v1.x.1.1")
	f.Add("v1.0191c3a4-5b6c-7d8e-9f00-112233445566.9223372036854775807.9223372036854775807")
	f.Add("v1.0191c3a4-5b6c-7d8e-9f00-112233445566.1716712200000000.3.9223372036854775807")
	f.Fuzz(func(t *testing.T, s string) {
		c, ok := domain.ParseCursor(s)
		if !ok {
			return
		}
		again, ok := domain.ParseCursor(c.String())
		if !ok || again != c {
			t.Fatalf("%q parsed to %v, which prints as %q and parses to %v", s, c, c.String(), again)
		}
	})
}

// FuzzScanCheckAndJudge: any scan a terminal can send is either refused by Check with a kind,
// or judged without a panic into a record the table can hold (sequence within int64, a year
// the database takes), and an implausible time is never admitted.
func FuzzScanCheckAndJudge(f *testing.F) {
	venue := uuid.New()
	act := domain.Activity{ID: uuid.New(), EditionID: "2024", VenueID: venue, Approved: true,
		Sessions: []domain.Session{{StartsAt: time.Date(2024, 5, 26, 1, 0, 0, 0, time.UTC), EndsAt: time.Date(2024, 5, 26, 4, 0, 0, 0, time.UTC)}}}
	c := catalog{activities: map[uuid.UUID]domain.Activity{act.ID: act},
		editions: map[string]domain.Edition{"2024": {ID: "2024", StartsOn: "2024-05-25", EndsOn: "2024-06-01", TimeZone: "Asia/Shanghai"}}}
	term := domain.Terminal{ID: uuid.New(), VenueID: venue, CountyCode: "140105"}
	now := time.Date(2024, 5, 26, 3, 0, 0, 0, time.UTC)
	for _, seed := range []struct {
		seq                         uint64
		unix                        int64
		kind, category, head, adult int
		payload                     string
	}{
		{1, now.Unix(), 2, 1, 1, 0, ""},
		{math.MaxInt64, now.Unix(), 2, 1, 1, 0, ""},
		{math.MaxInt64 + 1, now.Unix(), 2, 1, 1, 0, ""},
		{math.MaxUint64, now.Unix(), 3, 0, 30, 2, ""},
		{7, 0, 2, 1, 1, 0, ""},
		{7, time.Date(2099, 6, 1, 0, 0, 0, 0, time.UTC).Unix(), 2, 1, 1, 0, ""},
		{7, time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC).Unix(), 4, 0, 1, 0, ""},
		{7, 253402300800, 2, 1, 1, 0, ""},
		{7, -62135596801, 2, 1, 1, 0, ""},
		{7, now.Unix(), 3, 0, math.MaxInt32, math.MaxInt32, ""},
		{7, now.Unix(), 3, 0, -1, 2, ""},
		{7, now.Unix(), 1, 0, 1, 0, "SW1:AAAA"},
		{7, now.Unix(), 9, 0, 1, 0, ""},
	} {
		f.Add(seed.seq, seed.unix, seed.kind, seed.category, seed.head, seed.adult, seed.payload)
	}
	f.Fuzz(func(t *testing.T, seq uint64, unix int64, kind, category, head, adults int, payload string) {
		s := domain.Scan{Sequence: seq, OccurredAt: time.Unix(unix, 0), VenueID: venue, ActivityID: act.ID, Kind: domain.Kind(kind),
			Category: domain.Category(category), Headcount: head, Adults: adults, TicketPayload: payload}
		if err := s.Check(term); err != nil {
			return
		}
		if s.Sequence > math.MaxInt64 || s.Sequence == 0 {
			t.Fatalf("sequence %d passed the check", s.Sequence)
		}
		if y := s.OccurredAt.Year(); y < 1 || y > 9999 {
			t.Fatalf("year %d passed the check", y)
		}
		r := domain.Judge(c, term, domain.Venue{ID: venue, CountyCode: "140105"}, s, now)
		// What is stored fits the table's integer columns (tickets count one, whatever was sent).
		if r.Scan.Headcount > domain.MaxGroup+domain.MaxHeadcount || r.Scan.Adults > domain.MaxTeachers || r.Scan.Headcount < 0 || r.Scan.Adults < 0 {
			t.Fatalf("headcount %d+%d passed the check", r.Scan.Headcount, r.Scan.Adults)
		}
		e, known := c.Edition("2024")
		if r.Outcome == domain.Admitted && !domain.Plausible(r.Scan.OccurredAt, now, act, e, known) {
			t.Fatalf("admitted a scan at %s", r.Scan.OccurredAt)
		}
	})
}
