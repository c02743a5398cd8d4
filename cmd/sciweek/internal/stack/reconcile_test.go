package stack_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"google.golang.org/grpc"

	"github.com/sciweek/sciweek/cmd/sciweek/internal/stack"
	"github.com/sciweek/sciweek/pkg/bus"
	checkinv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/checkin/v1"
	reportingv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/reporting/v1"
	"github.com/sciweek/sciweek/pkg/testkit"
)

// syncBuffer keeps a stack's logs for the test to read.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) lines(words ...string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, l := range strings.Split(s.b.String(), "\n") {
		ok := l != ""
		for _, w := range words {
			ok = ok && strings.Contains(l, w)
		}
		if ok {
			n++
		}
	}
	return n
}

// TestStatisticsFollowTheTableWhenTheStreamStartsOver is the lost-store case: records are
// acknowledged, the JetStream store is lost (the stream deleted and made again, PostgreSQL
// kept) and more records come. The projections notice (ERROR log, metric), reporting rebuilds
// from check-in's table and ends equal to it, and check-in's own read model takes a terminal
// provisioned after the restart. Then an aggregate is tampered with and the audit repairs it.
func TestStatisticsFollowTheTableWhenTheStreamStartsOver(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	logs := &syncBuffer{}
	w := startWorld(t, func(o *stack.Options) { o.LogWriter = logs; o.AuditEvery, o.AuditRest = 500*time.Millisecond, -1 })
	venue, activity, terminal := w.setup(t, "140110")
	client := checkinv1.NewCheckinServiceClient(w.conns["checkin"])
	stats := reportingv1.NewStatsServiceClient(w.conns["reporting"])
	// record admits ten people. A door's first scans may come before check-in has applied the
	// events that describe its venue or activity: refused, the door scans again (a new number).
	seqs := map[grpc.CallOption]uint64{}
	record := func(as grpc.CallOption, venue, activity string) {
		t.Helper()
		testkit.Eventually(t, 15*time.Second, func() error {
			seqs[as]++
			resp, err := client.RecordCheckin(ctx, walkIn(seqs[as], venue, activity, 10), as)
			if err != nil {
				return err
			}
			if r := resp.GetResult(); r.GetOutcome() != checkinv1.Outcome_OUTCOME_ADMITTED {
				return fmt.Errorf("refused: %v", r.GetRefusalReason())
			}
			return nil
		})
	}
	db, err := pgx.Connect(ctx, w.st.DatabaseURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close(context.Background()) })
	equalToTable := func(want int64) {
		t.Helper()
		testkit.Eventually(t, 20*time.Second, func() error {
			var table int64
			if err := db.QueryRow(ctx, `SELECT coalesce(sum(headcount), 0) FROM checkin.checkin_records WHERE outcome = 1`).Scan(&table); err != nil {
				return err
			}
			ov, err := stats.GetOverview(ctx, &reportingv1.GetOverviewRequest{EditionId: "2024"}, w.admin)
			if err != nil {
				return err
			}
			if got := ov.GetOverview().GetCity().GetParticipations(); got != table || table != want {
				return fmt.Errorf("overview %d, table %d, want %d", got, table, want)
			}
			return nil
		})
	}
	for range 5 {
		record(terminal, venue, activity)
	}
	equalToTable(50)

	// The store is lost: the streams come back empty, counting from 1 again.
	js := jetStream(t, w.st.NATSURL)
	for _, s := range []string{bus.StreamCheckin, bus.StreamVenue} {
		if err := js.DeleteStream(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	if err := bus.EnsureStreams(ctx, js, bus.StreamOptions{}, bus.StreamCheckin, bus.StreamVenue); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		record(terminal, venue, activity)
	}
	equalToTable(80)
	if n := testkit.MetricSum(t, w.st.Metrics, "sciweek_projection_mismatches_total", map[string]string{"projection": "reporting.checkin-events"}); n < 1 {
		t.Errorf("reporting's mismatches counted %v, want at least 1", n)
	}
	if logs.lines(`"level":"ERROR"`, "does not fit", "reporting.checkin-events") == 0 {
		t.Error("no ERROR log of reporting's check-in projection noticing the stream")
	}

	// A terminal provisioned after the restart is known to check-in (its venue projection
	// replays the new stream instead of waiting for position 1000-something).
	venue2, activity2, terminal2 := w.setup(t, "140105")
	record(terminal2, venue2, activity2)
	equalToTable(90)

	// Drift: an aggregate row tampered with is found by the audit and repaired.
	if _, err := db.Exec(ctx, `UPDATE reporting.participation_counts SET walk_ins = walk_ins + 7 WHERE county_code = '140110'`); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 20*time.Second, func() error {
		if n := testkit.MetricSum(t, w.st.Metrics, "sciweek_projection_drift_total", map[string]string{"projection": "reporting.checkin-events"}); n < 1 {
			return fmt.Errorf("drift counted %v", n)
		}
		return nil
	})
	equalToTable(90)
	if logs.lines(`"level":"ERROR"`, "drifted", "140110") == 0 {
		t.Error("no ERROR log of the drift")
	}
}

// TestRebuildFromTheTableAtVolume seeds check-in's table with many records (200,000; set
// SCIWEEK_REBUILD_RECORDS=10000000 to measure the week of a large city), loses the check-in
// stream, and checks that reporting's rebuild from the table counts them all, logging how long
// it took:
//
//	SCIWEEK_REBUILD_RECORDS=10000000 go test -run TestRebuildFromTheTableAtVolume -v -timeout 30m ./internal/stack/
func TestRebuildFromTheTableAtVolume(t *testing.T) {
	t.Parallel()
	records := int64(200_000)
	if v := os.Getenv("SCIWEEK_REBUILD_RECORDS"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 {
			t.Fatalf("SCIWEEK_REBUILD_RECORDS=%q: want a positive whole number", v)
		}
		records = n
	}
	ctx := context.Background()
	logs := &syncBuffer{}
	w := startWorld(t, func(o *stack.Options) { o.LogWriter = logs })
	db, err := pgx.Connect(ctx, w.st.DatabaseURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close(context.Background()) })
	// A week of scans at 50 venues of 10 counties, 200 activities, from 500 doors: 40% tickets
	// (each a distinct person), 45% walk-ins of 1 to 3, 5% school groups of 30 with 2
	// teachers, 5% refused; group commit writes them in order of time.
	start := time.Now()
	if _, err := db.Exec(ctx, `INSERT INTO checkin.checkin_records (id, terminal_id, terminal_sequence, edition_id, county_code, venue_id,
			activity_id, kind, category, headcount, adults, ticket_id, outcome, refusal, anomalies, occurred_at, recorded_at)
		SELECT md5('r' || i)::uuid, md5('t' || (i % 500))::uuid, i, '2024', '1401' || lpad((i % 10)::text, 2, '0'), md5('v' || (i % 50))::uuid,
			md5('a' || (i % 200))::uuid,
			CASE WHEN i % 20 < 8 THEN 1 WHEN i % 20 = 17 THEN 3 ELSE 2 END,
			CASE WHEN i % 20 = 17 THEN 0 ELSE 1 + i % 4 END,
			CASE WHEN i % 20 < 8 THEN 1 WHEN i % 20 = 17 THEN 30 ELSE 1 + i % 3 END,
			CASE WHEN i % 20 = 17 THEN 2 ELSE 0 END,
			CASE WHEN i % 20 < 8 THEN md5('k' || i)::uuid END,
			CASE WHEN i % 20 = 19 THEN 2 ELSE 1 END,
			CASE WHEN i % 20 = 19 THEN 3 ELSE 0 END,
			0, at, at + interval '1 second'
		FROM generate_series(1, $1::bigint) AS i,
			LATERAL (SELECT timestamptz '2024-05-25 01:00:00+00' + (i * 604800 / $1::bigint) * interval '1 second' AS at) AS t`, records); err != nil {
		t.Fatal(err)
	}
	t.Logf("seeded %d records in %v", records, time.Since(start).Round(time.Millisecond))
	var want int64
	if err := db.QueryRow(ctx, `SELECT sum(headcount + adults) FROM checkin.checkin_records WHERE outcome = 1 AND kind <> 4`).Scan(&want); err != nil {
		t.Fatal(err)
	}

	js := jetStream(t, w.st.NATSURL)
	lost := time.Now()
	if err := js.DeleteStream(ctx, bus.StreamCheckin); err != nil {
		t.Fatal(err)
	}
	if err := bus.EnsureStreams(ctx, js, bus.StreamOptions{}, bus.StreamCheckin); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 10*time.Minute, func() error {
		var got int64
		if err := db.QueryRow(ctx, `SELECT coalesce(sum(ticketed + walk_ins), 0) FROM reporting.participation_counts`).Scan(&got); err != nil {
			return err
		}
		if got != want {
			return fmt.Errorf("aggregates %d, table %d", got, want)
		}
		return nil
	})
	var people int64
	if err := db.QueryRow(ctx, `SELECT coalesce(sum(people), 0) FROM reporting.people_counts`).Scan(&people); err != nil {
		t.Fatal(err)
	}
	if wantPeople := records / 20 * 8; people < wantPeople-8 || people > wantPeople+8 {
		t.Errorf("distinct people %d, want about %d (one per admitted ticket)", people, wantPeople)
	}
	figures := time.Since(lost)
	// The rebuild logs after it has refreshed the planner's statistics, just after it commits.
	testkit.Eventually(t, time.Minute, func() error {
		if logs.field("statistics rebuilt", "took_ms") == "?" {
			return fmt.Errorf("no log of the rebuild from the table; warnings and errors:\n%s", logs.matching(`"level":"WARN"`, `"level":"ERROR"`))
		}
		return nil
	})
	took := logs.field("statistics rebuilt", "took_ms")
	t.Logf("rebuilt %d records (%d participations) from check-in's table: rebuild %s ms; %v from losing the stream to the figures",
		records, want, took, figures.Round(time.Millisecond))
}

// field returns a JSON field's raw value from the last log line containing msg.
func (s *syncBuffer) field(msg, name string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	lines := strings.Split(s.b.String(), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if !strings.Contains(lines[i], msg) {
			continue
		}
		_, rest, ok := strings.Cut(lines[i], `"`+name+`":`)
		if !ok {
			return "?"
		}
		end := strings.IndexAny(rest, ",}")
		if end < 0 {
			return rest
		}
		return rest[:end]
	}
	return "?"
}

// matching returns the log lines that contain any of the words (at most 40).
func (s *syncBuffer) matching(words ...string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, l := range strings.Split(s.b.String(), "\n") {
		for _, w := range words {
			if strings.Contains(l, w) && len(out) < 40 {
				out = append(out, l)
				break
			}
		}
	}
	return strings.Join(out, "\n")
}

// TestAuditBesideTheProjectionUnderLoad audits every 100 ms while doors keep recording: the
// audit reads the aggregates, then check-in's table, beside the projection (which goes on
// applying), so a comparison often finds the table's cut ahead of the projection's checkpoint,
// and must account for the events between the two without finding a drift that is not there.
// Then an aggregate is tampered with while the doors go on, and the audit still finds and
// repairs it.
func TestAuditBesideTheProjectionUnderLoad(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	logs := &syncBuffer{}
	w := startWorld(t, func(o *stack.Options) { o.LogWriter = logs; o.AuditEvery, o.AuditRest = 100*time.Millisecond, -1 })
	client := checkinv1.NewCheckinServiceClient(w.conns["checkin"])
	type door struct {
		venue, activity string
		as              grpc.CallOption
	}
	var doors []door
	for _, county := range []string{"140105", "140106", "140110"} {
		var d door
		d.venue, d.activity, d.as = w.setup(t, county)
		doors = append(doors, d)
	}
	db, err := pgx.Connect(ctx, w.st.DatabaseURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close(context.Background()) })

	// audits counts the comparisons that found the figures equal, with the checkpoint behind
	// the cut (events between them to account for) and level with it.
	audits := func() (behind, level int) {
		logs.mu.Lock()
		defer logs.mu.Unlock()
		for _, l := range strings.Split(logs.b.String(), "\n") {
			if !strings.Contains(l, "statistics audit: equal") {
				continue
			}
			var at struct{ Checkpoint, Cut uint64 }
			if err := json.Unmarshal([]byte(l), &at); err != nil {
				t.Fatalf("audit log %q: %v", l, err)
			}
			if at.Checkpoint < at.Cut {
				behind++
			} else {
				level++
			}
		}
		return behind, level
	}
	run := func(d time.Duration) {
		t.Helper()
		var wg sync.WaitGroup
		stop := time.Now().Add(d)
		errs := make(chan error, len(doors))
		for _, dr := range doors {
			wg.Go(func() {
				// A door's steady pace, not the machine's limit: the other tests share these
				// two cores, and an audit meets the projection behind the cut whenever events
				// are published while it reads, however few a second.
				for seq := uint64(time.Now().UnixNano()); time.Now().Before(stop); seq++ {
					if _, err := client.RecordCheckin(ctx, walkIn(seq, dr.venue, dr.activity, 1), dr.as); err != nil {
						errs <- err
						return
					}
					time.Sleep(20 * time.Millisecond)
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
	}
	drifted := func() float64 {
		return testkit.MetricSum(t, w.st.Metrics, "sciweek_projection_drift_total", map[string]string{"projection": "reporting.checkin-events"})
	}

	// Doors record until audits have met the projection behind the cut a few times (the events
	// published while the aggregates were read, not yet applied).
	for range 10 {
		run(2 * time.Second)
		if behind, _ := audits(); behind >= 3 {
			break
		}
	}
	behind, level := audits()
	if behind < 3 {
		t.Errorf("in 20 s of doors recording, %d audits met the projection behind the table's cut (and %d level with it); want 3", behind, level)
	}
	t.Logf("audits that found the figures equal: %d with the projection behind the table's cut, %d level with it", behind, level)
	if n := drifted(); n != 0 {
		t.Errorf("the audit found %v drifting county-days under load; logs:\n%s", n, logs.matching("drifted"))
	}
	if logs.lines("drifted") != 0 || logs.lines("confirming between batches") != 0 {
		t.Errorf("drift logged under load:\n%s", logs.matching("drifted", "confirming between batches"))
	}

	// A tampered aggregate is still found, confirmed and repaired while the doors go on.
	if _, err := db.Exec(ctx, `UPDATE reporting.participation_counts SET walk_ins = walk_ins + 7 WHERE county_code = '140110'`); err != nil {
		t.Fatal(err)
	}
	run(2 * time.Second)
	testkit.Eventually(t, 20*time.Second, func() error {
		if n := drifted(); n < 1 {
			return fmt.Errorf("drift counted %v", n)
		}
		var table, counted int64
		if err := db.QueryRow(ctx, `SELECT coalesce(sum(headcount), 0) FROM checkin.checkin_records WHERE outcome = 1`).Scan(&table); err != nil {
			return err
		}
		if err := db.QueryRow(ctx, `SELECT coalesce(sum(ticketed + walk_ins), 0) FROM reporting.participation_counts`).Scan(&counted); err != nil {
			return err
		}
		if table != counted {
			return fmt.Errorf("aggregates %d, table %d", counted, table)
		}
		return nil
	})

	// Days check-in kept wrongly (a record stored behind them, or a row changed by hand) make
	// the incremental screen see a drift, but the confirmation reads the whole table: it finds
	// the figures equal, repairs nothing, and check-in keeps its days anew. The generation moves
	// so that no screen already reading keeps its days over the tampered row.
	repaired, confirming := drifted(), logs.lines("confirming between batches")
	if _, err := db.Exec(ctx, `WITH tampered AS (
			INSERT INTO checkin.tally_days SELECT edition_id, county_code, date_trunc('day', occurred_at AT TIME ZONE 'Asia/Shanghai'),
				kind, outcome, refusal, category, 5, 5, 777 FROM checkin.checkin_records WHERE outcome = 1 LIMIT 1)
		UPDATE checkin.tally_days_mark SET generation = generation + 1`); err != nil {
		t.Fatal(err)
	}
	run(time.Second)
	testkit.Eventually(t, 20*time.Second, func() error {
		var left int
		if err := db.QueryRow(ctx, `SELECT count(*) FROM checkin.tally_days WHERE adults = 777`).Scan(&left); err != nil {
			return err
		}
		if left != 0 || logs.lines("confirming between batches") == confirming {
			return fmt.Errorf("the tampered day row is still kept (%d), or no screen saw it", left)
		}
		return nil
	})
	if n := drifted(); n != repaired {
		t.Errorf("days check-in kept wrongly were repaired into the statistics: drift counted %v, was %v; logs:\n%s", n, repaired, logs.matching("drifted"))
	}
}
