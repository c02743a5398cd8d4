package stack_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/xuri/excelize/v2"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	reflectionpb "google.golang.org/grpc/reflection/grpc_reflection_v1"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/sciweek/sciweek/cmd/sciweek/internal/stack"
	"github.com/sciweek/sciweek/pkg/auth"
	"github.com/sciweek/sciweek/pkg/bus"
	checkinv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/checkin/v1"
	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
	reportingv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/reporting/v1"
	venuev1 "github.com/sciweek/sciweek/pkg/gen/sciweek/venue/v1"
	"github.com/sciweek/sciweek/pkg/rpc"
	"github.com/sciweek/sciweek/pkg/testkit"
	"github.com/sciweek/sciweek/services/gateway"
)

func TestMain(m *testing.M) { os.Exit(testkit.Main(m)) }

type world struct {
	st       *stack.Stack
	spans    *tracetest.SpanRecorder
	admin    grpc.CallOption
	http     *http.Client
	base     string
	conns    map[string]*grpc.ClientConn
	password string
}

// scrapeToken is the tests' /metrics credential.
const scrapeToken = "e2e-scrape-token"

func startWorld(t *testing.T, tune ...func(*stack.Options)) *world {
	t.Helper()
	ctx := context.Background()
	spans := tracetest.NewSpanRecorder()
	opts := stack.Options{
		DataDir: t.TempDir(), DatabaseURL: testkit.Postgres(t), NATSPort: -1, LogWriter: io.Discard,
		SpanProcessors: []sdktrace.SpanProcessor{spans}, MinPushInterval: 20 * time.Millisecond,
		Gateway: gateway.Hygiene{MetricsToken: scrapeToken},
	}
	for _, f := range tune {
		f(&opts)
	}
	st, err := stack.Start(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := st.Close(context.Background()); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	w := &world{st: st, spans: spans, base: "http://" + st.Addrs.Gateway, conns: map[string]*grpc.ClientConn{}, password: "e2e-admin-password"}
	for name, addr := range map[string]string{"registration": st.Addrs.Registration, "venue": st.Addrs.Venue, "checkin": st.Addrs.Checkin, "reporting": st.Addrs.Reporting} {
		w.conns[name] = dial(t, addr)
	}
	if err := st.Registration.SetAccount(ctx, "admin", w.password, auth.RoleCityAdmin, "", uuid.Nil, "管理员"); err != nil {
		t.Fatal(err)
	}
	login, err := registrationv1.NewAccountServiceClient(w.conns["registration"]).Login(ctx, &registrationv1.LoginRequest{Username: "admin", Password: w.password})
	if err != nil {
		t.Fatal(err)
	}
	w.admin = grpc.PerRPCCredentials(rpc.BearerCredential(login.GetAccessToken()))
	jar, _ := cookiejar.New(nil)
	w.http = &http.Client{Jar: jar, Transport: sameOrigin{base: w.base}}
	return w
}

// dial connects to a part's gRPC address as the other parts do; the connection closes when the
// test ends.
func dial(t *testing.T, addr string) *grpc.ClientConn {
	t.Helper()
	conn, err := rpc.Dial(addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

// jetStream connects to the NATS server at url, for a test that reads or removes the streams
// behind the parts' backs; the connection closes when the test ends.
func jetStream(t *testing.T, url string) jetstream.JetStream {
	t.Helper()
	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return js
}

// sameOrigin sends requests as the console's pages do: a state-changing request names the
// page's origin, which the gateway checks whenever the sign-in cookie comes along.
type sameOrigin struct{ base string }

func (o sameOrigin) RoundTrip(r *http.Request) (*http.Response, error) {
	if _, named := r.Header["Origin"]; r.Method != http.MethodGet && r.Method != http.MethodHead && !named {
		r = r.Clone(r.Context())
		r.Header.Set("Origin", "http://"+r.URL.Host)
	}
	return http.DefaultTransport.RoundTrip(r)
}

// setup registers a venue with an approved activity and a terminal, as a county would.
func (w *world) setup(t *testing.T, county string) (venueID, activityID string, terminal grpc.CallOption) {
	t.Helper()
	venueID, activityID, credential := w.setupTerminal(t, county)
	return venueID, activityID, grpc.PerRPCCredentials(rpc.BearerCredential(credential))
}

// setupTerminal is setup returning the terminal's bearer credential itself, for calls through
// the gateway as the door app makes them.
func (w *world) setupTerminal(t *testing.T, county string) (venueID, activityID, credential string) {
	t.Helper()
	ctx := context.Background()
	v, err := venuev1.NewVenueServiceClient(w.conns["venue"]).CreateVenue(ctx, &venuev1.CreateVenueRequest{Details: &venuev1.VenueDetails{
		Name: "太原植物园", Kind: venuev1.VenueKind_VENUE_KIND_SCIENCE_EDUCATION_BASE, CountyCode: county, SafeCapacity: 5000}}, w.admin)
	if err != nil {
		t.Fatal(err)
	}
	terminals := venuev1.NewTerminalServiceClient(w.conns["venue"])
	prov, err := terminals.ProvisionTerminal(ctx, &venuev1.ProvisionTerminalRequest{VenueId: v.GetVenue().GetId(), Name: "南门"}, w.admin)
	if err != nil {
		t.Fatal(err)
	}
	term, err := terminals.ActivateTerminal(ctx, &venuev1.ActivateTerminalRequest{SetupCode: prov.GetSetupCode()})
	if err != nil {
		t.Fatal(err)
	}
	acts := registrationv1.NewActivityServiceClient(w.conns["registration"])
	unit, err := registrationv1.NewUnitServiceClient(w.conns["registration"]).CreateUnit(ctx, &registrationv1.CreateUnitRequest{
		Name: "太原植物园" + county, CountyCode: county, Kind: registrationv1.UnitKind_UNIT_KIND_SCIENCE_POPULARIZATION_BASE}, w.admin)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2024, 5, 30, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))
	a, err := acts.CreateActivity(ctx, &registrationv1.CreateActivityRequest{EditionId: "2024", UnitId: unit.GetUnit().GetId(),
		Details: &registrationv1.ActivityDetails{
			Title: "植物的秘密科学实验", Form: registrationv1.ActivityForm_ACTIVITY_FORM_HANDS_ON_EXPERIMENT, VenueId: v.GetVenue().GetId(),
			TargetGroups: []registrationv1.TargetGroup{registrationv1.TargetGroup_TARGET_GROUP_YOUTH},
			Sessions:     []*registrationv1.Session{{StartsAt: timestamppb.New(start), EndsAt: timestamppb.New(start.Add(2 * time.Hour)), Places: 60}},
		}}, w.admin)
	if err != nil {
		t.Fatal(err)
	}
	id := a.GetActivity().GetId()
	if _, err := acts.SubmitActivity(ctx, &registrationv1.SubmitActivityRequest{ActivityId: id}, w.admin); err != nil {
		t.Fatal(err)
	}
	if _, err := acts.ApproveActivity(ctx, &registrationv1.ApproveActivityRequest{ActivityId: id}, w.admin); err != nil {
		t.Fatal(err)
	}
	return v.GetVenue().GetId(), id, term.GetCredential()
}

func walkIn(seq uint64, venue, activity string, n uint32) *checkinv1.RecordCheckinRequest {
	// During the activity's session in the 2024 week: a scan dated today would lie outside the
	// edition and be refused as a broken clock.
	at := time.Date(2024, 5, 30, 9, 30, 0, 0, time.FixedZone("CST", 8*3600))
	return &checkinv1.RecordCheckinRequest{SentAt: timestamppb.Now(), Record: &checkinv1.CheckinRecord{Sequence: seq, OccurredAt: timestamppb.New(at), VenueId: venue, ActivityId: activity,
		Kind: &checkinv1.CheckinRecord_WalkIn{WalkIn: &checkinv1.WalkIn{Category: checkinv1.ParticipantCategory_PARTICIPANT_CATEGORY_YOUNG_PERSON, Headcount: n}}}}
}

// sse reads "overview" events from the gateway's stream.
func (w *world) sse(t *testing.T, ctx context.Context) <-chan *reportingv1.Overview {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, w.base+"/events/overview?edition=2024", nil)
	resp, err := w.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("event stream: %s %s", resp.Status, resp.Header.Get("Content-Type"))
	}
	out := make(chan *reportingv1.Overview, 16)
	go func() {
		defer resp.Body.Close()
		defer close(out)
		sc := bufio.NewScanner(resp.Body)
		event := ""
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				event = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: ") && event == "overview":
				var ov struct {
					City struct {
						Participations string `json:"participations"`
					} `json:"city"`
					Position string `json:"stream_position"`
				}
				if err := json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &ov); err != nil {
					return
				}
				var n int64
				if _, err := fmt.Sscan(ov.City.Participations, &n); err != nil {
					return
				}
				out <- &reportingv1.Overview{City: &reportingv1.CountyTotals{Participations: n}}
			}
		}
	}()
	return out
}

func (w *world) loginHTTP(t *testing.T) {
	t.Helper()
	resp, err := w.http.Post(w.base+"/auth/login", "application/json", strings.NewReader(`{"username":"admin","password":"`+w.password+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || strings.Contains(string(body), "eyJ") {
		t.Fatalf("login: %s %s (the token must stay in the HttpOnly cookie)", resp.Status, body)
	}
}

func TestCheckinReachesDashboardWithinASecondInOneTrace(t *testing.T) {
	t.Parallel()
	w := startWorld(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	venue, activity, terminal := w.setup(t, "140110")
	w.loginHTTP(t)
	events := w.sse(t, ctx)
	if first := <-events; first.GetCity().GetParticipations() != 0 {
		t.Fatalf("first overview = %v", first)
	}
	// Someone trying the stream by hand names no edition: they get the one running now, else
	// the latest (this world has only 2024's).
	byHand, _ := http.NewRequestWithContext(ctx, http.MethodGet, w.base+"/events/overview", nil)
	stream, err := w.http.Do(byHand)
	if err != nil {
		t.Fatal(err)
	}
	head, _ := bufio.NewReader(stream.Body).ReadString('}')
	stream.Body.Close()
	if stream.StatusCode != http.StatusOK || !strings.Contains(head, `"edition_id":"2024"`) {
		t.Fatalf("the stream with no edition: %s, %q", stream.Status, head)
	}

	// The terminal's first call may come before check-in has applied the TerminalProvisioned and
	// ActivityApproved events; a terminal retries with the same sequence number, which is safe.
	client := checkinv1.NewCheckinServiceClient(w.conns["checkin"])
	req := walkIn(1, venue, activity, 25)
	var ack *checkinv1.RecordCheckinResponse
	testkit.Eventually(t, 5*time.Second, func() error {
		var err error
		ack, err = client.RecordCheckin(ctx, req, terminal)
		return err
	})
	acked := time.Now()
	select {
	case ov := <-events:
		if ov.GetCity().GetParticipations() != 25 {
			t.Fatalf("dashboard shows %d, want 25", ov.GetCity().GetParticipations())
		}
		if lag := time.Since(acked); lag > time.Second {
			t.Fatalf("dashboard changed %v after the acknowledgement, want under 1s", lag)
		} else {
			t.Logf("dashboard changed %v after the acknowledgement", lag.Round(time.Millisecond))
		}
	case <-time.After(time.Second):
		t.Fatal("dashboard did not change within 1s of the acknowledgement")
	}
	ov, err := reportingv1.NewStatsServiceClient(w.conns["reporting"]).GetOverview(ctx, &reportingv1.GetOverviewRequest{EditionId: "2024"}, w.admin)
	if err != nil || ov.GetOverview().GetCity().GetWalkIns() != 25 || ov.GetOverview().GetCounties()[0].GetCountyCode() != "140110" {
		t.Fatalf("reporting overview = %v %v", ov, err)
	}

	// One trace from the terminal's call to the dashboard's aggregate.
	testkit.Eventually(t, 2*time.Second, func() error {
		byService := map[string]map[string]bool{} // trace id -> services
		var checkinTrace string
		for _, s := range w.spans.Ended() {
			svc := ""
			for _, kv := range s.Resource().Attributes() {
				if kv.Key == "service.name" {
					svc = kv.Value.AsString()
				}
			}
			tid := s.SpanContext().TraceID().String()
			if byService[tid] == nil {
				byService[tid] = map[string]bool{}
			}
			byService[tid][svc] = true
			if svc == "sciweek-checkin" && s.Name() == "sciweek.checkin.v1.CheckinService/RecordCheckin" {
				checkinTrace = tid
			}
		}
		if checkinTrace == "" {
			return fmt.Errorf("no RecordCheckin span from the checkin service")
		}
		if !byService[checkinTrace]["sciweek-reporting"] {
			return fmt.Errorf("trace %s has spans from %v, not from reporting", checkinTrace, byService[checkinTrace])
		}
		t.Logf("trace %s spans services %v", checkinTrace, byService[checkinTrace])
		return nil
	})

	// A replay changes nothing.
	again, err := client.RecordCheckin(ctx, req, terminal)
	if err != nil || !again.GetResult().GetReplayed() || again.GetResult().GetRecordId() != ack.GetResult().GetRecordId() {
		t.Fatalf("replay = %v %v", again, err)
	}
	if _, err := client.RecordCheckin(ctx, walkIn(2, venue, activity, 5), terminal); err != nil {
		t.Fatal(err)
	}
	select {
	case ov := <-events:
		if ov.GetCity().GetParticipations() != 30 {
			t.Fatalf("after a replay and 5 more: %d, want 30", ov.GetCity().GetParticipations())
		}
	case <-time.After(2 * time.Second):
		t.Fatal("no push after the second check-in")
	}
}

func TestBadInputAndRefusalsThroughTheStack(t *testing.T) {
	t.Parallel()
	w := startWorld(t)
	ctx := context.Background()
	venue, activity, terminal := w.setup(t, "140105")
	otherVenue, otherActivity, _ := w.setup(t, "140106")
	client := checkinv1.NewCheckinServiceClient(w.conns["checkin"])
	testkit.Eventually(t, 5*time.Second, func() error {
		_, err := client.RecordCheckin(ctx, walkIn(1, venue, activity, 1), terminal)
		return err
	})
	tests := []struct {
		name string
		req  *checkinv1.RecordCheckinRequest
		opts []grpc.CallOption
		want codes.Code
	}{
		{"no credential", walkIn(2, venue, activity, 1), nil, codes.Unauthenticated},
		{"a person's token", walkIn(2, venue, activity, 1), []grpc.CallOption{w.admin}, codes.Unauthenticated},
		{"malformed: sequence 0", walkIn(0, venue, activity, 1), []grpc.CallOption{terminal}, codes.InvalidArgument},
		{"malformed: venue id", walkIn(2, "hall", activity, 1), []grpc.CallOption{terminal}, codes.InvalidArgument},
		{"unknown venue", walkIn(2, "0190f0a8-0000-7000-8000-000000000001", activity, 1), []grpc.CallOption{terminal}, codes.NotFound},
		{"another venue", walkIn(2, otherVenue, otherActivity, 1), []grpc.CallOption{terminal}, codes.PermissionDenied},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := client.RecordCheckin(ctx, tt.req, tt.opts...)
			if status.Code(err) != tt.want || status.Convert(err).Message() == "" {
				t.Fatalf("got %v, want %v with a message", err, tt.want)
			}
		})
	}

	// The dashboard's stream and the JSON API refuse callers without a session, and every
	// refusal reads as a reason for programs, English for API clients and Chinese for people.
	type apiError struct {
		Code             int               `json:"code"`
		Message          string            `json:"message"`
		Reason           string            `json:"reason"`
		Args             map[string]string `json:"args"`
		LocalizedMessage struct {
			Locale, Message string
		} `json:"localized_message"`
		Fields []struct{ Field, Rule, Message string } `json:"fields"`
	}
	refused := func(t *testing.T, what string, resp *http.Response, status int, reason, chinese string) apiError {
		t.Helper()
		defer resp.Body.Close()
		var body apiError
		if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
			t.Fatalf("%s: %s, body not JSON: %v", what, resp.Status, err)
		}
		if resp.StatusCode != status || body.Reason != reason || body.Message == "" || body.LocalizedMessage.Locale != "zh-CN" ||
			!strings.Contains(body.LocalizedMessage.Message, chinese) {
			t.Errorf("%s: %s %+v, want %d %s %q", what, resp.Status, body, status, reason, chinese)
		}
		return body
	}
	for _, path := range []string{"/events/overview", "/api/v1/editions/2024/overview"} {
		resp, err := http.Get(w.base + path)
		if err != nil {
			t.Fatal(err)
		}
		refused(t, path+" without a session", resp, http.StatusUnauthorized, "CREDENTIAL_MISSING", "请先登录")
	}
	resp, err := http.Post(w.base+"/auth/login", "application/json", strings.NewReader(`{"username":"admin","password":"nope"}`))
	if err != nil {
		t.Fatal(err)
	}
	refused(t, "login with a wrong password", resp, http.StatusUnauthorized, "LOGIN_FAILED", "用户名或密码不正确")
	// A request that breaks its contract names the field by its label, in Chinese.
	w.loginHTTP(t)
	resp, err = w.http.Get(w.base + "/api/v1/editions/2024/participations?group_by=DIMENSION_UNSPECIFIED")
	if err != nil {
		t.Fatal(err)
	}
	body := refused(t, "participations without a dimension", resp, http.StatusBadRequest, "REQUEST_FIELD_INVALID", "统计方式：请选择一项")
	if len(body.Fields) != 1 || body.Fields[0].Field != "group_by" || body.Fields[0].Rule != "enum.not_in" {
		t.Errorf("field problems %+v", body.Fields)
	}
}

func TestEveryServiceHasHealthReflectionAndMetrics(t *testing.T) {
	t.Parallel()
	w := startWorld(t)
	ctx := context.Background()
	want := map[string]string{
		"registration": "sciweek.registration.v1.ActivityService", "venue": "sciweek.venue.v1.VenueService",
		"checkin": "sciweek.checkin.v1.CheckinService", "reporting": "sciweek.reporting.v1.StatsService",
	}
	for name, service := range want {
		conn := w.conns[name]
		h, err := healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{})
		if err != nil || h.GetStatus() != healthpb.HealthCheckResponse_SERVING {
			t.Errorf("%s health: %v %v", name, h, err)
		}
		stream, err := reflectionpb.NewServerReflectionClient(conn).ServerReflectionInfo(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := stream.Send(&reflectionpb.ServerReflectionRequest{MessageRequest: &reflectionpb.ServerReflectionRequest_ListServices{}}); err != nil {
			t.Fatal(err)
		}
		resp, err := stream.Recv()
		if err != nil {
			t.Fatalf("%s reflection: %v", name, err)
		}
		found := false
		for _, s := range resp.GetListServicesResponse().GetService() {
			found = found || s.GetName() == service
		}
		if !found {
			t.Errorf("%s reflection lists %v, not %s", name, resp.GetListServicesResponse().GetService(), service)
		}
		_ = stream.CloseSend()
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, w.base+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+scrapeToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "rpc_server_call_duration_seconds") {
		t.Errorf("/metrics lacks the RPC metrics:\n%.2000s", body)
	}
}

func TestPartsRunInTheirOwnProcesses(t *testing.T) {
	t.Parallel()
	// The full stack provides registration; a second "process" runs reporting alone on its own
	// database and fetches the token keys from registration over gRPC; a third runs the gateway
	// alone, calling everything remotely.
	w := startWorld(t)
	ctx := context.Background()
	rep, err := stack.Start(ctx, stack.Options{DataDir: t.TempDir(), Only: "reporting", DatabaseURL: testkit.Postgres(t), NATSURL: w.st.NATSURL,
		Remote: stack.Addrs{Registration: w.st.Addrs.Registration, Checkin: w.st.Addrs.Checkin}, LogWriter: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rep.Close(context.Background()) })
	remote := w.st.Addrs
	remote.Reporting = rep.Addrs.Reporting
	gw, err := stack.Start(ctx, stack.Options{DataDir: t.TempDir(), Only: "gateway", Remote: remote, LogWriter: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = gw.Close(context.Background()) })
	w.base = "http://" + gw.Addrs.Gateway
	w.loginHTTP(t)
	resp, err := w.http.Get(w.base + "/api/v1/editions/2024/overview")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var got struct {
		Overview struct {
			EditionID string `json:"edition_id"`
		} `json:"overview"`
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &got) != nil || got.Overview.EditionID != "2024" {
		t.Fatalf("overview through the split gateway and reporting: %s %s", resp.Status, body)
	}
	if _, err := stack.Start(ctx, stack.Options{DataDir: t.TempDir(), Only: "checkin", LogWriter: io.Discard}); err == nil || !strings.Contains(err.Error(), "DATABASE_URL") {
		t.Fatalf("a service alone without DATABASE_URL: %v", err)
	}
}

func TestGatewayFilesSignupsAndUploads(t *testing.T) {
	t.Parallel()
	w := startWorld(t)
	ctx := context.Background()
	w.loginHTTP(t)
	do := func(method, path string, body io.Reader, contentType string) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequestWithContext(ctx, method, w.base+path, body)
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		resp, err := w.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp, b
	}

	// The import template downloads as an XLSX attachment with a Chinese file name.
	resp, body := do("GET", "/download/import-template?edition_id=2024", nil, "")
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Disposition"), "filename*=UTF-8''2024") || len(body) < 1000 || string(body[:2]) != "PK" {
		t.Fatalf("template: %s %q %d bytes", resp.Status, resp.Header.Get("Content-Disposition"), len(body))
	}
	// Uploading it untouched reports its placeholder row and writes nothing.
	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	fw, _ := mw.CreateFormFile("file", "模板.xlsx")
	_, _ = fw.Write(body)
	_ = mw.WriteField("dry_run", "false")
	_ = mw.Close()
	resp, out := do("POST", "/upload/activities?edition_id=2024", &form, mw.FormDataContentType())
	var report struct {
		Rows   int32 `json:"rows"`
		Errors []struct {
			Row    int32  `json:"row"`
			Column string `json:"column"`
		} `json:"errors"`
		IDs []string `json:"activity_ids"`
	}
	if resp.StatusCode != 200 || json.Unmarshal(out, &report) != nil || report.Rows != 1 || len(report.Errors) != 1 || report.Errors[0].Row != 2 || len(report.IDs) != 0 {
		t.Fatalf("upload: %s %s", resp.Status, out)
	}
	// Without a session the upload is refused.
	anon, err := http.Post(w.base+"/upload/activities?edition_id=2024", mw.FormDataContentType(), strings.NewReader(""))
	if err != nil {
		t.Fatal(err)
	}
	anon.Body.Close()
	if anon.StatusCode != http.StatusBadRequest && anon.StatusCode != http.StatusUnauthorized {
		t.Fatalf("anonymous upload: %s", anon.Status)
	}

	// A person signs up through the public JSON API and gets a QR code for the ticket.
	venue, activity, _ := w.setup(t, "140105")
	_ = venue
	_, body = do("GET", "/api/v1/public/activities/"+activity, nil, "")
	var pub struct {
		Activity struct {
			Details struct {
				Sessions []struct {
					ID string `json:"id"`
				} `json:"sessions"`
			} `json:"details"`
		} `json:"activity"`
	}
	if err := json.Unmarshal(body, &pub); err != nil || len(pub.Activity.Details.Sessions) != 1 {
		t.Fatalf("public activity: %s", body)
	}
	// The setup's activity is in 2024 and needs no sign-up: the public API says so.
	resp, body = do("POST", "/api/v1/public/activities/"+activity+"/sessions/"+pub.Activity.Details.Sessions[0].ID+":signup",
		strings.NewReader(`{"name":"王小明","phone":"13912345678","age_group":"AGE_GROUP_MINOR"}`), "application/json")
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "no sign-up") {
		t.Fatalf("sign-up for an activity without sign-up: %s %s", resp.Status, body)
	}
	resp, body = do("GET", "/qr.png?data="+url.QueryEscape("SW1:ABCDEFG"), nil, "")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" || !bytes.HasPrefix(body, []byte("\x89PNG")) {
		t.Fatalf("qr: %s %s", resp.Status, resp.Header.Get("Content-Type"))
	}
	// The console is served for its routes (or says how to build it).
	resp, body = do("GET", "/activities/new", nil, "")
	if resp.StatusCode != 200 && !(resp.StatusCode == 503 && strings.Contains(string(body), "make web")) {
		t.Fatalf("console route: %s %s", resp.Status, body)
	}
}

// TestReportFilesThroughTheGateway sends a county's report files through the gateway's
// streaming upload, as the console does, and downloads the city's merged table.
func TestReportFilesThroughTheGateway(t *testing.T) {
	t.Parallel()
	w := startWorld(t)
	ctx := context.Background()
	w.loginHTTP(t)
	upload := func(kind, name string, content []byte) (*http.Response, []byte) {
		t.Helper()
		pr, pw := io.Pipe()
		mw := multipart.NewWriter(pw)
		go func() {
			fw, _ := mw.CreateFormFile("file", name)
			_, _ = fw.Write(content)
			_ = mw.Close()
			_ = pw.Close()
		}()
		req, _ := http.NewRequestWithContext(ctx, "POST", w.base+"/upload/report-file?edition=2024&county=140105&kind="+kind, pr)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		resp, err := w.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, b
	}
	var resp *http.Response
	var body []byte
	// The edition reaches the reporting service through registration's events.
	fourMinutes := testkit.Video(t, 240, testkit.VideoFragmented)
	testkit.Eventually(t, 10*time.Second, func() error {
		resp, body = upload("FILE_KIND_VIDEO", "回放.mp4", fourMinutes)
		if resp.StatusCode == http.StatusNotFound {
			return fmt.Errorf("%s %s", resp.Status, body)
		}
		return nil
	})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "4:00") {
		t.Fatalf("a 4-minute video: %s %s", resp.Status, body)
	}
	big := testkit.PadVideo(testkit.Video(t, 179, testkit.VideoMoovLast), 3<<20) // three megabytes: several chunks on each leg
	resp, body = upload("FILE_KIND_VIDEO", "开幕式.mp4", big)
	var stored struct {
		File struct {
			ID   string `json:"id"`
			Size string `json:"size"`
		} `json:"file"`
	}
	if resp.StatusCode != 200 || json.Unmarshal(body, &stored) != nil || stored.File.Size != fmt.Sprint(len(big)) {
		t.Fatalf("a 2m59s video: %s %s", resp.Status, body)
	}
	down, err := w.http.Get(w.base + "/download/report-file?id=" + stored.File.ID)
	if err != nil {
		t.Fatal(err)
	}
	back, _ := io.ReadAll(down.Body)
	down.Body.Close()
	if down.StatusCode != 200 || !bytes.Equal(back, big) || !strings.Contains(down.Header.Get("Content-Disposition"), url.PathEscape("开幕式.mp4")) {
		t.Fatalf("download: %s, %d bytes of %d", down.Status, len(back), len(big))
	}
	merged, err := w.http.Get(w.base + "/download/merged-table?edition=2024")
	if err != nil {
		t.Fatal(err)
	}
	content, _ := io.ReadAll(merged.Body)
	merged.Body.Close()
	book, err := excelize.OpenReader(bytes.NewReader(content))
	if merged.StatusCode != 200 || err != nil {
		t.Fatalf("merged table: %s %v", merged.Status, err)
	}
	if sheets := book.GetSheetList(); len(sheets) != 2 || sheets[1] != "附件2 特色活动推荐清单" {
		t.Fatalf("merged table's sheets: %v", sheets)
	}
}

// TestStreamsKeepWhatAnOperatorSetAcrossRestarts runs check-in on its own against three real
// nats-server nodes: it creates its stream with the configured three replicas; an operator then
// changes the stream's age limit, and check-in restarted with the one-replica default leaves the
// stream at R3 with the operator's limit.
func TestStreamsKeepWhatAnOperatorSetAcrossRestarts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cluster := testkit.StartNATSCluster(t, 3)
	dbURL := testkit.Postgres(t)
	// An R3 stream's requests wait for its Raft group, which on a 2-core machine busy with the
	// other tests can take longer than one request's 5 s (CI saw a delete and an info request
	// time out): every admin call is retried, each with its own deadline, for up to a minute.
	const patience = time.Minute
	jsCall := func(call func(context.Context) error) func() error {
		return func() error {
			cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			defer cancel()
			return call(cctx)
		}
	}
	start := func(streams bus.StreamOptions) {
		t.Helper()
		testkit.Eventually(t, patience, jsCall(func(ctx context.Context) error {
			if err := cluster.JetStream.DeleteStream(ctx, bus.StreamVenue); err != nil && !errors.Is(err, jetstream.ErrStreamNotFound) {
				return fmt.Errorf("delete the venue stream: %w", err)
			}
			return nil
		}))
		st, err := stack.Start(ctx, stack.Options{DataDir: t.TempDir(), Only: "checkin", DatabaseURL: dbURL, NATSURL: cluster.URL, LogWriter: io.Discard, Streams: streams})
		if err != nil {
			t.Fatalf("start: %v", err)
		}
		// Run ensures check-in's stream, then starts the projections, which ensure the venue
		// stream (deleted before each start): once that exists, check-in's has been ensured.
		testkit.Eventually(t, patience, jsCall(func(ctx context.Context) error {
			_, err := cluster.JetStream.Stream(ctx, bus.StreamVenue)
			return err
		}))
		if err := st.Close(ctx); err != nil {
			t.Fatalf("close: %v", err)
		}
	}
	config := func() jetstream.StreamConfig {
		t.Helper()
		var cfg jetstream.StreamConfig
		testkit.Eventually(t, patience, jsCall(func(ctx context.Context) error {
			s, err := cluster.JetStream.Stream(ctx, bus.StreamCheckin)
			if err == nil {
				cfg = s.CachedInfo().Config
			}
			return err
		}))
		return cfg
	}
	start(bus.StreamOptions{Replicas: 3})
	cfg := config()
	if cfg.Replicas != 3 || cfg.MaxAge != bus.DefaultMaxAge || cfg.MaxBytes != bus.DefaultMaxBytes {
		t.Fatalf("created with replicas %d, max age %v, max bytes %d; want 3 and the defaults", cfg.Replicas, cfg.MaxAge, cfg.MaxBytes)
	}
	cfg.MaxAge = 48 * time.Hour // the operator's choice (nats stream edit)
	testkit.Eventually(t, patience, jsCall(func(ctx context.Context) error {
		_, err := cluster.JetStream.UpdateStream(ctx, cfg)
		return err
	}))
	start(bus.StreamOptions{})
	if cfg := config(); cfg.Replicas != 3 || cfg.MaxAge != 48*time.Hour {
		t.Fatalf("after a restart configured for one replica: replicas %d, max age %v; want 3 and 48h", cfg.Replicas, cfg.MaxAge)
	}
}

func TestStreamLimitsFromTheEnvironment(t *testing.T) {
	t.Parallel()
	ages := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"21d", 21 * 24 * time.Hour, true}, {"504h", 504 * time.Hour, true}, {"none", -1, true}, {"0", -1, true},
		{"-3d", 0, false}, {"soon", 0, false}, {"-1h", 0, false},
	}
	for _, c := range ages {
		got, err := stack.ParseAge(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("ParseAge(%q) = %v, %v; want %v, ok %v", c.in, got, err, c.want, c.ok)
		}
	}
	sizes := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"8GiB", 8 << 30, true}, {"500MB", 500e6, true}, {"1048576", 1 << 20, true}, {"none", -1, true}, {"0", -1, true},
		{"-5MB", 0, false}, {"lots", 0, false}, {"9999999TiB", 0, false},
	}
	for _, c := range sizes {
		got, err := stack.ParseBytes(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("ParseBytes(%q) = %v, %v; want %v, ok %v", c.in, got, err, c.want, c.ok)
		}
	}
}
