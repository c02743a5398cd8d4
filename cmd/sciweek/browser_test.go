package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/sciweek/sciweek/cmd/sciweek/internal/demo"
	"github.com/sciweek/sciweek/cmd/sciweek/internal/loadgen"
	"github.com/sciweek/sciweek/cmd/sciweek/internal/stack"
	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
	reportingv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/reporting/v1"
	"github.com/sciweek/sciweek/pkg/rpc"
	"github.com/sciweek/sciweek/pkg/testkit"
	"github.com/sciweek/sciweek/pkg/throttle"
)

// ScreenshotsDir is where the browser tests save their screenshots, relative to the repository
// (the README names it); SCIWEEK_SCREENSHOTS overrides it.
const ScreenshotsDir = "test-output/screenshots"

// demoSystem is the whole system with the demo data and some check-ins, as `make run` and a
// few minutes of `sciweek loadgen` would leave it.
type demoSystem struct {
	st     *stack.Stack
	info   demo.Info
	base   string
	stats  reportingv1.StatsServiceClient
	admin  grpc.CallOption
	world  *loadgen.World
	checks []grpc.ClientConnInterface
}

func startDemo(t testing.TB) *demoSystem {
	t.Helper()
	return startDemoWith(t, nil)
}

// startDemoWith is startDemo with the stack's options changed by tweak first.
func startDemoWith(t testing.TB, tweak func(*stack.Options)) *demoSystem {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	// The load generator's world signs up its ticket holders from this one address.
	limits := throttle.DefaultLimits
	limits.SignupAddress, limits.SignupPhone = throttle.Rule{}, throttle.Rule{}
	opts := stack.Options{DataDir: dir, DatabaseURL: testkit.Postgres(t), NATSPort: -1, LogWriter: io.Discard, Limits: &limits}
	if tweak != nil {
		tweak(&opts)
	}
	st, err := stack.Start(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close(context.Background()) })
	dial := func(addr string) *grpc.ClientConn {
		c, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = c.Close() })
		return c
	}
	reg, ven, chk, rep := dial(st.Addrs.Registration), dial(st.Addrs.Venue), dial(st.Addrs.Checkin), dial(st.Addrs.Reporting)
	info, err := demo.Ensure(ctx, dir, st.Registration, demo.Conns{Registration: reg, Venue: ven})
	if err != nil {
		t.Fatal(err)
	}
	world, err := loadgen.Prepare(ctx, loadgen.Setup{Registration: reg, Venue: ven, Checkin: chk, Username: info.AdminUsername, Password: info.AdminPassword,
		Edition: demo.LiveEdition, Terminals: 4, Venues: 4, Tickets: 20, RunID: 2})
	if err != nil {
		t.Fatal(err)
	}
	login, err := registrationv1.NewAccountServiceClient(reg).Login(ctx, &registrationv1.LoginRequest{Username: info.AdminUsername, Password: info.AdminPassword})
	if err != nil {
		t.Fatal(err)
	}
	return &demoSystem{st: st, info: info, base: "http://" + st.Addrs.Gateway, stats: reportingv1.NewStatsServiceClient(rep),
		admin: grpc.PerRPCCredentials(rpc.BearerCredential(login.GetAccessToken())), world: world, checks: []grpc.ClientConnInterface{chk}}
}

// scan has the terminals scan for a while and returns when the dashboard's API shows it all.
func (s *demoSystem) scan(t testing.TB, d time.Duration) *reportingv1.Dashboard {
	t.Helper()
	ctx := context.Background()
	var base int64
	if resp, err := s.stats.GetDashboard(ctx, &reportingv1.GetDashboardRequest{EditionId: demo.LiveEdition}, s.admin); err != nil {
		t.Fatal(err)
	} else {
		base = resp.GetDashboard().GetTotals().GetParticipations()
	}
	sum, err := loadgen.Run(ctx, loadgen.Config{Conns: s.checks, Terminals: s.world.Terminals, Duration: d, Rate: 100, Batch: 2,
		Mix: loadgen.Mix{Ticket: 0.3, Group: 0.05, Checkout: 0.1}})
	if err != nil || sum.Unacknowledged > 0 {
		t.Fatalf("scanning: %v (%d unacknowledged)", err, sum.Unacknowledged)
	}
	var dash *reportingv1.Dashboard
	testkit.Eventually(t, 10*time.Second, func() error {
		resp, err := s.stats.GetDashboard(ctx, &reportingv1.GetDashboardRequest{EditionId: demo.LiveEdition}, s.admin)
		if err != nil {
			return err
		}
		dash = resp.GetDashboard()
		// Every acknowledged scan, not only the first of them: the aggregates fold events in
		// batches, and a test comparing pages with this answer needs all of them in it.
		if want := base + sum.People(); dash.GetTotals().GetParticipations() != want {
			return fmt.Errorf("dashboard not caught up: %d participations, want %d", dash.GetTotals().GetParticipations(), want)
		}
		return nil
	})
	return dash
}

// chromium starts Debian's Chromium, headless. It is installed by `make browser` (which `make
// test` runs); without it the test fails with the command to run.
func chromium(t testing.TB, width, height int, extra ...chromedp.ExecAllocatorOption) context.Context {
	t.Helper()
	return chromiumFor(t, 2*time.Minute, width, height, extra...)
}

// chromiumFor is chromium for a session of at most d.
func chromiumFor(t testing.TB, d time.Duration, width, height int, extra ...chromedp.ExecAllocatorOption) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatal("Chromium is needed for the browser tests: run `make browser` (apt-get install chromium fonts-noto-cjk)")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.WindowSize(width, height),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true))
	opts = append(opts, extra...)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, d)
	t.Cleanup(func() { cancelTimeout(); cancel(); cancelAlloc() })
	return ctx
}

func signIn(t testing.TB, ctx context.Context, base, user, password string) {
	t.Helper()
	if err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(`#login-username`),
		chromedp.SendKeys(`#login-username`, user),
		chromedp.SendKeys(`#login-password`, password),
		chromedp.Click(`#login-submit`),
	); err != nil {
		t.Fatalf("sign in as %s: %v", user, err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`location.pathname !== '/login'`)); err != nil {
		t.Fatalf("sign in as %s: %v", user, err)
	}
}

// apiAs calls the JSON API with a session of its own, signed in as user (a page's session
// cookie is HttpOnly), and returns the closed response.
func apiAs(t testing.TB, base, user, password, method, path, body string) *http.Response {
	t.Helper()
	login, err := http.Post(base+"/auth/login", "application/json", strings.NewReader(fmt.Sprintf(`{"username":%q,"password":%q}`, user, password)))
	if err != nil {
		t.Fatal(err)
	}
	login.Body.Close()
	req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", base) // as the console's pages send it: the gateway refuses cookie writes from other sites
	for _, c := range login.Cookies() {
		req.AddCookie(c)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// text reads what an element shows, for failure messages; it is empty when the page cannot answer.
func text(ctx context.Context, sel string) string {
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(`document.querySelector(%q)?.innerText ?? ''`, sel)))
	if err != nil {
		return ""
	}
	if r := []rune(s); len(r) > 600 {
		s = string(r[:600])
	}
	return s
}

// number reads an element's raw figure (its data-value).
func number(t testing.TB, ctx context.Context, sel string) int64 {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(`document.querySelector(%q)?.dataset.value ?? ''`, sel)))
	if err != nil {
		t.Fatal(err)
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		t.Fatalf("%s shows %q, not a number", sel, v)
	}
	return n
}

// shownPosition waits until the page shows figures complete up to at least pos.
func shownPosition(t testing.TB, ctx context.Context, root string, pos uint64) {
	t.Helper()
	expr := fmt.Sprintf(`Number(document.querySelector(%q)?.dataset.streamPosition ?? 0) >= %d`, root, pos)
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		t.Fatalf("the page did not reach stream position %d: %v", pos, err)
	}
}

func screenshot(t testing.TB, ctx context.Context, name string) string {
	t.Helper()
	dir := os.Getenv("SCIWEEK_SCREENSHOTS")
	if dir == "" {
		dir = filepath.Join("..", "..", ScreenshotsDir) // from cmd/sciweek to the repository
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs(path)
	return abs
}

// TestDashboardInChromium opens the dashboard in Chromium against the running system: the
// figures match the reporting API, new check-ins change the page without a reload, the big
// screen shows the same, and a county admin sees their county only while the API refuses them
// another county's figures. Screenshots of both modes go to ScreenshotsDir.
func TestDashboardInChromium(t *testing.T) {
	t.Parallel()
	s := startDemo(t)
	first := s.scan(t, 2*time.Second)
	ctx := chromium(t, 1440, 1000)
	signIn(t, ctx, s.base, s.info.AdminUsername, s.info.AdminPassword)
	opened := time.Now()
	if err := chromedp.Do(ctx, chromedp.Navigate(s.base+"/dashboard?edition="+demo.LiveEdition)); err != nil {
		t.Fatal(err)
	}
	shownPosition(t, ctx, "#dashboard", first.GetStreamPosition())
	t.Logf("first figures on the page %v after navigation", time.Since(opened).Round(time.Millisecond))
	// The page marks its load for DevTools and `sciweek bench`: the stream opened, then its
	// first figures came in.
	order, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => {
	  const m = (n) => performance.getEntriesByName(n, 'mark')[0]?.startTime ?? -1;
	  return m('sciweek:stream-open') > 0 && m('sciweek:first-figures') >= m('sciweek:stream-open');
	})()`))
	if err != nil || !order {
		t.Fatalf("the page's load marks missing or out of order (%v)", err)
	}
	pageMatches := func(d *reportingv1.Dashboard) error {
		tot := d.GetTotals()
		for sel, want := range map[string]int64{
			"#kpi-participations": tot.GetParticipations(), "#kpi-ticketed": tot.GetTicketed(), "#kpi-walkins": tot.GetWalkIns(),
			"#kpi-young-share": tot.GetYoungPeople(), "#kpi-refused": tot.GetRefusedScans(), "#kpi-distinct": tot.GetDistinctPeople(),
			"#kpi-activities-held": tot.GetActivitiesHeld(), "#kpi-activities-planned": tot.GetActivitiesPlanned(), "#kpi-venues-opened": tot.GetVenuesOpened(),
		} {
			if got := number(t, ctx, sel); got != want {
				return fmt.Errorf("%s shows %d, the API says %d", sel, got, want)
			}
		}
		for _, c := range d.GetCounties() {
			sel := fmt.Sprintf(`tr[data-county="%s"] [data-field="participations"]`, c.GetCountyCode())
			if got := number(t, ctx, sel); got != c.GetParticipations() {
				return fmt.Errorf("county %s shows %d, the API says %d", c.GetCountyCode(), got, c.GetParticipations())
			}
		}
		return nil
	}
	// Compare the page with the API at one stream position: the demo's terminals keep scanning,
	// so either may have moved on while the other was read.
	matchesAPI := func() {
		t.Helper()
		testkit.Eventually(t, 10*time.Second, func() error {
			resp, err := s.stats.GetDashboard(context.Background(), &reportingv1.GetDashboardRequest{EditionId: demo.LiveEdition}, s.admin)
			if err != nil {
				return err
			}
			shown, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#dashboard')?.dataset.streamPosition ?? ''`))
			if err != nil {
				return err
			}
			if want := strconv.FormatUint(resp.GetDashboard().GetStreamPosition(), 10); shown != want {
				return fmt.Errorf("the page shows stream position %s, the API %s", shown, want)
			}
			return pageMatches(resp.GetDashboard())
		})
	}
	matchesAPI()

	// New check-ins reach the open page by themselves.
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`window.sciweekNotReloaded = true`)); err != nil {
		t.Fatal(err)
	}
	before := number(t, ctx, "#kpi-participations")
	second := s.scan(t, time.Second)
	if second.GetTotals().GetParticipations() <= before {
		t.Fatalf("the second scan added nothing (%d → %d)", before, second.GetTotals().GetParticipations())
	}
	shownPosition(t, ctx, "#dashboard", second.GetStreamPosition())
	matchesAPI()
	if still, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.sciweekNotReloaded === true`)); err != nil || !still {
		t.Fatalf("the page reloaded to show the change (%v)", err)
	}
	// What is below the window is drawn by itself once the page is idle, without scrolling: the
	// tables, every chart, the anomalies.
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`!!document.querySelector('#top-activities') && !!document.querySelector('#by-day') &&
		[...document.querySelectorAll('.echart')].every((c) => c.querySelector('canvas'))`, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("the dashboard's parts below the window were not drawn: %v", err)
	}
	t.Logf("normal mode: %s", screenshot(t, ctx, "dashboard.png"))

	// The big screen: 1920×1080, dark, the same figures.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1920, 1080), chromedp.Navigate(s.base+"/screen?edition="+demo.LiveEdition)); err != nil {
		t.Fatal(err)
	}
	shownPosition(t, ctx, "#screen", second.GetStreamPosition())
	if got := number(t, ctx, "#screen #kpi-participations"); got != second.GetTotals().GetParticipations() {
		t.Fatalf("the big screen shows %d participations, the API %d", got, second.GetTotals().GetParticipations())
	}
	t.Logf("big screen: %s", screenshot(t, ctx, "screen.png"))

	// A county admin sees their county, and the API refuses them another.
	county := "140105"
	countyCtx := chromium(t, 1440, 1000)
	signIn(t, countyCtx, s.base, "county-"+county, s.info.StaffPassword)
	if err := chromedp.Do(countyCtx, chromedp.Navigate(s.base+"/dashboard?edition="+demo.LiveEdition+"&county=140106")); err != nil {
		t.Fatal(err)
	}
	shownPosition(t, countyCtx, "#dashboard", 1)
	rows, err := chromedp.Run(countyCtx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('tr[data-county]')].map(r => r.dataset.county)`))
	if err != nil || len(rows) != 1 || rows[0] != county {
		t.Fatalf("a county admin's ranking shows %v (%v), want only %s", rows, err, county)
	}
	mine, err := s.stats.GetDashboard(context.Background(), &reportingv1.GetDashboardRequest{EditionId: demo.LiveEdition,
		Filter: &reportingv1.DashboardFilter{CountyCode: county}}, s.admin)
	if err != nil {
		t.Fatal(err)
	}
	if got := number(t, countyCtx, "#kpi-participations"); got != mine.GetDashboard().GetTotals().GetParticipations() {
		t.Fatalf("the county admin's page shows %d, the county's figure is %d", got, mine.GetDashboard().GetTotals().GetParticipations())
	}
	// The page's session cookie is HttpOnly; the API is asked with a session of its own.
	resp := apiAs(t, s.base, "county-"+county, s.info.StaffPassword, http.MethodGet, "/api/v1/editions/"+demo.LiveEdition+"/dashboard?filter.county_code=140106", "")
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("a county admin asking the API for another county's dashboard: %s, want 403", resp.Status)
	}
}

// TestReportBackInChromium has a county admin fill in the statistics table, attach the
// summary report and submit, in the browser against the running system, and the city admin see
// it submitted. Screenshots of both pages go to ScreenshotsDir.
func TestReportBackInChromium(t *testing.T) {
	t.Parallel()
	s := startDemo(t)
	dash := s.scan(t, time.Second)
	ctx := chromium(t, 1440, 1000)
	signIn(t, ctx, s.base, "county-140105", s.info.StaffPassword)
	if err := chromedp.Do(ctx, chromedp.Navigate(s.base+"/report?edition="+demo.LiveEdition), chromedp.WaitVisible(`#report-status`),
		chromedp.WaitVisible(`tr[data-column="participations"]`)); err != nil {
		t.Fatal(err)
	}
	// The counted figure is the live statistics' for the county.
	county, err := s.stats.GetDashboard(context.Background(), &reportingv1.GetDashboardRequest{EditionId: demo.LiveEdition,
		Filter: &reportingv1.DashboardFilter{CountyCode: "140105"}}, s.admin)
	if err != nil {
		t.Fatal(err)
	}
	_ = dash
	if got := number(t, ctx, `tr[data-column="participations"] [data-field="counted"]`); got != county.GetDashboard().GetTotals().GetParticipations() {
		t.Fatalf("the table counts %d participations, the live statistics %d", got, county.GetDashboard().GetTotals().GetParticipations())
	}
	// An organizer unit of the county (the demo venue's) reports too, from its own page.
	org := chromiumFor(t, 4*time.Minute, 1440, 1000)
	signIn(t, org, s.base, s.info.OrganizerUsername, s.info.StaffPassword)
	if err := chromedp.Do(org, chromedp.Navigate(s.base+"/report?edition="+demo.LiveEdition), chromedp.WaitVisible(`#report-unit-name`),
		chromedp.WaitVisible(`tr[data-column="participations"]`)); err != nil {
		t.Fatalf("the organizer's report: %v; the page says %q", err, text(org, "body"))
	}
	if name := text(org, `#report-unit-name`); name == "" {
		t.Fatal("the organizer's report does not name its unit")
	}
	fillAndSubmitReport(t, org, "科技馆活动周总结.pdf")
	t.Logf("unit's report: %s", screenshot(t, org, "report-unit.png"))

	fillAndSubmitReport(t, ctx, "小店区科技活动周总结.pdf")
	// The county sees its unit's report submitted.
	if err := chromedp.Do(ctx, chromedp.Reload(), chromedp.WaitVisible(`#report-units tr[data-status="REPORT_STATUS_SUBMITTED"]`)); err != nil {
		t.Fatalf("the county does not see its unit's report submitted: %v; it shows %q", err, text(ctx, "#report-units"))
	}
	t.Logf("county's report: %s", screenshot(t, ctx, "report.png"))

	city := chromium(t, 1440, 1000)
	signIn(t, city, s.base, s.info.AdminUsername, s.info.AdminPassword)
	if err := chromedp.Do(city, chromedp.Navigate(s.base+"/reports?edition="+demo.LiveEdition), chromedp.WaitVisible(`tr[data-county="140105"]`)); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(city, chromedp.Poll[bool](`document.querySelector('tr[data-county="140105"]')?.dataset.status === 'REPORT_STATUS_SUBMITTED'`,
		chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		t.Fatalf("the bureau's list does not show 140105 submitted: %v", err)
	}
	if _, err := chromedp.Run(city, chromedp.Poll[bool](`[...document.querySelectorAll('tr.unit-line[data-county="140105"]')].some(r => r.dataset.status === 'REPORT_STATUS_SUBMITTED')`,
		chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		t.Fatalf("the bureau's list does not show the unit's report beside its county: %v", err)
	}
	t.Logf("bureau's list: %s", screenshot(t, city, "reports.png"))

	// The bureau sends the unit's report back; the organizer's bell counts it and the
	// notification centre shows it with its link.
	unit, err := chromedp.Run(city, chromedp.Evaluate[string](`document.querySelector('tr.unit-line[data-status="REPORT_STATUS_SUBMITTED"]')?.dataset.unit ?? ''`))
	if err != nil || unit == "" {
		t.Fatalf("no submitted unit on the bureau's list: %v", err)
	}
	resp := apiAs(t, s.base, s.info.AdminUsername, s.info.AdminPassword, http.MethodPost, "/api/v1/editions/"+demo.LiveEdition+"/reports/140105:return",
		fmt.Sprintf(`{"unit_id":%q,"reason":"请补充活动现场照片"}`, unit))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("the bureau returns the unit's report: %s", resp.Status)
	}
	if err := chromedp.Do(org, chromedp.Navigate(s.base+"/notices?edition="+demo.LiveEdition),
		chromedp.WaitVisible(`#notice-list li[data-kind="NOTICE_KIND_REPORT_RETURNED"][data-read="false"]`)); err != nil {
		t.Fatalf("the organizer's notification centre: %v; it shows %q", err, text(org, "#notice-list"))
	}
	if _, err := chromedp.Run(org, chromedp.Poll[bool](`document.querySelector('#notice-bell')?.dataset.unread === '1'`,
		chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("the bell does not count the notice: %v", err)
	}
	t.Logf("notification centre: %s", screenshot(t, org, "notices.png"))
}

// fillAndSubmitReport attaches a summary report, types every typed figure as a person would,
// saves the draft and submits, on the report page open in ctx.
func fillAndSubmitReport(t *testing.T, ctx context.Context, summaryName string) {
	t.Helper()
	summary := filepath.Join(t.TempDir(), summaryName)
	if err := os.WriteFile(summary, []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles(`#file-upload-summary`, []string{summary})); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelectorAll('#report-files li[data-file-id]').length === 1`,
		chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		t.Fatalf("the summary did not upload: %v", err)
	}
	// Type every figure the county types in, as a person would, and save the draft. The upload's
	// own refresh may still re-render the table, so the draft counts as saved only when the page
	// says so with the figures in it.
	const typed = `[...document.querySelectorAll('input[data-input="typed"]')]`
	const state = `({dirty: document.querySelector('#report-dirty')?.dataset.dirty, saving: !!document.querySelector('#report-save')?.classList.contains('is-loading'),
		submitDisabled: !!document.querySelector('#report-submit')?.disabled, typed: ` + typed + `.map(i => i.value).join(',')})`
	saved := false
	for attempt := 0; attempt < 3 && !saved; attempt++ {
		if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](typed+`.forEach(i => {
			i.value = '12'; i.dispatchEvent(new Event('input', { bubbles: true })) })`)); err != nil {
			t.Fatal(err)
		}
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelector('#report-dirty')?.dataset.dirty === 'true'`,
			chromedp.WithPollingTimeout(5*time.Second))); err != nil {
			continue
		}
		if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`document.querySelector('#report-save').click()`)); err != nil {
			t.Fatal(err)
		}
		_, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelector('#report-dirty')?.dataset.dirty === 'false' &&
			!document.querySelector('#report-save')?.classList.contains('is-loading') && !document.querySelector('#report-submit')?.disabled &&
			`+typed+`.every(i => i.value === '12')`, chromedp.WithPollingTimeout(10*time.Second)))
		if saved = err == nil; !saved {
			st, _ := chromedp.Run(ctx, chromedp.Evaluate[map[string]any](state))
			t.Logf("saving the draft, attempt %d: the page is %v", attempt+1, st)
		}
	}
	if !saved {
		st, _ := chromedp.Run(ctx, chromedp.Evaluate[map[string]any](state))
		t.Fatalf("the draft did not save: the page is %v and says %q", st, text(ctx, `#report-submit-card`))
	}
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`document.querySelector('#report-submit').click()`)); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`!!document.querySelector('.el-message-box__btns .el-button--primary')`,
		chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		t.Fatalf("no confirmation after 报送: %v; the page says %q", err, text(ctx, `body`))
	}
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`document.querySelector('.el-message-box__btns .el-button--primary').click()`)); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelector('#report-status')?.dataset.status === 'REPORT_STATUS_SUBMITTED'`,
		chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		t.Fatalf("the report did not go in: %v", err)
	}
}
