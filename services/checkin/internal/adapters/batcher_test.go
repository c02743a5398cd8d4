package adapters_test

import (
	"context"
	"math"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"google.golang.org/protobuf/proto"

	"github.com/sciweek/sciweek/pkg/errs"
	checkinv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/checkin/v1"
	"github.com/sciweek/sciweek/pkg/testkit"
	"github.com/sciweek/sciweek/services/checkin"
	"github.com/sciweek/sciweek/services/checkin/internal/adapters"
	"github.com/sciweek/sciweek/services/checkin/internal/domain"
)

func TestMain(m *testing.M) { os.Exit(testkit.Main(m)) }

// batcher returns a running group commit over a fresh database.
func batcher(t testing.TB) (*adapters.Batcher, *pgxpool.Pool) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	tel := testkit.Telemetry(t, "checkin")
	pool := testkit.Pool(t, checkin.Schema, tel)
	if err := checkin.Migrate(ctx, pool, tel); err != nil {
		t.Fatal(err)
	}
	records, err := adapters.NewRecords(pool, tel.Propagator, func() {})
	if err != nil {
		t.Fatal(err)
	}
	// A long linger gathers every concurrent call into one transaction, as on a busy day.
	b, err := adapters.NewBatcher(records, adapters.BatcherConfig{Linger: 50 * time.Millisecond, MaxBatch: 1000, Writers: 1},
		tel.Meter.Meter("test"), tel.Tracer.Tracer("test"))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { defer close(done); _ = b.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	return b, pool
}

func walkIn(terminal uuid.UUID, seq uint64, at time.Time) domain.Record {
	return domain.Record{ID: uuid.New(), TerminalID: terminal, EditionID: "2024", CountyCode: "140105", Outcome: domain.Admitted,
		RecordedAt: time.Now().UTC().Truncate(time.Microsecond),
		Scan: domain.Scan{Sequence: seq, OccurredAt: at.UTC().Truncate(time.Microsecond), VenueID: uuid.New(), ActivityID: uuid.New(),
			Kind: domain.KindWalkIn, Category: domain.CategoryAdult, Headcount: 1}}
}

// TestOneBadRecordFailsOnlyItsOwnCall: records the database refuses (past what the domain
// checks, as a later bug or a skipped check would send) fail their own call with a kind that is
// not a retryable outage, and every other call committed in the same group succeeds.
func TestOneBadRecordFailsOnlyItsOwnCall(t *testing.T) {
	t.Parallel()
	b, pool := batcher(t)
	ctx := context.Background()
	now := time.Now()
	bad := []struct {
		name string
		rec  domain.Record
		want errs.Kind
	}{
		{"sequence of 2^63", walkIn(uuid.New(), math.MaxInt64+1, now), errs.Invalid},
		{"sequence of 2^64-1", walkIn(uuid.New(), math.MaxUint64, now), errs.Invalid},
		{"negative adults", func() domain.Record { r := walkIn(uuid.New(), 1, now); r.Scan.Adults = -1; return r }(), errs.Invalid},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			good := uuid.New()
			var wg sync.WaitGroup
			goodErrs := make([]error, 20)
			for i := range goodErrs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, goodErrs[i] = b.Save(ctx, []domain.Record{walkIn(good, uint64(i+1), now)})
				}()
			}
			_, err := b.Save(ctx, []domain.Record{tc.rec})
			wg.Wait()
			if errs.KindOf(err) != tc.want {
				t.Fatalf("bad record: %v (kind %v), want kind %v", err, errs.KindOf(err), tc.want)
			}
			for i, err := range goodErrs {
				if err != nil {
					t.Errorf("good call %d failed beside the bad one: %v", i, err)
				}
			}
			var n int
			if err := pool.QueryRow(ctx, `SELECT count(*) FROM checkin_records WHERE terminal_id = $1`, good).Scan(&n); err != nil || n != 20 {
				t.Fatalf("good records stored: %d %v", n, err)
			}
		})
	}
}

// FuzzBatchWriter: whatever record reaches the writer, its call ends either stored (and read
// back the same) or refused with a kind that is not Unavailable, and the good call beside it is
// stored either way.
func FuzzBatchWriter(f *testing.F) {
	b, pool := batcher(f)
	f.Add(uint64(1), int64(1716692400), 1, 0, "")
	f.Add(uint64(math.MaxInt64), int64(1716692400), 1, 0, "五年级二班")
	f.Add(uint64(math.MaxInt64+1), int64(1716692400), 1, 0, "")
	f.Add(uint64(7), int64(0), 1, 0, "")
	f.Add(uint64(7), int64(253402300799), 1000, 200, "")
	f.Add(uint64(7), int64(253402300800), 1, 0, "")
	f.Add(uint64(7), int64(-62135596800), 1, 0, "")
	f.Add(uint64(7), int64(1716692400), math.MaxInt32, math.MaxInt32, "")
	f.Add(uint64(7), int64(1716692400), math.MinInt32, -1, "\x00")
	f.Fuzz(func(t *testing.T, seq uint64, unix int64, head, adults int, group string) {
		ctx := context.Background()
		r := walkIn(uuid.New(), seq, time.Unix(unix, 0))
		r.Scan.Kind, r.Scan.Headcount, r.Scan.Adults, r.Scan.GroupName = domain.KindGroup, head, adults, group
		good := walkIn(uuid.New(), 1, time.Now())
		var goodErr error
		done := make(chan struct{})
		go func() { defer close(done); _, goodErr = b.Save(ctx, []domain.Record{good}) }()
		stored, err := b.Save(ctx, []domain.Record{r})
		<-done
		if goodErr != nil {
			t.Fatalf("the good call failed beside %+v: %v", r.Scan, goodErr)
		}
		if err != nil {
			if k := errs.KindOf(err); k == errs.Unavailable || k == errs.Internal {
				t.Fatalf("record %+v: %v (kind %v)", r.Scan, err, k)
			}
			return
		}
		var head2, adults2 int
		var at time.Time
		if err := pool.QueryRow(ctx, `SELECT headcount, adults, occurred_at FROM checkin_records WHERE id = $1`, stored[0].Record.ID).Scan(&head2, &adults2, &at); err != nil {
			t.Fatal(err)
		}
		if int32(head2) != int32(head) || adults2 != adults || !at.Equal(r.Scan.OccurredAt) {
			t.Fatalf("stored %d/%d at %s, sent %d/%d at %s", head2, adults2, at, head, adults, r.Scan.OccurredAt)
		}
	})
}

// TestABatchWithAReplayStoresItsNewRecordsAndEventsOnce: a batch that is not all new cannot
// take the one-statement write; it is undone as a whole and stored by the transaction that sorts
// replays out, so each new record is stored once and announced once, and the replay neither.
func TestABatchWithAReplayStoresItsNewRecordsAndEventsOnce(t *testing.T) {
	t.Parallel()
	b, pool := batcher(t)
	ctx := context.Background()
	terminal, now := uuid.New(), time.Now()
	first := walkIn(terminal, 1, now)
	if _, err := b.Save(ctx, []domain.Record{first}); err != nil {
		t.Fatal(err)
	}
	again := first
	again.ID = uuid.New() // a door sending its record again makes a new id on the server
	stored, err := b.Save(ctx, []domain.Record{walkIn(terminal, 2, now), again, walkIn(terminal, 3, now)})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []bool{false, true, false} {
		if stored[i].Replayed != want {
			t.Errorf("record %d: replayed %v, want %v", i, stored[i].Replayed, want)
		}
	}
	if stored[1].Record.ID != first.ID {
		t.Errorf("the replay was answered with %s, want the first record %s", stored[1].Record.ID, first.ID)
	}
	var records int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM checkin_records WHERE terminal_id = $1`, terminal).Scan(&records); err != nil || records != 3 {
		t.Fatalf("records stored: %d %v, want 3", records, err)
	}
	rows, _ := pool.Query(ctx, `SELECT payload FROM outbox ORDER BY seq`)
	payloads, err := pgx.CollectRows(rows, pgx.RowTo[[]byte])
	if err != nil {
		t.Fatal(err)
	}
	var announced []uint64
	for _, p := range payloads {
		var ev checkinv1.CheckinsRecorded
		if err := proto.Unmarshal(p, &ev); err != nil {
			t.Fatal(err)
		}
		for _, r := range ev.GetRecords() {
			announced = append(announced, r.GetTerminalSequence())
		}
	}
	if !slices.Equal(announced, []uint64{1, 2, 3}) {
		t.Errorf("announced sequences %v, want [1 2 3]: each new record once, the replay not again", announced)
	}
}
