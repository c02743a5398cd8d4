package venue_test

import (
	"context"
	"crypto/sha256"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/sciweek/sciweek/pkg/auth"
	"github.com/sciweek/sciweek/pkg/bus"
	venuev1 "github.com/sciweek/sciweek/pkg/gen/sciweek/venue/v1"
	"github.com/sciweek/sciweek/pkg/rpc"
	"github.com/sciweek/sciweek/pkg/testkit"
	"github.com/sciweek/sciweek/services/venue"
)

func TestMain(m *testing.M) { os.Exit(testkit.Main(m)) }

type fixture struct {
	venues    venuev1.VenueServiceClient
	terminals venuev1.TerminalServiceClient
	js        jetstream.JetStream
	tokens    *testkit.Tokens
}

func start(t *testing.T) *fixture {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	tel := testkit.Telemetry(t, "venue")
	pool := testkit.Pool(t, venue.Schema, tel)
	n := testkit.StartNATS(t)
	if err := venue.Migrate(ctx, pool, tel); err != nil {
		t.Fatal(err)
	}
	tokens := testkit.NewTokens(t)
	svc, err := venue.New(venue.Config{Pool: pool, JetStream: n.JetStream, Telemetry: tel, People: tokens.Verifier})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { defer close(done); _ = svc.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	conn := testkit.Serve(t, svc.Server().GRPC, tel)
	return &fixture{venues: venuev1.NewVenueServiceClient(conn), terminals: venuev1.NewTerminalServiceClient(conn), js: n.JetStream, tokens: tokens}
}

func (f *fixture) createVenue(t *testing.T, as auth.Principal, county string) *venuev1.Venue {
	t.Helper()
	resp, err := f.venues.CreateVenue(context.Background(), &venuev1.CreateVenueRequest{
		Name: "太原市科技馆", Kind: venuev1.VenueKind_VENUE_KIND_SCIENCE_MUSEUM, CountyCode: county, Address: "长风街", SafeCapacity: 800,
	}, f.tokens.As(t, as))
	if err != nil {
		t.Fatalf("create venue: %v", err)
	}
	return resp.GetVenue()
}

func TestProvisionPublishesOnlyTheCredentialHash(t *testing.T) {
	t.Parallel()
	f := start(t)
	ctx := context.Background()
	admin := testkit.CountyAdmin("140105")
	v := f.createVenue(t, admin, "140105")
	resp, err := f.terminals.ProvisionTerminal(ctx, &venuev1.ProvisionTerminalRequest{VenueId: v.GetId(), Name: "东门 1"}, f.tokens.As(t, admin))
	if err != nil {
		t.Fatal(err)
	}
	cred := resp.GetCredential()
	if !strings.HasPrefix(cred, auth.TerminalCredentialPrefix) {
		t.Fatalf("credential %q lacks the terminal prefix", cred)
	}
	if _, err := auth.ParseTerminalCredential(cred); err != nil {
		t.Fatalf("issued credential does not parse: %v", err)
	}
	want := sha256.Sum256([]byte(cred))
	var got venuev1.TerminalProvisioned
	waitEvent(t, f.js, "sciweek.venue.terminal.provisioned", &got)
	if got.GetTerminal().GetId() != resp.GetTerminal().GetId() || string(got.GetCredentialSha256()) != string(want[:]) {
		t.Fatalf("event %v does not carry the terminal and its credential hash", &got)
	}
	var changed venuev1.VenueChanged
	waitEvent(t, f.js, "sciweek.venue.venue.changed", &changed)
	if changed.GetVenue().GetId() != v.GetId() || changed.GetActor() != admin.Subject {
		t.Fatalf("VenueChanged = %v", &changed)
	}
}

func waitEvent(t *testing.T, js jetstream.JetStream, subject string, into proto.Message) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	testkit.Eventually(t, 5*time.Second, func() error {
		stream, err := js.Stream(ctx, bus.StreamVenue)
		if err != nil {
			return err
		}
		msg, err := stream.GetLastMsgForSubject(ctx, subject)
		if err != nil {
			return err
		}
		return proto.Unmarshal(msg.Data, into)
	})
}

func TestRevokeTwiceFails(t *testing.T) {
	t.Parallel()
	f := start(t)
	ctx := context.Background()
	as := f.tokens.As(t, testkit.CityAdmin())
	v := f.createVenue(t, testkit.CityAdmin(), "140106")
	resp, err := f.terminals.ProvisionTerminal(ctx, &venuev1.ProvisionTerminalRequest{VenueId: v.GetId(), Name: "闸机"}, as)
	if err != nil {
		t.Fatal(err)
	}
	id := resp.GetTerminal().GetId()
	r1, err := f.terminals.RevokeTerminal(ctx, &venuev1.RevokeTerminalRequest{TerminalId: id}, as)
	if err != nil || r1.GetTerminal().GetState() != venuev1.TerminalState_TERMINAL_STATE_REVOKED {
		t.Fatalf("revoke: %v %v", r1, err)
	}
	_, err = f.terminals.RevokeTerminal(ctx, &venuev1.RevokeTerminalRequest{TerminalId: id}, as)
	wantCode(t, err, codes.FailedPrecondition)
	list, err := f.terminals.ListTerminals(ctx, &venuev1.ListTerminalsRequest{VenueId: v.GetId()}, as)
	if err != nil || len(list.GetTerminals()) != 1 || list.GetTerminals()[0].GetRevokedAt() == nil {
		t.Fatalf("list after revoke: %v %v", list, err)
	}
}

func wantCode(t *testing.T, err error, code codes.Code) {
	t.Helper()
	if status.Code(err) != code {
		t.Fatalf("got %v, want %v", err, code)
	}
	if st, _ := status.FromError(err); st.Message() == "" {
		t.Fatalf("error %v has no message for people", err)
	}
}

func TestRefusals(t *testing.T) {
	t.Parallel()
	f := start(t)
	ctx := context.Background()
	other := f.createVenue(t, testkit.CityAdmin(), "140106")
	xiaodian := testkit.CountyAdmin("140105")
	viewer := auth.Principal{Subject: "bureau-screen", Role: auth.RoleViewer}
	tests := []struct {
		name string
		call func() error
		want codes.Code
	}{
		{"no credential", func() error {
			_, err := f.venues.ListVenues(ctx, &venuev1.ListVenuesRequest{})
			return err
		}, codes.Unauthenticated},
		{"forged token", func() error {
			_, err := f.venues.ListVenues(ctx, &venuev1.ListVenuesRequest{}, grpc.PerRPCCredentials(rpc.BearerCredential("eyJhbGciOiJFZERTQSJ9.e30.c2ln")))
			return err
		}, codes.Unauthenticated},
		{"token of another issuer", func() error {
			_, err := f.venues.ListVenues(ctx, &venuev1.ListVenuesRequest{}, testkit.NewTokens(t).As(t, testkit.CityAdmin()))
			return err
		}, codes.Unauthenticated},
		{"terminal credential", func() error {
			_, err := f.venues.ListVenues(ctx, &venuev1.ListVenuesRequest{}, grpc.PerRPCCredentials(rpc.BearerCredential("sct_0123456789abcdef0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")))
			return err
		}, codes.Unauthenticated},
		{"viewer cannot create", func() error {
			_, err := f.venues.CreateVenue(ctx, &venuev1.CreateVenueRequest{Name: "某基地", Kind: venuev1.VenueKind_VENUE_KIND_SCHOOL, CountyCode: "140105"}, f.tokens.As(t, viewer))
			return err
		}, codes.PermissionDenied},
		{"county admin creates in another county", func() error {
			_, err := f.venues.CreateVenue(ctx, &venuev1.CreateVenueRequest{Name: "某基地", Kind: venuev1.VenueKind_VENUE_KIND_SCHOOL, CountyCode: "140106"}, f.tokens.As(t, xiaodian))
			return err
		}, codes.PermissionDenied},
		{"county admin lists another county", func() error {
			_, err := f.venues.ListVenues(ctx, &venuev1.ListVenuesRequest{CountyCode: "140106"}, f.tokens.As(t, xiaodian))
			return err
		}, codes.PermissionDenied},
		{"county admin reads another county's venue", func() error {
			_, err := f.venues.GetVenue(ctx, &venuev1.GetVenueRequest{VenueId: other.GetId()}, f.tokens.As(t, xiaodian))
			return err
		}, codes.NotFound},
		{"county admin provisions at another county's venue", func() error {
			_, err := f.terminals.ProvisionTerminal(ctx, &venuev1.ProvisionTerminalRequest{VenueId: other.GetId(), Name: "x"}, f.tokens.As(t, xiaodian))
			return err
		}, codes.NotFound},
		{"malformed county code", func() error {
			_, err := f.venues.CreateVenue(ctx, &venuev1.CreateVenueRequest{Name: "某基地", Kind: venuev1.VenueKind_VENUE_KIND_SCHOOL, CountyCode: "14"}, f.tokens.As(t, testkit.CityAdmin()))
			return err
		}, codes.InvalidArgument},
		{"missing kind", func() error {
			_, err := f.venues.CreateVenue(ctx, &venuev1.CreateVenueRequest{Name: "某基地", CountyCode: "140105"}, f.tokens.As(t, testkit.CityAdmin()))
			return err
		}, codes.InvalidArgument},
		{"unknown venue", func() error {
			_, err := f.venues.GetVenue(ctx, &venuev1.GetVenueRequest{VenueId: "0190f0a8-0000-7000-8000-000000000000"}, f.tokens.As(t, testkit.CityAdmin()))
			return err
		}, codes.NotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantCode(t, tt.call(), tt.want)
		})
	}
	// A county admin listing without a county gets their own county only.
	mine := f.createVenue(t, xiaodian, "140105")
	list, err := f.venues.ListVenues(ctx, &venuev1.ListVenuesRequest{}, f.tokens.As(t, xiaodian))
	if err != nil || len(list.GetVenues()) != 1 || list.GetVenues()[0].GetId() != mine.GetId() {
		t.Fatalf("county admin's list = %v, %v; want only their venue", list, err)
	}
}
