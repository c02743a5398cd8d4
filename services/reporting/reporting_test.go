package reporting_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/nats-io/nats.go/jetstream"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/sciweek/sciweek/pkg/auth"
	"github.com/sciweek/sciweek/pkg/bus"
	checkinv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/checkin/v1"
	reportingv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/reporting/v1"
	venuev1 "github.com/sciweek/sciweek/pkg/gen/sciweek/venue/v1"
	"github.com/sciweek/sciweek/pkg/testkit"
	"github.com/sciweek/sciweek/services/reporting"
)

func TestMain(m *testing.M) { os.Exit(testkit.Main(m)) }

type fixture struct {
	t      *testing.T
	svc    *reporting.Service
	cfg    reporting.Config
	client reportingv1.StatsServiceClient
	conn   *grpc.ClientConn
	js     jetstream.JetStream
	tokens *testkit.Tokens
	stop   func()
}

// start runs a reporting service against real PostgreSQL and NATS; options change its
// configuration first.
func start(t *testing.T, options ...func(*reporting.Config)) *fixture {
	t.Helper()
	b := testkit.Back(t, "reporting", reporting.Schema, reporting.Migrate)
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	tokens := testkit.NewTokens(t)
	f := &fixture{t: t, js: b.NATS.JetStream, tokens: tokens,
		cfg: reporting.Config{Base: b.Base(), People: tokens.Verifier, Location: loc, MinPushInterval: 20 * time.Millisecond,
			FilesDir: t.TempDir()}}
	for _, o := range options {
		o(&f.cfg)
	}
	if err := bus.EnsureStreams(context.Background(), b.NATS.JetStream, bus.StreamOptions{}, bus.StreamCheckin, bus.StreamVenue, bus.StreamReporting); err != nil {
		t.Fatal(err)
	}
	f.conn = testkit.Serve(t, f.run().Server().GRPC, b.Telemetry)
	f.client = reportingv1.NewStatsServiceClient(f.conn)
	return f
}

// run starts a service instance's projection; stop ends it, as a process exit would.
func (f *fixture) run() *reporting.Service {
	svc, err := reporting.New(f.cfg)
	if err != nil {
		f.t.Fatal(err)
	}
	f.svc = svc
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = svc.Run(ctx) }()
	f.stop = func() { cancel(); <-done }
	f.t.Cleanup(f.stop)
	return svc
}

func (f *fixture) admit(county string, venue, activity uuid.UUID, kind checkinv1.CheckinKind, headcount uint32, at time.Time) {
	f.t.Helper()
	f.record(county, &checkinv1.RecordedCheckin{RecordId: uuid.NewString(), EditionId: "2024", VenueId: venue.String(), ActivityId: activity.String(),
		Kind: kind, Headcount: headcount, Outcome: checkinv1.Outcome_OUTCOME_ADMITTED, OccurredAt: timestamppb.New(at)})
}

// record publishes records of one county as the check-in service does: many to an event.
func (f *fixture) record(county string, records ...*checkinv1.RecordedCheckin) {
	f.t.Helper()
	f.publish("sciweek.checkin.records."+county, &checkinv1.CheckinsRecorded{EventId: uuid.NewString(), CountyCode: county, Records: records})
}

func (f *fixture) publish(subject string, ev proto.Message) {
	f.t.Helper()
	testkit.Publish(f.t, f.js, subject, ev)
}

func (f *fixture) overview(as auth.Principal) (*reportingv1.Overview, error) {
	resp, err := f.client.GetOverview(context.Background(), &reportingv1.GetOverviewRequest{EditionId: "2024"}, f.tokens.As(f.t, as))
	return resp.GetOverview(), err
}

func (f *fixture) waitPosition(pos uint64) *reportingv1.Overview {
	f.t.Helper()
	var ov *reportingv1.Overview
	testkit.Eventually(f.t, 5*time.Second, func() error {
		var err error
		ov, err = f.overview(testkit.CityAdmin())
		if err != nil {
			return err
		}
		if ov.GetStreamPosition() != pos {
			return fmt.Errorf("stream position %d, want %d", ov.GetStreamPosition(), pos)
		}
		return nil
	})
	return ov
}

func TestEachEventCountsOnceAcrossRestarts(t *testing.T) {
	t.Parallel()
	f := start(t)
	venue, act := uuid.New(), uuid.New()
	day := time.Date(2024, 5, 26, 2, 0, 0, 0, time.UTC)
	for i := 0; i < 300; i++ {
		f.admit("140105", venue, act, checkinv1.CheckinKind_CHECKIN_KIND_TICKET, 1, day)
	}
	f.waitPosition(300)
	f.stop() // the process goes away...
	for i := 0; i < 200; i++ {
		f.admit("140106", venue, act, checkinv1.CheckinKind_CHECKIN_KIND_WALK_IN, 3, day)
	}
	f.record("140105", &checkinv1.RecordedCheckin{RecordId: uuid.NewString(), EditionId: "2024", VenueId: venue.String(), ActivityId: act.String(),
		Kind: checkinv1.CheckinKind_CHECKIN_KIND_TICKET, Headcount: 1, Outcome: checkinv1.Outcome_OUTCOME_REFUSED,
		RefusalReason: checkinv1.RefusalReason_REFUSAL_REASON_ALREADY_CHECKED_IN, OccurredAt: timestamppb.New(day)})
	f.run() // ...and a new one continues from the checkpoint
	ov := f.waitPosition(501)
	if ov.GetCity().GetParticipations() != 300+600 || ov.GetCity().GetTicketed() != 300 || ov.GetCity().GetWalkIns() != 600 || ov.GetRefusedScans() != 1 {
		t.Fatalf("city = %v refused %d; want 900 (300 ticketed, 600 walk-in), 1 refused", ov.GetCity(), ov.GetRefusedScans())
	}
	if len(ov.GetCounties()) != 2 || ov.GetCounties()[0].GetParticipations() != 300 || ov.GetCounties()[1].GetParticipations() != 600 {
		t.Fatalf("counties = %v", ov.GetCounties())
	}
	byDay, err := f.client.QueryParticipations(context.Background(), &reportingv1.QueryParticipationsRequest{
		EditionId: "2024", GroupBy: reportingv1.Dimension_DIMENSION_DAY}, f.tokens.As(t, testkit.CityAdmin()))
	if err != nil || len(byDay.GetRows()) != 1 || byDay.GetRows()[0].GetKey() != "2024-05-26" || byDay.GetRows()[0].GetParticipations() != 900 {
		t.Fatalf("by day = %v %v", byDay, err)
	}
}

func TestCountyAdminSeesOnlyTheirCounty(t *testing.T) {
	t.Parallel()
	f := start(t)
	venue, act := uuid.New(), uuid.New()
	now := time.Now()
	f.admit("140105", venue, act, checkinv1.CheckinKind_CHECKIN_KIND_WALK_IN, 10, now)
	f.admit("140106", venue, act, checkinv1.CheckinKind_CHECKIN_KIND_WALK_IN, 20, now)
	f.waitPosition(2)
	xiaodian := testkit.CountyAdmin("140105")
	ov, err := f.overview(xiaodian)
	if err != nil {
		t.Fatal(err)
	}
	if ov.GetCity().GetParticipations() != 10 || len(ov.GetCounties()) != 1 || ov.GetCounties()[0].GetCountyCode() != "140105" || ov.GetCity().GetParticipationsToday() != 10 {
		t.Fatalf("county admin's overview = %v", ov)
	}
	tests := []struct {
		name string
		call func() error
		want codes.Code
	}{
		{"another county's rows", func() error {
			_, err := f.client.QueryParticipations(context.Background(), &reportingv1.QueryParticipationsRequest{
				EditionId: "2024", GroupBy: reportingv1.Dimension_DIMENSION_VENUE, CountyCode: "140106"}, f.tokens.As(t, xiaodian))
			return err
		}, codes.PermissionDenied},
		{"organizer", func() error {
			_, err := f.overview(auth.Principal{Subject: "unit", Role: auth.RoleOrganizer, CountyCode: "140105"})
			return err
		}, codes.PermissionDenied},
		{"no credential", func() error {
			_, err := f.client.GetOverview(context.Background(), &reportingv1.GetOverviewRequest{EditionId: "2024"})
			return err
		}, codes.Unauthenticated},
		{"days the wrong way round", func() error {
			_, err := f.client.QueryParticipations(context.Background(), &reportingv1.QueryParticipationsRequest{
				EditionId: "2024", GroupBy: reportingv1.Dimension_DIMENSION_DAY, FromDay: "2024-06-01", ToDay: "2024-05-25"}, f.tokens.As(t, testkit.CityAdmin()))
			return err
		}, codes.InvalidArgument},
		{"no grouping", func() error {
			_, err := f.client.QueryParticipations(context.Background(), &reportingv1.QueryParticipationsRequest{EditionId: "2024"}, f.tokens.As(t, testkit.CityAdmin()))
			return err
		}, codes.InvalidArgument},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.call(); status.Code(err) != tt.want {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
	rows, err := f.client.QueryParticipations(context.Background(), &reportingv1.QueryParticipationsRequest{
		EditionId: "2024", GroupBy: reportingv1.Dimension_DIMENSION_COUNTY}, f.tokens.As(t, xiaodian))
	if err != nil || len(rows.GetRows()) != 1 || rows.GetRows()[0].GetKey() != "140105" {
		t.Fatalf("county admin's rows = %v %v", rows, err)
	}
}

func TestWatchPushesChanges(t *testing.T) {
	t.Parallel()
	f := start(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stream, err := f.client.WatchOverview(ctx, &reportingv1.WatchOverviewRequest{EditionId: "2024"}, f.tokens.As(t, testkit.CityAdmin()))
	if err != nil {
		t.Fatal(err)
	}
	first, err := stream.Recv()
	if err != nil || first.GetOverview().GetCity().GetParticipations() != 0 {
		t.Fatalf("first push = %v %v", first, err)
	}
	sent := time.Now()
	f.admit("140181", uuid.New(), uuid.New(), checkinv1.CheckinKind_CHECKIN_KIND_WALK_IN, 7, sent)
	next, err := stream.Recv()
	if err != nil || next.GetOverview().GetCity().GetParticipations() != 7 {
		t.Fatalf("push after a check-in = %v %v", next, err)
	}
	t.Logf("change pushed %v after publishing", time.Since(sent).Round(time.Millisecond))
}

// TestWatchPushesAQuietChangeAtOnce: the interval between two pushes holds back a burst, not a
// change after a quiet spell: a door's one scan reaches the overview without waiting the interval,
// and the scans right after it wait for the interval to end and go out together.
func TestWatchPushesAQuietChangeAtOnce(t *testing.T) {
	t.Parallel()
	const interval = 3 * time.Second
	// One replica: no poll may wake the watcher and hide what a change alone does.
	f := start(t, func(c *reporting.Config) { c.MinPushInterval, c.ReplicaPoll = interval, time.Hour })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stream, err := f.client.WatchOverview(ctx, &reportingv1.WatchOverviewRequest{EditionId: "2024"}, f.tokens.As(t, testkit.CityAdmin()))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := stream.Recv(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(interval + 200*time.Millisecond)
	venue, act := uuid.New(), uuid.New()
	sent := time.Now()
	f.admit("140181", venue, act, checkinv1.CheckinKind_CHECKIN_KIND_WALK_IN, 1, sent)
	quiet, err := stream.Recv()
	if err != nil || quiet.GetOverview().GetCity().GetParticipations() != 1 {
		t.Fatalf("push after a quiet spell = %v %v", quiet, err)
	}
	if took := time.Since(sent); took >= interval {
		t.Fatalf("a change after a quiet spell took %v, the whole interval of %v", took, interval)
	}
	pushed := time.Now()
	for range 3 {
		f.admit("140181", venue, act, checkinv1.CheckinKind_CHECKIN_KIND_WALK_IN, 2, time.Now())
	}
	burst, err := stream.Recv()
	if err != nil {
		t.Fatal(err)
	}
	if gap := time.Since(pushed); gap < interval-100*time.Millisecond {
		t.Fatalf("a burst was pushed %v after the previous push, inside the interval of %v", gap, interval)
	}
	if n := burst.GetOverview().GetCity().GetParticipations(); n != 7 {
		t.Fatalf("the burst's push shows %d participations, want 7: the burst was not pushed together", n)
	}
}

func TestOccupancyRaisesAndStandsDownAlarms(t *testing.T) {
	t.Parallel()
	f := start(t)
	ctx := context.Background()
	hall, farm, act := uuid.New(), uuid.New(), uuid.New()
	f.publish("sciweek.venue.venue.changed", &venuev1.VenueChanged{EventId: uuid.NewString(), OccurredAt: timestamppb.Now(), Venue: &venuev1.Venue{
		Id: hall.String(), Name: "太原市科技馆", CountyCode: "140105", SafeCapacity: 100, WarnPercent: 80, AlarmPercent: 95}})
	now := time.Now()
	group := func(young, teachers uint32) *checkinv1.RecordedCheckin {
		return &checkinv1.RecordedCheckin{RecordId: uuid.NewString(), EditionId: "2024", VenueId: hall.String(), ActivityId: act.String(),
			Kind: checkinv1.CheckinKind_CHECKIN_KIND_GROUP, Headcount: young, Adults: teachers, Outcome: checkinv1.Outcome_OUTCOME_ADMITTED, OccurredAt: timestamppb.New(now)}
	}
	checkout := func(n uint32, at time.Time) *checkinv1.RecordedCheckin {
		return &checkinv1.RecordedCheckin{RecordId: uuid.NewString(), VenueId: hall.String(), Kind: checkinv1.CheckinKind_CHECKIN_KIND_CHECKOUT,
			Headcount: n, Outcome: checkinv1.Outcome_OUTCOME_ADMITTED, OccurredAt: timestamppb.New(at)}
	}
	occupancy := func(as auth.Principal, county string) (*reportingv1.ListOccupancyResponse, error) {
		return f.client.ListOccupancy(ctx, &reportingv1.ListOccupancyRequest{CountyCode: county}, f.tokens.As(t, as))
	}
	waitLevel := func(inside int64, level reportingv1.OccupancyLevel) {
		t.Helper()
		testkit.Eventually(t, 5*time.Second, func() error {
			resp, err := occupancy(testkit.CityAdmin(), "")
			if err != nil {
				return err
			}
			for _, v := range resp.GetVenues() {
				if v.GetVenueId() == hall.String() {
					if v.GetInside() != inside || v.GetLevel() != level || v.GetVenueName() != "太原市科技馆" {
						return fmt.Errorf("hall = %v", v)
					}
					return nil
				}
			}
			return fmt.Errorf("hall not listed in %v", resp.GetVenues())
		})
	}
	// Two classes with their teachers: 84 people of 100, past the warning at 80.
	f.record("140105", group(40, 2), group(40, 2))
	// Yesterday's late upload and a check-out of yesterday change nothing today.
	f.record("140105", checkout(30, now.Add(-24*time.Hour)))
	waitLevel(84, reportingv1.OccupancyLevel_OCCUPANCY_LEVEL_WARNING)
	f.record("140105", group(11, 1)) // 96: alarm at 95
	waitLevel(96, reportingv1.OccupancyLevel_OCCUPANCY_LEVEL_ALARM)
	f.record("140105", checkout(50, now))
	waitLevel(46, reportingv1.OccupancyLevel_OCCUPANCY_LEVEL_NORMAL)
	// A venue without a capacity on file is listed but never raised.
	f.record("140106", &checkinv1.RecordedCheckin{RecordId: uuid.NewString(), EditionId: "2024", VenueId: farm.String(), ActivityId: act.String(),
		Kind: checkinv1.CheckinKind_CHECKIN_KIND_WALK_IN, Headcount: 5000, Outcome: checkinv1.Outcome_OUTCOME_ADMITTED, OccurredAt: timestamppb.New(now)})

	var levels []reportingv1.OccupancyLevel
	testkit.Eventually(t, 5*time.Second, func() error {
		levels = nil
		for _, ev := range alarms(t, f.js) {
			if ev.GetOccupancy().GetVenueId() != hall.String() || ev.GetOccupancy().GetCountyCode() != "140105" {
				return fmt.Errorf("alarm for %v", ev.GetOccupancy())
			}
			levels = append(levels, ev.GetOccupancy().GetLevel())
		}
		if len(levels) != 3 {
			return fmt.Errorf("alarms %v, want warning, alarm, normal", levels)
		}
		return nil
	})
	if levels[0] != reportingv1.OccupancyLevel_OCCUPANCY_LEVEL_WARNING || levels[1] != reportingv1.OccupancyLevel_OCCUPANCY_LEVEL_ALARM || levels[2] != reportingv1.OccupancyLevel_OCCUPANCY_LEVEL_NORMAL {
		t.Fatalf("alarms = %v", levels)
	}
	testkit.Eventually(t, 5*time.Second, func() error {
		ov, err := f.overview(testkit.CityAdmin())
		if err != nil {
			return err
		}
		occ := ov.GetOccupancy()
		if occ.GetInside() != 5046 || occ.GetVenuesOpen() != 2 || occ.GetVenuesAlarm() != 0 || len(occ.GetFullest()) != 2 || occ.GetFullest()[0].GetVenueId() != hall.String() {
			return fmt.Errorf("occupancy = %v", occ)
		}
		return nil
	})
	// A county admin sees their own county's venues, and is refused another county's.
	mine, err := occupancy(testkit.CountyAdmin("140106"), "")
	if err != nil || len(mine.GetVenues()) != 1 || mine.GetVenues()[0].GetVenueId() != farm.String() {
		t.Fatalf("county admin's venues = %v %v", mine, err)
	}
	if _, err := occupancy(testkit.CountyAdmin("140106"), "140105"); status.Code(err) != codes.PermissionDenied {
		t.Fatalf("another county's occupancy: %v", err)
	}
}

// alarms reads every OccupancyAlarm published so far.
func alarms(t *testing.T, js jetstream.JetStream) []*reportingv1.OccupancyAlarm {
	t.Helper()
	ctx := context.Background()
	c, err := js.OrderedConsumer(ctx, bus.StreamReporting, jetstream.OrderedConsumerConfig{FilterSubjects: []string{"sciweek.reporting.occupancy.>"}})
	if err != nil {
		t.Fatal(err)
	}
	info, err := c.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var out []*reportingv1.OccupancyAlarm
	for range info.NumPending {
		m, err := c.Next(jetstream.FetchMaxWait(time.Second))
		if err != nil {
			t.Fatal(err)
		}
		var ev reportingv1.OccupancyAlarm
		if err := proto.Unmarshal(m.Data(), &ev); err != nil {
			t.Fatal(err)
		}
		out = append(out, &ev)
	}
	return out
}

// TestOverCapacityAdmissionsShowTheirDoors: admissions staff confirmed at the alarm level are
// listed with the venue's occupancy by door, most first, and only for today.
func TestOverCapacityAdmissionsShowTheirDoors(t *testing.T) {
	t.Parallel()
	f := start(t)
	ctx := context.Background()
	hall, act, east, west := uuid.New(), uuid.New(), uuid.New(), uuid.New()
	f.publish("sciweek.venue.venue.changed", &venuev1.VenueChanged{EventId: uuid.NewString(), OccurredAt: timestamppb.Now(), Venue: &venuev1.Venue{
		Id: hall.String(), Name: "太原市科技馆", CountyCode: "140105", SafeCapacity: 10, AlarmPercent: 100}})
	now := time.Now()
	walkIn := func(door uuid.UUID, n uint32, at time.Time, confirmed bool) *checkinv1.RecordedCheckin {
		r := &checkinv1.RecordedCheckin{RecordId: uuid.NewString(), EditionId: "2024", VenueId: hall.String(), ActivityId: act.String(), TerminalId: door.String(),
			Kind: checkinv1.CheckinKind_CHECKIN_KIND_WALK_IN, Headcount: n, Outcome: checkinv1.Outcome_OUTCOME_ADMITTED, OccurredAt: timestamppb.New(at)}
		if confirmed {
			r.Anomalies = []checkinv1.Anomaly{checkinv1.Anomaly_ANOMALY_OVER_CAPACITY}
		}
		return r
	}
	f.record("140105", walkIn(east, 10, now, false), walkIn(west, 1, now, true), walkIn(east, 2, now, true), walkIn(east, 1, now, true),
		walkIn(west, 5, now.Add(-24*time.Hour), true))
	testkit.Eventually(t, 5*time.Second, func() error {
		resp, err := f.client.ListOccupancy(ctx, &reportingv1.ListOccupancyRequest{}, f.tokens.As(t, testkit.CityAdmin()))
		if err != nil {
			return err
		}
		for _, v := range resp.GetVenues() {
			if v.GetVenueId() != hall.String() {
				continue
			}
			d := v.GetOverCapacityDoors()
			if v.GetInside() != 14 || len(d) != 2 || d[0].GetTerminalId() != east.String() || d[0].GetAdmitted() != 3 ||
				d[1].GetTerminalId() != west.String() || d[1].GetAdmitted() != 1 {
				return fmt.Errorf("hall = %v", v)
			}
			return nil
		}
		return fmt.Errorf("hall not listed")
	})
}
