// Package gateway is sciweek's HTTP front for people: the JSON API (generated from the same
// protos by grpc-gateway), sign-in with an HttpOnly cookie, server-sent events for the live
// dashboard, and the web console's pages.
package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	checkinv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/checkin/v1"
	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
	reportingv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/reporting/v1"
	venuev1 "github.com/sciweek/sciweek/pkg/gen/sciweek/venue/v1"
	"github.com/sciweek/sciweek/pkg/rpc"
	"github.com/sciweek/sciweek/pkg/telemetry"
	"github.com/sciweek/sciweek/services/gateway/console"
)

// CookieName is the cookie that carries a signed-in person's access token.
const CookieName = "sciweek_token"

// Config is what the gateway needs: connections to the services it fronts.
type Config struct {
	// Telemetry is the gateway's telemetry.
	Telemetry *telemetry.Telemetry
	// Registration, Venue, Checkin and Reporting are connections to the services.
	Registration, Venue, Checkin, Reporting *grpc.ClientConn
	// Metrics, if set with Hygiene.MetricsToken, is served at /metrics to scrapers presenting
	// that token; never to the public.
	Metrics http.Handler
	// SecureCookies marks the sign-in cookie Secure even on plain HTTP (a proxy terminating
	// TLS that the gateway does not trust); over TLS, or behind a trusted proxy saying https,
	// the cookie is Secure anyway.
	SecureCookies bool
	// Hygiene is what every request is checked for before it is read.
	Hygiene Hygiene
	// KeepAlive is how often an idle event stream gets a comment line, so proxies keep it
	// open; 0 means 15 s.
	KeepAlive time.Duration
}

type gateway struct {
	cfg        Config
	activities registrationv1.ActivityServiceClient
	featured   registrationv1.FeaturedServiceClient
	signups    registrationv1.SignupServiceClient
	venues     venuev1.VenueServiceClient
	accounts   registrationv1.AccountServiceClient
	editions   registrationv1.EditionServiceClient
	stats      reportingv1.StatsServiceClient
	reports    reportingv1.ReportServiceClient
	marshaler  protojson.MarshalOptions
}

// New returns the gateway's handler.
func New(ctx context.Context, cfg Config) (http.Handler, error) {
	if cfg.Telemetry == nil || cfg.Registration == nil || cfg.Venue == nil || cfg.Checkin == nil || cfg.Reporting == nil {
		return nil, errors.New("gateway: telemetry and all four service connections are required")
	}
	if cfg.KeepAlive <= 0 {
		cfg.KeepAlive = 15 * time.Second
	}
	g := &gateway{
		cfg: cfg, accounts: registrationv1.NewAccountServiceClient(cfg.Registration), stats: reportingv1.NewStatsServiceClient(cfg.Reporting),
		reports:   reportingv1.NewReportServiceClient(cfg.Reporting),
		marshaler: protojson.MarshalOptions{EmitUnpopulated: true, UseProtoNames: true},
	}
	api := runtime.NewServeMux(
		runtime.WithMetadata(g.metadata),
		runtime.WithErrorHandler(apiErrors),
		runtime.WithMarshalerOption(runtime.MIMEWildcard, &runtime.JSONPb{
			MarshalOptions:   g.marshaler,
			UnmarshalOptions: protojson.UnmarshalOptions{DiscardUnknown: true},
		}),
	)
	for _, reg := range []func() error{
		func() error { return registrationv1.RegisterActivityServiceHandler(ctx, api, cfg.Registration) },
		func() error { return registrationv1.RegisterEditionServiceHandler(ctx, api, cfg.Registration) },
		func() error { return registrationv1.RegisterAccountServiceHandler(ctx, api, cfg.Registration) },
		func() error { return registrationv1.RegisterUnitServiceHandler(ctx, api, cfg.Registration) },
		func() error { return registrationv1.RegisterFeaturedServiceHandler(ctx, api, cfg.Registration) },
		func() error { return registrationv1.RegisterSignupServiceHandler(ctx, api, cfg.Registration) },
		func() error { return venuev1.RegisterVenueServiceHandler(ctx, api, cfg.Venue) },
		func() error { return venuev1.RegisterTerminalServiceHandler(ctx, api, cfg.Venue) },
		func() error { return checkinv1.RegisterCheckinServiceHandler(ctx, api, cfg.Checkin) },
		func() error { return reportingv1.RegisterStatsServiceHandler(ctx, api, cfg.Reporting) },
		func() error { return reportingv1.RegisterReportServiceHandler(ctx, api, cfg.Reporting) },
		func() error { return reportingv1.RegisterNoticeServiceHandler(ctx, api, cfg.Reporting) },
	} {
		if err := reg(); err != nil {
			return nil, err
		}
	}
	g.activities = registrationv1.NewActivityServiceClient(cfg.Registration)
	g.editions = registrationv1.NewEditionServiceClient(cfg.Registration)
	g.featured = registrationv1.NewFeaturedServiceClient(cfg.Registration)
	g.signups = registrationv1.NewSignupServiceClient(cfg.Registration)
	g.venues = venuev1.NewVenueServiceClient(cfg.Venue)
	mux := http.NewServeMux()
	mux.Handle("/api/", http.StripPrefix("/api", api))
	mux.HandleFunc("POST /auth/login", g.login)
	mux.HandleFunc("POST /auth/logout", g.logout)
	mux.HandleFunc("POST /auth/password", g.changePassword)
	mux.HandleFunc("GET /events/overview", g.overviewEvents)
	mux.HandleFunc("GET /events/dashboard", g.dashboardEvents)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	if cfg.Metrics != nil && cfg.Hygiene.MetricsToken != "" {
		mux.HandleFunc("GET /metrics", g.metrics)
	}
	mux.HandleFunc("POST /upload/activities", g.uploadActivities)
	mux.HandleFunc("POST /upload/venues", g.uploadVenues)
	mux.HandleFunc("POST /upload/safety-plan", g.uploadSafetyPlan)
	mux.HandleFunc("GET /download/import-template", g.download(func(ctx context.Context, q url.Values) (file, error) {
		resp, err := g.activities.GetImportTemplate(ctx, &registrationv1.GetImportTemplateRequest{EditionId: q.Get("edition_id")})
		return resp.GetFile(), err
	}))
	mux.HandleFunc("GET /download/featured", g.download(func(ctx context.Context, q url.Values) (file, error) {
		resp, err := g.featured.ExportFeatured(ctx, &registrationv1.ExportFeaturedRequest{EditionId: q.Get("edition_id")})
		return resp.GetFile(), err
	}))
	mux.HandleFunc("GET /download/signups", g.download(func(ctx context.Context, q url.Values) (file, error) {
		resp, err := g.signups.ExportSignups(ctx, &registrationv1.ExportSignupsRequest{ActivityId: q.Get("activity_id")})
		return resp.GetFile(), err
	}))
	mux.HandleFunc("GET /download/venue-template", g.download(func(ctx context.Context, _ url.Values) (file, error) {
		resp, err := g.venues.GetVenueImportTemplate(ctx, &venuev1.GetVenueImportTemplateRequest{})
		return resp.GetFile(), err
	}))
	mux.HandleFunc("GET /download/safety-plan", g.download(func(ctx context.Context, q url.Values) (file, error) {
		resp, err := g.venues.GetSafetyPlan(ctx, &venuev1.GetSafetyPlanRequest{VenueId: q.Get("venue_id")})
		return resp.GetFile(), err
	}))
	mux.HandleFunc("GET /download/dashboard.xlsx", g.download(func(ctx context.Context, q url.Values) (file, error) {
		req, err := dashboardRequest(q)
		if err == nil {
			req.EditionId, err = g.edition(ctx, req.GetEditionId())
		}
		if err != nil {
			return nil, err
		}
		return g.stats.ExportDashboard(ctx, req)
	}))
	mux.HandleFunc("POST /upload/report-file", g.uploadReportFile)
	mux.HandleFunc("GET /download/report-file", g.downloadReportFile)
	mux.HandleFunc("GET /download/merged-table", g.download(func(ctx context.Context, q url.Values) (file, error) {
		format := reportingv1.TableFormat_TABLE_FORMAT_XLSX
		if q.Get("format") == "csv" {
			format = reportingv1.TableFormat_TABLE_FORMAT_CSV
		}
		return g.reports.ExportMergedTable(ctx, &reportingv1.ExportMergedTableRequest{EditionId: q.Get("edition"), Format: format})
	}))
	mux.HandleFunc("GET /api/v1/audit/{service}/entries", g.auditEntries)
	mux.HandleFunc("GET /download/audit.xlsx", g.download(g.auditExport))
	mux.HandleFunc("GET /qr.png", qrCode)
	app := console.Handler()
	// A shared activity link opens the app too, with the activity's card for chat apps.
	mux.Handle("GET /public/activities/{id}", g.activityPage(console.Index, app))
	mux.Handle("/", app)
	// Hygiene first: a cross-site or oversized request is refused before a renewal is tried.
	return otelhttp.NewHandler(securityHeaders(g.hygiene(g.renewing(mux))), "gateway",
		otelhttp.WithTracerProvider(cfg.Telemetry.Tracer), otelhttp.WithMeterProvider(cfg.Telemetry.Meter),
		otelhttp.WithPropagators(cfg.Telemetry.Propagator),
		otelhttp.WithSpanNameFormatter(func(_ string, r *http.Request) string { return r.Method + " " + r.URL.Path }),
	), nil
}

// securityHeaders keeps the console from being framed or sniffed; the console loads nothing from
// other origins.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		// 'wasm-unsafe-eval' lets the door app compile its QR decoder (WebAssembly served from
		// here); it allows no JavaScript eval.
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; media-src 'self' blob: mediastream:")
		next.ServeHTTP(w, r)
	})
}

// credential returns the request's access token: the Authorization header (API clients) or the
// sign-in cookie (the console).
func credential(r *http.Request) string {
	if h := r.Header.Get("Authorization"); h != "" {
		if t, ok := strings.CutPrefix(h, "Bearer "); ok {
			return strings.TrimSpace(t)
		}
	}
	if c, err := r.Cookie(CookieName); err == nil {
		return c.Value
	}
	return ""
}

// metadata is what the JSON API adds to each call's gRPC metadata: the client's address, and
// the sign-in cookie as the authorization when the request has no Authorization header of its
// own (grpc-gateway forwards that one itself).
func (g *gateway) metadata(_ context.Context, r *http.Request) metadata.MD {
	pairs := g.clientMetadata(r)
	if hasCookieCredential(r) {
		c, _ := r.Cookie(CookieName)
		pairs = append(pairs, "authorization", "Bearer "+c.Value)
	}
	return metadata.Pairs(pairs...)
}

// login signs a person in and keeps their token in an HttpOnly cookie, out of reach of scripts.
func (g *gateway) login(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Username string `json:"username"`
		Password string `json:"password"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4096)).Decode(&in); err != nil {
		writeError(w, ErrLoginBodyInvalid.New())
		return
	}
	resp, err := g.accounts.Login(g.outgoing(r), &registrationv1.LoginRequest{Username: in.Username, Password: in.Password})
	if err != nil {
		writeError(w, err)
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name: CookieName, Value: resp.GetAccessToken(), Path: "/", Expires: resp.GetExpiresAt().AsTime(),
		HttpOnly: true, Secure: g.secure(r), SameSite: http.SameSiteStrictMode,
	})
	// The cookie carries the token; scripts never see it.
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(struct {
		Username    string    `json:"username"`
		Role        string    `json:"role"`
		CountyCode  string    `json:"county_code"`
		UnitID      string    `json:"unit_id"`
		DisplayName string    `json:"display_name"`
		ExpiresAt   time.Time `json:"expires_at"`
		// MustChangePassword sends the console to the password page: nothing else works yet.
		MustChangePassword bool `json:"must_change_password"`
	}{resp.GetUsername(), resp.GetRole(), resp.GetCountyCode(), resp.GetUnitId(), resp.GetDisplayName(), resp.GetExpiresAt().AsTime(),
		resp.GetMustChangePassword()})
}

// overviewEvents streams an edition's live overview as server-sent events: one "overview"
// event at once and one after every change. Browsers reconnect on their own after a restart.
func (g *gateway) overviewEvents(w http.ResponseWriter, r *http.Request) {
	g.events(w, r, "overview", func(ctx context.Context) (func() (proto.Message, error), error) {
		edition, err := g.edition(ctx, r.URL.Query().Get("edition"))
		if err != nil {
			return nil, err
		}
		stream, err := g.stats.WatchOverview(ctx, &reportingv1.WatchOverviewRequest{EditionId: edition})
		if err != nil {
			return nil, err
		}
		return func() (proto.Message, error) {
			msg, err := stream.Recv()
			return msg.GetOverview(), err
		}, nil
	})
}

// dashboardEvents streams the dashboard of a filter as server-sent events named "dashboard",
// at most about once a second. The filter comes as edition, county_code, from_day, to_day,
// form, target_group and theme (enum names, as the JSON API writes them), unit_id and
// workers_day=true.
func (g *gateway) dashboardEvents(w http.ResponseWriter, r *http.Request) {
	req, err := dashboardRequest(r.URL.Query())
	if err != nil {
		writeError(w, err)
		return
	}
	g.events(w, r, "dashboard", func(ctx context.Context) (func() (proto.Message, error), error) {
		if req.EditionId, err = g.edition(ctx, req.GetEditionId()); err != nil {
			return nil, err
		}
		stream, err := g.stats.WatchDashboard(ctx, &reportingv1.WatchDashboardRequest{EditionId: req.GetEditionId(), Filter: req.GetFilter()})
		if err != nil {
			return nil, err
		}
		return func() (proto.Message, error) {
			msg, err := stream.Recv()
			return msg.GetDashboard(), err
		}, nil
	})
}

// dashboardRequest reads a dashboard filter from a query string.
func dashboardRequest(q url.Values) (*reportingv1.ExportDashboardRequest, error) {
	req := &reportingv1.ExportDashboardRequest{EditionId: q.Get("edition"), Filter: &reportingv1.DashboardFilter{
		CountyCode: q.Get("county_code"), FromDay: q.Get("from_day"), ToDay: q.Get("to_day"), UnitId: q.Get("unit_id"),
		WorkersDay: q.Get("workers_day") == "true"}}
	if v := q.Get("form"); v != "" {
		n, ok := registrationv1.ActivityForm_value[v]
		if !ok {
			return nil, ErrFilterFormUnknown.New("value", v)
		}
		req.Filter.Form = registrationv1.ActivityForm(n)
	}
	if v := q.Get("target_group"); v != "" {
		n, ok := registrationv1.TargetGroup_value[v]
		if !ok {
			return nil, ErrFilterTargetGroupUnknown.New("value", v)
		}
		req.Filter.TargetGroup = registrationv1.TargetGroup(n)
	}
	if v := q.Get("theme"); v != "" {
		n, ok := registrationv1.ActivityTheme_value[v]
		if !ok {
			return nil, ErrFilterThemeUnknown.New("value", v)
		}
		req.Filter.Theme = registrationv1.ActivityTheme(n)
	}
	return req, nil
}

// renewRetry is the reconnection delay, in milliseconds, a stream ended for its token's renewal
// gives the browser: the end is planned and the server is there, so there is nothing to wait for.
const renewRetry = "100"

// events relays a gRPC stream as server-sent events named name. It waits for the first message
// before answering, so a refusal gets a real HTTP status; after that it sends a keep-alive
// comment now and then, and when the stream ends the browser reconnects after the retry
// interval (a restarted server included). The planned end at the token's half-life is announced
// with a "renew" event and a short retry, so a wall screen reconnects at once and need not show
// a lost connection that is not one.
func (g *gateway) events(w http.ResponseWriter, r *http.Request, name string, open func(ctx context.Context) (func() (proto.Message, error), error)) {
	cred := credential(r)
	if cred == "" {
		writeError(w, rpc.ErrMissingCredential.New())
		return
	}
	flusher, ok := w.(http.Flusher)
	if !ok {
		writeError(w, errors.New("gateway: the response writer cannot stream"))
		return
	}
	ctx, cancel := context.WithCancel(g.outgoing(r))
	defer cancel()
	recv, err := open(ctx)
	if err != nil {
		writeError(w, err)
		return
	}
	first, err := recv()
	if err != nil {
		writeError(w, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte("retry: 2000\n\n"))
	updates := make(chan proto.Message, 1)
	updates <- first
	failed := make(chan error, 1)
	go func() {
		for {
			msg, err := recv()
			if err != nil {
				failed <- err
				return
			}
			select {
			case updates <- msg:
			case <-ctx.Done():
				return
			}
		}
	}()
	keepAlive := time.NewTicker(g.cfg.KeepAlive)
	defer keepAlive.Stop()
	// The stream ends at its token's half-life: the browser's reconnection brings the cookie
	// past half its life, and the renewal gives it a fresh one, so a wall screen left alone
	// with nothing but this stream stays signed in (and one signed out stays out).
	var renewal <-chan time.Time
	if end := streamEnd(cred, time.Now()); !end.IsZero() {
		timer := time.NewTimer(time.Until(end))
		defer timer.Stop()
		renewal = timer.C
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-renewal:
			// The next stream's first line sets the retry interval back.
			_, _ = w.Write([]byte("retry: " + renewRetry + "\nevent: renew\ndata: {}\n\n"))
			flusher.Flush()
			return
		case err := <-failed:
			if st := status.Convert(err); st.Code() != codes.Canceled {
				g.cfg.Telemetry.Logger.WarnContext(ctx, "event stream ended", "events", name, "error", err)
			}
			return // the browser reconnects after the retry interval
		case <-keepAlive.C:
			_, _ = w.Write([]byte(": keep-alive\n\n"))
		case msg := <-updates:
			data, err := g.marshaler.Marshal(msg)
			if err != nil {
				return
			}
			if _, err := w.Write([]byte("event: " + name + "\ndata: " + string(data) + "\n\n")); err != nil {
				return
			}
		}
		flusher.Flush()
	}
}

// edition is the edition a request names or, when it names none, the one running today in its
// own time zone, else the one that starts last: what someone trying the stream by hand means.
func (g *gateway) edition(ctx context.Context, given string) (string, error) {
	if given != "" {
		return given, nil
	}
	resp, err := g.editions.ListEditions(ctx, &registrationv1.ListEditionsRequest{})
	if err != nil {
		return "", err
	}
	now := time.Now()
	latest, latestStart := "", ""
	for _, e := range resp.GetEditions() {
		loc, lerr := time.LoadLocation(e.GetTimeZone())
		if lerr != nil {
			loc = time.UTC
		}
		today := now.In(loc).Format(time.DateOnly)
		if e.GetStartsOn() <= today && today <= e.GetEndsOn() {
			return e.GetId(), nil
		}
		if e.GetStartsOn() > latestStart {
			latest, latestStart = e.GetId(), e.GetStartsOn()
		}
	}
	if latest == "" {
		return "", ErrNoEdition.New()
	}
	return latest, nil
}
