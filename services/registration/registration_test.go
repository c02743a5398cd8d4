package registration_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/sciweek/sciweek/pkg/auth"
	"github.com/sciweek/sciweek/pkg/bus"
	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
	venuev1 "github.com/sciweek/sciweek/pkg/gen/sciweek/venue/v1"
	"github.com/sciweek/sciweek/pkg/rpc"
	"github.com/sciweek/sciweek/pkg/testkit"
	"github.com/sciweek/sciweek/services/registration"
)

func TestMain(m *testing.M) { os.Exit(testkit.Main(m)) }

// venueRegistry stands in for the venue service's GetVenue: registration's contract with it is
// one RPC, and the venue service's own tests cover the real one.
type venueRegistry struct {
	venuev1.UnimplementedVenueServiceServer
	mu     sync.Mutex
	venues map[string]string // id -> county
}

func (v *venueRegistry) GetVenue(_ context.Context, req *venuev1.GetVenueRequest) (*venuev1.GetVenueResponse, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	county, ok := v.venues[req.GetVenueId()]
	if !ok {
		return nil, status.Error(codes.NotFound, "venue not found")
	}
	return &venuev1.GetVenueResponse{Venue: &venuev1.Venue{Id: req.GetVenueId(), CountyCode: county}}, nil
}

const (
	xiaodianVenue = "0190f0a8-0000-7000-8000-000000000105"
	yingzeVenue   = "0190f0a8-0000-7000-8000-000000000106"
)

type fixture struct {
	svc        *registration.Service
	activities registrationv1.ActivityServiceClient
	editions   registrationv1.EditionServiceClient
	accounts   registrationv1.AccountServiceClient
	js         jetstream.JetStream
	tokens     *testkit.Tokens
}

func start(t *testing.T) *fixture {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	tel := testkit.Telemetry(t, "registration")
	pool := testkit.Pool(t, registration.Schema, tel)
	n := testkit.StartNATS(t)
	if err := registration.Migrate(ctx, pool, tel); err != nil {
		t.Fatal(err)
	}
	venueSrv := grpc.NewServer()
	venuev1.RegisterVenueServiceServer(venueSrv, &venueRegistry{venues: map[string]string{xiaodianVenue: "140105", yingzeVenue: "140106"}})
	venueConn := testkit.Serve(t, venueSrv, tel)
	svc, err := registration.New(ctx, registration.Config{Pool: pool, JetStream: n.JetStream, Telemetry: tel, Venue: venueConn})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { defer close(done); _ = svc.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	conn := testkit.Serve(t, svc.Server().GRPC, tel)
	return &fixture{
		svc: svc, activities: registrationv1.NewActivityServiceClient(conn), editions: registrationv1.NewEditionServiceClient(conn),
		accounts: registrationv1.NewAccountServiceClient(conn), js: n.JetStream,
	}
}

// as signs in a fresh account with the principal's role and county and returns its call option.
func (f *fixture) as(t *testing.T, p auth.Principal) grpc.CallOption {
	t.Helper()
	ctx := context.Background()
	if err := f.svc.SetAccount(ctx, p.Subject, "correct horse", p.Role, p.CountyCode, p.Subject); err != nil {
		t.Fatal(err)
	}
	resp, err := f.accounts.Login(ctx, &registrationv1.LoginRequest{Username: p.Subject, Password: "correct horse"})
	if err != nil {
		t.Fatal(err)
	}
	return grpc.PerRPCCredentials(rpc.BearerCredential(resp.GetAccessToken()))
}

func session(day int, hour int) *registrationv1.Session {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	start := time.Date(2024, 5, day, hour, 0, 0, 0, loc)
	return &registrationv1.Session{StartsAt: timestamppb.New(start), EndsAt: timestamppb.New(start.Add(2 * time.Hour)), Places: 50}
}

func newActivity(county, venue string, sessions ...*registrationv1.Session) *registrationv1.CreateActivityRequest {
	if len(sessions) == 0 {
		sessions = []*registrationv1.Session{session(26, 9)}
	}
	return &registrationv1.CreateActivityRequest{
		EditionId: "2024", CountyCode: county, VenueId: venue, Title: "走进重点实验室", Organizer: "山西大学",
		Form: registrationv1.ActivityForm_ACTIVITY_FORM_OPEN_DAY, Sessions: sessions,
	}
}

func TestReviewLifecycle(t *testing.T) {
	t.Parallel()
	f := start(t)
	ctx := context.Background()
	organizer := f.as(t, auth.Principal{Subject: "shanxi-university", Role: auth.RoleOrganizer, CountyCode: "140105"})
	county := f.as(t, testkit.CountyAdmin("140105"))

	created, err := f.activities.CreateActivity(ctx, newActivity("140105", xiaodianVenue), organizer)
	if err != nil {
		t.Fatal(err)
	}
	id := created.GetActivity().GetId()
	if _, err := f.activities.SubmitActivity(ctx, &registrationv1.SubmitActivityRequest{ActivityId: id}, organizer); err != nil {
		t.Fatal(err)
	}
	if _, err := f.activities.ReturnActivity(ctx, &registrationv1.ReturnActivityRequest{ActivityId: id, Reason: "请补充安全预案"}, county); err != nil {
		t.Fatal(err)
	}
	if _, err := f.activities.SubmitActivity(ctx, &registrationv1.SubmitActivityRequest{ActivityId: id}, organizer); err != nil {
		t.Fatal(err)
	}
	approved, err := f.activities.ApproveActivity(ctx, &registrationv1.ApproveActivityRequest{ActivityId: id}, county)
	if err != nil {
		t.Fatal(err)
	}
	if approved.GetActivity().GetStatus() != registrationv1.ActivityStatus_ACTIVITY_STATUS_APPROVED {
		t.Fatalf("status = %v", approved.GetActivity().GetStatus())
	}
	got, err := f.activities.GetActivity(ctx, &registrationv1.GetActivityRequest{ActivityId: id}, county)
	if err != nil {
		t.Fatal(err)
	}
	var steps []string
	for _, h := range got.GetActivity().GetHistory() {
		steps = append(steps, fmt.Sprintf("%s by %s %s", strings.TrimPrefix(h.GetStatus().String(), "ACTIVITY_STATUS_"), h.GetActor(), h.GetReason()))
	}
	want := []string{
		"DRAFT by shanxi-university ", "SUBMITTED by shanxi-university ", "RETURNED by county-admin-140105 请补充安全预案",
		"SUBMITTED by shanxi-university ", "APPROVED by county-admin-140105 ",
	}
	if strings.Join(steps, "|") != strings.Join(want, "|") {
		t.Fatalf("history = %q\nwant      %q", steps, want)
	}
	// Every transition went out as an event, in order.
	testkit.Eventually(t, 5*time.Second, func() error {
		s, err := f.js.Stream(ctx, bus.StreamRegistration)
		if err != nil {
			return err
		}
		info, err := s.Info(ctx, jetstream.WithSubjectFilter("sciweek.registration.>"))
		if err != nil {
			return err
		}
		if info.State.Msgs != 5 {
			return fmt.Errorf("stream has %d events, want 5", info.State.Msgs)
		}
		last, err := s.GetLastMsgForSubject(ctx, "sciweek.registration.activity.approved")
		if err != nil {
			return err
		}
		if last.Header.Get(bus.HeaderType) != "sciweek.registration.v1.ActivityApproved" {
			return fmt.Errorf("approved event type header = %q", last.Header.Get(bus.HeaderType))
		}
		return nil
	})
}

func TestRefusals(t *testing.T) {
	t.Parallel()
	f := start(t)
	ctx := context.Background()
	xiaodian := f.as(t, testkit.CountyAdmin("140105"))
	yingze := f.as(t, testkit.CountyAdmin("140106"))
	organizer := f.as(t, auth.Principal{Subject: "unit", Role: auth.RoleOrganizer, CountyCode: "140105"})
	draft, err := f.activities.CreateActivity(ctx, newActivity("140105", xiaodianVenue), xiaodian)
	if err != nil {
		t.Fatal(err)
	}
	id := draft.GetActivity().GetId()
	tests := []struct {
		name    string
		call    func() error
		want    codes.Code
		message string
	}{
		{"session before the week", func() error {
			_, err := f.activities.CreateActivity(ctx, newActivity("140105", xiaodianVenue, session(20, 9)), xiaodian)
			return err
		}, codes.InvalidArgument, "outside 2024年太原市科技活动周"},
		{"session ends before it starts", func() error {
			s := session(26, 9)
			s.EndsAt, s.StartsAt = s.StartsAt, s.EndsAt
			_, err := f.activities.CreateActivity(ctx, newActivity("140105", xiaodianVenue, s), xiaodian)
			return err
		}, codes.InvalidArgument, "end after it starts"},
		{"venue of another county", func() error {
			_, err := f.activities.CreateActivity(ctx, newActivity("140105", yingzeVenue), xiaodian)
			return err
		}, codes.InvalidArgument, "is in county 140106"},
		{"venue not registered", func() error {
			_, err := f.activities.CreateActivity(ctx, newActivity("140105", "0190f0a8-0000-7000-8000-0000000000ff"), xiaodian)
			return err
		}, codes.InvalidArgument, "not in the venue registry"},
		{"county not in the edition", func() error {
			_, err := f.activities.CreateActivity(ctx, newActivity("999999", xiaodianVenue), f.as(t, testkit.CityAdmin()))
			return err
		}, codes.InvalidArgument, "does not take part"},
		{"county admin creates in another county", func() error {
			_, err := f.activities.CreateActivity(ctx, newActivity("140105", xiaodianVenue), yingze)
			return err
		}, codes.PermissionDenied, "own county"},
		{"approving a draft", func() error {
			_, err := f.activities.ApproveActivity(ctx, &registrationv1.ApproveActivityRequest{ActivityId: id}, xiaodian)
			return err
		}, codes.FailedPrecondition, "only submitted activities"},
		{"organizer approves", func() error {
			_, err := f.activities.ApproveActivity(ctx, &registrationv1.ApproveActivityRequest{ActivityId: id}, organizer)
			return err
		}, codes.PermissionDenied, "may not call"},
		{"another county's admin reads it", func() error {
			_, err := f.activities.GetActivity(ctx, &registrationv1.GetActivityRequest{ActivityId: id}, yingze)
			return err
		}, codes.NotFound, "not found"},
		{"another county's admin lists its county", func() error {
			_, err := f.activities.ListActivities(ctx, &registrationv1.ListActivitiesRequest{EditionId: "2024", CountyCode: "140105"}, yingze)
			return err
		}, codes.PermissionDenied, "own county"},
		{"return without a reason", func() error {
			_, err := f.activities.ReturnActivity(ctx, &registrationv1.ReturnActivityRequest{ActivityId: id}, xiaodian)
			return err
		}, codes.InvalidArgument, "reason"},
		{"malformed activity id", func() error {
			_, err := f.activities.GetActivity(ctx, &registrationv1.GetActivityRequest{ActivityId: "42"}, xiaodian)
			return err
		}, codes.InvalidArgument, "uuid"},
		{"unknown edition", func() error {
			_, err := f.editions.GetEdition(ctx, &registrationv1.GetEditionRequest{EditionId: "1999"}, xiaodian)
			return err
		}, codes.NotFound, "1999"},
		{"wrong password", func() error {
			_, err := f.accounts.Login(ctx, &registrationv1.LoginRequest{Username: "county-admin-140105", Password: "wrong password"})
			return err
		}, codes.Unauthenticated, "wrong user name or password"},
		{"unknown user", func() error {
			_, err := f.accounts.Login(ctx, &registrationv1.LoginRequest{Username: "nobody", Password: "whatever1"})
			return err
		}, codes.Unauthenticated, "wrong user name or password"},
		{"no credential", func() error {
			_, err := f.editions.GetEdition(ctx, &registrationv1.GetEditionRequest{EditionId: "2024"})
			return err
		}, codes.Unauthenticated, "missing credential"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if status.Code(err) != tt.want || !strings.Contains(strings.ToLower(status.Convert(err).Message()), strings.ToLower(tt.message)) {
				t.Fatalf("got %v, want %v containing %q", err, tt.want, tt.message)
			}
		})
	}
	// Nothing half-written: the refused creations left only the one draft.
	list, err := f.activities.ListActivities(ctx, &registrationv1.ListActivitiesRequest{EditionId: "2024"}, f.as(t, testkit.CityAdmin()))
	if err != nil || len(list.GetActivities()) != 1 {
		t.Fatalf("activities after refusals = %d (%v), want 1", len(list.GetActivities()), err)
	}
}

func TestEditionAndTokenKeys(t *testing.T) {
	t.Parallel()
	f := start(t)
	ctx := context.Background()
	viewer := f.as(t, auth.Principal{Subject: "screen", Role: auth.RoleViewer})
	ed, err := f.editions.GetEdition(ctx, &registrationv1.GetEditionRequest{EditionId: "2024"}, viewer)
	if err != nil {
		t.Fatal(err)
	}
	e := ed.GetEdition()
	if e.GetStartsOn() != "2024-05-25" || e.GetEndsOn() != "2024-06-01" || e.GetReportDeadline() != "2024-06-10" || e.GetMaxVideoSeconds() != 180 || len(e.GetCounties()) != 10 {
		t.Fatalf("edition 2024 = %v", e)
	}
	keys, err := f.accounts.GetTokenKeys(ctx, &registrationv1.GetTokenKeysRequest{})
	if err != nil || len(keys.GetEd25519PublicKeys()) != 1 {
		t.Fatalf("token keys: %v %v", keys, err)
	}
	v, err := registration.FetchTokenVerifier(ctx, testkit.Serve(t, f.svc.Server().GRPC, testkit.Telemetry(t, "x")))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := f.accounts.Login(ctx, &registrationv1.LoginRequest{Username: "screen", Password: "correct horse"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := v.Authenticate(ctx, resp.GetAccessToken())
	if err != nil || p.Role != auth.RoleViewer || p.Subject != "screen" {
		t.Fatalf("fetched verifier: %+v %v", p, err)
	}
}
