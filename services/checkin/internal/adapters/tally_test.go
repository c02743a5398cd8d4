package adapters_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sciweek/sciweek/pkg/bus"
	"github.com/sciweek/sciweek/pkg/testkit"
	"github.com/sciweek/sciweek/services/checkin"
	"github.com/sciweek/sciweek/services/checkin/internal/adapters"
	"github.com/sciweek/sciweek/services/checkin/internal/app"
	"github.com/sciweek/sciweek/services/checkin/internal/domain"
)

// exporter returns the tally export over pool, beside the check-in stream whose cut it takes.
func exporter(t *testing.T, pool *pgxpool.Pool) *adapters.Tally {
	t.Helper()
	n := testkit.StartNATS(t)
	if err := bus.EnsureStreams(context.Background(), n.JetStream, bus.StreamOptions{}, bus.StreamCheckin); err != nil {
		t.Fatal(err)
	}
	tally, err := adapters.NewTally(pool, n.JetStream, checkin.Schema)
	if err != nil {
		t.Fatal(err)
	}
	return tally
}

// cityZone is the city's time zone, whose midnight is not UTC's.
func cityZone(t *testing.T) *time.Location {
	t.Helper()
	city, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	return city
}

// TestTheExportNamesItsSessionForItsTransactionOnly: while check-in reads its table for an
// export, pg_stat_activity shows the session as TallyExportApplication, so an operator (and the
// benchmark) can tell the statistics audit's seconds of reading from the doors' writes. The name
// is the transaction's only: once the export ends, no pooled connection carries it, and the next
// caller handed that connection is not shown as an export.
func TestTheExportNamesItsSessionForItsTransactionOnly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, pool := batcher(t)
	tally := exporter(t, pool)
	named := func(t *testing.T, pool *pgxpool.Pool) int {
		t.Helper()
		var sessions int
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1`,
			adapters.TallyExportApplication).Scan(&sessions); err != nil {
			t.Fatal(err)
		}
		return sessions
	}
	during := -1
	if err := tally.ExportTally(ctx, time.UTC, app.TallyOptions{}, app.TallySink{
		Cut:  func(app.TallyCut) error { during = named(t, pool); return nil },
		Rows: func([]app.TallyRow) error { return nil },
	}); err != nil {
		t.Fatal(err)
	}
	if during != 1 {
		t.Errorf("while the export read, %d sessions were named %q, want 1", during, adapters.TallyExportApplication)
	}
	if after := named(t, pool); after != 0 {
		t.Errorf("after the export, %d sessions are still named %q, want 0", after, adapters.TallyExportApplication)
	}
}

// TestTheExportsTimeZoneStaysInItsTransaction: the export converts to the city's time in its
// transaction's TimeZone; a pooled connection that kept it would read every later timestamp
// formatted in the server's text in another zone.
func TestTheExportsTimeZoneStaysInItsTransaction(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, pool := batcher(t)
	tally := exporter(t, pool)
	zones := func() map[string]int {
		t.Helper()
		conns := pool.AcquireAllIdle(ctx)
		defer func() {
			for _, c := range conns {
				c.Release()
			}
		}()
		seen := map[string]int{}
		for _, c := range conns {
			var zone string
			if err := c.QueryRow(ctx, `SELECT current_setting('TimeZone')`).Scan(&zone); err != nil {
				t.Fatal(err)
			}
			seen[zone]++
		}
		return seen
	}
	before := zones()
	odd, err := time.LoadLocation("Asia/Kathmandu") // UTC+05:45: no server's default
	if err != nil {
		t.Fatal(err)
	}
	for _, byDay := range []bool{false, true} {
		if err := tally.ExportTally(ctx, odd, app.TallyOptions{ByDay: byDay}, app.TallySink{
			Cut:  func(app.TallyCut) error { return nil },
			Rows: func([]app.TallyRow) error { return nil },
		}); err != nil {
			t.Fatal(err)
		}
	}
	after := zones()
	if _, kept := after[odd.String()]; kept {
		t.Errorf("after the exports, pooled connections are in %s: %v (before %v)", odd, after, before)
	}
}

// TestTheDayGrainRollsUpTheFullGrain: the statistics audit reads the table by day
// (app.TallyOptions.ByDay) and the rebuild by hour, venue, activity and door. Whatever reporting
// folds, the audit must see the same table the rebuild does, so every day row must be exactly
// the sum of the full grain's rows of its edition, county, local day, kind, outcome, refusal
// and category. The records straddle the city's midnight, and one refused for a broken clock
// counts on the day it was stored, not the day it claims.
func TestTheDayGrainRollsUpTheFullGrain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b, pool := batcher(t)
	tally := exporter(t, pool)
	city := cityZone(t)
	midnight := time.Date(2024, 5, 20, 0, 0, 0, 0, city)
	door, venue, other := uuid.New(), uuid.New(), uuid.New()
	var records []domain.Record
	var seq uint64
	add := func(at time.Time, county string, change func(r *domain.Record)) {
		seq++
		r := walkIn(door, seq, at)
		r.CountyCode, r.Scan.VenueID = county, venue
		if seq%2 == 0 {
			r.Scan.VenueID = other
		}
		change(&r)
		records = append(records, r)
	}
	for i, at := range []time.Time{midnight.Add(-time.Minute), midnight, midnight.Add(time.Minute), midnight.Add(13 * time.Hour), midnight.Add(47 * time.Hour)} {
		for _, county := range []string{"140105", "140106"} {
			add(at, county, func(r *domain.Record) { r.Scan.Headcount = i + 1 })
			add(at, county, func(r *domain.Record) {
				r.Scan.Kind, r.Scan.Category, r.Scan.Headcount, r.Scan.Adults = domain.KindGroup, domain.CategoryYoungPerson, 30, 2
			})
			add(at, county, func(r *domain.Record) {
				r.Scan.Kind, r.Scan.Category, r.TicketID = domain.KindTicket, domain.CategoryScienceWorker, uuid.New()
			})
			add(at, county, func(r *domain.Record) { r.Scan.Kind, r.Scan.Headcount = domain.KindCheckout, 2 })
			add(at, county, func(r *domain.Record) { r.Anomalies = domain.AnomalyOverCapacity }) // a door of its own in the full grain
			add(at, county, func(r *domain.Record) {
				r.Scan.Kind, r.Outcome, r.Refusal = domain.KindTicket, domain.Refused, domain.RefusalAlreadyCheckedIn
			})
		}
	}
	// A clock years off, stored now: counted on the day it was stored.
	add(time.Date(2031, 1, 1, 12, 0, 0, 0, time.UTC), "140105", func(r *domain.Record) {
		r.Outcome, r.Refusal = domain.Refused, domain.RefusalTimeOutOfRange
	})
	if _, err := b.Save(ctx, records); err != nil {
		t.Fatal(err)
	}

	full, fullRows := dayTotals(t, tally, city, app.TallyOptions{})
	byDay, dayRows := dayTotals(t, tally, city, app.TallyOptions{ByDay: true})
	if diff := cmp.Diff(full, byDay); diff != "" {
		t.Errorf("the day grain is not the full grain rolled up (-full +by day):\n%s", diff)
	}
	if len(dayRows) >= len(fullRows) {
		t.Errorf("%d rows by day against %d in the full grain: nothing rolled up", len(dayRows), len(fullRows))
	}
	today := time.Now().In(city).Format("2006-01-02")
	days := map[string]bool{}
	for _, r := range dayRows {
		days[r.LocalHour] = true
		if r.VenueID != uuid.Nil || r.ActivityID != uuid.Nil || r.OverCapacityDoor != uuid.Nil || !strings.HasSuffix(r.LocalHour, "T00") {
			t.Errorf("a day row holds a finer grain: %+v", r)
		}
	}
	for _, day := range []string{"2024-05-19T00", "2024-05-20T00", "2024-05-21T00", today + "T00"} {
		if !days[day] {
			t.Errorf("no row for %s; rows for %v", day, days)
		}
	}
}

// dayTotals reads the counts through tally with opts, summed by edition, county, local day,
// kind, outcome, refusal and category (the day grain, from either grain), and the rows as read.
func dayTotals(t *testing.T, tally *adapters.Tally, loc *time.Location, opts app.TallyOptions) (map[string][3]int64, []app.TallyRow) {
	t.Helper()
	got := map[string][3]int64{}
	var all []app.TallyRow
	if err := tally.ExportTally(context.Background(), loc, opts, app.TallySink{Cut: func(app.TallyCut) error { return nil },
		Rows: func(rows []app.TallyRow) error {
			for _, r := range rows {
				k := fmt.Sprintf("%s/%s/%s/%d/%d/%d/%d", r.EditionID, r.CountyCode, r.LocalHour[:len("2006-01-02")], r.Kind, r.Outcome, r.Refusal, r.Category)
				s := got[k]
				got[k] = [3]int64{s[0] + r.Records, s[1] + r.Headcount, s[2] + r.Adults}
			}
			all = append(all, rows...)
			return nil
		}}); err != nil {
		t.Fatal(err)
	}
	return got, all
}

// TestTheIncrementalDayGrainIsTheWholeTables: the statistics audit's screen reads the day
// grain incrementally (app.TallyOptions.Incremental), from the days an earlier export kept and
// the records stored since, and keeps the days settled since. Read after read, it must hand
// over what the whole table holds (the full grain, which keeps nothing, rolled up); it must
// read whole when it kept nothing, kept another zone's days or kept them more than a day ago
// (more than half a day, in the small hours, and only then); and every read by day that is not
// incremental must keep the days anew. A record stored with a time of storage older than the
// kept days (which the group commit never does: settleAfter) shows which read was which: only
// a whole read sees it.
func TestTheIncrementalDayGrainIsTheWholeTables(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b, pool := batcher(t)
	tally := exporter(t, pool)
	city := cityZone(t)
	door := uuid.New()
	var seq uint64
	save := func(stored time.Time, change func(r *domain.Record)) {
		t.Helper()
		var records []domain.Record
		for i, at := range []time.Time{time.Date(2024, 5, 19, 23, 59, 0, 0, city), time.Date(2024, 5, 20, 0, 0, 0, 0, city), time.Now()} {
			seq++
			r := walkIn(door, seq, at)
			r.RecordedAt = stored.UTC().Truncate(time.Microsecond)
			r.Scan.Headcount = i + 1
			if seq%3 == 0 {
				r.CountyCode, r.Scan.Kind, r.Scan.Category, r.Scan.Headcount, r.Scan.Adults = "140106", domain.KindGroup, domain.CategoryYoungPerson, 30, 2
			}
			change(&r)
			records = append(records, r)
		}
		if _, err := b.Save(ctx, records); err != nil {
			t.Fatal(err)
		}
	}
	mark := func() (settled, wholeAt time.Time) {
		t.Helper()
		if err := pool.QueryRow(ctx, `SELECT settled_before, whole_read_at FROM tally_days_mark`).Scan(&settled, &wholeAt); err != nil {
			t.Fatal(err)
		}
		return settled, wholeAt
	}
	table := func(loc *time.Location) map[string][3]int64 {
		totals, _ := dayTotals(t, tally, loc, app.TallyOptions{})
		return totals
	}
	incremental := func(loc *time.Location) map[string][3]int64 {
		totals, _ := dayTotals(t, tally, loc, app.TallyOptions{ByDay: true, Incremental: true})
		return totals
	}
	same := func(loc *time.Location, step string) {
		t.Helper()
		got := incremental(loc)
		if diff := cmp.Diff(table(loc), got); diff != "" {
			t.Errorf("%s: the incremental read is not the whole table (-table +incremental):\n%s", step, diff)
		}
	}
	late := func() { // stored now, as if an hour ago: behind the kept days
		save(time.Now().Add(-time.Hour), func(r *domain.Record) { r.Outcome, r.Refusal = domain.Refused, domain.RefusalTimeOutOfRange })
	}

	save(time.Now().Add(-2*time.Hour), func(*domain.Record) {})
	save(time.Now(), func(*domain.Record) {})
	same(city, "nothing kept")
	settled, wholeAt := mark()
	if since := time.Since(settled); since < time.Second || since > 15*time.Minute || time.Since(wholeAt) > time.Minute {
		t.Fatalf("after a read whole, the days kept are settled %v ago and read whole %v ago; want minutes and now",
			since, time.Since(wholeAt))
	}
	for step := range 3 {
		save(time.Now(), func(r *domain.Record) { r.Scan.Kind, r.Scan.Headcount = domain.KindCheckout, step+1 })
		// Stored just after the kept days: read since them, and settled by this read.
		settled, _ := mark()
		save(settled.Add(time.Microsecond), func(r *domain.Record) { r.EditionID = "2025" })
		same(city, fmt.Sprintf("step %d", step))
		if now, kept := mark(); !now.After(settled) || !kept.Equal(wholeAt) {
			t.Errorf("step %d: the incremental read left the days settled before %v (were %v) and read whole at %v (were %v)",
				step, now, settled, kept, wholeAt)
		}
	}
	var kept int64
	if err := pool.QueryRow(ctx, `SELECT sum(records) FROM tally_days WHERE edition_id = '2025'`).Scan(&kept); err != nil || kept != 9 {
		t.Errorf("the days kept hold %d records settled by the incremental reads (%v), want 9", kept, err)
	}

	late()
	before := incremental(city)
	if diff := cmp.Diff(table(city), before); diff == "" {
		t.Fatal("the incremental read saw a record stored behind its kept days: it read the whole table")
	}
	dayTotals(t, tally, city, app.TallyOptions{ByDay: true}) // whole, and keeps the days anew
	same(city, "after a read whole")
	// Another zone's days, or kept a day ago, are read whole.
	same(time.UTC, "another zone")
	late()
	if _, err := pool.Exec(ctx, `UPDATE tally_days_mark SET whole_read_at = now() - interval '25 hours'`); err != nil {
		t.Fatal(err)
	}
	same(time.UTC, "kept a day ago")

	// Kept half a day ago, the days are read whole in the small hours only.
	for _, c := range []struct {
		name  string
		hour  int
		whole bool
	}{{"at 02:00", 2, true}, {"at 14:00", 14, false}} {
		// Etc/GMT-N is N hours east of UTC: the zone whose local hour is now c.hour (the next
		// hour, should the clock pass one meanwhile, is on the same side of the small hours).
		east := (c.hour - time.Now().UTC().Hour() + 24) % 24
		if east > 14 {
			east -= 24
		}
		zone, err := time.LoadLocation(fmt.Sprintf("Etc/GMT%+d", -east))
		if err != nil {
			t.Fatal(err)
		}
		same(zone, c.name+", another zone") // keeps the zone's days
		if _, err := pool.Exec(ctx, `UPDATE tally_days_mark SET whole_read_at = now() - interval '13 hours'`); err != nil {
			t.Fatal(err)
		}
		same(zone, c.name)
		if _, wholeAt := mark(); (time.Since(wholeAt) < time.Hour) != c.whole {
			t.Errorf("%s local time, days kept 13 hours ago: read whole %v ago, want a read whole %v", c.name, time.Since(wholeAt).Round(time.Minute), c.whole)
		}
	}
}

// TestTheAnomaliesCountEachFlagOfEachRecord: the count folds the records by their whole set
// of flags before splitting them into flags, so a record flagged twice must still count once
// under each of its flags, with the latest record's time, and the county, venue and day filters
// must keep exactly the records a plain count over the records keeps.
func TestTheAnomaliesCountEachFlagOfEachRecord(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b, pool := batcher(t)
	tally := exporter(t, pool)
	city := cityZone(t)
	morning := time.Date(2024, 5, 20, 9, 0, 0, 0, city)
	doorA, doorB := uuid.New(), uuid.New()
	venueA, venueB, act1, act2 := uuid.New(), uuid.New(), uuid.New(), uuid.New()
	var records []domain.Record
	add := func(door, venue, activity uuid.UUID, county string, at time.Time, flags domain.Anomalies) {
		r := walkIn(door, uint64(len(records)+1), at)
		r.CountyCode, r.Scan.VenueID, r.Scan.ActivityID, r.Anomalies = county, venue, activity, flags
		records = append(records, r)
	}
	for i := range 3 {
		add(doorA, venueA, act1, "140105", morning.Add(time.Duration(i)*time.Second), domain.AnomalyBurst)
	}
	add(doorA, venueA, act1, "140105", morning.Add(time.Hour), domain.AnomalyBurst|domain.AnomalyClockSkew)
	add(doorA, venueA, act2, "140105", morning.Add(2*time.Hour), domain.AnomalyOverCapacity)
	add(doorA, venueA, act2, "140105", morning.Add(3*time.Hour), 0)
	// The next day just after the city's midnight: still the 20th in UTC.
	add(doorB, venueB, act1, "140106", morning.Add(15*time.Hour+time.Minute), domain.AnomalyOutsideSession)
	add(doorB, venueB, act1, "140106", morning.Add(16*time.Hour), domain.AnomalyOutsideSession|domain.AnomalyClockSkew|domain.AnomalyBurst)
	add(doorB, venueB, act1, "140106", morning.Add(16*time.Hour), 0)
	// A venue the registry moved to another county: its later records count in the new one,
	// and the venue's own count still finds them all.
	add(doorA, venueA, act1, "140107", morning.Add(4*time.Hour), domain.AnomalyBurst)
	if _, err := b.Save(ctx, records); err != nil {
		t.Fatal(err)
	}

	type key struct {
		county           string
		venue, door, act uuid.UUID
		kind             domain.Anomalies
	}
	type count struct {
		records int64
		last    time.Time
	}
	want := func(keep func(domain.Record) bool) map[key]count {
		out := map[key]count{}
		for _, r := range records {
			for _, kind := range []domain.Anomalies{domain.AnomalyOutsideSession, domain.AnomalyBurst, domain.AnomalyClockSkew, domain.AnomalyOverCapacity} {
				if r.Anomalies&kind == 0 || !keep(r) {
					continue
				}
				k := key{r.CountyCode, r.Scan.VenueID, r.TerminalID, r.Scan.ActivityID, kind}
				c := out[k]
				c.records++
				if r.Scan.OccurredAt.After(c.last) {
					c.last = r.Scan.OccurredAt
				}
				out[k] = c
			}
		}
		return out
	}
	day := func(d string) func(domain.Record) bool {
		return func(r domain.Record) bool { return r.Scan.OccurredAt.In(city).Format("2006-01-02") == d }
	}
	newYork, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		q    app.AnomalyQuery
		keep func(domain.Record) bool
	}{
		{"the whole edition", app.AnomalyQuery{EditionID: "2024"}, func(domain.Record) bool { return true }},
		{"one county", app.AnomalyQuery{EditionID: "2024", CountyCode: "140106"}, func(r domain.Record) bool { return r.CountyCode == "140106" }},
		{"one venue", app.AnomalyQuery{EditionID: "2024", VenueID: venueA}, func(r domain.Record) bool { return r.Scan.VenueID == venueA }},
		{"one venue in one county", app.AnomalyQuery{EditionID: "2024", CountyCode: "140105", VenueID: venueA},
			func(r domain.Record) bool { return r.Scan.VenueID == venueA && r.CountyCode == "140105" }},
		{"a venue of another county", app.AnomalyQuery{EditionID: "2024", CountyCode: "140106", VenueID: venueA}, func(domain.Record) bool { return false }},
		{"one venue on one day", app.AnomalyQuery{EditionID: "2024", VenueID: venueB, Day: "2024-05-21"},
			func(r domain.Record) bool { return r.Scan.VenueID == venueB && day("2024-05-21")(r) }},
		{"the city's first day", app.AnomalyQuery{EditionID: "2024", Day: "2024-05-20"}, day("2024-05-20")},
		{"the city's next day", app.AnomalyQuery{EditionID: "2024", Day: "2024-05-21"}, day("2024-05-21")},
		{"a day in another zone", app.AnomalyQuery{EditionID: "2024", Day: "2024-05-20", Location: newYork},
			func(r domain.Record) bool { return r.Scan.OccurredAt.In(newYork).Format("2006-01-02") == "2024-05-20" }},
		{"a day that is not a date", app.AnomalyQuery{EditionID: "2024", Day: "20 May"}, func(domain.Record) bool { return false }},
		{"another edition", app.AnomalyQuery{EditionID: "2025"}, func(domain.Record) bool { return false }},
		{"another edition's venue", app.AnomalyQuery{EditionID: "2025", VenueID: venueA}, func(domain.Record) bool { return false }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.q.Location == nil {
				tt.q.Location = city
			}
			tallies, err := tally.CountAnomalies(ctx, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			got := map[key]count{}
			for _, a := range tallies {
				k := key{a.CountyCode, a.VenueID, a.TerminalID, a.ActivityID, a.Kind}
				if _, twice := got[k]; twice {
					t.Errorf("%+v counted in two rows", k)
				}
				got[k] = count{a.Records, a.LastAt.UTC()}
			}
			if diff := cmp.Diff(want(tt.keep), got, cmp.AllowUnexported(key{}, count{})); diff != "" {
				t.Errorf("counts (-want +got):\n%s", diff)
			}
		})
	}
}
