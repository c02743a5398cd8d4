package checkin

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/sciweek/sciweek/pkg/bus"
	"github.com/sciweek/sciweek/pkg/db"
	"github.com/sciweek/sciweek/pkg/telemetry"
	"github.com/sciweek/sciweek/services/checkin/internal/adapters"
	"github.com/sciweek/sciweek/services/checkin/internal/domain"
	"github.com/sciweek/sciweek/services/checkin/migrations"
)

// StoreStage is what PostgreSQL alone took of check-in rows.
type StoreStage struct {
	// Rows counts the rows committed.
	Rows int64
	// Elapsed is how long it took.
	Elapsed time.Duration
}

// Rate is rows committed per second.
func (s StoreStage) Rate() float64 { return float64(s.Rows) / s.Elapsed.Seconds() }

// MeasureStore measures the store stage of the pipeline on its own: writers concurrent
// transactions, each inserting batch generated rows with the very statement the service uses,
// for d. It works in a scratch schema that it drops afterwards, so the benchmark can run it
// beside a live service without touching its records.
func MeasureStore(ctx context.Context, url string, tel *telemetry.Telemetry, d time.Duration, batch, writers int) (StoreStage, error) {
	const schema = "checkin_stage"
	pool, err := db.Open(ctx, db.Config{URL: url, Schema: schema, MaxConns: int32(writers + 1)}, tel)
	if err != nil {
		return StoreStage{}, err
	}
	defer pool.Close()
	defer func() {
		_, _ = pool.Exec(context.WithoutCancel(ctx), `DROP SCHEMA `+pgx.Identifier{schema}.Sanitize()+` CASCADE`)
	}()
	if err := db.Migrate(ctx, pool, schema, tel.Logger,
		db.MigrationSet{Name: "bus", FS: bus.Migrations()}, db.MigrationSet{Name: "checkin", FS: migrations.FS}); err != nil {
		return StoreStage{}, err
	}
	store, err := adapters.NewRecords(pool, tel.Propagator, func() {})
	if err != nil {
		return StoreStage{}, err
	}
	venue, activity := uuid.New(), uuid.New()
	var rows atomic.Int64
	var firstErr error
	var once sync.Once
	deadline := time.Now().Add(d)
	start := time.Now()
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			terminal := uuid.New()
			var seq uint64
			for n := 0; time.Now().Before(deadline) && ctx.Err() == nil; n++ {
				now := time.Now().UTC().Truncate(time.Microsecond)
				rs := make([]domain.Record, batch)
				for i := range rs {
					seq++
					rs[i] = domain.Record{ID: uuid.New(), TerminalID: terminal, EditionID: "stage", CountyCode: "140105", Outcome: domain.Admitted, RecordedAt: now,
						Scan: domain.Scan{Sequence: seq, OccurredAt: now, VenueID: venue, ActivityID: activity, Kind: domain.KindWalkIn,
							Category: domain.Category(1 + (i+w)%4), Headcount: 1}}
				}
				if err := store.InsertOnly(ctx, rs); err != nil {
					once.Do(func() { firstErr = fmt.Errorf("store stage: %w", err) })
					return
				}
				rows.Add(int64(batch))
			}
		}()
	}
	wg.Wait()
	return StoreStage{Rows: rows.Load(), Elapsed: time.Since(start)}, firstErr
}
