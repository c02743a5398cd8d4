package venue_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/xuri/excelize/v2"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/sciweek/sciweek/pkg/auth"
	"github.com/sciweek/sciweek/pkg/bus"
	checkinv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/checkin/v1"
	venuev1 "github.com/sciweek/sciweek/pkg/gen/sciweek/venue/v1"
	"github.com/sciweek/sciweek/pkg/rpc"
	"github.com/sciweek/sciweek/pkg/sheet/sheettest"
	"github.com/sciweek/sciweek/pkg/testkit"
	"github.com/sciweek/sciweek/pkg/throttle"
	"github.com/sciweek/sciweek/services/venue"
)

func TestMain(m *testing.M) { os.Exit(testkit.Main(m)) }

// clock is a test clock the service reads; tests move it forward.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

type fixture struct {
	t         *testing.T
	venues    venuev1.VenueServiceClient
	terminals venuev1.TerminalServiceClient
	js        jetstream.JetStream
	tokens    *testkit.Tokens
	clock     *clock
	city      grpc.CallOption
}

func start(t *testing.T, limits ...throttle.Limits) *fixture {
	t.Helper()
	b := testkit.Back(t, "venue", venue.Schema, venue.Migrate)
	tokens := testkit.NewTokens(t)
	clk := &clock{now: time.Now()}
	cfg := venue.Config{Base: b.Base(), People: tokens.Verifier, Now: clk.Now}
	for _, l := range limits {
		cfg.Limits = &l
	}
	svc, err := venue.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	conn := b.Run(t, svc.Run, svc.Server().GRPC)
	return &fixture{t: t, venues: venuev1.NewVenueServiceClient(conn), terminals: venuev1.NewTerminalServiceClient(conn), js: b.NATS.JetStream,
		tokens: tokens, clock: clk, city: tokens.As(t, testkit.CityAdmin())}
}

func museum(county string) *venuev1.VenueDetails {
	return &venuev1.VenueDetails{Name: "太原市科技馆", Kind: venuev1.VenueKind_VENUE_KIND_SCIENCE_MUSEUM, CountyCode: county, Address: "长风街",
		SafeCapacity: 800, ContactName: "王老师", ContactPhone: "0351-1234567", Coordinates: &venuev1.Coordinates{Latitude: 37.87, Longitude: 112.55}}
}

func (f *fixture) createVenue(as grpc.CallOption, d *venuev1.VenueDetails) *venuev1.Venue {
	f.t.Helper()
	resp, err := f.venues.CreateVenue(context.Background(), &venuev1.CreateVenueRequest{Details: d}, as)
	if err != nil {
		f.t.Fatalf("create venue: %v", err)
	}
	return resp.GetVenue()
}

func wantCode(t *testing.T, err error, code codes.Code, msg string) {
	t.Helper()
	st := status.Convert(err)
	if st.Code() != code || !strings.Contains(st.Message(), msg) {
		t.Fatalf("got %v %q, want %v containing %q", st.Code(), st.Message(), code, msg)
	}
}

// lastEvent waits for the last event on subject to satisfy ok (nil: any event).
func lastEvent(t *testing.T, js jetstream.JetStream, subject string, into proto.Message, ok ...func() bool) {
	t.Helper()
	ctx := context.Background()
	testkit.Eventually(t, 5*time.Second, func() error {
		stream, err := js.Stream(ctx, bus.StreamVenue)
		if err != nil {
			return err
		}
		msg, err := stream.GetLastMsgForSubject(ctx, subject)
		if err != nil {
			return err
		}
		if err := proto.Unmarshal(msg.Data, into); err != nil {
			return err
		}
		for _, f := range ok {
			if !f() {
				return fmt.Errorf("last event on %s is not the expected one yet", subject)
			}
		}
		return nil
	})
}

func TestVenueDetailsThresholdsAndUpdates(t *testing.T) {
	t.Parallel()
	f := start(t)
	ctx := context.Background()
	v := f.createVenue(f.city, museum("140105"))
	if v.GetWarnPercent() != 80 || v.GetAlarmPercent() != 100 || v.GetCoordinates().GetLatitude() != 37.87 || v.GetContactName() != "王老师" {
		t.Fatalf("venue = %v", v)
	}
	d := proto.Clone(museum("140105")).(*venuev1.VenueDetails)
	d.SafeCapacity, d.WarnPercent, d.AlarmPercent = 1000, 70, 90
	up, err := f.venues.UpdateVenue(ctx, &venuev1.UpdateVenueRequest{VenueId: v.GetId(), Details: d}, f.city)
	if err != nil || up.GetVenue().GetSafeCapacity() != 1000 || up.GetVenue().GetWarnPercent() != 70 {
		t.Fatalf("update: %v %v", up, err)
	}
	var changed venuev1.VenueChanged
	lastEvent(t, f.js, "sciweek.venue.venue.changed", &changed, func() bool {
		return changed.GetVenue().GetWarnPercent() == 70 && changed.GetVenue().GetSafeCapacity() == 1000
	})
	tests := []struct {
		name string
		mod  func(*venuev1.VenueDetails)
		msg  string
	}{
		{"warning above the alarm", func(d *venuev1.VenueDetails) { d.WarnPercent, d.AlarmPercent = 95, 90 }, "warning threshold"},
		{"moving county", func(d *venuev1.VenueDetails) { d.CountyCode = "140106" }, "cannot move"},
		{"coordinates off the map", func(d *venuev1.VenueDetails) { d.Coordinates = &venuev1.Coordinates{Latitude: 123, Longitude: 0} }, "latitude"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := proto.Clone(museum("140105")).(*venuev1.VenueDetails)
			tt.mod(d)
			_, err := f.venues.UpdateVenue(ctx, &venuev1.UpdateVenueRequest{VenueId: v.GetId(), Details: d}, f.city)
			wantCode(t, err, codes.InvalidArgument, tt.msg)
		})
	}
	_, err = f.venues.CreateVenue(ctx, &venuev1.CreateVenueRequest{Details: museum("140105")}, f.city)
	wantCode(t, err, codes.AlreadyExists, "venue of that name")
}

func TestSafetyPlanIsCheckedAndKept(t *testing.T) {
	t.Parallel()
	f := start(t)
	ctx := context.Background()
	v := f.createVenue(f.city, museum("140105"))
	_, err := f.venues.AttachSafetyPlan(ctx, &venuev1.AttachSafetyPlanRequest{VenueId: v.GetId(), FileName: "预案.pdf", Content: []byte("MZ\x90\x00 not a pdf")}, f.city)
	wantCode(t, err, codes.InvalidArgument, "does not match its name")
	_, err = f.venues.AttachSafetyPlan(ctx, &venuev1.AttachSafetyPlanRequest{VenueId: v.GetId(), FileName: "预案.exe", Content: []byte("MZ")}, f.city)
	wantCode(t, err, codes.InvalidArgument, "PDF")
	pdf := []byte("%PDF-1.7\n% 安全保卫方案及应急预案\n")
	resp, err := f.venues.AttachSafetyPlan(ctx, &venuev1.AttachSafetyPlanRequest{VenueId: v.GetId(), FileName: "安全保卫方案及应急预案.pdf", Content: pdf}, f.city)
	if err != nil || !resp.GetVenue().GetSafetyPlanOnFile() || resp.GetVenue().GetSafetyPlanFileName() != "安全保卫方案及应急预案.pdf" {
		t.Fatalf("attach: %v %v", resp, err)
	}
	got, err := f.venues.GetSafetyPlan(ctx, &venuev1.GetSafetyPlanRequest{VenueId: v.GetId()}, f.city)
	if err != nil || !bytes.Equal(got.GetFile().GetContent(), pdf) || got.GetFile().GetContentType() != "application/pdf" {
		t.Fatalf("plan: %v %v", got, err)
	}
	_, err = f.venues.GetSafetyPlan(ctx, &venuev1.GetSafetyPlanRequest{VenueId: v.GetId()}, f.tokens.As(t, testkit.CountyAdmin("140106")))
	wantCode(t, err, codes.NotFound, "not found")
}

func TestTerminalSetupCodes(t *testing.T) {
	t.Parallel()
	f := start(t)
	ctx := context.Background()
	admin := f.tokens.As(t, testkit.CountyAdmin("140105"))
	v := f.createVenue(admin, museum("140105"))
	prov, err := f.terminals.ProvisionTerminal(ctx, &venuev1.ProvisionTerminalRequest{VenueId: v.GetId(), Name: "东门 1"}, admin)
	if err != nil {
		t.Fatal(err)
	}
	code := prov.GetSetupCode()
	if len(code) != 9 || code[4] != '-' || prov.GetTerminal().GetState() != venuev1.TerminalState_TERMINAL_STATE_PENDING {
		t.Fatalf("provisioned %v with code %q", prov.GetTerminal(), code)
	}
	// Typed in lower case without the dash, the code still works: once.
	act, err := f.terminals.ActivateTerminal(ctx, &venuev1.ActivateTerminalRequest{SetupCode: strings.ToLower(strings.ReplaceAll(code, "-", ""))})
	if err != nil {
		t.Fatal(err)
	}
	cred := act.GetCredential()
	if _, err := auth.ParseTerminalCredential(cred); err != nil || act.GetTerminal().GetState() != venuev1.TerminalState_TERMINAL_STATE_ACTIVE {
		t.Fatalf("activation gave %q (%v), state %v", cred, err, act.GetTerminal().GetState())
	}
	_, err = f.terminals.ActivateTerminal(ctx, &venuev1.ActivateTerminalRequest{SetupCode: code})
	wantCode(t, err, codes.NotFound, "used, or mistyped")
	var provisioned venuev1.TerminalProvisioned
	lastEvent(t, f.js, "sciweek.venue.terminal.provisioned", &provisioned)
	if want := sha256.Sum256([]byte(cred)); !bytes.Equal(provisioned.GetCredentialSha256(), want[:]) {
		t.Fatal("TerminalProvisioned does not carry the credential's hash")
	}

	// An expired code fails, and an admin can give the terminal a new one.
	late, err := f.terminals.ProvisionTerminal(ctx, &venuev1.ProvisionTerminalRequest{VenueId: v.GetId(), Name: "西门"}, admin)
	if err != nil {
		t.Fatal(err)
	}
	f.clock.Add(16 * time.Minute)
	_, err = f.terminals.ActivateTerminal(ctx, &venuev1.ActivateTerminalRequest{SetupCode: late.GetSetupCode()})
	wantCode(t, err, codes.FailedPrecondition, "expired")
	reset, err := f.terminals.ResetTerminalSetup(ctx, &venuev1.ResetTerminalSetupRequest{TerminalId: late.GetTerminal().GetId()}, admin)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.terminals.ActivateTerminal(ctx, &venuev1.ActivateTerminalRequest{SetupCode: reset.GetSetupCode()}); err != nil {
		t.Fatalf("a fresh code after the reset: %v", err)
	}

	// The terminal rotates its own credential; the old one stops working at once.
	as := grpc.PerRPCCredentials(rpc.BearerCredential(cred))
	rot, err := f.terminals.RotateTerminalCredential(ctx, &venuev1.RotateTerminalCredentialRequest{}, as)
	if err != nil || rot.GetCredential() == cred {
		t.Fatalf("rotate: %v %v", rot, err)
	}
	_, err = f.terminals.RotateTerminalCredential(ctx, &venuev1.RotateTerminalCredentialRequest{}, as)
	wantCode(t, err, codes.Unauthenticated, "not valid")
	var rotated venuev1.TerminalCredentialRotated
	want := sha256.Sum256([]byte(rot.GetCredential()))
	lastEvent(t, f.js, "sciweek.venue.terminal.rotated", &rotated, func() bool { return bytes.Equal(rotated.GetCredentialSha256(), want[:]) })
	// A terminal's credential does nothing else here.
	newAs := grpc.PerRPCCredentials(rpc.BearerCredential(rot.GetCredential()))
	_, err = f.venues.ListVenues(ctx, &venuev1.ListVenuesRequest{}, newAs)
	wantCode(t, err, codes.PermissionDenied, "role terminal")
	_, err = f.terminals.ProvisionTerminal(ctx, &venuev1.ProvisionTerminalRequest{VenueId: v.GetId(), Name: "x"}, newAs)
	wantCode(t, err, codes.PermissionDenied, "role terminal")

	// Revocation is final and goes out as an event.
	if _, err := f.terminals.RevokeTerminal(ctx, &venuev1.RevokeTerminalRequest{TerminalId: act.GetTerminal().GetId()}, admin); err != nil {
		t.Fatal(err)
	}
	_, err = f.terminals.RevokeTerminal(ctx, &venuev1.RevokeTerminalRequest{TerminalId: act.GetTerminal().GetId()}, admin)
	wantCode(t, err, codes.FailedPrecondition, "already revoked")
	_, err = f.terminals.ResetTerminalSetup(ctx, &venuev1.ResetTerminalSetupRequest{TerminalId: act.GetTerminal().GetId()}, admin)
	wantCode(t, err, codes.FailedPrecondition, "revoked")
	var revoked venuev1.TerminalRevoked
	lastEvent(t, f.js, "sciweek.venue.terminal.revoked", &revoked)
	if revoked.GetTerminal().GetId() != act.GetTerminal().GetId() {
		t.Fatalf("TerminalRevoked = %v", &revoked)
	}
}

func TestTerminalListShowsLastSeen(t *testing.T) {
	t.Parallel()
	f := start(t)
	ctx := context.Background()
	v := f.createVenue(f.city, museum("140105"))
	prov, err := f.terminals.ProvisionTerminal(ctx, &venuev1.ProvisionTerminalRequest{VenueId: v.GetId(), Name: "闸机"}, f.city)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.terminals.ActivateTerminal(ctx, &venuev1.ActivateTerminalRequest{SetupCode: prov.GetSetupCode()}); err != nil {
		t.Fatal(err)
	}
	// Check-in publishes TerminalSeen when a terminal calls; the registry keeps the latest.
	seen := time.Now().Add(-time.Minute).Truncate(time.Second)
	if err := bus.EnsureStreams(ctx, f.js, bus.StreamOptions{}, bus.StreamCheckin); err != nil {
		t.Fatal(err)
	}
	msg := nats.NewMsg("sciweek.checkin.terminal.seen")
	msg.Data, _ = proto.Marshal(&checkinv1.TerminalSeen{EventId: "e1", SeenAt: timestamppb.New(seen), TerminalId: prov.GetTerminal().GetId(), VenueId: v.GetId()})
	msg.Header.Set(bus.HeaderType, "sciweek.checkin.v1.TerminalSeen")
	if _, err := f.js.PublishMsg(ctx, msg); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 5*time.Second, func() error {
		list, err := f.terminals.ListTerminals(ctx, &venuev1.ListTerminalsRequest{VenueId: v.GetId()}, f.city)
		if err != nil {
			return err
		}
		if got := list.GetTerminals()[0].GetLastSeenAt(); got == nil || !got.AsTime().Equal(seen) {
			return fmt.Errorf("last seen %v, want %v", got, seen)
		}
		return nil
	})
}

func TestCountyScopes(t *testing.T) {
	t.Parallel()
	f := start(t)
	ctx := context.Background()
	other := f.createVenue(f.city, museum("140106"))
	xiaodian := f.tokens.As(t, testkit.CountyAdmin("140105"))
	viewer := f.tokens.As(t, auth.Principal{Subject: "screen", Role: auth.RoleViewer})
	prov, err := f.terminals.ProvisionTerminal(ctx, &venuev1.ProvisionTerminalRequest{VenueId: other.GetId(), Name: "东门"}, f.city)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		call func() error
		want codes.Code
	}{
		{"no credential", testkit.Call(ctx, f.venues.ListVenues, &venuev1.ListVenuesRequest{}), codes.Unauthenticated},
		{"token of another issuer", testkit.Call(ctx, f.venues.ListVenues,
			&venuev1.ListVenuesRequest{}, testkit.NewTokens(t).As(t, testkit.CityAdmin())), codes.Unauthenticated},
		{"viewer creates", testkit.Call(ctx, f.venues.CreateVenue,
			&venuev1.CreateVenueRequest{Details: museum("140105")}, viewer), codes.PermissionDenied},
		{"county admin creates in another county", testkit.Call(ctx, f.venues.CreateVenue,
			&venuev1.CreateVenueRequest{Details: museum("140106")}, xiaodian), codes.PermissionDenied},
		{"county admin lists another county", testkit.Call(ctx, f.venues.ListVenues,
			&venuev1.ListVenuesRequest{CountyCode: "140106"}, xiaodian), codes.PermissionDenied},
		{"county admin reads another county's venue", testkit.Call(ctx, f.venues.GetVenue,
			&venuev1.GetVenueRequest{VenueId: other.GetId()}, xiaodian), codes.NotFound},
		{"county admin changes another county's venue", testkit.Call(ctx, f.venues.UpdateVenue,
			&venuev1.UpdateVenueRequest{VenueId: other.GetId(), Details: museum("140106")}, xiaodian), codes.NotFound},
		{"county admin provisions at another county's venue", testkit.Call(ctx, f.terminals.ProvisionTerminal,
			&venuev1.ProvisionTerminalRequest{VenueId: other.GetId(), Name: "x"}, xiaodian), codes.NotFound},
		{"county admin lists another county's terminals", testkit.Call(ctx, f.terminals.ListTerminals,
			&venuev1.ListTerminalsRequest{VenueId: other.GetId()}, xiaodian), codes.NotFound},
		{"county admin revokes another county's terminal", testkit.Call(ctx, f.terminals.RevokeTerminal,
			&venuev1.RevokeTerminalRequest{TerminalId: prov.GetTerminal().GetId()}, xiaodian), codes.NotFound},
		{"malformed county code", func() error {
			d := museum("14")
			_, err := f.venues.CreateVenue(ctx, &venuev1.CreateVenueRequest{Details: d}, f.city)
			return err
		}, codes.InvalidArgument},
		{"unknown venue", testkit.Call(ctx, f.venues.GetVenue,
			&venuev1.GetVenueRequest{VenueId: "0190f0a8-0000-7000-8000-000000000000"}, f.city), codes.NotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.call(); status.Code(err) != tt.want {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
	mine := f.createVenue(xiaodian, museum("140105"))
	list, err := f.venues.ListVenues(ctx, &venuev1.ListVenuesRequest{}, xiaodian)
	if err != nil || len(list.GetVenues()) != 1 || list.GetVenues()[0].GetId() != mine.GetId() {
		t.Fatalf("county admin's list = %v, %v; want only their venue", list, err)
	}
}

func TestImportVenues(t *testing.T) {
	t.Parallel()
	f := start(t)
	ctx := context.Background()
	tmpl, err := f.venues.GetVenueImportTemplate(ctx, &venuev1.GetVenueImportTemplateRequest{}, f.city)
	if err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(bytes.NewReader(tmpl.GetFile().GetContent()))
	if err != nil {
		t.Fatal(err)
	}
	header, _ := x.GetRows("场馆登记")
	file := func(rows ...[]string) []byte { return sheettest.Plain(t, header[0], rows...) }
	good := [][]string{
		{"140105", "小店区青少年科技活动中心", "科普教育基地", "坞城路", "", "", "400", "", "", "是"},
		{"140105", "小店区第一中学", "学校", "", "37.8", "112.5", "600", "李老师", "13800000000", "否"},
		{"140106", "迎泽区气象科普馆", "科普场馆", "", "", "", "300", "", "", ""},
	}
	bad := append(append([][]string{}, good...),
		[]string{"140105", "小店区第一中学", "学校", "", "", "", "", "", "", ""},  // row 5: a duplicate of row 3
		[]string{"140107", "某场馆", "城堡", "", "", "", "", "", "", ""},      // row 6: unknown kind
		[]string{"140107", "另一场馆", "学校", "", "37.8", "", "", "", "", ""}, // row 7: half coordinates
		[]string{"14", "坏代码", "学校", "", "", "", "", "", "", ""},          // row 8: not a county code
	)
	resp, err := f.venues.ImportVenues(ctx, &venuev1.ImportVenuesRequest{FileName: "venues.xlsx", Content: file(bad...)}, f.city)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range resp.GetErrors() {
		got = append(got, fmt.Sprintf("%d|%s", e.GetRow(), e.GetColumn()))
	}
	if strings.Join(got, ",") != "5|场馆名称,6|场馆类型,7|纬度,8|县（市、区）" || len(resp.GetVenueIds()) != 0 {
		t.Fatalf("errors = %v (%v)", got, resp.GetErrors())
	}
	list, _ := f.venues.ListVenues(ctx, &venuev1.ListVenuesRequest{}, f.city)
	if len(list.GetVenues()) != 0 {
		t.Fatalf("a failed import wrote %d venues", len(list.GetVenues()))
	}
	dry, err := f.venues.ImportVenues(ctx, &venuev1.ImportVenuesRequest{FileName: "venues.xlsx", Content: file(good...), DryRun: true}, f.city)
	if err != nil || len(dry.GetErrors()) != 0 || len(dry.GetVenueIds()) != 0 {
		t.Fatalf("dry run: %v %v", dry, err)
	}
	resp, err = f.venues.ImportVenues(ctx, &venuev1.ImportVenuesRequest{FileName: "venues.xlsx", Content: file(good...)}, f.city)
	if err != nil || len(resp.GetErrors()) != 0 || len(resp.GetVenueIds()) != 3 {
		t.Fatalf("import: %v %v", resp, err)
	}
	// Importing the same file again names every row as registered already.
	again, err := f.venues.ImportVenues(ctx, &venuev1.ImportVenuesRequest{FileName: "venues.xlsx", Content: file(good...)}, f.city)
	if err != nil || len(again.GetErrors()) != 3 || !strings.Contains(again.GetErrors()[0].GetMessage(), "already registered") {
		t.Fatalf("second import: %v %v", again, err)
	}
	// A county admin imports only their county.
	resp, err = f.venues.ImportVenues(ctx, &venuev1.ImportVenuesRequest{FileName: "v.xlsx",
		Content: file([]string{"140106", "新场馆", "学校", "", "", "", "", "", "", ""})}, f.tokens.As(t, testkit.CountyAdmin("140105")))
	if err != nil || len(resp.GetErrors()) != 1 || !strings.Contains(resp.GetErrors()[0].GetMessage(), "own county") {
		t.Fatalf("county admin importing another county: %v %v", resp, err)
	}
}

// TestWrongSetupCodesAreThrottled reproduces #12's finding (50 wrong setup codes in 3 s): wrong
// codes count per client address and over everyone, and past the rule each attempt is refused
// with a retry hint in Chinese, the right code included, until the wait is over.
func TestWrongSetupCodesAreThrottled(t *testing.T) {
	t.Parallel()
	f := start(t, throttle.Limits{
		SetupAddress: throttle.Rule{Free: 5, Window: time.Hour, Delay: time.Minute, MaxDelay: time.Hour, LockAfter: 20, LockFor: time.Hour},
		SetupAll:     throttle.Rule{Free: 12, Window: time.Hour},
	})
	admin := f.tokens.As(t, testkit.CountyAdmin("140105"))
	v := f.createVenue(admin, museum("140105"))
	prov, err := f.terminals.ProvisionTerminal(context.Background(), &venuev1.ProvisionTerminalRequest{VenueId: v.GetId(), Name: "东门"}, admin)
	if err != nil {
		t.Fatal(err)
	}
	from := func(addr string) context.Context {
		return metadata.AppendToOutgoingContext(context.Background(), rpc.ClientAddressKey, addr)
	}
	wrong, throttled := 0, 0
	for i := range 50 {
		_, err := f.terminals.ActivateTerminal(from("198.51.100.30"), &venuev1.ActivateTerminalRequest{SetupCode: fmt.Sprintf("ZZZZ-%04d", i)})
		d := rpc.DetailsOf(status.Convert(err))
		switch {
		case status.Code(err) == codes.NotFound:
			wrong++
		case status.Code(err) == codes.ResourceExhausted && d.Reason == "SETUP_CODE_TOO_MANY_FAILURES" && d.RetryAfter > 0 && strings.Contains(d.Chinese, "秒后重试"):
			throttled++
		default:
			t.Fatalf("attempt %d: %v", i, err)
		}
	}
	t.Logf("50 wrong setup codes from one address: %d refused as wrong, %d throttled", wrong, throttled)
	if wrong != 5 || throttled != 45 {
		t.Fatalf("want 5 wrong and 45 throttled, got %d and %d", wrong, throttled)
	}
	// The blocked address cannot use even the right code meanwhile.
	_, err = f.terminals.ActivateTerminal(from("198.51.100.30"), &venuev1.ActivateTerminalRequest{SetupCode: prov.GetSetupCode()})
	if status.Code(err) != codes.ResourceExhausted {
		t.Fatalf("right code from a blocked address: %v", err)
	}
	// Many addresses guessing together hit the rule over everyone.
	for i := range 8 {
		_, err = f.terminals.ActivateTerminal(from(fmt.Sprintf("203.0.113.%d", i+1)), &venuev1.ActivateTerminalRequest{SetupCode: fmt.Sprintf("YYYY-%04d", i)})
	}
	if status.Code(err) != codes.ResourceExhausted {
		t.Fatalf("the 13th wrong code over all addresses: %v", err)
	}
}
