package bench

import (
	"bufio"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/chromedp"
	"golang.org/x/sync/errgroup"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/timestamppb"

	checkinv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/checkin/v1"
	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
	reportingv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/reporting/v1"
	venuev1 "github.com/sciweek/sciweek/pkg/gen/sciweek/venue/v1"
	"github.com/sciweek/sciweek/pkg/rpc"
)

type benchActivity struct {
	id, county, venue string
}

// dashboardResults are the live statistics' figures of one run.
type dashboardResults struct {
	Started, Finished            time.Time
	Args                         string
	Activities                   int
	Preload                      preloaded
	RebuildEvents                int64
	RebuildParticipations        int64
	RebuildTook                  time.Duration
	QueryCalls                   int
	QueryP50, QueryP99, QueryMax time.Duration
	Screens, FanoutRounds        int
	FanoutP50, FanoutMax         time.Duration
	RenderP50, RenderMax         time.Duration
	ScreenRender                 time.Duration
	// RenderSteps is the median load's way to its first figures (see loadSteps).
	RenderSteps loadSteps
	// RenderSettle is how long the checkpoint and sync before the page loads took.
	RenderSettle time.Duration
	// RenderCores is how many cores each part kept busy while the pages loaded, and
	// RenderOthers the rest of the machine's (Chromium, mostly): a slow load on a busy machine
	// reads differently from one on an idle machine.
	RenderCores  cpuShare
	RenderOthers float64
	// RenderMaintenance is what PostgreSQL's busy sessions were seen doing while the pages loaded
	// (sampled every 100 ms), with how many samples saw each.
	RenderMaintenance map[string]int
}

// loadSteps are the moments of one page load, in milliseconds from the navigation's start as the
// page's own clock has them (the Navigation Timing entry and the console's User Timing marks,
// web/src/composables/useLiveDashboard.ts); -1 where the page did not get there.
type loadSteps struct {
	// HTML is the index page's last byte in; Scripts the end of DOMContentLoaded, after the
	// module scripts ran.
	HTML, Scripts float64
	// StreamOpen is when the page opened its live stream; FirstFigures when the stream's first
	// figures arrived; Shown when the bench saw them on the page.
	StreamOpen, FirstFigures, Shown float64
	// Requests are the page's API calls that had ended when its figures were seen, in order.
	Requests []pageRequest
}

// pageRequest is one API call of a page load, by the Resource Timing entry.
type pageRequest struct {
	Path            string
	Start, Duration float64
}

// loadStepsJS reads loadSteps in the page.
const loadStepsJS = `(() => {
  const n = performance.getEntriesByType('navigation')[0];
  const m = (name) => performance.getEntriesByName(name, 'mark')[0]?.startTime ?? -1;
  return {HTML: n ? n.responseEnd : -1, Scripts: n ? n.domContentLoadedEventEnd : -1,
    StreamOpen: m('sciweek:stream-open'), FirstFigures: m('sciweek:first-figures'), Shown: performance.now(),
    Requests: performance.getEntriesByType('resource')
      .filter((r) => r.initiatorType === 'fetch' || r.initiatorType === 'xmlhttprequest')
      .map((r) => ({Path: new URL(r.name).pathname, Start: r.startTime, Duration: r.duration}))};
})()`

func (s loadSteps) String() string {
	f := func(v float64) string {
		if v < 0 {
			return "—"
		}
		return fmt.Sprintf("%.0f ms", v)
	}
	calls := []string{"none"}
	if len(s.Requests) > 0 {
		calls = calls[:0]
	}
	for _, r := range s.Requests {
		calls = append(calls, fmt.Sprintf("%s at %.0f ms for %.0f ms", r.Path, r.Start, r.Duration))
	}
	return fmt.Sprintf("index page in %s · scripts run %s · stream opened %s · first figures in %s · seen on the page %s; its API calls: %s",
		f(s.HTML), f(s.Scripts), f(s.StreamOpen), f(s.FirstFigures), f(s.Shown), strings.Join(calls, ", "))
}

// dashboard measures the live statistics with the week the preload uploaded behind them: a
// rebuild of the aggregates, the time a dashboard query takes, the time one check-in takes to
// reach every connected screen, and the first render of the page in Chromium.
func (e *env) dashboard(ctx context.Context, screens int) (dashboardResults, error) {
	r := dashboardResults{Started: time.Now(), Screens: screens, Activities: len(e.activities)}
	e.say("dashboard: rebuilding the aggregates from the stream")
	rebuilt, err := e.stats.RebuildAggregates(ctx, &reportingv1.RebuildAggregatesRequest{}, e.admin)
	if err != nil {
		return r, err
	}
	r.RebuildEvents, r.RebuildParticipations, r.RebuildTook = rebuilt.GetEvents(), rebuilt.GetParticipations(), time.Duration(rebuilt.GetTookMs())*time.Millisecond
	e.say("  %d stream messages in %s", r.RebuildEvents, r.RebuildTook)

	if err := e.measureQueries(ctx, &r); err != nil {
		return r, err
	}
	fan, err := e.measureFanout(ctx, screens)
	if err != nil {
		return r, err
	}
	slices.Sort(fan)
	r.FanoutRounds, r.FanoutP50, r.FanoutMax = len(fan), fan[len(fan)/2], fan[len(fan)-1]
	e.say("dashboard: one check-in reached %d screens in p50 %s, max %s", screens, r.FanoutP50, r.FanoutMax)

	// The rebuild above rewrote every aggregate: as before each check-in run, its writeback is
	// done first, so that the page's load does not measure it.
	if r.RenderSettle, err = e.settle(ctx); err != nil {
		return r, err
	}
	stopWatch := e.watchMaintenance(ctx, busyNow)
	cpu0 := e.cpuNow()
	renders, screenRender, err := e.measureFirstRender(ctx)
	cpu1 := e.cpuNow()
	r.RenderMaintenance = stopWatch()
	r.RenderCores, r.RenderOthers = cpu1.since(cpu0), cpu1.others(cpu0)
	if err != nil {
		return r, err
	}
	slices.SortFunc(renders, func(a, b pageLoad) int { return cmp.Compare(a.took, b.took) })
	r.RenderP50, r.RenderMax, r.ScreenRender = renders[len(renders)/2].took, renders[len(renders)-1].took, screenRender
	r.RenderSteps = renders[len(renders)/2].steps
	e.say("dashboard: first render p50 %s, max %s; the median load: %s", r.RenderP50, r.RenderMax, r.RenderSteps)
	r.Finished = time.Now()
	return r, nil
}

// measureQueries asks for the dashboard with every kind of filter a person sets, as the city and
// as a county, 60 rounds (the first warms the statement cache).
func (e *env) measureQueries(ctx context.Context, r *dashboardResults) error {
	countyLogin, err := registrationv1.NewAccountServiceClient(e.regConn).Login(ctx, &registrationv1.LoginRequest{Username: "county-140105", Password: e.info.StaffPassword})
	if err != nil {
		return err
	}
	county := grpc.PerRPCCredentials(rpc.BearerCredential(countyLogin.GetAccessToken()))
	today := time.Now().In(shanghai()).Format(time.DateOnly)
	threeDaysAgo := time.Now().In(shanghai()).AddDate(0, 0, -3).Format(time.DateOnly)
	admin := e.admin
	filters := []struct {
		as grpc.CallOption
		f  *reportingv1.DashboardFilter
	}{
		{admin, nil},
		{admin, &reportingv1.DashboardFilter{CountyCode: "140106"}},
		{admin, &reportingv1.DashboardFilter{Form: registrationv1.ActivityForm_ACTIVITY_FORM_LECTURE}},
		{admin, &reportingv1.DashboardFilter{TargetGroup: registrationv1.TargetGroup_TARGET_GROUP_YOUTH}},
		{admin, &reportingv1.DashboardFilter{FromDay: threeDaysAgo, ToDay: today}},
		{admin, &reportingv1.DashboardFilter{CountyCode: "140107", Form: registrationv1.ActivityForm_ACTIVITY_FORM_OPEN_DAY, FromDay: threeDaysAgo}},
		{county, nil},
		{county, &reportingv1.DashboardFilter{TargetGroup: registrationv1.TargetGroup_TARGET_GROUP_PUBLIC}},
	}
	var took []time.Duration
	perFilter := make([]time.Duration, len(filters))
	for round := range 60 {
		for i, q := range filters {
			t0 := time.Now()
			if _, err := e.stats.GetDashboard(ctx, &reportingv1.GetDashboardRequest{EditionId: e.edition, Filter: q.f}, q.as); err != nil {
				return err
			}
			if round > 0 {
				took = append(took, time.Since(t0))
				perFilter[i] = max(perFilter[i], time.Since(t0))
			}
		}
	}
	for i, q := range filters {
		e.say("  filter %d %v: slowest %s", i, q.f, perFilter[i])
	}
	slices.Sort(took)
	r.QueryCalls = len(took)
	r.QueryP50, r.QueryP99, r.QueryMax = took[len(took)/2], took[len(took)*99/100], took[len(took)-1]
	e.say("dashboard: queries p50 %s p99 %s", r.QueryP50, r.QueryP99)
	return nil
}

// registerActivities registers n approved activities in the benchmark's edition, through the
// registration service as organizer units and counties would, spread over the demo's venues,
// each with one session over the edition's days, and returns them.
func (e *env) registerActivities(ctx context.Context, n int) ([]benchActivity, error) {
	e.say("registering %d activities", n)
	units, err := registrationv1.NewUnitServiceClient(e.regConn).ListUnits(ctx, &registrationv1.ListUnitsRequest{PageSize: 1000}, e.admin)
	if err != nil {
		return nil, err
	}
	unitOf := map[string]string{}
	for _, u := range units.GetUnits() {
		unitOf[u.GetCountyCode()] = u.GetId()
	}
	venues, err := venuev1.NewVenueServiceClient(e.venueConn).ListVenues(ctx, &venuev1.ListVenuesRequest{PageSize: 1000}, e.admin)
	if err != nil {
		return nil, err
	}
	var choices []*venuev1.Venue
	for _, v := range venues.GetVenues() {
		if unitOf[v.GetCountyCode()] != "" {
			choices = append(choices, v)
		}
	}
	if len(choices) == 0 {
		return nil, fmt.Errorf("no venue with a unit in its county to hold activities")
	}
	session := []*registrationv1.Session{{StartsAt: timestamppb.New(e.day0.Add(8 * time.Hour)), EndsAt: timestamppb.New(e.day0.AddDate(0, 0, 8).Add(20 * time.Hour))}}
	forms := []registrationv1.ActivityForm{registrationv1.ActivityForm_ACTIVITY_FORM_LECTURE, registrationv1.ActivityForm_ACTIVITY_FORM_EXHIBITION,
		registrationv1.ActivityForm_ACTIVITY_FORM_CONSULTATION, registrationv1.ActivityForm_ACTIVITY_FORM_HANDS_ON_EXPERIMENT,
		registrationv1.ActivityForm_ACTIVITY_FORM_OPEN_DAY, registrationv1.ActivityForm_ACTIVITY_FORM_SCIENTIST_SPIRIT_TALK}
	groups := []registrationv1.TargetGroup{registrationv1.TargetGroup_TARGET_GROUP_YOUTH, registrationv1.TargetGroup_TARGET_GROUP_COMMUNITY,
		registrationv1.TargetGroup_TARGET_GROUP_VILLAGE, registrationv1.TargetGroup_TARGET_GROUP_COMPANY, registrationv1.TargetGroup_TARGET_GROUP_SCHOOL,
		registrationv1.TargetGroup_TARGET_GROUP_PUBLIC}
	acts := registrationv1.NewActivityServiceClient(e.regConn)
	out := make([]benchActivity, n)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(4)
	for i := range n {
		v := choices[i%len(choices)]
		g.Go(func() error {
			created, err := acts.CreateActivity(gctx, &registrationv1.CreateActivityRequest{EditionId: e.edition, UnitId: unitOf[v.GetCountyCode()],
				Details: &registrationv1.ActivityDetails{Title: fmt.Sprintf("科普活动 %04d", i+1), Form: forms[i%len(forms)], RequiresSignup: true,
					TargetGroups: []registrationv1.TargetGroup{groups[i%len(groups)], groups[(i+1+(i/len(groups))%(len(groups)-1))%len(groups)]}, VenueId: v.GetId(),
					Sessions: session}}, e.admin)
			if err != nil {
				return err
			}
			id := created.GetActivity().GetId()
			if _, err := acts.SubmitActivity(gctx, &registrationv1.SubmitActivityRequest{ActivityId: id}, e.admin); err != nil {
				return err
			}
			if _, err := acts.ApproveActivity(gctx, &registrationv1.ApproveActivityRequest{ActivityId: id}, e.admin); err != nil {
				return err
			}
			out[i] = benchActivity{id: id, county: v.GetCountyCode(), venue: v.GetId()}
			return nil
		})
	}
	return out, g.Wait()
}

// measureFanout connects screens to the gateway's dashboard stream, as browsers do, then, after
// quiet spells, has a door record one walk-in and times from its acknowledgement until every
// screen shows it.
func (e *env) measureFanout(ctx context.Context, screens int) ([]time.Duration, error) {
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Transport: &http.Transport{MaxIdleConnsPerHost: screens + 10}}
	base := "http://" + e.st.Addrs.Gateway
	resp, err := client.Post(base+"/auth/login", "application/json", strings.NewReader(fmt.Sprintf(`{"username":%q,"password":%q}`, e.info.AdminUsername, e.info.AdminPassword)))
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type seen struct {
		screen         int
		participations int64
		at             time.Time
	}
	shown := make(chan seen, 64*screens)
	var wg sync.WaitGroup
	failed := make(chan error, screens)
	for i := range screens {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequestWithContext(sctx, http.MethodGet, base+"/events/dashboard?edition="+e.edition, nil)
			resp, err := client.Do(req)
			if err != nil {
				failed <- err
				return
			}
			defer resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				failed <- fmt.Errorf("screen %d: %s", i, resp.Status)
				return
			}
			sc := bufio.NewScanner(resp.Body)
			sc.Buffer(make([]byte, 1<<20), 16<<20)
			for sc.Scan() {
				line := sc.Text()
				if !strings.HasPrefix(line, "data: ") {
					continue
				}
				var d struct {
					Totals struct {
						Participations string `json:"participations"`
					} `json:"totals"`
				}
				if json.Unmarshal([]byte(line[6:]), &d) == nil {
					n, _ := strconv.ParseInt(d.Totals.Participations, 10, 64)
					shown <- seen{screen: i, participations: n, at: time.Now()}
				}
			}
		}()
	}
	defer wg.Wait()
	defer cancel()
	connected := map[int]bool{}
	for len(connected) < screens {
		select {
		case s := <-shown:
			connected[s.screen] = true
		case err := <-failed:
			return nil, err
		case <-time.After(time.Minute):
			return nil, fmt.Errorf("%d of %d screens connected", len(connected), screens)
		}
	}
	e.say("dashboard: %d screens connected", screens)
	door := &e.world.Terminals[0]
	client1 := checkinv1.NewCheckinServiceClient(e.checkinConns[0])
	as := grpc.PerRPCCredentials(rpc.BearerCredential(door.Credential))
	var rounds []time.Duration
	for round := range 10 {
		time.Sleep(1500 * time.Millisecond) // a quiet spell: the change goes out at once
		for len(shown) > 0 {
			<-shown
		}
		before, err := e.participations(ctx)
		if err != nil {
			return nil, err
		}
		door.Sequence++
		if _, err := client1.RecordCheckin(ctx, &checkinv1.RecordCheckinRequest{SentAt: timestamppb.Now(), Record: &checkinv1.CheckinRecord{
			Sequence: door.Sequence, OccurredAt: timestamppb.Now(), VenueId: door.VenueID, ActivityId: door.Activities[0],
			Kind: &checkinv1.CheckinRecord_WalkIn{WalkIn: &checkinv1.WalkIn{Category: checkinv1.ParticipantCategory_PARTICIPANT_CATEGORY_ADULT, Headcount: 1}}}}, as); err != nil {
			return nil, err
		}
		acked := time.Now()
		e.stored++
		have := map[int]bool{}
		var slowest time.Duration
		for len(have) < screens {
			select {
			case s := <-shown:
				if s.participations > before && !have[s.screen] {
					have[s.screen] = true
					slowest = max(slowest, s.at.Sub(acked))
				}
			case err := <-failed:
				return nil, err
			case <-time.After(30 * time.Second):
				return nil, fmt.Errorf("round %d: %d of %d screens got the change", round, len(have), screens)
			}
		}
		rounds = append(rounds, slowest)
	}
	return rounds, nil
}

// pageLoad is one load of the dashboard: the time to its first figures, and its steps.
type pageLoad struct {
	took  time.Duration
	steps loadSteps
}

// measureFirstRender opens the dashboard in Chromium five times and times navigation to the
// first figures on the page, then the big screen once.
func (e *env) measureFirstRender(ctx context.Context) ([]pageLoad, time.Duration, error) {
	path, err := lookChromium()
	if err != nil {
		return nil, 0, err
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.WindowSize(1440, 1000))
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	cctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	cctx, cancelT := context.WithTimeout(cctx, 5*time.Minute)
	defer cancelT()
	base := "http://" + e.st.Addrs.Gateway
	if err := chromedp.Do(cctx, chromedp.Navigate(base+"/login"), chromedp.WaitVisible(`#login-username`),
		chromedp.SendKeys(`#login-username`, e.info.AdminUsername), chromedp.SendKeys(`#login-password`, e.info.AdminPassword), chromedp.Click(`#login-submit`)); err != nil {
		return nil, 0, err
	}
	if _, err := chromedp.Run(cctx, chromedp.Poll[bool](`location.pathname !== '/login'`)); err != nil {
		return nil, 0, err
	}
	open := func(page, root string) (pageLoad, error) {
		if err := chromedp.Do(cctx, chromedp.Navigate("about:blank")); err != nil {
			return pageLoad{}, err
		}
		t0 := time.Now()
		if err := chromedp.Do(cctx, chromedp.Navigate(base+page)); err != nil {
			return pageLoad{}, err
		}
		if _, err := chromedp.Run(cctx, chromedp.Poll[bool](fmt.Sprintf(`!!document.querySelector(%q)?.dataset.streamPosition`, root),
			chromedp.WithPollingInterval(10*time.Millisecond))); err != nil {
			return pageLoad{}, err
		}
		took := time.Since(t0)
		steps, err := chromedp.Run(cctx, chromedp.Evaluate[loadSteps](loadStepsJS))
		if err != nil {
			return pageLoad{}, err
		}
		return pageLoad{took: took, steps: steps}, nil
	}
	var renders []pageLoad
	for range 5 {
		l, err := open("/dashboard?edition="+e.edition, "#dashboard")
		if err != nil {
			return nil, 0, err
		}
		renders = append(renders, l)
	}
	screen, err := open("/screen?edition="+e.edition, "#screen")
	return renders, screen.took, err
}

func lookChromium() (string, error) {
	for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", errors.New("timing the page needs Chromium: run `make browser`")
}

func (r dashboardResults) markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Dashboard benchmark\n\nMeasured %s on this machine (%d CPUs, %s), everything on it, after the check-in benchmark "+
		"(whose records are included). Reproduce with `make bench` (`%s`).\n\n", r.Started.UTC().Format("2006-01-02 15:04 MST"), runtime.NumCPU(), cpuModel(), r.Args)
	fmt.Fprintf(&b, "Data: an edition of the benchmark's own with %d approved activities (registered through the registration service) and %d check-in records "+
		"over its last eight days, uploaded through the check-in service by simulated doors and folded by the reporting service "+
		"(%.0f records/s, upload to aggregate), then the check-in benchmark's runs.\n\n", r.Activities, r.Preload.Records, r.Preload.Rate())
	fmt.Fprintf(&b, "| Figure | Measured | Target |\n|---|---|---|\n")
	fmt.Fprintf(&b, "| Dashboard query (every panel), %d calls over 8 filters (city, county, form, target group, day range, combined; city and county admin) | p50 %s · p99 %s · max %s | p99 < 50 ms |\n",
		r.QueryCalls, ms(r.QueryP50), ms(r.QueryP99), ms(r.QueryMax))
	fmt.Fprintf(&b, "| One check-in reaching all %d screens connected to the gateway's server-sent events, %d rounds | p50 %s · max %s | < 1 s |\n",
		r.Screens, r.FanoutRounds, ms(r.FanoutP50), ms(r.FanoutMax))
	fmt.Fprintf(&b, "| First render of /dashboard in Chromium (navigation to the first figures), 5 loads | p50 %s · max %s | < 2 s |\n", ms(r.RenderP50), ms(r.RenderMax))
	fmt.Fprintf(&b, "| … the median load's steps, from the navigation's start by the page's clock | %s | |\n", r.RenderSteps)
	fmt.Fprintf(&b, "| … cores kept busy while the pages loaded | %s · the rest of the machine (Chromium) %.2f cores; PostgreSQL's busy sessions, sampled ten times a second: %s | |\n",
		r.RenderCores, r.RenderOthers, maintenanceText(r.RenderMaintenance))
	fmt.Fprintf(&b, "| First render of the big screen (/screen) | %s | |\n", ms(r.ScreenRender))
	fmt.Fprintf(&b, "| Rebuild of the aggregates from the stream (%d messages, %d participations after) | %s | |\n", r.RebuildEvents, r.RebuildParticipations, r.RebuildTook.Round(time.Millisecond))
	fmt.Fprintf(&b, "\nA dashboard query reads every panel in one pipelined round trip over aggregate tables whose size follows activities × days "+
		"(× hours for the curve), not check-ins. The fan-out is timed from a door's acknowledged walk-in after a quiet spell (the dashboard "+
		"pushes a change at once after a quiet second, and at most once a second under load) to the last screen showing it; screens with "+
		"one filter share one computation. Before the page loads, PostgreSQL was checkpointed and the disks synced (%s), as before every check-in "+
		"run: the rebuild rewrites every aggregate, and the page's load is not to measure that writeback.\n\nRun took %s.\n",
		r.RenderSettle.Round(time.Millisecond), r.Finished.Sub(r.Started).Round(time.Second))
	return b.String()
}
