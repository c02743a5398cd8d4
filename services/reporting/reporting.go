// Package reporting is the reporting service, three bounded contexts in one process and one
// schema: the live statistics (internal/stats: check-in events folded exactly once into
// aggregates, the dashboard, occupancy and its alarms, pushed to the people watching), the
// report back after the week (internal/reportback: each county's and unit's statistics table,
// summary and media, checked, reviewed and merged) and the notification centre
// (internal/notices: reminders and notices, in the console and by e-mail). The report back asks
// the statistics for counted figures through one interface (rbapp.Counter) and reads none of
// their tables, so it can become a service of its own (docs/architecture.md); the notification
// centre and the report back meet through ntapp.Reports and rbapp.Notifier. This file wires the
// parts together.
package reporting

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"
	"golang.org/x/sync/errgroup"
	"google.golang.org/grpc"

	"github.com/sciweek/sciweek/pkg/auth"
	"github.com/sciweek/sciweek/pkg/bus"
	"github.com/sciweek/sciweek/pkg/errs"
	reportingv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/reporting/v1"
	"github.com/sciweek/sciweek/pkg/rpc"
	"github.com/sciweek/sciweek/pkg/telemetry"
	"github.com/sciweek/sciweek/pkg/wiring"
	ntadapters "github.com/sciweek/sciweek/services/reporting/internal/notices/adapters"
	ntapp "github.com/sciweek/sciweek/services/reporting/internal/notices/app"
	ntdomain "github.com/sciweek/sciweek/services/reporting/internal/notices/domain"
	ntports "github.com/sciweek/sciweek/services/reporting/internal/notices/ports"
	rbadapters "github.com/sciweek/sciweek/services/reporting/internal/reportback/adapters"
	rbapp "github.com/sciweek/sciweek/services/reporting/internal/reportback/app"
	rbdomain "github.com/sciweek/sciweek/services/reporting/internal/reportback/domain"
	rbports "github.com/sciweek/sciweek/services/reporting/internal/reportback/ports"
	"github.com/sciweek/sciweek/services/reporting/internal/stats/adapters"
	"github.com/sciweek/sciweek/services/reporting/internal/stats/app"
	statsdomain "github.com/sciweek/sciweek/services/reporting/internal/stats/domain"
	"github.com/sciweek/sciweek/services/reporting/internal/stats/ports"
	"github.com/sciweek/sciweek/services/reporting/migrations"
)

// Schema is the reporting service's PostgreSQL schema.
const Schema = "reporting"

// Config is what the reporting service needs from its host process.
type Config struct {
	// Base is the pool on the service's schema, NATS, telemetry, the audit key and the stream
	// settings.
	wiring.Base
	// People verifies the access tokens of people.
	People auth.Authenticator
	// Location is the city's time zone; days are counted in it.
	Location *time.Location
	// MinPushInterval is the least time between two pushes to one watcher; 0 means 250 ms.
	MinPushInterval time.Duration
	// ReplicaPoll is how often a watcher looks for changes another replica applied (this one's
	// own wake it at once); 0 means one second.
	ReplicaPoll time.Duration
	// Now is the clock; nil means time.Now. Tests set it to hold a day still.
	Now func() time.Time
	// DashboardInterval is the least time between two dashboard pushes to a screen; 0 means
	// one second.
	DashboardInterval time.Duration
	// Registration, if set, gives the featured activities for the merged table's second sheet.
	Registration grpc.ClientConnInterface
	// FilesDir keeps the reports' files on local disk, unless S3 is set.
	FilesDir string
	// S3, if its endpoint is set, keeps the files in an S3-compatible store instead.
	S3 S3Config
	// FileLimits are the largest files by kind; zero means 50 MB summaries, 20 MB images and
	// 1 GiB videos.
	FileLimits rbapp.Limits
	// SMTP, if its address is set, e-mails the notices to whoever gave an address for them.
	SMTP SMTPConfig
	// ReminderEvery is how often the deadline reminders are checked; 0 means ten minutes.
	ReminderEvery time.Duration
	// Checkin, if set with ServiceKey, reaches check-in's AttendanceService: the statistics
	// are rebuilt from check-in's table when the check-in stream no longer fits them, and
	// audited against it every AuditEvery. Without it a stream that starts over is replayed
	// from what it still holds.
	Checkin grpc.ClientConnInterface
	// ServiceKey is the deployment's shared service key (SCIWEEK_SERVICE_KEY).
	ServiceKey string
	// AuditEvery is how often the statistics are compared with check-in's table; 0 means 15
	// minutes.
	AuditEvery time.Duration
	// AuditRest is how many times its own duration an audit rests before the next; 0 means 49
	// (audits take at most a fiftieth of the time), negative none.
	AuditRest int
}

// SMTPConfig says where the notices' e-mails go out.
type SMTPConfig = ntadapters.SMTPConfig

// S3Config says where an S3-compatible store is.
type S3Config = rbadapters.S3Config

// Migrate brings the reporting schema up to date.
func Migrate(ctx context.Context, pool *pgxpool.Pool, tel *telemetry.Telemetry) error {
	return wiring.Migrate(ctx, pool, tel, wiring.Schema{Name: Schema, Own: migrations.FS})
}

// Policy says which roles may call each of the service's RPCs (statistics, report back,
// notices) and which calls are audited; the authorization matrix test walks it.
func Policy() auth.Policy {
	policy := ports.Policy()
	policy.Merge(rbports.ReportPolicy())
	policy.Merge(ntports.Policy())
	return wiring.WithAudit(policy)
}

// Service is a wired reporting service.
type Service struct {
	wiring.Core
	cfg         Config
	projections *bus.ProjectionRunner
	changes     *app.Changes
	projector   *app.Projector
	notices     *ntapp.Notices
	reconciler  *app.Reconciler
}

// New wires the reporting service.
func New(cfg Config) (*Service, error) {
	if cfg.Pool == nil || cfg.JetStream == nil || cfg.Telemetry == nil || cfg.People == nil || cfg.Location == nil {
		return nil, errors.New("reporting: pool, JetStream, telemetry, authenticator and location are required")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	changes := app.NewChanges()
	head := func(ctx context.Context) (uint64, error) {
		st, err := cfg.JetStream.Stream(ctx, bus.StreamCheckin)
		if err != nil {
			return 0, ErrStreamUnavailable.Wrap(err)
		}
		info, err := st.Info(ctx)
		if err != nil {
			return 0, ErrStreamUnavailable.Wrap(err)
		}
		return info.State.LastSeq, nil
	}
	store := adapters.NewStore(cfg.Pool)
	reconciler, err := newReconciler(cfg, store)
	if err != nil {
		return nil, err
	}
	uc, err := app.New(store, changes, cfg.Now, app.Config{Location: cfg.Location, MinInterval: cfg.MinPushInterval, Poll: cfg.ReplicaPoll,
		DashboardInterval: cfg.DashboardInterval, Head: head, Workbooks: adapters.Workbooks{}, Tracer: cfg.Telemetry.Tracer.Tracer("sciweek/reporting"),
		Reconciler: reconciler, Anomalies: anomalyCounter(cfg), Names: store})
	if err != nil {
		return nil, err
	}
	projector, err := app.NewProjector(store, adapters.NewAlarms(cfg.Telemetry.Propagator), cfg.Now, cfg.Location)
	if err != nil {
		return nil, err
	}
	var mailer ntapp.Mailer
	if cfg.SMTP.Addr != "" {
		m, err := ntadapters.NewSMTP(cfg.SMTP)
		if err != nil {
			return nil, err
		}
		mailer = m
	}
	outstanding := &outstanding{}
	notices, err := ntapp.New(ntapp.Config{Store: ntadapters.NewStore(cfg.Pool), Mailer: mailer, Reports: outstanding, Now: cfg.Now,
		Log: cfg.Telemetry.Logger})
	if err != nil {
		return nil, err
	}
	reports, err := newReports(cfg, uc, notifier{notices})
	if err != nil {
		return nil, err
	}
	outstanding.reports = reports
	relay, err := cfg.Relay(Schema, 0)
	if err != nil {
		return nil, err
	}
	core, err := cfg.NewCore(relay, wiring.Server{Schema: Schema, ServeAudit: true, Location: cfg.Location,
		RPC: rpc.ServerConfig{Authenticator: auth.Chain(cfg.People, nil), Policy: Policy(), MaxRecvMsgSize: 2 << 20}})
	if err != nil {
		return nil, err
	}
	reportingv1.RegisterStatsServiceServer(core.Server().GRPC, ports.NewGRPC(uc))
	reportingv1.RegisterReportServiceServer(core.Server().GRPC, rbports.NewReports(reports))
	reportingv1.RegisterNoticeServiceServer(core.Server().GRPC, ntports.NewGRPC(notices))
	projections, err := cfg.Projections()
	if err != nil {
		return nil, err
	}
	return &Service{Core: core, cfg: cfg, projections: projections, changes: changes, projector: projector, notices: notices,
		reconciler: reconciler}, nil
}

// newReconciler wires the rebuild and audit from check-in's table, when check-in is reachable.
func newReconciler(cfg Config, store *adapters.Store) (*app.Reconciler, error) {
	if cfg.Checkin == nil || cfg.ServiceKey == "" {
		return nil, nil
	}
	ledger, err := adapters.NewLedger(cfg.Checkin, cfg.ServiceKey)
	if err != nil {
		return nil, err
	}
	drift, err := cfg.Telemetry.Meter.Meter("sciweek/reporting").Int64Counter("sciweek_projection_drift_total",
		metric.WithDescription("County-days whose statistics the audit found different from check-in's table (each repaired by a rebuild)."))
	if err != nil {
		return nil, err
	}
	attrs := metric.WithAttributes(cfg.Telemetry.ServiceAttr(), attribute.String("projection", statsdomain.CheckinProjection))
	return app.NewReconciler(app.ReconcilerConfig{Ledger: ledger, Store: store, Stream: adapters.NewCheckinStream(cfg.JetStream),
		Location: cfg.Location, Now: cfg.Now, Log: cfg.Telemetry.Logger,
		Drifted: func(ctx context.Context, cells int) { drift.Add(ctx, int64(cells), attrs) }})
}

// anomalyCounter reads the flagged records from check-in's table, when check-in is reachable.
func anomalyCounter(cfg Config) app.AnomalyCounter {
	if cfg.Checkin == nil || cfg.ServiceKey == "" {
		return nil
	}
	ledger, err := adapters.NewLedger(cfg.Checkin, cfg.ServiceKey)
	if err != nil {
		return nil
	}
	return ledger
}

// Reconciler rebuilds and audits the statistics from check-in's table; nil without check-in.
func (s *Service) Reconciler() *app.Reconciler { return s.reconciler }

// newReports wires the report back: its files on local disk or in S3, read by the adapters'
// inspector, the featured list from registration.
func newReports(cfg Config, stats *app.Service, notify rbapp.Notifier) (*rbapp.Reports, error) {
	var files rbapp.Files
	if cfg.S3.Endpoint != "" {
		s3, err := rbadapters.NewS3Files(context.Background(), cfg.S3)
		if err != nil {
			return nil, err
		}
		files = s3
	} else {
		dir := cfg.FilesDir
		if dir == "" {
			dir = filepath.Join(os.TempDir(), "sciweek-report-files")
		}
		local, err := rbadapters.NewLocalFiles(dir)
		if err != nil {
			return nil, err
		}
		files = local
	}
	var featured rbapp.Featured
	if cfg.Registration != nil {
		featured = rbadapters.NewFeatured(cfg.Registration)
	}
	tempDir := ""
	if cfg.FilesDir != "" {
		tempDir = filepath.Join(cfg.FilesDir, ".uploads") // beside the files: a rename, not a copy
	}
	return rbapp.NewReports(rbapp.ReportsConfig{Store: rbadapters.NewStore(cfg.Pool), Counter: counter{stats}, Files: files, Featured: featured, Tables: rbadapters.Tables{},
		Notify: notify,
		Inspect: func(kind rbdomain.FileKind, r io.ReaderAt, size int64) (string, time.Duration, error) {
			seen, err := rbadapters.Inspect(kind, r, size)
			return seen.ContentType, seen.Duration, err
		},
		Limits: cfg.FileLimits, TempDir: tempDir, Now: cfg.Now})
}

// Remind checks the deadline reminders now, as the service does every ReminderEvery, and
// returns how many reporters were due one (each is reminded once per reminder day).
func (s *Service) Remind(ctx context.Context) (int, error) { return s.notices.Remind(ctx) }

// Run applies check-in and venue events to the aggregates and publishes occupancy alarms until
// ctx ends.
// The streams are ensured in the background (retried until NATS answers) before the
// projections start.
func (s *Service) Run(ctx context.Context) error {
	committed := func(int) { s.changes.Notify(); s.Relay().Wake() }
	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		if !s.cfg.AwaitStreams(ctx, bus.StreamReporting, bus.StreamCheckin, bus.StreamVenue, bus.StreamRegistration) {
			return nil
		}
		for _, p := range projections(s.projector, s.notices, committed, s.changes.Caused, s.cfg.Telemetry.Logger, s.reconciler, s.cfg.AuditEvery, s.cfg.AuditRest) {
			g.Go(func() error { return s.projections.Run(ctx, p) })
		}
		return nil
	})
	s.Core.Go(ctx, g)
	g.Go(func() error { return s.notices.Run(ctx, s.cfg.ReminderEvery) })
	return g.Wait()
}

// projections are the events reporting applies: the statistics' and the notification centre's.
func projections(p *app.Projector, n *ntapp.Notices, committed func(int), caused func(...trace.SpanContext), log *slog.Logger, rec *app.Reconciler, auditEvery time.Duration, auditRest int) []bus.Projection {
	return []bus.Projection{ports.CheckinEvents(p, committed, caused, log, rec, auditEvery, auditRest), ports.VenueEvents(p), ports.RegistrationEvents(p),
		ntports.RegistrationEvents(n), ntports.AlarmEvents(n)}
}

// Consumes lists the kinds of event reporting applies (pkg/events says who consumes what).
func Consumes() []bus.Kind {
	var out []bus.Kind
	for _, p := range projections(nil, nil, nil, nil, nil, nil, 0, 0) {
		out = append(out, p.Consumes()...)
	}
	return out
}

// counter answers the report back's one question from the live statistics: the only place the
// two contexts meet.
type counter struct{ stats *app.Service }

// Counted returns what the statistics counted of a county's (or one of its units') whole week.
func (c counter) Counted(ctx context.Context, edition string, who rbdomain.Reporter) (rbdomain.CountedFigures, error) {
	d, err := c.stats.Week(ctx, edition, who.CountyCode, who.UnitID)
	if err != nil {
		return rbdomain.CountedFigures{}, err
	}
	out := rbdomain.CountedFigures{ActivitiesHeld: d.Totals.ActivitiesHeld, MajorActivitiesHeld: d.Totals.MajorActivitiesHeld,
		WorkersDayHeld: d.Totals.WorkersDayHeld, WorkersDayParticipations: d.Totals.WorkersDayParticipations,
		Participations: d.Totals.Participations(), YoungPeople: d.Totals.YoungPeople, VenuesOpened: d.Totals.VenuesOpened, HeldByForm: map[string]int64{}}
	for _, f := range d.Forms {
		out.HeldByForm[f.Form.Slug()] = f.ActivitiesHeld
	}
	out.HeldByTheme, out.ParticipationsByTheme = map[string]int64{}, map[string]int64{}
	for _, k := range d.Themes {
		out.HeldByTheme[k.Theme.Slug()], out.ParticipationsByTheme[k.Theme.Slug()] = k.ActivitiesHeld, k.Participations
	}
	return out, nil
}

// ErrStreamUnavailable is the check-in stream not answering a rebuild.
var ErrStreamUnavailable = errs.Reason{Code: "CHECKIN_STREAM_UNAVAILABLE", Kind: errs.Unavailable,
	English: "the check-in stream cannot be read now; try again",
	Chinese: "暂时读不到签到数据流，请稍后重试"}

// notifier answers the report back's notices through the notification centre.
type notifier struct{ notices *ntapp.Notices }

// ReportReturned tells a county or unit its report was sent back.
func (n notifier) ReportReturned(ctx context.Context, ed rbdomain.ReportEdition, who rbdomain.Reporter, name, reason string, at time.Time) error {
	return n.notices.ReportReturned(ctx, ed.ID, ed.Name, ntapp.Reporter{CountyCode: who.CountyCode, UnitID: who.UnitID, Name: name}, reason, at)
}

// outstanding answers the notification centre's question (who has not submitted) from the
// report back.
type outstanding struct{ reports *rbapp.Reports }

// Outstanding lists every edition's counties and units that have not submitted.
func (o *outstanding) Outstanding(ctx context.Context) ([]ntapp.Outstanding, error) {
	all, err := o.reports.Outstanding(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]ntapp.Outstanding, 0, len(all))
	for _, r := range all {
		c := r.Edition.Contact
		ed := ntapp.Outstanding{EditionID: r.Edition.ID, EditionName: r.Edition.Name, Deadline: r.Edition.Deadline.Day, Location: r.Edition.Deadline.Loc,
			Contact: ntdomain.Contact{Office: c.Office, Person: c.Person, Phone: c.Phone, Email: c.Email}}
		for _, l := range r.Lines {
			name := l.CountyName
			if l.UnitName != "" {
				name = l.UnitName
			}
			ed.Reporters = append(ed.Reporters, ntapp.Reporter{CountyCode: l.CountyCode, UnitID: l.UnitID, Name: name})
		}
		out = append(out, ed)
	}
	return out, nil
}
