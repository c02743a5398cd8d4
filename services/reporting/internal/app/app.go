// Package app holds the live statistics' use cases: what each viewer may see, and pushing fresh
// figures to the people watching.
package app

import (
	"context"
	"sync"
	"time"

	"github.com/sciweek/sciweek/pkg/auth"
	"github.com/sciweek/sciweek/pkg/errs"
	"github.com/sciweek/sciweek/services/reporting/internal/domain"
)

// Store reads the aggregates.
type Store interface {
	// Overview returns an edition's figures, of one county when county is set; today is the
	// city's current day (YYYY-MM-DD).
	Overview(ctx context.Context, edition, county, today string) (domain.Overview, error)
	// Rows returns participation rows for a query, largest first.
	Rows(ctx context.Context, q domain.Query) ([]domain.Row, error)
	// Occupancy returns today's occupancy of the venues with anyone checked in, of one county
	// when county is set, fullest first.
	Occupancy(ctx context.Context, county, today string) ([]domain.Occupancy, error)
}

// FullestShown is how many of the fullest venues the overview carries.
const FullestShown = 10

// Service runs the statistics use cases.
type Service struct {
	store       Store
	changes     *Changes
	loc         *time.Location
	now         func() time.Time
	minInterval time.Duration
	poll        time.Duration
}

// Config tunes the live view.
type Config struct {
	// Location is the city's time zone: days are counted in it.
	Location *time.Location
	// MinInterval is the least time between two pushes to one watcher; 0 means 250 ms.
	MinInterval time.Duration
	// Poll is how often a watcher looks for changes applied by another replica; 0 means 1 s.
	Poll time.Duration
}

// New returns the use cases.
func New(store Store, changes *Changes, now func() time.Time, cfg Config) (*Service, error) {
	if store == nil || changes == nil || now == nil || cfg.Location == nil {
		return nil, errs.E(errs.Internal, "reporting app: store, changes, clock and location are required")
	}
	if cfg.MinInterval <= 0 {
		cfg.MinInterval = 250 * time.Millisecond
	}
	if cfg.Poll <= 0 {
		cfg.Poll = time.Second
	}
	return &Service{store: store, changes: changes, loc: cfg.Location, now: now, minInterval: cfg.MinInterval, poll: cfg.Poll}, nil
}

// scope returns the county a viewer is limited to ("" for the whole city), refusing a request
// for another county rather than quietly answering with the viewer's own.
func scope(p auth.Principal, asked string) (string, error) {
	if p.SeesAllCounties() {
		return asked, nil
	}
	if !p.Is(auth.RoleCountyAdmin) {
		return "", errs.E(errs.PermissionDenied, "role %s may not see statistics", p.Role)
	}
	if asked != "" && asked != p.CountyCode {
		return "", errs.E(errs.PermissionDenied, "you may see the figures of your own county (%s) only", p.CountyCode)
	}
	return p.CountyCode, nil
}

// Overview returns the live figures the viewer may see: the whole city, or one county.
func (s *Service) Overview(ctx context.Context, p auth.Principal, edition string) (domain.Overview, error) {
	county, err := scope(p, "")
	if err != nil {
		return domain.Overview{}, err
	}
	today := domain.Day(s.now(), s.loc)
	o, err := s.store.Overview(ctx, edition, county, today)
	if err != nil {
		return domain.Overview{}, err
	}
	venues, err := s.store.Occupancy(ctx, county, today)
	if err != nil {
		return domain.Overview{}, err
	}
	o.Occupancy = domain.Summarize(venues, FullestShown)
	return o, nil
}

// Occupancy returns how full each venue the viewer may see is now, fullest first.
func (s *Service) Occupancy(ctx context.Context, p auth.Principal, county string) ([]domain.Occupancy, error) {
	county, err := scope(p, county)
	if err != nil {
		return nil, err
	}
	return s.store.Occupancy(ctx, county, domain.Day(s.now(), s.loc))
}

// Query returns participation rows within the viewer's scope.
func (s *Service) Query(ctx context.Context, p auth.Principal, q domain.Query) ([]domain.Row, error) {
	county, err := scope(p, q.CountyCode)
	if err != nil {
		return nil, err
	}
	q.CountyCode = county
	if q.FromDay != "" && q.ToDay != "" && q.FromDay > q.ToDay {
		return nil, errs.E(errs.Invalid, "from_day %s is after to_day %s", q.FromDay, q.ToDay)
	}
	for _, d := range []string{q.FromDay, q.ToDay} {
		if _, err := time.Parse(time.DateOnly, d); d != "" && err != nil {
			return nil, errs.E(errs.Invalid, "%q is not a date (YYYY-MM-DD)", d)
		}
	}
	return s.store.Rows(ctx, q)
}

// Watch calls send with the overview at once and again whenever it changes, no more often than
// the configured interval, until ctx ends or send fails.
func (s *Service) Watch(ctx context.Context, p auth.Principal, edition string, send func(domain.Overview) error) error {
	changed, stop := s.changes.Subscribe()
	defer stop()
	ov, err := s.Overview(ctx, p, edition)
	if err != nil {
		return err
	}
	if err := send(ov); err != nil {
		return err
	}
	last := ov.StreamPosition
	poll := time.NewTicker(s.poll)
	defer poll.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-changed:
		case <-poll.C:
		}
		// Coalesce bursts: everything applied during the pause goes out in one push.
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(s.minInterval):
		}
		ov, err := s.Overview(ctx, p, edition)
		if err != nil {
			return err
		}
		if ov.StreamPosition == last {
			continue
		}
		last = ov.StreamPosition
		if err := send(ov); err != nil {
			return err
		}
	}
}

// Changes tells watchers in this process that the aggregates changed. A notification carries
// nothing: watchers re-read, so a missed one only delays them until the next.
type Changes struct {
	mu   sync.Mutex
	subs map[chan struct{}]struct{}
}

// NewChanges returns a notifier without subscribers.
func NewChanges() *Changes { return &Changes{subs: map[chan struct{}]struct{}{}} }

// Notify wakes every subscriber without blocking.
func (c *Changes) Notify() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for ch := range c.subs {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

// Subscribe returns a channel that receives after changes, and the function to unsubscribe.
func (c *Changes) Subscribe() (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	c.mu.Lock()
	c.subs[ch] = struct{}{}
	c.mu.Unlock()
	return ch, func() {
		c.mu.Lock()
		delete(c.subs, ch)
		c.mu.Unlock()
	}
}
