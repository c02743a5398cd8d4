package demo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	checkinv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/checkin/v1"
	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
	venuev1 "github.com/sciweek/sciweek/pkg/gen/sciweek/venue/v1"
	"github.com/sciweek/sciweek/pkg/rpc"
)

// HistoryEdition is the edition the history fills: the 2024 week the seed registers.
const HistoryEdition = "2024"

// HistoryPeople is the participations of a full history, about what a city the size of
// Taiyuan counts in its science week.
const HistoryPeople = 300_000

// HistoryConfig says how large a history to make and where it goes.
type HistoryConfig struct {
	// People is the participations to aim at; 0 means HistoryPeople. Tests make a small one.
	People int
	// Conns must name the check-in and reporting services as well as registration and venue.
	Conns Conns
	// Progress, if set, hears a progress line every few seconds.
	Progress io.Writer
}

// HistorySummary is what a history sent, as check-in answered it.
type HistorySummary struct {
	// Skipped is set when the data folder says the history was made before.
	Skipped bool `json:"-"`
	// Records counts records acknowledged; People the participations they admitted.
	Records, People int64
	// Refused counts refused records, Anomalies the admitted ones flagged.
	Refused, Anomalies int64
	// Groups counts school groups admitted.
	Groups int64
	// Terminals is the doors that sent it.
	Terminals int
	// Took is how long it took, reports included.
	Took time.Duration `json:"-"`
}

// historyMarker records, in the data folder, that the history was made (or begun): a restart
// must not add it again, and a history broken off halfway is not made twice either.
type historyMarker struct {
	Started  time.Time      `json:"started"`
	Finished *time.Time     `json:"finished,omitempty"`
	Summary  HistorySummary `json:"summary"`
}

// History gives the 2024 edition a week of check-ins, once: a terminal at every venue, each
// venue open daily (an open day per venue, registered and approved like any activity), and the
// week's visitors sent through check-in's UploadCheckins as doors that were offline upload
// what they scanned. The shapes follow a real week: weekends and Workers' Day (30 May) busy,
// school classes on weekdays, a morning and an afternoon peak, urban counties larger than
// rural ones; a few scans are refused (a forged ticket, a wrong door, a broken clock) and a
// few flagged (outside opening hours, a burst, a skewed clock). Then a few counties' reports
// are handed in and one is sent back. The marker <dataDir>/history-2024.json keeps it to once.
func History(ctx context.Context, dataDir string, info Info, cfg HistoryConfig) (HistorySummary, error) {
	started := time.Now()
	marker := filepath.Join(dataDir, "history-"+HistoryEdition+".json")
	if b, err := os.ReadFile(marker); err == nil {
		var m historyMarker
		if json.Unmarshal(b, &m) == nil && m.Finished == nil && cfg.Progress != nil {
			fmt.Fprintf(cfg.Progress, "sciweek: the 2024 history was begun on %s and broken off; it is not sent twice (delete the data folder to start over)\n",
				m.Started.Format(time.DateTime))
		}
		return HistorySummary{Skipped: true}, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return HistorySummary{}, err
	}
	if cfg.Conns.Checkin == nil || cfg.Conns.Reporting == nil {
		return HistorySummary{}, errors.New("demo history: needs connections to check-in and reporting")
	}
	if cfg.People <= 0 {
		cfg.People = HistoryPeople
	}
	m := historyMarker{Started: started.UTC()}
	if err := writeJSON(marker, m); err != nil {
		return HistorySummary{}, err
	}
	login, err := registrationv1.NewAccountServiceClient(cfg.Conns.Registration).Login(ctx,
		&registrationv1.LoginRequest{Username: info.AdminUsername, Password: info.AdminPassword})
	if err != nil {
		return HistorySummary{}, err
	}
	c := clients{
		as:        grpc.PerRPCCredentials(rpc.BearerCredential(login.GetAccessToken())),
		venues:    venuev1.NewVenueServiceClient(cfg.Conns.Venue),
		terminals: venuev1.NewTerminalServiceClient(cfg.Conns.Venue),
		acts:      registrationv1.NewActivityServiceClient(cfg.Conns.Registration),
		units:     registrationv1.NewUnitServiceClient(cfg.Conns.Registration),
		editions:  registrationv1.NewEditionServiceClient(cfg.Conns.Registration),
		accounts:  registrationv1.NewAccountServiceClient(cfg.Conns.Registration),
	}
	doors, err := c.historyDoors(ctx)
	if err != nil {
		return HistorySummary{}, fmt.Errorf("demo history: %w", err)
	}
	plan := planWeek(doors, cfg.People)
	sum, err := sendWeek(ctx, cfg.Conns.Checkin, doors, plan, cfg.Progress)
	if err != nil {
		return sum, fmt.Errorf("demo history: %w", err)
	}
	if err := c.reports(ctx, cfg.Conns, info); err != nil {
		return sum, fmt.Errorf("demo history: reports: %w", err)
	}
	sum.Took = time.Since(started)
	done := time.Now().UTC()
	m.Finished, m.Summary = &done, sum
	return sum, writeJSON(marker, m)
}

func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o600)
}

// door is one venue's terminal for the history: its venue, the open day and the venue's other
// activities of the week.
type door struct {
	venue      *venuev1.Venue
	credential string
	openDay    string
	sessions   []historySession // the week's activities at the venue, open day excluded
	weight     float64
}

type historySession struct {
	activity   string
	starts     time.Time
	ends       time.Time
	forSchools bool
}

// countyWeight is how much of the city's week each county draws: the urban districts far more
// than the mountain counties.
var countyWeight = map[string]float64{
	"140105": 1.7, "140106": 1.3, "140107": 1.2, "140108": 0.9, "140109": 1.3,
	"140110": 0.8, "140121": 0.5, "140122": 0.35, "140123": 0.25, "140181": 0.4,
}

// historyDoors registers an open day per venue in the 2024 week (09:00–17:00 each day),
// provisions and activates a terminal per venue, and waits until check-in knows them.
func (c clients) historyDoors(ctx context.Context) ([]*door, error) {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return nil, err
	}
	byVenue := map[string]*door{}
	var order []string
	for token := ""; ; {
		page, err := c.venues.ListVenues(ctx, &venuev1.ListVenuesRequest{PageSize: 1000, PageToken: token}, c.as)
		if err != nil {
			return nil, err
		}
		for _, v := range page.GetVenues() {
			byVenue[v.GetId()] = &door{venue: v}
			order = append(order, v.GetId())
		}
		if token = page.GetNextPageToken(); token == "" {
			break
		}
	}
	unitOf := map[string]string{}
	for token := ""; ; {
		page, err := c.acts.ListActivities(ctx, &registrationv1.ListActivitiesRequest{EditionId: HistoryEdition,
			Status: registrationv1.ActivityStatus_ACTIVITY_STATUS_APPROVED, PageSize: 1000, PageToken: token}, c.as)
		if err != nil {
			return nil, err
		}
		for _, a := range page.GetActivities() {
			d := byVenue[a.GetDetails().GetVenueId()]
			if d == nil {
				continue
			}
			unitOf[d.venue.GetId()] = a.GetUnitId()
			schools := slices.Contains(a.GetDetails().GetTargetGroups(), registrationv1.TargetGroup_TARGET_GROUP_SCHOOL) ||
				slices.Contains(a.GetDetails().GetTargetGroups(), registrationv1.TargetGroup_TARGET_GROUP_YOUTH)
			for _, s := range a.GetDetails().GetSessions() {
				d.sessions = append(d.sessions, historySession{activity: a.GetId(), starts: s.GetStartsAt().AsTime(), ends: s.GetEndsAt().AsTime(), forSchools: schools})
			}
		}
		if token = page.GetNextPageToken(); token == "" {
			break
		}
	}
	var doors []*door
	for _, id := range order {
		if unitOf[id] != "" {
			doors = append(doors, byVenue[id])
		}
	}
	if len(doors) == 0 {
		return nil, errors.New("the 2024 edition has no approved activity at any venue")
	}
	// Venues draw by their county and their size.
	for _, d := range doors {
		d.weight = countyWeight[d.venue.GetCountyCode()] * math.Sqrt(float64(max(d.venue.GetSafeCapacity(), 100)))
		if d.weight == 0 {
			d.weight = 0.5 * math.Sqrt(float64(max(d.venue.GetSafeCapacity(), 100)))
		}
	}
	first := time.Date(2024, 5, 25, 0, 0, 0, 0, loc)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(4)
	for _, d := range doors {
		g.Go(func() error {
			var sessions []*registrationv1.Session
			for day := range 8 {
				at := first.AddDate(0, 0, day)
				sessions = append(sessions, &registrationv1.Session{StartsAt: timestamppb.New(at.Add(9 * time.Hour)), EndsAt: timestamppb.New(at.Add(17 * time.Hour))})
			}
			created, err := c.acts.CreateActivity(gctx, &registrationv1.CreateActivityRequest{EditionId: HistoryEdition, UnitId: unitOf[d.venue.GetId()],
				Details: &registrationv1.ActivityDetails{
					Title: OpenDayTitlePrefix + d.venue.GetName(), Form: registrationv1.ActivityForm_ACTIVITY_FORM_OPEN_DAY,
					TargetGroups: []registrationv1.TargetGroup{registrationv1.TargetGroup_TARGET_GROUP_PUBLIC}, VenueId: d.venue.GetId(),
					Sessions: sessions, Description: "科技活动周期间每日 9:00–17:00 免费开放。",
				}}, c.as)
			if err != nil {
				return fmt.Errorf("open day at %s: %w", d.venue.GetName(), err)
			}
			d.openDay = created.GetActivity().GetId()
			if _, err := c.acts.SubmitActivity(gctx, &registrationv1.SubmitActivityRequest{ActivityId: d.openDay}, c.as); err != nil {
				return err
			}
			if _, err := c.acts.ApproveActivity(gctx, &registrationv1.ApproveActivityRequest{ActivityId: d.openDay}, c.as); err != nil {
				return err
			}
			p, err := c.terminals.ProvisionTerminal(gctx, &venuev1.ProvisionTerminalRequest{VenueId: d.venue.GetId(), Name: "2024 科技周入口终端"}, c.as)
			if err != nil {
				return fmt.Errorf("provision a terminal: %w", err)
			}
			a, err := c.terminals.ActivateTerminal(gctx, &venuev1.ActivateTerminalRequest{SetupCode: p.GetSetupCode()})
			if err != nil {
				return fmt.Errorf("activate a terminal: %w", err)
			}
			d.credential = a.GetCredential()
			return nil
		})
	}
	return doors, g.Wait()
}

// waitKnown waits until check-in knows the door's terminal and every activity of its week: a
// record sent before would be refused as an activity not open.
func waitKnown(ctx context.Context, client checkinv1.CheckinServiceClient, d *door) error {
	want := map[string]bool{d.openDay: true}
	for _, s := range d.sessions {
		want[s.activity] = true
	}
	deadline := time.Now().Add(60 * time.Second)
	auth := grpc.PerRPCCredentials(rpc.BearerCredential(d.credential))
	for {
		resp, err := client.SyncTerminal(ctx, &checkinv1.SyncTerminalRequest{SentAt: timestamppb.Now()}, auth)
		if err == nil {
			known := 0
			for _, a := range resp.GetActivities() {
				if want[a.GetActivityId()] && a.GetOpen() {
					known++
				}
			}
			if known == len(want) {
				return nil
			}
			err = fmt.Errorf("knows %d of its %d activities", known, len(want))
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("check-in does not know the terminal at %s after 60s: %w", d.venue.GetName(), err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// dayWeight is each day's share of the week, from Saturday 25 May to Saturday 1 June:
// weekends and the opening strong, 30 May (科技工作者日) the busiest, 1 June (Children's Day)
// strong again.
var dayWeight = [8]float64{1.35, 1.15, 0.75, 0.8, 0.85, 1.7, 0.9, 1.25}

// hourWeight is each opening hour's share of a day, 09:00 to 16:00: a late-morning peak, a
// lunch dip and an afternoon peak.
var hourWeight = [8]float64{0.7, 1.2, 1.3, 0.8, 0.9, 1.25, 1.1, 0.6}

// planWeek makes every door's records for the week, in the order they happened.
func planWeek(doors []*door, people int) [][]*checkinv1.CheckinRecord {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	first := time.Date(2024, 5, 25, 0, 0, 0, 0, loc)
	var total, days float64
	for _, d := range doors {
		total += d.weight
	}
	for _, w := range dayWeight {
		days += w
	}
	var hours float64
	for _, w := range hourWeight {
		hours += w
	}
	plan := make([][]*checkinv1.CheckinRecord, len(doors))
	rng := rand.New(rand.NewPCG(2024, 530)) // the same week every time
	for i, d := range doors {
		var recs []*checkinv1.CheckinRecord
		other := doors[(i+1)%len(doors)]
		for day := range 8 {
			date := first.AddDate(0, 0, day)
			weekday := date.Weekday() >= time.Monday && date.Weekday() <= time.Friday
			want := int(float64(people) * d.weight / total * dayWeight[day] / days)
			for h := range 8 {
				n := int(float64(want) * hourWeight[h] / hours)
				hourStart := date.Add(time.Duration(9+h) * time.Hour)
				// School classes come on weekdays, in the morning and early afternoon: about
				// half of those hours' visitors.
				if weekday && (h <= 2 || h == 5) {
					for budget := n / 2; budget > 0 && n > 30; budget -= 35 {
						young, teachers := uint32(25+rng.IntN(21)), uint32(2+rng.IntN(2))
						at := hourStart.Add(time.Duration(rng.IntN(3600)) * time.Second)
						recs = append(recs, &checkinv1.CheckinRecord{OccurredAt: timestamppb.New(at), VenueId: d.venue.GetId(),
							ActivityId: d.activityAt(at, true),
							Kind: &checkinv1.CheckinRecord_Group{Group: &checkinv1.GroupCheckin{YoungPeople: young, Teachers: teachers,
								GroupName: fmt.Sprintf("%s小学%d年级%d班", []string{"实验", "新建路", "五一路", "育英", "滨河"}[rng.IntN(5)], 3+rng.IntN(4), 1+rng.IntN(8))}}})
						n -= int(young + teachers)
					}
				}
				for n > 0 {
					at := hourStart.Add(time.Duration(rng.IntN(3600*1000)) * time.Millisecond)
					head := uint32(1)
					if rng.IntN(5) == 0 {
						head = uint32(2 + rng.IntN(4)) // a family
					}
					cat := checkinv1.ParticipantCategory_PARTICIPANT_CATEGORY_ADULT
					switch x := rng.Float64(); {
					case x < 0.4:
						cat = checkinv1.ParticipantCategory_PARTICIPANT_CATEGORY_YOUNG_PERSON
					case x < 0.45 || (day == 5 && x < 0.65): // Workers' Day brings the science workers
						cat = checkinv1.ParticipantCategory_PARTICIPANT_CATEGORY_SCIENCE_WORKER
					case x < 0.48:
						cat = checkinv1.ParticipantCategory_PARTICIPANT_CATEGORY_VOLUNTEER
					}
					recs = append(recs, &checkinv1.CheckinRecord{OccurredAt: timestamppb.New(at), VenueId: d.venue.GetId(),
						ActivityId: d.activityAt(at, false),
						Kind:       &checkinv1.CheckinRecord_WalkIn{WalkIn: &checkinv1.WalkIn{Category: cat, Headcount: head}}})
					n -= int(head)
				}
			}
			// What a real door also sends: a few early and late visitors (flagged outside the
			// opening hours), a forged or damaged ticket, a visitor sent to the wrong venue,
			// a scan stamped by a clock a month behind (refused as out of the edition's time),
			// and now and then a scanner that fires twice in a row (flagged as a burst).
			for range 1 + want/800 {
				recs = append(recs, walkIn(d, d.openDay, date.AddDate(0, -1, 0).Add(time.Duration(9*3600+rng.IntN(8*3600))*time.Second), 1))
				at := date.Add(8*time.Hour + 40*time.Minute + time.Duration(rng.IntN(15))*time.Minute)
				if rng.IntN(2) == 0 {
					at = date.Add(17*time.Hour + time.Duration(5+rng.IntN(20))*time.Minute)
				}
				recs = append(recs, walkIn(d, d.openDay, at, 1))
				at = date.Add(time.Duration(9*3600+rng.IntN(8*3600)) * time.Second)
				recs = append(recs, &checkinv1.CheckinRecord{OccurredAt: timestamppb.New(at), VenueId: d.venue.GetId(),
					Kind: &checkinv1.CheckinRecord_Ticket{Ticket: &checkinv1.TicketScan{Payload: fmt.Sprintf("SW1.%08x.damaged", rng.Uint32())}}})
				at = date.Add(time.Duration(9*3600+rng.IntN(8*3600)) * time.Second)
				recs = append(recs, walkIn(d, other.openDay, at, 1))
				at = date.Add(time.Duration(9*3600+rng.IntN(8*3600)) * time.Second)
				recs = append(recs, walkIn(d, d.openDay, at, 1), walkIn(d, d.openDay, at.Add(150*time.Millisecond), 1))
			}
		}
		// A door whose clock had reset: a scan stamped on New Year's Day, refused as out of
		// the edition's time.
		recs = append(recs, walkIn(d, d.openDay, time.Date(2024, 1, 1, 0, 0, 5, 0, loc), 1))
		sort.SliceStable(recs, func(a, b int) bool { return recs[a].GetOccurredAt().AsTime().Before(recs[b].GetOccurredAt().AsTime()) })
		for j, r := range recs {
			r.Sequence = uint64(j + 1)
		}
		plan[i] = recs
	}
	return plan
}

func walkIn(d *door, activity string, at time.Time, head uint32) *checkinv1.CheckinRecord {
	return &checkinv1.CheckinRecord{OccurredAt: timestamppb.New(at), VenueId: d.venue.GetId(), ActivityId: activity,
		Kind: &checkinv1.CheckinRecord_WalkIn{WalkIn: &checkinv1.WalkIn{Category: checkinv1.ParticipantCategory_PARTICIPANT_CATEGORY_ADULT, Headcount: head}}}
}

// activityAt is what a visitor at time at came for: a session of the venue's programme
// running then (a school class prefers one for young people), else the open day.
func (d *door) activityAt(at time.Time, school bool) string {
	for _, s := range d.sessions {
		if !at.Before(s.starts) && at.Before(s.ends) && (!school || s.forSchools) {
			return s.activity
		}
	}
	return d.openDay
}

// sendWeek uploads every door's records through check-in, a thousand a call, retrying what
// check-in asks to be sent again; one door's clock is off by ten minutes for its last call,
// which check-in flags.
func sendWeek(ctx context.Context, conn grpc.ClientConnInterface, doors []*door, plan [][]*checkinv1.CheckinRecord, progress io.Writer) (HistorySummary, error) {
	client := checkinv1.NewCheckinServiceClient(conn)
	var want int
	for _, p := range plan {
		want += len(p)
	}
	var records, people, refused, anomalies, groups atomic.Int64
	start := time.Now()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	if progress != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tick := time.NewTicker(3 * time.Second)
			defer tick.Stop()
			for {
				select {
				case <-stop:
					return
				case <-tick.C:
					fmt.Fprintf(progress, "sciweek: history of the 2024 week: %d of %d records sent through check-in (%d participations) in %s\n",
						records.Load(), want, people.Load(), time.Since(start).Round(time.Second))
				}
			}
		}()
	}
	defer func() { close(stop); wg.Wait() }()
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(3)
	for i, d := range doors {
		g.Go(func() error {
			if err := waitKnown(gctx, client, d); err != nil {
				return err
			}
			auth := grpc.PerRPCCredentials(rpc.BearerCredential(d.credential))
			recs := plan[i]
			for len(recs) > 0 {
				n := min(1000, len(recs))
				sent := time.Now()
				if i == 0 && n == len(recs) {
					sent = sent.Add(-10 * time.Minute) // a door with a slow clock
				}
				resp, err := upload(gctx, client, auth, recs[:n], sent)
				if err != nil {
					return fmt.Errorf("upload from %s: %w", d.venue.GetName(), err)
				}
				for j, res := range resp.GetResults() {
					if len(res.GetAnomalies()) > 0 {
						anomalies.Add(1)
					}
					if res.GetOutcome() == checkinv1.Outcome_OUTCOME_REFUSED {
						refused.Add(1)
						continue
					}
					switch k := recs[j].GetKind().(type) {
					case *checkinv1.CheckinRecord_WalkIn:
						people.Add(int64(k.WalkIn.GetHeadcount()))
					case *checkinv1.CheckinRecord_Group:
						people.Add(int64(k.Group.GetYoungPeople() + k.Group.GetTeachers()))
						groups.Add(1)
					}
				}
				records.Add(int64(n))
				recs = recs[n:]
			}
			return nil
		})
	}
	err := g.Wait()
	return HistorySummary{Records: records.Load(), People: people.Load(), Refused: refused.Load(), Anomalies: anomalies.Load(),
		Groups: groups.Load(), Terminals: len(doors)}, err
}

// upload sends one call until check-in acknowledges it: the same records again after an
// overload or an outage, as a door does; check-in answers a repeat as a replay.
func upload(ctx context.Context, client checkinv1.CheckinServiceClient, auth grpc.CallOption, recs []*checkinv1.CheckinRecord, sent time.Time) (*checkinv1.UploadCheckinsResponse, error) {
	wait := 100 * time.Millisecond
	giveUp := time.Now().Add(2 * time.Minute)
	for {
		cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		resp, err := client.UploadCheckins(cctx, &checkinv1.UploadCheckinsRequest{Records: recs, SentAt: timestamppb.New(sent)}, auth)
		cancel()
		if err == nil {
			return resp, nil
		}
		switch status.Code(err) {
		case codes.Unavailable, codes.ResourceExhausted, codes.DeadlineExceeded, codes.Aborted, codes.Unauthenticated:
		default:
			return nil, err
		}
		if time.Now().After(giveUp) {
			return nil, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(wait):
		}
		wait = min(2*wait, 2*time.Second)
	}
}
