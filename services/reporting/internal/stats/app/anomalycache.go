package app

import (
	"context"
	"fmt"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/sciweek/sciweek/services/reporting/internal/stats/domain"
)

// anomalyCache keeps check-in's last counts of flagged records for each query, for as long as
// the check-in projection's checkpoint stays where it was when they were read.
//
// Every dashboard load shows the anomalies' tile, and counting them reads every flagged record
// of the edition in check-in's table: after a week of records that is most of a second of
// PostgreSQL on two cores, taken from the page's own first figures and from every other viewer.
// The table changes only when check-in stores records, and every record stored reaches the
// projection, which moves the checkpoint: while it stands still the counts cannot have changed,
// and once it moves the next reader counts again. Readers who ask at the same moment share one
// count (singleflight). A count is kept at most anomalyCacheAge, in case a stream made anew
// brings the checkpoint back to a number it had before.
type anomalyCache struct {
	mu      sync.Mutex
	entries map[anomalyKey]anomalyEntry
	flight  singleflight.Group
}

// anomalyKey is one query as check-in is asked it.
type anomalyKey struct {
	q        domain.AnomalyQuery
	timeZone string
}

type anomalyEntry struct {
	checkpoint uint64
	at         time.Time
	tallies    []domain.AnomalyTally
}

const (
	// anomalyCacheAge is the longest a count is kept, whatever the checkpoint.
	anomalyCacheAge = 5 * time.Minute
	// anomalyCacheSize bounds the queries kept (editions × counties × venues × days asked for);
	// past it the cache starts again.
	anomalyCacheSize = 512
	// anomalyCountTimeout bounds one shared count, which goes on when the reader who started it
	// leaves, for the readers waiting on it and the next ones.
	anomalyCountTimeout = time.Minute
)

// countAnomalies is AnomalyCounter.CountAnomalies through the cache. The tallies returned are
// shared between readers and must not be changed.
func (s *Service) countAnomalies(ctx context.Context, q domain.AnomalyQuery) ([]domain.AnomalyTally, error) {
	checkpoint, err := s.store.Checkpoint(ctx)
	if err != nil {
		return nil, err
	}
	key := anomalyKey{q: q, timeZone: s.loc.String()}
	c := &s.anomalyCache
	c.mu.Lock()
	e, ok := c.entries[key]
	c.mu.Unlock()
	if ok && e.checkpoint == checkpoint && s.now().Sub(e.at) < anomalyCacheAge {
		return e.tallies, nil
	}
	ch := c.flight.DoChan(fmt.Sprintf("%v|%d", key, checkpoint), func() (any, error) {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), anomalyCountTimeout)
		defer cancel()
		at := s.now()
		tallies, err := s.anomalies.CountAnomalies(cctx, q, key.timeZone)
		if err != nil {
			return nil, err
		}
		c.mu.Lock()
		if c.entries == nil || len(c.entries) >= anomalyCacheSize {
			c.entries = map[anomalyKey]anomalyEntry{}
		}
		c.entries[key] = anomalyEntry{checkpoint: checkpoint, at: at, tallies: tallies}
		c.mu.Unlock()
		return tallies, nil
	})
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case r := <-ch:
		if r.Err != nil {
			return nil, r.Err
		}
		return r.Val.([]domain.AnomalyTally), nil
	}
}
