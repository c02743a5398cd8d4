package app

import (
	"context"
	"reflect"
	"sync"
	"time"

	"go.opentelemetry.io/otel/attribute"

	"github.com/sciweek/sciweek/services/reporting/internal/stats/domain"
)

// hub computes each distinct dashboard once for all the screens showing it: the bureau's wall,
// the co-hosts and two hundred county screens mostly watch a handful of filters, so a change
// costs one computation per filter, not one per screen.
type hub struct {
	svc      *Service
	interval time.Duration
	poll     time.Duration
	mu       sync.Mutex
	feeds    map[feedKey]*feed
}

type feedKey struct {
	edition string
	filter  domain.Filter
}

// feed is one filter's computation and its screens. Each screen has a slot that holds only
// the newest dashboard: a slow screen skips versions, it never holds the others back.
type feed struct {
	subs   map[chan domain.Dashboard]struct{}
	last   *domain.Dashboard
	cancel context.CancelFunc
}

func newHub(svc *Service, interval, poll time.Duration) *hub {
	return &hub{svc: svc, interval: interval, poll: poll, feeds: map[feedKey]*feed{}}
}

// subscribe adds a screen to the feed of key, starting the feed if it is the first; the
// channel closes if the feed cannot read the figures.
func (h *hub) subscribe(ctx context.Context, key feedKey) (<-chan domain.Dashboard, func(), error) {
	ch := make(chan domain.Dashboard, 1)
	h.mu.Lock()
	f, ok := h.feeds[key]
	if !ok {
		fctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		f = &feed{subs: map[chan domain.Dashboard]struct{}{}, cancel: cancel}
		h.feeds[key] = f
		go h.run(fctx, key, f)
	}
	f.subs[ch] = struct{}{}
	if f.last != nil {
		ch <- *f.last // a new screen starts from what the others see
	}
	h.mu.Unlock()
	stop := func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		if _, ok := f.subs[ch]; !ok {
			return
		}
		delete(f.subs, ch)
		if len(f.subs) == 0 {
			f.cancel()
			delete(h.feeds, key)
		}
	}
	return ch, stop, nil
}

// run recomputes the dashboard after changes, no more often than the interval, and hands it to
// every screen when it differs from the last.
func (h *hub) run(ctx context.Context, key feedKey, f *feed) {
	changed, unsubscribe := h.svc.changes.Subscribe()
	defer unsubscribe()
	poll := time.NewTicker(h.poll)
	defer poll.Stop()
	var pushed time.Time
	failures := 0
	for {
		d, err := h.svc.dashboard(ctx, key.edition, key.filter)
		if ctx.Err() != nil {
			return
		}
		switch {
		case err != nil:
			failures++
			if failures >= 5 {
				h.fail(key, f)
				return
			}
		default:
			failures = 0
			if h.push(ctx, key, f, d) {
				pushed = time.Now()
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-changed:
		case <-poll.C:
		}
		if !holdOff(ctx, h.interval, pushed) {
			return
		}
	}
}

// holdOff waits until interval has passed since the last push: a change after a quiet spell
// goes out at once (leading edge), and during a busy spell the screen gets the newest figures
// once per interval, the changes in between together. False if ctx ended first.
func holdOff(ctx context.Context, interval time.Duration, pushed time.Time) bool {
	wait := interval - time.Since(pushed)
	if wait <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// push publishes d in a span of its own (see Service.pushSpan), so a check-in's trace ends at
// the screens it reached.
func (h *hub) push(ctx context.Context, key feedKey, f *feed, d domain.Dashboard) bool {
	span := h.svc.pushSpan(ctx, "dashboard.push", attribute.String("sciweek.edition", key.edition), attribute.String("sciweek.county", key.filter.CountyCode))
	defer span.End()
	ok := h.publish(f, d)
	span.SetAttributes(attribute.Bool("sciweek.pushed", ok))
	return ok
}

// publish hands d to every screen unless it shows what they have; it reports whether it did.
func (h *hub) publish(f *feed, d domain.Dashboard) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if f.last != nil && sameFigures(*f.last, d) {
		return false
	}
	f.last = &d
	for ch := range f.subs {
		select {
		case <-ch: // drop the version the screen has not taken yet
		default:
		}
		ch <- d
	}
	return true
}

// fail closes every screen's channel: they reconnect and start a new feed.
func (h *hub) fail(key feedKey, f *feed) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range f.subs {
		close(ch)
	}
	f.subs = map[chan domain.Dashboard]struct{}{}
	f.cancel()
	if h.feeds[key] == f {
		delete(h.feeds, key)
	}
}

// sameFigures compares two dashboards without their update time.
func sameFigures(a, b domain.Dashboard) bool {
	a.UpdatedAt, b.UpdatedAt = time.Time{}, time.Time{}
	return reflect.DeepEqual(a, b)
}
