package registration_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/nats-io/nats.go/jetstream"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/sciweek/sciweek/pkg/auth"
	"github.com/sciweek/sciweek/pkg/bus"
	"github.com/sciweek/sciweek/pkg/errs"
	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
	venuev1 "github.com/sciweek/sciweek/pkg/gen/sciweek/venue/v1"
	"github.com/sciweek/sciweek/pkg/rpc"
	"github.com/sciweek/sciweek/pkg/testkit"
	"github.com/sciweek/sciweek/pkg/throttle"
	"github.com/sciweek/sciweek/services/registration"
)

func TestMain(m *testing.M) { os.Exit(testkit.Main(m)) }

// venueRegistry stands in for the venue service: registration's contract with it is GetVenue
// and ListVenues, and the venue service's own tests cover the real ones.
type venueRegistry struct {
	venuev1.UnimplementedVenueServiceServer
	mu     sync.Mutex
	venues []*venuev1.Venue
}

func (v *venueRegistry) add(county, name string) string {
	v.mu.Lock()
	defer v.mu.Unlock()
	id := uuid.NewString()
	v.venues = append(v.venues, &venuev1.Venue{Id: id, CountyCode: county, Name: name})
	return id
}

func (v *venueRegistry) GetVenue(_ context.Context, req *venuev1.GetVenueRequest) (*venuev1.GetVenueResponse, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	for _, x := range v.venues {
		if x.GetId() == req.GetVenueId() {
			return &venuev1.GetVenueResponse{Venue: x}, nil
		}
	}
	return nil, status.Error(codes.NotFound, "venue not found")
}

func (v *venueRegistry) ListVenues(_ context.Context, req *venuev1.ListVenuesRequest) (*venuev1.ListVenuesResponse, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	out := &venuev1.ListVenuesResponse{}
	for _, x := range v.venues {
		if req.GetCountyCode() == "" || x.GetCountyCode() == req.GetCountyCode() {
			out.Venues = append(out.Venues, x)
		}
	}
	return out, nil
}

type fixture struct {
	t          testing.TB
	svc        *registration.Service
	pool       *pgxpool.Pool
	cfg        registration.Config
	venues     *venueRegistry
	activities registrationv1.ActivityServiceClient
	editions   registrationv1.EditionServiceClient
	accounts   registrationv1.AccountServiceClient
	units      registrationv1.UnitServiceClient
	featured   registrationv1.FeaturedServiceClient
	signups    registrationv1.SignupServiceClient
	js         jetstream.JetStream
	city       grpc.CallOption
	xiaodianV  string // a venue of 140105 (小店区)
	yingzeV    string // a venue of 140106 (迎泽区)
}

// start runs the service for a test. Its throttles are off unless tune sets them: the tests sign
// up hundreds of people from one address (throttle_test.go tests the throttles).
func start(t testing.TB, tune ...func(*registration.Config)) *fixture {
	t.Helper()
	b := testkit.Back(t, "registration", registration.Schema, registration.Migrate)
	venues := &venueRegistry{}
	venueSrv := grpc.NewServer()
	venuev1.RegisterVenueServiceServer(venueSrv, venues)
	venueConn := testkit.Serve(t, venueSrv, b.Telemetry)
	cfg := registration.Config{Base: b.Base(), Venue: venueConn, Limits: &throttle.Limits{},
		PhoneKey: []byte("registration-tests-phone-key-32b")}
	for _, f := range tune {
		f(&cfg)
	}
	svc, err := registration.New(b.Ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	conn := b.Run(t, svc.Run, svc.Server().GRPC)
	f := &fixture{
		t: t, svc: svc, venues: venues, js: b.NATS.JetStream, pool: b.Pool, cfg: cfg,
		activities: registrationv1.NewActivityServiceClient(conn), editions: registrationv1.NewEditionServiceClient(conn),
		accounts: registrationv1.NewAccountServiceClient(conn), units: registrationv1.NewUnitServiceClient(conn),
		featured: registrationv1.NewFeaturedServiceClient(conn), signups: registrationv1.NewSignupServiceClient(conn),
	}
	f.city = f.as(testkit.CityAdmin())
	f.xiaodianV, f.yingzeV = venues.add("140105", "太原市科技馆"), venues.add("140106", "中国煤炭博物馆")
	return f
}

// as signs in a fresh account with the principal's role, county and unit.
func (f *fixture) as(p auth.Principal) grpc.CallOption {
	f.t.Helper()
	ctx := context.Background()
	unit := uuid.Nil
	if p.UnitID != "" {
		unit = uuid.MustParse(p.UnitID)
	}
	if err := f.svc.SetAccount(ctx, p.Subject, "correct horse", p.Role, p.CountyCode, unit, p.Subject); err != nil {
		f.t.Fatal(err)
	}
	resp, err := f.accounts.Login(ctx, &registrationv1.LoginRequest{Username: p.Subject, Password: "correct horse"})
	if err != nil {
		f.t.Fatal(err)
	}
	return grpc.PerRPCCredentials(rpc.BearerCredential(resp.GetAccessToken()))
}

// unit registers a unit of county and returns it.
func (f *fixture) unit(county, name string) *registrationv1.Unit {
	f.t.Helper()
	resp, err := f.units.CreateUnit(context.Background(), &registrationv1.CreateUnitRequest{Name: name, CountyCode: county,
		Kind: registrationv1.UnitKind_UNIT_KIND_KEY_LABORATORY}, f.city)
	if err != nil {
		f.t.Fatal(err)
	}
	return resp.GetUnit()
}

// organizer signs in an organizer of unit u.
func (f *fixture) organizer(u *registrationv1.Unit) grpc.CallOption {
	return f.as(auth.Principal{Subject: "org-" + u.GetId()[:8], Role: auth.RoleOrganizer, CountyCode: u.GetCountyCode(), UnitID: u.GetId()})
}

var taiyuan = func() *time.Location { l, _ := time.LoadLocation("Asia/Shanghai"); return l }()

func session(day, hour int, places uint32) *registrationv1.Session {
	start := time.Date(2024, 5, day, hour, 0, 0, 0, taiyuan)
	return &registrationv1.Session{StartsAt: timestamppb.New(start), EndsAt: timestamppb.New(start.Add(2 * time.Hour)), Places: places}
}

func details(venue string, sessions ...*registrationv1.Session) *registrationv1.ActivityDetails {
	if len(sessions) == 0 {
		sessions = []*registrationv1.Session{session(26, 9, 50)}
	}
	return &registrationv1.ActivityDetails{
		Title: "走进重点实验室", Form: registrationv1.ActivityForm_ACTIVITY_FORM_OPEN_DAY, VenueId: venue,
		TargetGroups: []registrationv1.TargetGroup{registrationv1.TargetGroup_TARGET_GROUP_YOUTH}, Sessions: sessions,
	}
}

func (f *fixture) create(as grpc.CallOption, unitID string, d *registrationv1.ActivityDetails) (*registrationv1.Activity, error) {
	resp, err := f.activities.CreateActivity(context.Background(), &registrationv1.CreateActivityRequest{EditionId: "2024", UnitId: unitID, Details: d}, as)
	return resp.GetActivity(), err
}

func (f *fixture) mustCreate(as grpc.CallOption, unitID string, d *registrationv1.ActivityDetails) *registrationv1.Activity {
	f.t.Helper()
	a, err := f.create(as, unitID, d)
	if err != nil {
		f.t.Fatal(err)
	}
	return a
}

// approve takes an activity through submission and approval by the city admin.
func (f *fixture) approve(id string) {
	f.t.Helper()
	ctx := context.Background()
	if _, err := f.activities.SubmitActivity(ctx, &registrationv1.SubmitActivityRequest{ActivityId: id}, f.city); err != nil {
		f.t.Fatal(err)
	}
	if _, err := f.activities.ApproveActivity(ctx, &registrationv1.ApproveActivityRequest{ActivityId: id}, f.city); err != nil {
		f.t.Fatal(err)
	}
}

func wantCode(t *testing.T, err error, code codes.Code, message string) {
	t.Helper()
	st := status.Convert(err)
	if st.Code() != code || !strings.Contains(strings.ToLower(st.Message()), strings.ToLower(message)) {
		t.Fatalf("got %v %q, want %v containing %q", st.Code(), st.Message(), code, message)
	}
	// Every refusal also carries its reason and the words people read, in Chinese.
	if d := rpc.DetailsOf(st); d.Reason == "" || !errs.IsChinese(d.Chinese) {
		t.Fatalf("%v %q: reason %q, Chinese %q", st.Code(), st.Message(), d.Reason, d.Chinese)
	}
}

// events returns the messages published on a subject, decoded into new(T).
func events[T proto.Message](t *testing.T, js jetstream.JetStream, subject string, newT func() T, want int) []T {
	t.Helper()
	ctx := context.Background()
	var out []T
	testkit.Eventually(t, 5*time.Second, func() error {
		out = nil
		cons, err := js.OrderedConsumer(ctx, bus.StreamRegistration, jetstream.OrderedConsumerConfig{FilterSubjects: []string{subject}})
		if err != nil {
			return err
		}
		batch, err := cons.FetchNoWait(1000)
		if err != nil {
			return err
		}
		for m := range batch.Messages() {
			v := newT()
			if err := proto.Unmarshal(m.Data(), v); err != nil {
				return err
			}
			out = append(out, v)
		}
		if len(out) != want {
			return fmt.Errorf("%d events on %s, want %d", len(out), subject, want)
		}
		return nil
	})
	return out
}

func TestReviewLifecycleKeepsHistoryAndPublishesEveryTransition(t *testing.T) {
	t.Parallel()
	f := start(t)
	ctx := context.Background()
	lab := f.unit("140105", "山西大学物理实验室")
	organizer := f.organizer(lab)
	county := f.as(testkit.CountyAdmin("140105"))

	a := f.mustCreate(organizer, "", details(f.xiaodianV))
	if a.GetUnitId() != lab.GetId() || a.GetOrganizer() != lab.GetName() || a.GetDetails().GetSessions()[0].GetId() == "" {
		t.Fatalf("created = %v", a)
	}
	id := a.GetId()
	steps := []func() error{
		testkit.Call(ctx, f.activities.SubmitActivity, &registrationv1.SubmitActivityRequest{ActivityId: id}, organizer),
		testkit.Call(ctx, f.activities.ReturnActivity, &registrationv1.ReturnActivityRequest{ActivityId: id, Reason: "请补充安全预案"}, county),
		func() error {
			d := details(f.xiaodianV, session(26, 9, 50), session(27, 14, 40))
			d.Title = "走进重点实验室（含安全预案）"
			_, err := f.activities.UpdateActivity(ctx, &registrationv1.UpdateActivityRequest{ActivityId: id, Details: d}, organizer)
			return err
		},
		testkit.Call(ctx, f.activities.SubmitActivity, &registrationv1.SubmitActivityRequest{ActivityId: id}, organizer),
		testkit.Call(ctx, f.activities.ApproveActivity, &registrationv1.ApproveActivityRequest{ActivityId: id}, county),
		testkit.Call(ctx, f.activities.CancelActivity, &registrationv1.CancelActivityRequest{ActivityId: id, Reason: "暴雨预警，活动取消"}, organizer),
	}
	for i, step := range steps {
		if err := step(); err != nil {
			t.Fatalf("step %d: %v", i+1, err)
		}
	}
	got, err := f.activities.GetActivity(ctx, &registrationv1.GetActivityRequest{ActivityId: id}, county)
	if err != nil {
		t.Fatal(err)
	}
	var history []string
	for _, h := range got.GetActivity().GetHistory() {
		history = append(history, fmt.Sprintf("%s by %s %s", strings.TrimPrefix(h.GetStatus().String(), "ACTIVITY_STATUS_"), h.GetActor(), h.GetReason()))
	}
	orgName := "org-" + lab.GetId()[:8]
	want := []string{
		"DRAFT by " + orgName + " ", "SUBMITTED by " + orgName + " ", "RETURNED by county-admin-140105 请补充安全预案",
		"SUBMITTED by " + orgName + " ", "APPROVED by county-admin-140105 ", "CANCELLED by " + orgName + " 暴雨预警，活动取消",
	}
	if strings.Join(history, "|") != strings.Join(want, "|") {
		t.Fatalf("history = %q\nwant      %q", history, want)
	}
	if got.GetActivity().GetDetails().GetTitle() != "走进重点实验室（含安全预案）" || len(got.GetActivity().GetDetails().GetSessions()) != 2 {
		t.Fatalf("the returned activity's edit was lost: %v", got.GetActivity().GetDetails())
	}
	for subject, n := range map[string]int{
		"sciweek.registration.activity.created": 1, "sciweek.registration.activity.submitted": 2, "sciweek.registration.activity.returned": 1,
		"sciweek.registration.activity.approved": 1, "sciweek.registration.activity.cancelled": 1,
	} {
		events(t, f.js, subject, func() *registrationv1.ActivityCreated { return &registrationv1.ActivityCreated{} }, n)
	}
	cancelled := events(t, f.js, "sciweek.registration.activity.cancelled", func() *registrationv1.ActivityCancelled { return &registrationv1.ActivityCancelled{} }, 1)
	if cancelled[0].GetReason() != "暴雨预警，活动取消" || cancelled[0].GetActivity().GetStatus() != registrationv1.ActivityStatus_ACTIVITY_STATUS_CANCELLED {
		t.Fatalf("ActivityCancelled = %v", cancelled[0])
	}
}

func TestActivityRules(t *testing.T) {
	t.Parallel()
	f := start(t)
	lab := f.unit("140105", "某实验室")
	online := func(d *registrationv1.ActivityDetails) *registrationv1.ActivityDetails {
		d.Form, d.VenueId = registrationv1.ActivityForm_ACTIVITY_FORM_ONLINE_INTERACTION, ""
		return d
	}
	tests := []struct {
		name string
		d    *registrationv1.ActivityDetails
		code codes.Code
		msg  string
	}{
		{"session before the week", details(f.xiaodianV, session(20, 9, 0)), codes.InvalidArgument, "outside 2024年太原市科技活动周, which runs from 2024-05-25 to 2024-06-01"},
		{"session after the week", details(f.xiaodianV, session(26, 9, 0), &registrationv1.Session{
			StartsAt: timestamppb.New(time.Date(2024, 6, 2, 9, 0, 0, 0, taiyuan)), EndsAt: timestamppb.New(time.Date(2024, 6, 2, 11, 0, 0, 0, taiyuan))}),
			codes.InvalidArgument, "session 2"},
		{"session ends before it starts", func() *registrationv1.ActivityDetails {
			s := session(26, 9, 0)
			s.EndsAt, s.StartsAt = s.StartsAt, s.EndsAt
			return details(f.xiaodianV, s)
		}(), codes.InvalidArgument, "end after it starts"},
		{"no target group", func() *registrationv1.ActivityDetails { d := details(f.xiaodianV); d.TargetGroups = nil; return d }(), codes.InvalidArgument, "target_groups"},
		{"online without its link", online(details("")), codes.InvalidArgument, "online link"},
		{"no venue and no link", func() *registrationv1.ActivityDetails { d := details(""); return d }(), codes.InvalidArgument, "needs a venue"},
		{"online with sign-up", func() *registrationv1.ActivityDetails {
			d := online(details(""))
			d.OnlineUrl, d.RequiresSignup = "https://live.example.cn/kjz", true
			return d
		}(), codes.InvalidArgument, "cannot require sign-up"},
		{"venue of another county", details(f.yingzeV), codes.InvalidArgument, "is in county 140106"},
		{"venue not registered", details(uuid.NewString()), codes.InvalidArgument, "not in the venue registry"},
		{"link that is not a web address", func() *registrationv1.ActivityDetails {
			d := online(details(""))
			d.OnlineUrl = "ftp://x"
			return d
		}(), codes.InvalidArgument, "online_url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.create(f.city, lab.GetId(), tt.d)
			wantCode(t, err, tt.code, tt.msg)
		})
	}
	// A valid online activity needs no venue.
	d := online(details(""))
	d.OnlineUrl = "https://live.example.cn/kjz"
	if _, err := f.create(f.city, lab.GetId(), d); err != nil {
		t.Fatalf("online activity: %v", err)
	}
	list, err := f.activities.ListActivities(context.Background(), &registrationv1.ListActivitiesRequest{EditionId: "2024"}, f.city)
	if err != nil || len(list.GetActivities()) != 1 {
		t.Fatalf("refused creations left %d activities (%v), want only the valid one", len(list.GetActivities()), err)
	}
}

func TestAuthorization(t *testing.T) {
	t.Parallel()
	f := start(t)
	ctx := context.Background()
	labA, labB := f.unit("140105", "实验室甲"), f.unit("140105", "实验室乙")
	museum := f.unit("140106", "煤炭博物馆")
	orgA, orgB := f.organizer(labA), f.organizer(labB)
	xiaodian, yingze := f.as(testkit.CountyAdmin("140105")), f.as(testkit.CountyAdmin("140106"))
	viewer := f.as(auth.Principal{Subject: "screen", Role: auth.RoleViewer})
	mine := f.mustCreate(orgA, "", details(f.xiaodianV))
	theirs := f.mustCreate(yingze, museum.GetId(), details(f.yingzeV))
	approvedMine := f.mustCreate(orgA, "", details(f.xiaodianV))
	f.approve(approvedMine.GetId())
	get := func(as grpc.CallOption, id string) error {
		_, err := f.activities.GetActivity(ctx, &registrationv1.GetActivityRequest{ActivityId: id}, as)
		return err
	}
	tests := []struct {
		name string
		call func() error
		code codes.Code
	}{
		{"organizer registers for another unit", func() error { _, err := f.create(orgA, labB.GetId(), details(f.xiaodianV)); return err }, codes.PermissionDenied},
		{"organizer reads another unit's activity", func() error { return get(orgB, mine.GetId()) }, codes.NotFound},
		{"organizer lists another unit", testkit.Call(ctx, f.activities.ListActivities,
			&registrationv1.ListActivitiesRequest{EditionId: "2024", UnitId: labA.GetId()}, orgB), codes.PermissionDenied},
		{"organizer submits another unit's activity", testkit.Call(ctx, f.activities.SubmitActivity,
			&registrationv1.SubmitActivityRequest{ActivityId: mine.GetId()}, orgB), codes.NotFound},
		{"organizer approves", testkit.Call(ctx, f.activities.ApproveActivity,
			&registrationv1.ApproveActivityRequest{ActivityId: mine.GetId()}, orgA), codes.PermissionDenied},
		{"organizer creates a unit", testkit.Call(ctx, f.units.CreateUnit,
			&registrationv1.CreateUnitRequest{Name: "新单位", CountyCode: "140105", Kind: registrationv1.UnitKind_UNIT_KIND_SCHOOL}, orgA), codes.PermissionDenied},
		{"organizer sees another unit's sign-ups", testkit.Call(ctx, f.signups.ListSignups,
			&registrationv1.ListSignupsRequest{ActivityId: approvedMine.GetId()}, orgB), codes.NotFound},
		{"county admin reads another county's activity", func() error { return get(xiaodian, theirs.GetId()) }, codes.NotFound},
		{"county admin approves another county's activity", testkit.Call(ctx, f.activities.ApproveActivity,
			&registrationv1.ApproveActivityRequest{ActivityId: theirs.GetId()}, xiaodian), codes.NotFound},
		{"county admin lists another county", testkit.Call(ctx, f.activities.ListActivities,
			&registrationv1.ListActivitiesRequest{EditionId: "2024", CountyCode: "140106"}, xiaodian), codes.PermissionDenied},
		{"county admin registers for another county's unit", func() error { _, err := f.create(xiaodian, museum.GetId(), details(f.yingzeV)); return err }, codes.NotFound},
		{"county admin creates a unit in another county", testkit.Call(ctx, f.units.CreateUnit,
			&registrationv1.CreateUnitRequest{Name: "新单位", CountyCode: "140106", Kind: registrationv1.UnitKind_UNIT_KIND_SCHOOL}, xiaodian), codes.PermissionDenied},
		{"county admin creates an organizer for another county's unit", testkit.Call(ctx, f.accounts.CreateAccount,
			&registrationv1.CreateAccountRequest{Username: "sneaky", Password: "12345678", Role: "organizer", UnitId: museum.GetId()}, xiaodian), codes.InvalidArgument},
		{"county admin creates a county admin", testkit.Call(ctx, f.accounts.CreateAccount,
			&registrationv1.CreateAccountRequest{Username: "boss", Password: "12345678", Role: "county_admin", CountyCode: "140105"}, xiaodian), codes.PermissionDenied},
		{"county admin changes the edition", func() error {
			ed, _ := f.editions.GetEdition(ctx, &registrationv1.GetEditionRequest{EditionId: "2024"})
			_, err := f.editions.UpdateEdition(ctx, &registrationv1.UpdateEditionRequest{Edition: ed.GetEdition()}, xiaodian)
			return err
		}, codes.PermissionDenied},
		{"viewer registers an activity", func() error { _, err := f.create(viewer, labA.GetId(), details(f.xiaodianV)); return err }, codes.PermissionDenied},
		{"nobody signed in", func() error { return get(grpc.EmptyCallOption{}, mine.GetId()) }, codes.Unauthenticated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if status.Code(err) != tt.code {
				t.Fatalf("got %v, want %v", err, tt.code)
			}
		})
	}
	// What each role does see.
	list := func(as grpc.CallOption) int {
		resp, err := f.activities.ListActivities(ctx, &registrationv1.ListActivitiesRequest{EditionId: "2024"}, as)
		if err != nil {
			t.Fatal(err)
		}
		return len(resp.GetActivities())
	}
	for name, tt := range map[string]struct {
		as   grpc.CallOption
		want int
	}{"organizer A": {orgA, 2}, "organizer B": {orgB, 0}, "xiaodian": {xiaodian, 2}, "yingze": {yingze, 1}, "city": {f.city, 3}, "viewer": {viewer, 3}} {
		if got := list(tt.as); got != tt.want {
			t.Errorf("%s sees %d activities, want %d", name, got, tt.want)
		}
	}
}
