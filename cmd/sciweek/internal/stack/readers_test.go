package stack_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/sciweek/sciweek/pkg/auth"
	checkinv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/checkin/v1"
	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
	reportingv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/reporting/v1"
	"github.com/sciweek/sciweek/pkg/rpc"
	"github.com/sciweek/sciweek/pkg/testkit"
)

// twoCounties is the scene of the tests that read figures as each role may: a venue with an
// approved activity and a door in each of two counties, and a signed-in caller for each role,
// so that each test shows one reader what it may see and refuses it what it may not.
type twoCounties struct {
	own, other                string // the two counties' codes
	ownVenue, ownActivity     string
	ownDoor                   grpc.CallOption
	otherVenue, otherActivity string
	otherDoor                 grpc.CallOption
	// as holds the callers by name: "city" (the bureau), "county" (own county's admin),
	// "organizer" (the unit of own county's activity), "other-organizer" (the unit of the other
	// county's activity).
	as map[string]grpc.CallOption
}

// twoCounties sets up the scene in counties 140105 (own) and 140106 (other); the readers'
// accounts are named after prefix.
func (w *world) twoCounties(t *testing.T, prefix string) twoCounties {
	t.Helper()
	ctx := context.Background()
	c := twoCounties{own: "140105", other: "140106", as: map[string]grpc.CallOption{"city": w.admin}}
	c.ownVenue, c.ownActivity, c.ownDoor = w.setup(t, c.own)
	c.otherVenue, c.otherActivity, c.otherDoor = w.setup(t, c.other)
	unitOf := func(activity string) uuid.UUID {
		a, err := registrationv1.NewActivityServiceClient(w.conns["registration"]).GetActivity(ctx, &registrationv1.GetActivityRequest{ActivityId: activity}, w.admin)
		if err != nil {
			t.Fatal(err)
		}
		return uuid.MustParse(a.GetActivity().GetUnitId())
	}
	for _, a := range []struct {
		name   string
		role   auth.Role
		county string
		unit   uuid.UUID
	}{{"county", auth.RoleCountyAdmin, c.own, uuid.Nil}, {"organizer", auth.RoleOrganizer, c.own, unitOf(c.ownActivity)},
		{"other-organizer", auth.RoleOrganizer, c.other, unitOf(c.otherActivity)}} {
		if err := w.st.Registration.SetAccount(ctx, prefix+"-"+a.name, prefix+"-password-1", a.role, a.county, a.unit, a.name); err != nil {
			t.Fatal(err)
		}
		login, err := registrationv1.NewAccountServiceClient(w.conns["registration"]).Login(ctx,
			&registrationv1.LoginRequest{Username: prefix + "-" + a.name, Password: prefix + "-password-1"})
		if err != nil {
			t.Fatal(err)
		}
		c.as[a.name] = grpc.PerRPCCredentials(rpc.BearerCredential(login.GetAccessToken()))
	}
	return c
}

// TestDoorFigures reads a venue's participations door by door (the bottom of the roll-up) as
// each role may: the bureau any venue, a county admin their county's (another county's
// refused), an organizer the records of their own unit's activities only.
func TestDoorFigures(t *testing.T) {
	t.Parallel()
	w := startWorld(t)
	ctx := context.Background()
	c := w.twoCounties(t, "doors")

	// Own county's door: walk-ins of 3 and 2 people on 30 May, and a scan dated today, which
	// lies outside the 2024 week and is refused (it counts today, when stored). The other
	// county's door: a walk-in of 4.
	doors := checkinv1.NewCheckinServiceClient(w.conns["checkin"])
	todayScan := walkIn(3, c.ownVenue, c.ownActivity, 1).GetRecord()
	todayScan.OccurredAt = timestamppb.Now()
	testkit.Eventually(t, 15*time.Second, func() error { // check-in learns of the doors from venue's events
		if _, err := doors.UploadCheckins(ctx, &checkinv1.UploadCheckinsRequest{SentAt: timestamppb.Now(),
			Records: []*checkinv1.CheckinRecord{walkIn(1, c.ownVenue, c.ownActivity, 3).GetRecord(), walkIn(2, c.ownVenue, c.ownActivity, 2).GetRecord(), todayScan}}, c.ownDoor); err != nil {
			return err
		}
		_, err := doors.UploadCheckins(ctx, &checkinv1.UploadCheckinsRequest{SentAt: timestamppb.Now(),
			Records: []*checkinv1.CheckinRecord{walkIn(1, c.otherVenue, c.otherActivity, 4).GetRecord()}}, c.otherDoor)
		return err
	})

	stats := reportingv1.NewStatsServiceClient(w.conns["reporting"])
	type figures struct{ doors, participations, today, refused int64 }
	tests := []struct {
		name   string
		as     string
		venue  string
		want   figures
		refuse codes.Code
	}{
		{name: "the bureau sees a venue's door", as: "city", venue: c.ownVenue, want: figures{1, 5, 0, 1}},
		{name: "the bureau sees another county's venue", as: "city", venue: c.otherVenue, want: figures{1, 4, 0, 0}},
		{name: "a county admin sees their county's venue", as: "county", venue: c.ownVenue, want: figures{1, 5, 0, 1}},
		{name: "a county admin is refused another county's venue", as: "county", venue: c.otherVenue, refuse: codes.PermissionDenied},
		{name: "an organizer sees their unit's records", as: "organizer", venue: c.ownVenue, want: figures{1, 5, 0, 1}},
		{name: "another unit's organizer sees none of them", as: "other-organizer", venue: c.ownVenue, want: figures{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Reporting learns of the venues' counties and the units' activities from events.
			testkit.Eventually(t, 15*time.Second, func() error {
				resp, err := stats.ListDoorFigures(ctx, &reportingv1.ListDoorFiguresRequest{EditionId: "2024", VenueId: tt.venue}, c.as[tt.as])
				if tt.refuse != codes.OK {
					if status.Code(err) != tt.refuse {
						return fmt.Errorf("got %v, want %v", err, tt.refuse)
					}
					return nil
				}
				if err != nil {
					return err
				}
				got := figures{int64(len(resp.GetDoors())), resp.GetParticipations(), resp.GetTodayParticipations(), resp.GetRefused()}
				if got != tt.want {
					return fmt.Errorf("figures %+v, want %+v", got, tt.want)
				}
				for _, d := range resp.GetDoors() {
					if d.GetTerminalName() != "南门" || d.GetParticipations() != resp.GetParticipations() || d.GetRefused() != resp.GetRefused() {
						return fmt.Errorf("door %v does not make the venue's figures", d)
					}
				}
				return nil
			})
		})
	}
}

// TestAnomaliesHaveAReader flags scans at two counties' doors (a burst, an off-time scan, a
// door's skewed clock) and reads them back as each role may: the bureau the city, a county
// admin their county (another county refused), an organizer their own unit's doors only.
func TestAnomaliesHaveAReader(t *testing.T) {
	t.Parallel()
	w := startWorld(t)
	ctx := context.Background()
	c := w.twoCounties(t, "anomalies")

	// Own county's door: a clock ten minutes slow (every record flagged), two walk-ins 100 ms
	// apart (a burst) and one in the afternoon, after the morning's session. The other
	// county's door: one walk-in after the session.
	cst := time.FixedZone("CST", 8*3600)
	morning, afternoon := time.Date(2024, 5, 30, 9, 30, 0, 0, cst), time.Date(2024, 5, 30, 15, 30, 0, 0, cst)
	scan := func(seq uint64, venue, activity string, at time.Time) *checkinv1.CheckinRecord {
		r := walkIn(seq, venue, activity, 1).GetRecord()
		r.OccurredAt = timestamppb.New(at)
		return r
	}
	doors := checkinv1.NewCheckinServiceClient(w.conns["checkin"])
	testkit.Eventually(t, 15*time.Second, func() error { // check-in learns of the doors from venue's events
		if _, err := doors.UploadCheckins(ctx, &checkinv1.UploadCheckinsRequest{SentAt: timestamppb.New(time.Now().Add(-10 * time.Minute)),
			Records: []*checkinv1.CheckinRecord{scan(1, c.ownVenue, c.ownActivity, morning), scan(2, c.ownVenue, c.ownActivity, morning.Add(100*time.Millisecond)),
				scan(3, c.ownVenue, c.ownActivity, afternoon)}}, c.ownDoor); err != nil {
			return err
		}
		_, err := doors.UploadCheckins(ctx, &checkinv1.UploadCheckinsRequest{SentAt: timestamppb.Now(),
			Records: []*checkinv1.CheckinRecord{scan(1, c.otherVenue, c.otherActivity, afternoon)}}, c.otherDoor)
		return err
	})

	stats := reportingv1.NewStatsServiceClient(w.conns["reporting"])
	kinds := func(ks []*reportingv1.AnomalyKindCount) map[checkinv1.Anomaly]int64 {
		out := map[checkinv1.Anomaly]int64{}
		for _, k := range ks {
			out[k.GetKind()] = k.GetRecords()
		}
		return out
	}
	tests := []struct {
		name   string
		as     string
		req    *reportingv1.ListAnomaliesRequest
		total  int64
		venues []string
		kinds  map[checkinv1.Anomaly]int64
		refuse codes.Code
	}{
		{name: "the bureau sees the city", as: "city", req: &reportingv1.ListAnomaliesRequest{EditionId: "2024"}, total: 6,
			venues: []string{c.ownVenue, c.otherVenue}, kinds: map[checkinv1.Anomaly]int64{
				checkinv1.Anomaly_ANOMALY_CLOCK_SKEW: 3, checkinv1.Anomaly_ANOMALY_OUTSIDE_SESSION: 2, checkinv1.Anomaly_ANOMALY_BURST: 1}},
		{name: "the bureau narrows to a venue", as: "city", req: &reportingv1.ListAnomaliesRequest{EditionId: "2024", VenueId: c.otherVenue}, total: 1,
			venues: []string{c.otherVenue}, kinds: map[checkinv1.Anomaly]int64{checkinv1.Anomaly_ANOMALY_OUTSIDE_SESSION: 1}},
		{name: "another day has none", as: "city", req: &reportingv1.ListAnomaliesRequest{EditionId: "2024", Day: "2024-05-31"}, kinds: map[checkinv1.Anomaly]int64{}},
		{name: "a county admin sees their county", as: "county", req: &reportingv1.ListAnomaliesRequest{EditionId: "2024", Day: "2024-05-30"}, total: 5,
			venues: []string{c.ownVenue}, kinds: map[checkinv1.Anomaly]int64{
				checkinv1.Anomaly_ANOMALY_CLOCK_SKEW: 3, checkinv1.Anomaly_ANOMALY_OUTSIDE_SESSION: 1, checkinv1.Anomaly_ANOMALY_BURST: 1}},
		{name: "a county admin is refused another county", as: "county", req: &reportingv1.ListAnomaliesRequest{EditionId: "2024", CountyCode: c.other},
			refuse: codes.PermissionDenied},
		{name: "an organizer sees their unit's doors", as: "organizer", req: &reportingv1.ListAnomaliesRequest{EditionId: "2024"}, total: 5,
			venues: []string{c.ownVenue}, kinds: map[checkinv1.Anomaly]int64{
				checkinv1.Anomaly_ANOMALY_CLOCK_SKEW: 3, checkinv1.Anomaly_ANOMALY_OUTSIDE_SESSION: 1, checkinv1.Anomaly_ANOMALY_BURST: 1}},
		{name: "an organizer asking for another unit's venue sees nothing", as: "organizer",
			req: &reportingv1.ListAnomaliesRequest{EditionId: "2024", VenueId: c.otherVenue}, kinds: map[checkinv1.Anomaly]int64{}},
		{name: "another unit's organizer sees its own only", as: "other-organizer", req: &reportingv1.ListAnomaliesRequest{EditionId: "2024"}, total: 1,
			venues: []string{c.otherVenue}, kinds: map[checkinv1.Anomaly]int64{checkinv1.Anomaly_ANOMALY_OUTSIDE_SESSION: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Reporting learns of the units' activities and the venues' names from events.
			testkit.Eventually(t, 15*time.Second, func() error {
				resp, err := stats.ListAnomalies(ctx, tt.req, c.as[tt.as])
				if tt.refuse != codes.OK {
					if status.Code(err) != tt.refuse {
						t.Fatalf("got %v, want %v", err, tt.refuse)
					}
					return nil
				}
				if err != nil {
					return err
				}
				var venues []string
				for _, v := range resp.GetVenues() {
					venues = append(venues, v.GetVenueId())
					if v.GetVenueName() == "" || v.GetCountyCode() == "" || len(v.GetDoors()) != 1 || v.GetDoors()[0].GetTerminalName() != "南门" ||
						v.GetDoors()[0].GetTotal() != v.GetTotal() {
						return fmt.Errorf("venue %v: unnamed or doors wrong", v)
					}
				}
				if resp.GetTotal() != tt.total || fmt.Sprint(venues) != fmt.Sprint(tt.venues) || fmt.Sprint(kinds(resp.GetKinds())) != fmt.Sprint(tt.kinds) {
					return fmt.Errorf("total %d, venues %v, kinds %v; want %d, %v, %v", resp.GetTotal(), venues, kinds(resp.GetKinds()), tt.total, tt.venues, tt.kinds)
				}
				return nil
			})
		})
	}
}
