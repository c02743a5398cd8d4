package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/google/uuid"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"golang.org/x/sync/errgroup"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/sciweek/sciweek/cmd/sciweek/internal/demo"
	"github.com/sciweek/sciweek/cmd/sciweek/internal/stack"
	"github.com/sciweek/sciweek/pkg/bus"
	checkinv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/checkin/v1"
	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
	reportingv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/reporting/v1"
	venuev1 "github.com/sciweek/sciweek/pkg/gen/sciweek/venue/v1"
	"github.com/sciweek/sciweek/pkg/rpc"
)

// dashboardBench measures the live statistics with a full week behind them: the time a
// dashboard query takes, the time one change takes to reach every connected screen, the first
// render of the page in Chromium, and a rebuild of the aggregates.
type dashboardBench struct {
	st                           *stack.Stack
	info                         demo.Info
	regConn, repConn, venueConn  *grpc.ClientConn
	say                          func(string, ...any)
	out                          string
	records, activities, screens int
	args                         string
}

type benchActivity struct {
	id, county, venue string
}

type dashboardResults struct {
	Started, Finished            time.Time
	Args                         string
	Activities, Records          int
	Published                    time.Duration
	FoldRate                     float64
	RebuildEvents                int64
	RebuildParticipations        int64
	RebuildTook                  time.Duration
	QueryCalls                   int
	QueryP50, QueryP99, QueryMax time.Duration
	Screens, FanoutRounds        int
	FanoutP50, FanoutMax         time.Duration
	RenderP50, RenderMax         time.Duration
	ScreenRender                 time.Duration
}

func benchDashboard(ctx context.Context, b dashboardBench) error {
	r := dashboardResults{Started: time.Now(), Args: b.args, Screens: b.screens}
	login, err := registrationv1.NewAccountServiceClient(b.regConn).Login(ctx, &registrationv1.LoginRequest{Username: b.info.AdminUsername, Password: b.info.AdminPassword})
	if err != nil {
		return err
	}
	admin := grpc.PerRPCCredentials(rpc.BearerCredential(login.GetAccessToken()))
	acts, err := benchActivities(ctx, b, admin)
	if err != nil {
		return err
	}
	r.Activities = len(acts)

	// A week of check-ins, published as the check-in service publishes them.
	nc, err := nats.Connect(b.st.NATSURL)
	if err != nil {
		return err
	}
	defer nc.Close()
	js, err := jetstream.New(nc, jetstream.WithPublishAsyncMaxPending(64))
	if err != nil {
		return err
	}
	stats := reportingv1.NewStatsServiceClient(b.repConn)
	b.say("dashboard: folding %d check-in records over %d activities", b.records, len(acts))
	published := time.Now()
	last, err := publishWeek(ctx, js, acts, b.records)
	if err != nil {
		return err
	}
	r.Published = time.Since(published)
	if err := waitPosition(ctx, stats, admin, last, 30*time.Minute); err != nil {
		return err
	}
	r.Records = b.records
	r.FoldRate = float64(b.records) / time.Since(published).Seconds()
	b.say("  folded at %.0f records/s", r.FoldRate)

	b.say("dashboard: rebuilding the aggregates from the stream")
	rebuilt, err := stats.RebuildAggregates(ctx, &reportingv1.RebuildAggregatesRequest{}, admin)
	if err != nil {
		return err
	}
	r.RebuildEvents, r.RebuildParticipations, r.RebuildTook = rebuilt.GetEvents(), rebuilt.GetParticipations(), time.Duration(rebuilt.GetTookMs())*time.Millisecond
	b.say("  %d stream messages in %s", r.RebuildEvents, r.RebuildTook)

	// Queries: every kind of filter a person sets, as the city and as a county.
	countyLogin, err := registrationv1.NewAccountServiceClient(b.regConn).Login(ctx, &registrationv1.LoginRequest{Username: "county-140105", Password: b.info.StaffPassword})
	if err != nil {
		return err
	}
	county := grpc.PerRPCCredentials(rpc.BearerCredential(countyLogin.GetAccessToken()))
	today := time.Now().In(shanghai()).Format(time.DateOnly)
	threeDaysAgo := time.Now().In(shanghai()).AddDate(0, 0, -3).Format(time.DateOnly)
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
			if _, err := stats.GetDashboard(ctx, &reportingv1.GetDashboardRequest{EditionId: demo.LiveEdition, Filter: q.f}, q.as); err != nil {
				return err
			}
			if round > 0 { // the first round warms the statement cache
				took = append(took, time.Since(t0))
				perFilter[i] = max(perFilter[i], time.Since(t0))
			}
		}
	}
	for i, q := range filters {
		b.say("  filter %d %v: slowest %s", i, q.f, perFilter[i])
	}
	slices.Sort(took)
	r.QueryCalls = len(took)
	r.QueryP50, r.QueryP99, r.QueryMax = took[len(took)/2], took[len(took)*99/100], took[len(took)-1]
	b.say("dashboard: queries p50 %s p99 %s", r.QueryP50, r.QueryP99)

	fan, err := measureFanout(ctx, b, js, acts)
	if err != nil {
		return err
	}
	slices.Sort(fan)
	r.FanoutRounds, r.FanoutP50, r.FanoutMax = len(fan), fan[len(fan)/2], fan[len(fan)-1]
	b.say("dashboard: one change reached %d screens in p50 %s, max %s", b.screens, r.FanoutP50, r.FanoutMax)

	renders, screenRender, err := measureFirstRender(ctx, b)
	if err != nil {
		return err
	}
	slices.Sort(renders)
	r.RenderP50, r.RenderMax, r.ScreenRender = renders[len(renders)/2], renders[len(renders)-1], screenRender
	b.say("dashboard: first render p50 %s, max %s", r.RenderP50, r.RenderMax)

	r.Finished = time.Now()
	text := r.markdown()
	fmt.Print("\n" + text)
	if err := os.MkdirAll(filepath.Dir(b.out), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(b.out, []byte(text), 0o644); err != nil {
		return err
	}
	b.say("written to %s", b.out)
	return nil
}

func shanghai() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.UTC
	}
	return loc
}

// benchActivities makes sure the live edition has n approved activities, registering more
// through the registration service as organizer units would, and returns them.
func benchActivities(ctx context.Context, b dashboardBench, admin grpc.CallOption) ([]benchActivity, error) {
	acts := registrationv1.NewActivityServiceClient(b.regConn)
	list := func() ([]benchActivity, error) {
		var out []benchActivity
		for token := ""; ; {
			page, err := acts.ListActivities(ctx, &registrationv1.ListActivitiesRequest{EditionId: demo.LiveEdition,
				Status: registrationv1.ActivityStatus_ACTIVITY_STATUS_APPROVED, PageSize: 1000, PageToken: token}, admin)
			if err != nil {
				return nil, err
			}
			for _, a := range page.GetActivities() {
				if v := a.GetDetails().GetVenueId(); v != "" {
					out = append(out, benchActivity{id: a.GetId(), county: a.GetCountyCode(), venue: v})
				}
			}
			if token = page.GetNextPageToken(); token == "" {
				return out, nil
			}
		}
	}
	have, err := list()
	if err != nil {
		return nil, err
	}
	need := b.activities - len(have)
	if need <= 0 {
		return have, nil
	}
	b.say("dashboard: registering %d more activities (%d there)", need, len(have))
	units, err := registrationv1.NewUnitServiceClient(b.regConn).ListUnits(ctx, &registrationv1.ListUnitsRequest{PageSize: 1000}, admin)
	if err != nil {
		return nil, err
	}
	unitOf := map[string]string{}
	for _, u := range units.GetUnits() {
		unitOf[u.GetCountyCode()] = u.GetId()
	}
	venues, err := venuev1.NewVenueServiceClient(b.venueConn).ListVenues(ctx, &venuev1.ListVenuesRequest{PageSize: 1000}, admin)
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
	loc := shanghai()
	now := time.Now().In(loc)
	start := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	forms := []registrationv1.ActivityForm{registrationv1.ActivityForm_ACTIVITY_FORM_LECTURE, registrationv1.ActivityForm_ACTIVITY_FORM_EXHIBITION,
		registrationv1.ActivityForm_ACTIVITY_FORM_CONSULTATION, registrationv1.ActivityForm_ACTIVITY_FORM_HANDS_ON_EXPERIMENT,
		registrationv1.ActivityForm_ACTIVITY_FORM_OPEN_DAY, registrationv1.ActivityForm_ACTIVITY_FORM_SCIENTIST_SPIRIT_TALK}
	groups := []registrationv1.TargetGroup{registrationv1.TargetGroup_TARGET_GROUP_YOUTH, registrationv1.TargetGroup_TARGET_GROUP_COMMUNITY,
		registrationv1.TargetGroup_TARGET_GROUP_VILLAGE, registrationv1.TargetGroup_TARGET_GROUP_COMPANY, registrationv1.TargetGroup_TARGET_GROUP_SCHOOL,
		registrationv1.TargetGroup_TARGET_GROUP_PUBLIC}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(4)
	for i := range need {
		v := choices[i%len(choices)]
		g.Go(func() error {
			created, err := acts.CreateActivity(gctx, &registrationv1.CreateActivityRequest{EditionId: demo.LiveEdition, UnitId: unitOf[v.GetCountyCode()],
				Details: &registrationv1.ActivityDetails{Title: fmt.Sprintf("科普活动 %04d", i+1), Form: forms[i%len(forms)],
					TargetGroups: []registrationv1.TargetGroup{groups[i%len(groups)], groups[(i+1+(i/len(groups))%(len(groups)-1))%len(groups)]}, VenueId: v.GetId(),
					Sessions: []*registrationv1.Session{{StartsAt: timestamppb.New(start.Add(9 * time.Hour)), EndsAt: timestamppb.New(start.AddDate(0, 0, 7).Add(17 * time.Hour))}}}}, admin)
			if err != nil {
				return err
			}
			id := created.GetActivity().GetId()
			if _, err := acts.SubmitActivity(gctx, &registrationv1.SubmitActivityRequest{ActivityId: id}, admin); err != nil {
				return err
			}
			_, err = acts.ApproveActivity(gctx, &registrationv1.ApproveActivityRequest{ActivityId: id}, admin)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return list()
}

// publishWeek publishes n records over the activities, spread over the last eight days' opening
// hours, in events of 1,000, and returns the stream position of the last.
func publishWeek(ctx context.Context, js jetstream.JetStream, acts []benchActivity, n int) (uint64, error) {
	rng := rand.New(rand.NewPCG(2024, 5))
	loc := shanghai()
	now := time.Now().In(loc)
	day0 := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc).AddDate(0, 0, -7)
	var last uint64
	var mu sync.Mutex
	var futures []jetstream.PubAckFuture
	flush := func() error {
		for _, f := range futures {
			select {
			case ack := <-f.Ok():
				mu.Lock()
				last = max(last, ack.Sequence)
				mu.Unlock()
			case err := <-f.Err():
				return err
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		futures = futures[:0]
		return nil
	}
	for sent := 0; sent < n; {
		county := acts[rng.IntN(len(acts))].county
		ev := &checkinv1.CheckinsRecorded{EventId: uuid.NewString(), CountyCode: county}
		for len(ev.Records) < min(1000, n-sent) {
			a := acts[rng.IntN(len(acts))]
			if a.county != county {
				continue
			}
			at := day0.AddDate(0, 0, rng.IntN(8)).Add(time.Duration(8*60+rng.IntN(12*60)) * time.Minute)
			rec := &checkinv1.RecordedCheckin{RecordId: uuid.NewString(), EditionId: demo.LiveEdition, VenueId: a.venue, ActivityId: a.id,
				TerminalId: a.venue, TerminalSequence: uint64(sent + len(ev.Records) + 1), Outcome: checkinv1.Outcome_OUTCOME_ADMITTED,
				OccurredAt: timestamppb.New(at), RecordedAt: timestamppb.Now(), Headcount: 1}
			switch x := rng.IntN(100); {
			case x < 10:
				rec.Kind, rec.TicketId = checkinv1.CheckinKind_CHECKIN_KIND_TICKET, uuid.NewString()
				rec.Category = checkinv1.ParticipantCategory(1 + rng.IntN(2))
			case x < 12:
				rec.Kind, rec.Headcount, rec.Adults, rec.Category = checkinv1.CheckinKind_CHECKIN_KIND_GROUP, 30, 2, checkinv1.ParticipantCategory_PARTICIPANT_CATEGORY_YOUNG_PERSON
			case x < 13:
				rec.Kind, rec.Outcome, rec.RefusalReason = checkinv1.CheckinKind_CHECKIN_KIND_TICKET, checkinv1.Outcome_OUTCOME_REFUSED, checkinv1.RefusalReason(1+rng.IntN(7))
			case x < 30:
				rec.Kind = checkinv1.CheckinKind_CHECKIN_KIND_CHECKOUT
			default:
				rec.Kind, rec.Category = checkinv1.CheckinKind_CHECKIN_KIND_WALK_IN, checkinv1.ParticipantCategory(1+rng.IntN(4))
			}
			ev.Records = append(ev.Records, rec)
		}
		data, err := proto.Marshal(ev)
		if err != nil {
			return 0, err
		}
		msg := nats.NewMsg("sciweek.checkin.records." + county)
		msg.Data = data
		msg.Header.Set(bus.HeaderType, "sciweek.checkin.v1.CheckinsRecorded")
		f, err := js.PublishMsgAsync(msg, jetstream.WithMsgID(ev.EventId))
		if err != nil {
			return 0, err
		}
		futures = append(futures, f)
		sent += len(ev.Records)
		if len(futures) >= 32 {
			if err := flush(); err != nil {
				return 0, err
			}
		}
	}
	return last, flush()
}

// waitPosition waits until the aggregates include the stream up to pos.
func waitPosition(ctx context.Context, stats reportingv1.StatsServiceClient, as grpc.CallOption, pos uint64, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		ov, err := stats.GetOverview(ctx, &reportingv1.GetOverviewRequest{EditionId: demo.LiveEdition}, as)
		if err != nil {
			return err
		}
		if ov.GetOverview().GetStreamPosition() >= pos {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("aggregates at %d after %s, want %d", ov.GetOverview().GetStreamPosition(), limit, pos)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// measureFanout connects screens to the gateway's dashboard stream, as browsers do, then, after
// quiet spells, publishes one check-in and times how long until every screen has shown it.
func measureFanout(ctx context.Context, b dashboardBench, js jetstream.JetStream, acts []benchActivity) ([]time.Duration, error) {
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Transport: &http.Transport{MaxIdleConnsPerHost: b.screens + 10}}
	base := "http://" + b.st.Addrs.Gateway
	resp, err := client.Post(base+"/auth/login", "application/json", strings.NewReader(fmt.Sprintf(`{"username":%q,"password":%q}`, b.info.AdminUsername, b.info.AdminPassword)))
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type seen struct {
		screen int
		pos    uint64
		at     time.Time
	}
	events := make(chan seen, 64*b.screens)
	var wg sync.WaitGroup
	errs := make(chan error, b.screens)
	for i := range b.screens {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequestWithContext(sctx, http.MethodGet, base+"/events/dashboard?edition="+demo.LiveEdition, nil)
			resp, err := client.Do(req)
			if err != nil {
				errs <- err
				return
			}
			defer resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				errs <- fmt.Errorf("screen %d: %s", i, resp.Status)
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
					StreamPosition string `json:"stream_position"`
				}
				if json.Unmarshal([]byte(line[6:]), &d) == nil {
					pos, _ := strconv.ParseUint(d.StreamPosition, 10, 64)
					events <- seen{screen: i, pos: pos, at: time.Now()}
				}
			}
		}()
	}
	defer wg.Wait()
	defer cancel()
	connected := map[int]bool{}
	for len(connected) < b.screens {
		select {
		case e := <-events:
			connected[e.screen] = true
		case err := <-errs:
			return nil, err
		case <-time.After(time.Minute):
			return nil, fmt.Errorf("%d of %d screens connected", len(connected), b.screens)
		}
	}
	b.say("dashboard: %d screens connected", b.screens)
	a := acts[0]
	var rounds []time.Duration
	for round := range 10 {
		time.Sleep(1500 * time.Millisecond) // a quiet spell: the change goes out at once
		for len(events) > 0 {
			<-events
		}
		ev := &checkinv1.CheckinsRecorded{EventId: uuid.NewString(), CountyCode: a.county, Records: []*checkinv1.RecordedCheckin{{
			RecordId: uuid.NewString(), EditionId: demo.LiveEdition, VenueId: a.venue, ActivityId: a.id, Kind: checkinv1.CheckinKind_CHECKIN_KIND_WALK_IN,
			Category: checkinv1.ParticipantCategory_PARTICIPANT_CATEGORY_ADULT, Headcount: 1, Outcome: checkinv1.Outcome_OUTCOME_ADMITTED,
			OccurredAt: timestamppb.Now(), RecordedAt: timestamppb.Now(), TerminalSequence: uint64(round + 1)}}}
		data, _ := proto.Marshal(ev)
		msg := nats.NewMsg("sciweek.checkin.records." + a.county)
		msg.Data = data
		msg.Header.Set(bus.HeaderType, "sciweek.checkin.v1.CheckinsRecorded")
		sent := time.Now()
		ack, err := js.PublishMsg(ctx, msg, jetstream.WithMsgID(ev.EventId))
		if err != nil {
			return nil, err
		}
		have := map[int]bool{}
		var slowest time.Duration
		for len(have) < b.screens {
			select {
			case e := <-events:
				if e.pos >= ack.Sequence && !have[e.screen] {
					have[e.screen] = true
					slowest = max(slowest, e.at.Sub(sent))
				}
			case err := <-errs:
				return nil, err
			case <-time.After(30 * time.Second):
				return nil, fmt.Errorf("round %d: %d of %d screens got the change", round, len(have), b.screens)
			}
		}
		rounds = append(rounds, slowest)
	}
	return rounds, nil
}

// measureFirstRender opens the dashboard in Chromium five times and times navigation to the
// first figures on the page, then the big screen once.
func measureFirstRender(ctx context.Context, b dashboardBench) ([]time.Duration, time.Duration, error) {
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
	base := "http://" + b.st.Addrs.Gateway
	if err := chromedp.Do(cctx, chromedp.Navigate(base+"/login"), chromedp.WaitVisible(`#login-username`),
		chromedp.SendKeys(`#login-username`, b.info.AdminUsername), chromedp.SendKeys(`#login-password`, b.info.AdminPassword), chromedp.Click(`#login-submit`)); err != nil {
		return nil, 0, err
	}
	if _, err := chromedp.Run(cctx, chromedp.Poll[bool](`location.pathname !== '/login'`)); err != nil {
		return nil, 0, err
	}
	open := func(page, root string) (time.Duration, error) {
		if err := chromedp.Do(cctx, chromedp.Navigate("about:blank")); err != nil {
			return 0, err
		}
		t0 := time.Now()
		if err := chromedp.Do(cctx, chromedp.Navigate(base+page)); err != nil {
			return 0, err
		}
		if _, err := chromedp.Run(cctx, chromedp.Poll[bool](fmt.Sprintf(`!!document.querySelector(%q)?.dataset.streamPosition`, root),
			chromedp.WithPollingInterval(10*time.Millisecond))); err != nil {
			return 0, err
		}
		return time.Since(t0), nil
	}
	var renders []time.Duration
	for range 5 {
		d, err := open("/dashboard?edition="+demo.LiveEdition, "#dashboard")
		if err != nil {
			return nil, 0, err
		}
		renders = append(renders, d)
	}
	screen, err := open("/screen?edition="+demo.LiveEdition, "#screen")
	return renders, screen, err
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
	ms := func(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }
	fmt.Fprintf(&b, "# Dashboard benchmark\n\nMeasured %s on this machine (%d CPUs, %s), everything on it, after the check-in benchmark "+
		"(whose records are included). Reproduce with `make bench` (`%s`).\n\n", r.Started.UTC().Format("2006-01-02 15:04 MST"), runtime.NumCPU(), cpuModel(), r.Args)
	fmt.Fprintf(&b, "Data: %d approved activities of the live edition (registered through the registration service) and %d check-in records over "+
		"the last eight days, published on the check-in stream in events of 1,000 as the check-in service publishes them, and folded by the "+
		"reporting service (%.0f records/s, publishing included).\n\n", r.Activities, r.Records, r.FoldRate)
	fmt.Fprintf(&b, "| Figure | Measured | Target |\n|---|---|---|\n")
	fmt.Fprintf(&b, "| Dashboard query (every panel), %d calls over 8 filters (city, county, form, target group, day range, combined; city and county admin) | p50 %s · p99 %s · max %s | p99 < 50 ms |\n",
		r.QueryCalls, ms(r.QueryP50), ms(r.QueryP99), ms(r.QueryMax))
	fmt.Fprintf(&b, "| One change reaching all %d screens connected to the gateway's server-sent events, %d rounds | p50 %s · max %s | < 1 s |\n",
		r.Screens, r.FanoutRounds, ms(r.FanoutP50), ms(r.FanoutMax))
	fmt.Fprintf(&b, "| First render of /dashboard in Chromium (navigation to the first figures), 5 loads | p50 %s · max %s | < 2 s |\n", ms(r.RenderP50), ms(r.RenderMax))
	fmt.Fprintf(&b, "| First render of the big screen (/screen) | %s | |\n", ms(r.ScreenRender))
	fmt.Fprintf(&b, "| Rebuild of the aggregates from the stream (%d messages, %d participations after) | %s | |\n", r.RebuildEvents, r.RebuildParticipations, r.RebuildTook.Round(time.Millisecond))
	fmt.Fprintf(&b, "\nA dashboard query reads every panel in one pipelined round trip over aggregate tables whose size follows activities × days "+
		"(× hours for the curve), not check-ins. The fan-out is timed from publishing a check-in event after a quiet spell (the dashboard "+
		"pushes a change at once after a quiet second, and at most once a second under load) to the last screen receiving it; screens with "+
		"one filter share one computation.\n\nRun took %s.\n", r.Finished.Sub(r.Started).Round(time.Second))
	return b.String()
}
