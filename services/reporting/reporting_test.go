package reporting_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/sciweek/sciweek/pkg/auth"
	"github.com/sciweek/sciweek/pkg/bus"
	checkinv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/checkin/v1"
	reportingv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/reporting/v1"
	"github.com/sciweek/sciweek/pkg/testkit"
	"github.com/sciweek/sciweek/services/reporting"
)

func TestMain(m *testing.M) { os.Exit(testkit.Main(m)) }

type fixture struct {
	t      *testing.T
	cfg    reporting.Config
	client reportingv1.StatsServiceClient
	js     jetstream.JetStream
	tokens *testkit.Tokens
	stop   func()
}

func start(t *testing.T) *fixture {
	t.Helper()
	tel := testkit.Telemetry(t, "reporting")
	pool := testkit.Pool(t, reporting.Schema, tel)
	n := testkit.StartNATS(t)
	if err := reporting.Migrate(context.Background(), pool, tel); err != nil {
		t.Fatal(err)
	}
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	tokens := testkit.NewTokens(t)
	f := &fixture{t: t, js: n.JetStream, tokens: tokens,
		cfg: reporting.Config{Pool: pool, JetStream: n.JetStream, Telemetry: tel, People: tokens.Verifier, Location: loc, MinPushInterval: 20 * time.Millisecond}}
	if err := bus.EnsureStreams(context.Background(), n.JetStream, bus.StreamOptions{}, bus.StreamCheckin); err != nil {
		t.Fatal(err)
	}
	f.client = reportingv1.NewStatsServiceClient(testkit.Serve(t, f.run().Server().GRPC, tel))
	return f
}

// run starts a service instance's projection; stop ends it, as a process exit would.
func (f *fixture) run() *reporting.Service {
	svc, err := reporting.New(f.cfg)
	if err != nil {
		f.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = svc.Run(ctx) }()
	f.stop = func() { cancel(); <-done }
	f.t.Cleanup(f.stop)
	return svc
}

func (f *fixture) admit(county string, venue, activity uuid.UUID, kind checkinv1.CheckinKind, headcount uint32, at time.Time) {
	f.t.Helper()
	ev := &checkinv1.CheckinRecorded{EventId: uuid.NewString(), RecordId: uuid.NewString(), EditionId: "2024", CountyCode: county,
		VenueId: venue.String(), ActivityId: activity.String(), Kind: kind, Headcount: headcount, OccurredAt: timestamppb.New(at)}
	f.publish("sciweek.checkin.walkin.recorded."+county+"."+venue.String(), ev)
}

func (f *fixture) publish(subject string, ev proto.Message) {
	f.t.Helper()
	msg := nats.NewMsg(subject)
	msg.Data, _ = proto.Marshal(ev)
	msg.Header.Set(bus.HeaderType, string(ev.ProtoReflect().Descriptor().FullName()))
	if _, err := f.js.PublishMsg(context.Background(), msg); err != nil {
		f.t.Fatal(err)
	}
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
	f.publish("sciweek.checkin.scan.refused.140105."+venue.String(), &checkinv1.ScanRefused{EventId: uuid.NewString(), EditionId: "2024",
		CountyCode: "140105", VenueId: venue.String(), Reason: checkinv1.RefusalReason_REFUSAL_REASON_ALREADY_CHECKED_IN, OccurredAt: timestamppb.New(day)})
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
