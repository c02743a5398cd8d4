// Package app holds the live statistics' use cases: what each viewer may see, and pushing fresh
// figures to the people watching.
package app

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"

	"github.com/sciweek/sciweek/pkg/auth"
	"github.com/sciweek/sciweek/pkg/errs"
	"github.com/sciweek/sciweek/pkg/sheet"
	"github.com/sciweek/sciweek/services/reporting/internal/stats/domain"
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
	// Dashboard returns every panel of the dashboard for a filter whose county is already
	// the viewer's scope.
	Dashboard(ctx context.Context, edition string, f domain.Filter, today, yesterday string) (domain.Dashboard, error)
	// Rebuild throws the check-in aggregates away and has the projection replay the stream
	// up to replayUntil (and on).
	Rebuild(ctx context.Context, replayUntil uint64) error
	// Checkpoint returns the stream position the aggregates are complete up to.
	Checkpoint(ctx context.Context) (uint64, error)
	// Participations counts every participation the aggregates hold.
	Participations(ctx context.Context) (int64, error)
	// Analyze refreshes the planner's statistics of the aggregates.
	Analyze(ctx context.Context) error
}

// StreamHead returns the check-in stream's last sequence: what a rebuild must reach.
type StreamHead func(ctx context.Context) (uint64, error)

// Service runs the statistics use cases.
type Service struct {
	store       Store
	changes     *Changes
	loc         *time.Location
	now         func() time.Time
	minInterval time.Duration
	poll        time.Duration
	head        StreamHead
	hub         *hub
	workbooks   DashboardWriter
	tracer      trace.Tracer
	reconciler  *Reconciler
	anomalies   AnomalyCounter
	names       AnomalyNames
	// anomalyCache shares check-in's anomaly counts between readers (anomalycache.go).
	anomalyCache anomalyCache
}

// Config tunes the live view.
type Config struct {
	// Location is the city's time zone: days are counted in it.
	Location *time.Location
	// MinInterval is the least time between two pushes to one watcher; 0 means 250 ms.
	MinInterval time.Duration
	// Poll is how often a watcher looks for changes applied by another replica; 0 means 1 s.
	Poll time.Duration
	// DashboardInterval is the least time between two dashboard pushes to a screen; 0 means
	// one second.
	DashboardInterval time.Duration
	// Head reads the check-in stream's last sequence, for rebuilds.
	Head StreamHead
	// Workbooks writes dashboards as workbooks, for the export.
	Workbooks DashboardWriter
	// Tracer records the dashboard's pushes; nil records nothing.
	Tracer trace.Tracer
	// Reconciler, if set, rebuilds from check-in's table instead of replaying the stream
	// (which may no longer hold the whole week).
	Reconciler *Reconciler
	// Anomalies, if set with Names, reads the flagged records from check-in; without it the
	// anomalies' reader answers that check-in cannot be reached.
	Anomalies AnomalyCounter
	// Names names the venues and counties of the anomalies, and an organizer's activities.
	Names AnomalyNames
}

// New returns the use cases.
func New(store Store, changes *Changes, now func() time.Time, cfg Config) (*Service, error) {
	if store == nil || changes == nil || now == nil || cfg.Location == nil || cfg.Workbooks == nil {
		return nil, errors.New("reporting app: store, changes, clock, location and workbook writer are required")
	}
	if cfg.MinInterval <= 0 {
		cfg.MinInterval = 250 * time.Millisecond
	}
	if cfg.Poll <= 0 {
		cfg.Poll = time.Second
	}
	if cfg.DashboardInterval <= 0 {
		cfg.DashboardInterval = time.Second
	}
	s := &Service{store: store, changes: changes, loc: cfg.Location, now: now, minInterval: cfg.MinInterval, poll: cfg.Poll, head: cfg.Head, workbooks: cfg.Workbooks,
		reconciler: cfg.Reconciler, anomalies: cfg.Anomalies, names: cfg.Names}
	if s.tracer = cfg.Tracer; s.tracer == nil {
		s.tracer = noop.NewTracerProvider().Tracer("")
	}
	s.hub = newHub(s, cfg.DashboardInterval, cfg.Poll)
	return s, nil
}

// scope returns the county a viewer is limited to ("" for the whole city), refusing a request
// for another county rather than quietly answering with the viewer's own.
func scope(p auth.Principal, asked string) (string, error) {
	if p.SeesAllCounties() {
		return asked, nil
	}
	if !p.Is(auth.RoleCountyAdmin) {
		return "", ErrRoleCannotSee.New("role", p.Role, "roleLabel", p.Role.Label())
	}
	if asked != "" && asked != p.CountyCode {
		return "", ErrOwnCountyOnly.New("county", p.CountyCode)
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
	o.Occupancy = domain.Summarize(venues, domain.FullestShown)
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
		return nil, domain.ErrDayRange.New("from", q.FromDay, "to", q.ToDay)
	}
	for _, d := range []string{q.FromDay, q.ToDay} {
		if _, err := time.Parse(time.DateOnly, d); d != "" && err != nil {
			return nil, domain.ErrDayInvalid.New("value", d)
		}
	}
	return s.store.Rows(ctx, q)
}

// Dashboard returns the dashboard for a filter within the viewer's scope; a county admin asking
// for another county is refused.
func (s *Service) Dashboard(ctx context.Context, p auth.Principal, edition string, f domain.Filter) (domain.Dashboard, error) {
	f, err := s.scopeFilter(p, f)
	if err != nil {
		return domain.Dashboard{}, err
	}
	return s.dashboard(ctx, edition, f)
}

// The reasons an organizer's dashboard is refused.
var (
	// ErrOrganizerWithoutUnit refuses an organizer account tied to no unit.
	ErrOrganizerWithoutUnit = errs.Reason{Code: "ORGANIZER_WITHOUT_UNIT", Kind: errs.PermissionDenied,
		English: "this account is tied to no organizer unit, so it has no figures to see",
		Chinese: "此账号未关联组织单位，无法查看统计"}
	// ErrOtherUnitsFigures refuses an organizer another unit's figures.
	ErrOtherUnitsFigures = errs.Reason{Code: "FIGURES_OF_ANOTHER_UNIT", Kind: errs.PermissionDenied,
		English: "an organizer may see the figures of their own unit's activities only",
		Chinese: "组织单位只能查看本单位活动的数据"}
)

func (s *Service) scopeFilter(p auth.Principal, f domain.Filter) (domain.Filter, error) {
	if p.Is(auth.RoleOrganizer) {
		// An organizer sees the figures of their own unit's activities, wherever they are.
		if p.UnitID == "" {
			return domain.Filter{}, ErrOrganizerWithoutUnit.New()
		}
		if f.UnitID != "" && f.UnitID != p.UnitID {
			return domain.Filter{}, ErrOtherUnitsFigures.New()
		}
		f.UnitID = p.UnitID
		return f, f.Check()
	}
	county, err := scope(p, f.CountyCode)
	if err != nil {
		return domain.Filter{}, err
	}
	f.CountyCode = county
	return f, f.Check()
}

// Week is a county's (or one of its units') dashboard over the whole edition, unscoped: what
// the report back (another context of this service, which checks its callers itself) takes as
// counted figures.
func (s *Service) Week(ctx context.Context, edition, county, unit string) (domain.Dashboard, error) {
	return s.dashboard(ctx, edition, domain.Filter{CountyCode: county, UnitID: unit})
}

func (s *Service) dashboard(ctx context.Context, edition string, f domain.Filter) (domain.Dashboard, error) {
	now := s.now().In(s.loc)
	return s.store.Dashboard(ctx, edition, f, now.Format(time.DateOnly), now.AddDate(0, 0, -1).Format(time.DateOnly))
}

// WatchDashboard calls send with the dashboard at once and again after changes, at most once
// per interval. Every screen with the same filter (after scoping) shares one computation.
func (s *Service) WatchDashboard(ctx context.Context, p auth.Principal, edition string, f domain.Filter, send func(domain.Dashboard) error) error {
	f, err := s.scopeFilter(p, f)
	if err != nil {
		return err
	}
	updates, stop, err := s.hub.subscribe(ctx, feedKey{edition: edition, filter: f})
	if err != nil {
		return err
	}
	defer stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case d, ok := <-updates:
			if !ok {
				return ErrDashboardUnavailable.New()
			}
			if err := send(d); err != nil {
				return err
			}
		}
	}
}

// Rebuild throws the aggregates away, has them folded again from every stored check-in event,
// and returns once they are complete: how many stream messages were replayed and the
// participations the figures hold afterwards. Only the city admin may.
func (s *Service) Rebuild(ctx context.Context, p auth.Principal) (events uint64, participations int64, took time.Duration, err error) {
	if !p.Is(auth.RoleCityAdmin) {
		return 0, 0, 0, ErrRebuildCityOnly.New()
	}
	if s.reconciler != nil {
		cut, took, err := s.reconciler.Rebuild(ctx)
		if err != nil {
			return 0, 0, 0, err
		}
		n, err := s.store.Participations(ctx)
		return cut.LastSeq, n, took, err
	}
	if s.head == nil {
		return 0, 0, 0, errors.New("reporting: no stream head configured")
	}
	start := time.Now()
	head, err := s.head(ctx)
	if err != nil {
		return 0, 0, 0, err
	}
	if err := s.store.Rebuild(ctx, head); err != nil {
		return 0, 0, 0, err
	}
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		pos, err := s.store.Checkpoint(ctx)
		if err != nil {
			return 0, 0, 0, err
		}
		if pos >= head {
			break
		}
		select {
		case <-ctx.Done():
			return 0, 0, 0, ErrRebuildGoesOn.New("head", head)
		case <-tick.C:
		}
	}
	if err := s.store.Analyze(ctx); err != nil {
		return 0, 0, 0, err
	}
	n, err := s.store.Participations(ctx)
	return head, n, time.Since(start), err
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
	last, pushed := ov.StreamPosition, time.Now()
	poll := time.NewTicker(s.poll)
	defer poll.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-changed:
		case <-poll.C:
		}
		// Waiting the whole interval after every change, as this did, added up to a quarter
		// second to every push.
		if !holdOff(ctx, s.minInterval, pushed) {
			return nil
		}
		ov, err := s.Overview(ctx, p, edition)
		if err != nil {
			return err
		}
		if ov.StreamPosition == last {
			continue
		}
		last = ov.StreamPosition
		span := s.pushSpan(ctx, "overview.push", attribute.String("sciweek.edition", edition))
		err = send(ov)
		span.End()
		pushed = time.Now()
		if err != nil {
			return err
		}
	}
}

// pushSpan starts the span of a push to screens: a child of the first event behind the latest
// change (Changes.Caused) and linked to the others, so the trace of a check-in that moved the
// figures ends at the screens it reached. With no recent change in this replica (another
// replica's, found by polling) the push starts a trace of its own.
func (s *Service) pushSpan(ctx context.Context, name string, attrs ...attribute.KeyValue) trace.Span {
	causes := s.changes.causes()
	parent := ctx
	var links []trace.Link
	if len(causes) > 0 {
		parent = trace.ContextWithRemoteSpanContext(ctx, causes[0])
		for _, sc := range causes[1:] {
			links = append(links, trace.Link{SpanContext: sc})
		}
	}
	_, span := s.tracer.Start(parent, name, trace.WithLinks(links...), trace.WithAttributes(attrs...))
	return span
}

// Changes tells watchers in this process that the aggregates changed. A notification carries
// nothing: watchers re-read, so a missed one only delays them until the next. It also keeps the
// trace contexts of the events behind the latest change, so the dashboard's push can be found in
// the trace of a check-in that caused it.
type Changes struct {
	mu    sync.Mutex
	subs  map[chan struct{}]struct{}
	cause []trace.SpanContext
	at    time.Time
}

// maxCauses bounds the links a push span carries: a batch of hundreds of events is summed up
// by its first few.
const maxCauses = 16

// Caused records the trace contexts of the events a change comes from (the latest change's
// replace the previous ones); invalid contexts are left out.
func (c *Changes) Caused(scs ...trace.SpanContext) {
	kept := make([]trace.SpanContext, 0, min(len(scs), maxCauses))
	for _, sc := range scs {
		if sc.IsValid() && len(kept) < maxCauses {
			kept = append(kept, sc)
		}
	}
	c.mu.Lock()
	c.cause, c.at = kept, time.Now()
	c.mu.Unlock()
}

// causeAge is how long a change's trace contexts stay the cause of pushes: long enough for the
// slowest push interval, short enough that a push found by polling an hour later (another
// replica's change) is not passed off as this replica's last.
const causeAge = 5 * time.Second

// causes returns the trace contexts of the latest change, if it is recent.
func (c *Changes) causes() []trace.SpanContext {
	c.mu.Lock()
	defer c.mu.Unlock()
	if time.Since(c.at) > causeAge {
		return nil
	}
	return c.cause
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

// DashboardWriter writes a dashboard as the workbook people download.
type DashboardWriter interface {
	Dashboard(d domain.Dashboard) ([]byte, error)
}

// ExportedFile is a file to hand out.
type ExportedFile struct {
	Name, ContentType string
	Content           []byte
}

// ExportDashboard writes the dashboard of a filter, as the caller may see it, as a workbook
// named after its edition, county and day.
func (s *Service) ExportDashboard(ctx context.Context, p auth.Principal, edition string, f domain.Filter) (ExportedFile, error) {
	d, err := s.Dashboard(ctx, p, edition, f)
	if err != nil {
		return ExportedFile{}, err
	}
	content, err := s.workbooks.Dashboard(d)
	if err != nil {
		return ExportedFile{}, err
	}
	name := fmt.Sprintf("科技活动周数据-%s-%s.xlsx", d.EditionID, d.Today)
	if d.Filter.CountyCode != "" {
		name = fmt.Sprintf("科技活动周数据-%s-%s-%s.xlsx", d.EditionID, d.Filter.CountyCode, d.Today)
	}
	return ExportedFile{Name: name, ContentType: sheet.XLSXContentType, Content: content}, nil
}

// The statistics' refusals.
var (
	ErrRoleCannotSee = errs.Reason{Code: "STATS_ROLE_NOT_ALLOWED", Kind: errs.PermissionDenied,
		English: "role {role} may not see statistics",
		Chinese: "当前账号（{roleLabel}）不能查看统计数据"}
	ErrOwnCountyOnly = errs.Reason{Code: "STATS_OWN_COUNTY_ONLY", Kind: errs.PermissionDenied,
		English: "you may see the figures of your own county ({county}) only",
		Chinese: "只能查看本县（市、区）的数据"}
	ErrDashboardUnavailable = errs.Reason{Code: "DASHBOARD_UNAVAILABLE", Kind: errs.Unavailable,
		English: "the dashboard's figures cannot be read now; reconnect shortly",
		Chinese: "实时数据暂时读不到，页面会自动重新连接"}
	ErrRebuildCityOnly = errs.Reason{Code: "STATS_REBUILD_CITY_ONLY", Kind: errs.PermissionDenied,
		English: "only the city admin may rebuild the statistics",
		Chinese: "只有市级管理员可以重建统计数据"}
	ErrRebuildGoesOn = errs.Reason{Code: "STATS_REBUILD_GOES_ON", Kind: errs.Unavailable,
		English: "the rebuild goes on; the figures are complete once it reaches position {head}",
		Chinese: "统计数据仍在重建，完成后数字才完整，请稍后再看"}
)
