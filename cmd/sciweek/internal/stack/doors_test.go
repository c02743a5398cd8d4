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

// TestDoorFigures reads a venue's participations door by door (the bottom of the roll-up) as
// each role may: the bureau any venue, a county admin their county's (another county's
// refused), an organizer the records of their own unit's activities only.
func TestDoorFigures(t *testing.T) {
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
		if err := w.st.Registration.SetAccount(ctx, "doors-"+a.name, "doors-password-1", a.role, a.county, a.unit, a.name); err != nil {
			t.Fatal(err)
		}
		login, err := registrationv1.NewAccountServiceClient(w.conns["registration"]).Login(ctx,
			&registrationv1.LoginRequest{Username: "doors-" + a.name, Password: "doors-password-1"})
		if err != nil {
			t.Fatal(err)
		}
		as[a.name] = grpc.PerRPCCredentials(rpc.BearerCredential(login.GetAccessToken()))
	}

	// Own county's door: walk-ins of 3 and 2 people on 30 May, and a scan dated today, which
	// lies outside the 2024 week and is refused (it counts today, when stored). The other
	// county's door: a walk-in of 4.
	doors := checkinv1.NewCheckinServiceClient(w.conns["checkin"])
	todayScan := walkIn(3, ownVenue, ownActivity, 1).GetRecord()
	todayScan.OccurredAt = timestamppb.Now()
	testkit.Eventually(t, 15*time.Second, func() error { // check-in learns of the doors from venue's events
		if _, err := doors.UploadCheckins(ctx, &checkinv1.UploadCheckinsRequest{SentAt: timestamppb.Now(),
			Records: []*checkinv1.CheckinRecord{walkIn(1, ownVenue, ownActivity, 3).GetRecord(), walkIn(2, ownVenue, ownActivity, 2).GetRecord(), todayScan}}, ownDoor); err != nil {
			return err
		}
		_, err := doors.UploadCheckins(ctx, &checkinv1.UploadCheckinsRequest{SentAt: timestamppb.Now(),
			Records: []*checkinv1.CheckinRecord{walkIn(1, otherVenue, otherActivity, 4).GetRecord()}}, otherDoor)
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
		{name: "the bureau sees a venue's door", as: "city", venue: ownVenue, want: figures{1, 5, 0, 1}},
		{name: "the bureau sees another county's venue", as: "city", venue: otherVenue, want: figures{1, 4, 0, 0}},
		{name: "a county admin sees their county's venue", as: "county", venue: ownVenue, want: figures{1, 5, 0, 1}},
		{name: "a county admin is refused another county's venue", as: "county", venue: otherVenue, refuse: codes.PermissionDenied},
		{name: "an organizer sees their unit's records", as: "organizer", venue: ownVenue, want: figures{1, 5, 0, 1}},
		{name: "another unit's organizer sees none of them", as: "other-organizer", venue: ownVenue, want: figures{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Reporting learns of the venues' counties and the units' activities from events.
			testkit.Eventually(t, 15*time.Second, func() error {
				resp, err := stats.ListDoorFigures(ctx, &reportingv1.ListDoorFiguresRequest{EditionId: "2024", VenueId: tt.venue}, as[tt.as])
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
