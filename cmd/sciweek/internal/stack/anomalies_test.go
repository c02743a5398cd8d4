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

// TestAnomaliesHaveAReader flags scans at two counties' doors (a burst, an off-time scan, a
// door's skewed clock) and reads them back as each role may: the bureau the city, a county
// admin their county (another county refused), an organizer their own unit's doors only.
func TestAnomaliesHaveAReader(t *testing.T) {
	t.Parallel()
	w := startWorld(t)
	ctx := context.Background()
	const own, other = "140105", "140106"
	ownVenue, ownActivity, ownDoor := w.setup(t, own)
	otherVenue, otherActivity, otherDoor := w.setup(t, other)
	unitOf := func(activity string) uuid.UUID {
		a, err := registrationv1.NewActivityServiceClient(w.conns["registration"]).GetActivity(ctx, &registrationv1.GetActivityRequest{ActivityId: activity}, w.admin)
		if err != nil {
			t.Fatal(err)
		}
		return uuid.MustParse(a.GetActivity().GetUnitId())
	}
	as := map[string]grpc.CallOption{"city": w.admin}
	for _, a := range []struct {
		name   string
		role   auth.Role
		county string
		unit   uuid.UUID
	}{{"county", auth.RoleCountyAdmin, own, uuid.Nil}, {"organizer", auth.RoleOrganizer, own, unitOf(ownActivity)},
		{"other-organizer", auth.RoleOrganizer, other, unitOf(otherActivity)}} {
		if err := w.st.Registration.SetAccount(ctx, "anomalies-"+a.name, "anomalies-password-1", a.role, a.county, a.unit, a.name); err != nil {
			t.Fatal(err)
		}
		login, err := registrationv1.NewAccountServiceClient(w.conns["registration"]).Login(ctx,
			&registrationv1.LoginRequest{Username: "anomalies-" + a.name, Password: "anomalies-password-1"})
		if err != nil {
			t.Fatal(err)
		}
		as[a.name] = grpc.PerRPCCredentials(rpc.BearerCredential(login.GetAccessToken()))
	}

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
			Records: []*checkinv1.CheckinRecord{scan(1, ownVenue, ownActivity, morning), scan(2, ownVenue, ownActivity, morning.Add(100*time.Millisecond)),
				scan(3, ownVenue, ownActivity, afternoon)}}, ownDoor); err != nil {
			return err
		}
		_, err := doors.UploadCheckins(ctx, &checkinv1.UploadCheckinsRequest{SentAt: timestamppb.Now(),
			Records: []*checkinv1.CheckinRecord{scan(1, otherVenue, otherActivity, afternoon)}}, otherDoor)
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
			venues: []string{ownVenue, otherVenue}, kinds: map[checkinv1.Anomaly]int64{
				checkinv1.Anomaly_ANOMALY_CLOCK_SKEW: 3, checkinv1.Anomaly_ANOMALY_OUTSIDE_SESSION: 2, checkinv1.Anomaly_ANOMALY_BURST: 1}},
		{name: "the bureau narrows to a venue", as: "city", req: &reportingv1.ListAnomaliesRequest{EditionId: "2024", VenueId: otherVenue}, total: 1,
			venues: []string{otherVenue}, kinds: map[checkinv1.Anomaly]int64{checkinv1.Anomaly_ANOMALY_OUTSIDE_SESSION: 1}},
		{name: "another day has none", as: "city", req: &reportingv1.ListAnomaliesRequest{EditionId: "2024", Day: "2024-05-31"}, kinds: map[checkinv1.Anomaly]int64{}},
		{name: "a county admin sees their county", as: "county", req: &reportingv1.ListAnomaliesRequest{EditionId: "2024", Day: "2024-05-30"}, total: 5,
			venues: []string{ownVenue}, kinds: map[checkinv1.Anomaly]int64{
				checkinv1.Anomaly_ANOMALY_CLOCK_SKEW: 3, checkinv1.Anomaly_ANOMALY_OUTSIDE_SESSION: 1, checkinv1.Anomaly_ANOMALY_BURST: 1}},
		{name: "a county admin is refused another county", as: "county", req: &reportingv1.ListAnomaliesRequest{EditionId: "2024", CountyCode: other},
			refuse: codes.PermissionDenied},
		{name: "an organizer sees their unit's doors", as: "organizer", req: &reportingv1.ListAnomaliesRequest{EditionId: "2024"}, total: 5,
			venues: []string{ownVenue}, kinds: map[checkinv1.Anomaly]int64{
				checkinv1.Anomaly_ANOMALY_CLOCK_SKEW: 3, checkinv1.Anomaly_ANOMALY_OUTSIDE_SESSION: 1, checkinv1.Anomaly_ANOMALY_BURST: 1}},
		{name: "an organizer asking for another unit's venue sees nothing", as: "organizer",
			req: &reportingv1.ListAnomaliesRequest{EditionId: "2024", VenueId: otherVenue}, kinds: map[checkinv1.Anomaly]int64{}},
		{name: "another unit's organizer sees its own only", as: "other-organizer", req: &reportingv1.ListAnomaliesRequest{EditionId: "2024"}, total: 1,
			venues: []string{otherVenue}, kinds: map[checkinv1.Anomaly]int64{checkinv1.Anomaly_ANOMALY_OUTSIDE_SESSION: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Reporting learns of the units' activities and the venues' names from events.
			testkit.Eventually(t, 15*time.Second, func() error {
				resp, err := stats.ListAnomalies(ctx, tt.req, as[tt.as])
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
