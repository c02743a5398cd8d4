package app

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/sciweek/sciweek/services/reporting/internal/stats/domain"
)

// checkpointStore is a Store whose check-in checkpoint the test moves; nothing else is called.
type checkpointStore struct {
	Store
	checkpoint atomic.Uint64
}

func (s *checkpointStore) Checkpoint(context.Context) (uint64, error) {
	return s.checkpoint.Load(), nil
}

// countingCounter counts check-in's anomaly counts; release, if set, holds each until closed.
type countingCounter struct {
	AnomalyCounter
	calls   atomic.Int64
	fail    atomic.Bool
	release chan struct{}
}

func (c *countingCounter) CountAnomalies(ctx context.Context, q domain.AnomalyQuery, _ string) ([]domain.AnomalyTally, error) {
	n := c.calls.Add(1)
	if c.release != nil {
		<-c.release
	}
	if c.fail.Load() {
		return nil, errors.New("check-in cannot be reached")
	}
	return []domain.AnomalyTally{{CountyCode: q.CountyCode, Records: n}}, nil
}

func TestAnomalyCountsAreSharedWhileTheCheckpointStands(t *testing.T) {
	t.Parallel()
	city := domain.AnomalyQuery{EditionID: "2026"}
	county := domain.AnomalyQuery{EditionID: "2026", CountyCode: "140105"}
	for _, tc := range []struct {
		name string
		// between runs between the first read of city and the second of ask.
		between   func(st *checkpointStore, c *countingCounter, clock *time.Time)
		ask       domain.AnomalyQuery
		wantCalls int64
	}{
		{"the same query, nothing recorded since: one count", func(*checkpointStore, *countingCounter, *time.Time) {}, city, 1},
		{"records projected since: counted again", func(st *checkpointStore, _ *countingCounter, _ *time.Time) { st.checkpoint.Add(1) }, city, 2},
		{"another county: its own count", func(*checkpointStore, *countingCounter, *time.Time) {}, county, 2},
		{"kept past its age: counted again", func(_ *checkpointStore, _ *countingCounter, clock *time.Time) {
			*clock = clock.Add(anomalyCacheAge)
		}, city, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			st, counter := &checkpointStore{}, &countingCounter{}
			st.checkpoint.Store(7)
			clock := time.Date(2026, 5, 20, 10, 0, 0, 0, time.UTC)
			s := &Service{store: st, anomalies: counter, loc: time.UTC, now: func() time.Time { return clock }}
			if _, err := s.countAnomalies(context.Background(), city); err != nil {
				t.Fatal(err)
			}
			tc.between(st, counter, &clock)
			got, err := s.countAnomalies(context.Background(), tc.ask)
			if err != nil {
				t.Fatal(err)
			}
			if n := counter.calls.Load(); n != tc.wantCalls {
				t.Fatalf("check-in counted %d times, want %d", n, tc.wantCalls)
			}
			if len(got) != 1 || got[0].CountyCode != tc.ask.CountyCode {
				t.Fatalf("got %+v for county %q", got, tc.ask.CountyCode)
			}
		})
	}
}

func TestAnomalyCountFailuresAreNotKept(t *testing.T) {
	t.Parallel()
	st, counter := &checkpointStore{}, &countingCounter{}
	s := &Service{store: st, anomalies: counter, loc: time.UTC, now: time.Now}
	q := domain.AnomalyQuery{EditionID: "2026", VenueID: uuid.New()}
	counter.fail.Store(true)
	if _, err := s.countAnomalies(context.Background(), q); err == nil {
		t.Fatal("a failed count answered without an error")
	}
	counter.fail.Store(false)
	if got, err := s.countAnomalies(context.Background(), q); err != nil || len(got) != 1 {
		t.Fatalf("after the failure: %v, %v; want a fresh count", got, err)
	}
	if n := counter.calls.Load(); n != 2 {
		t.Fatalf("check-in counted %d times, want 2", n)
	}
}

func TestReadersAtTheSameMomentShareOneCount(t *testing.T) {
	t.Parallel()
	st, counter := &checkpointStore{}, &countingCounter{release: make(chan struct{})}
	s := &Service{store: st, anomalies: counter, loc: time.UTC, now: time.Now}
	q := domain.AnomalyQuery{EditionID: "2026"}
	// The first reader leaves before the count ends: the others still get it.
	leaving, leave := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	errs := make([]error, 5)
	for i := range errs {
		ctx := context.Background()
		if i == 0 {
			ctx = leaving
		}
		wg.Go(func() { _, errs[i] = s.countAnomalies(ctx, q) })
	}
	for counter.calls.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	leave()
	time.Sleep(100 * time.Millisecond) // the others join the count in flight
	close(counter.release)
	wg.Wait()
	if n := counter.calls.Load(); n != 1 {
		t.Fatalf("check-in counted %d times for 5 readers at once, want 1", n)
	}
	for i, err := range errs[1:] {
		if err != nil {
			t.Fatalf("reader %d: %v", i+1, err)
		}
	}
}
