package stack_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/sciweek/sciweek/pkg/audit"
	"github.com/sciweek/sciweek/pkg/auth"
	_ "github.com/sciweek/sciweek/pkg/gen/sciweek/audit/v1"
	checkinv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/checkin/v1"
	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
	"github.com/sciweek/sciweek/pkg/rpc"
	"github.com/sciweek/sciweek/services/checkin"
	"github.com/sciweek/sciweek/services/registration"
	"github.com/sciweek/sciweek/services/reporting"
	"github.com/sciweek/sciweek/services/venue"
)

// matrixPart is a service as the authorization matrix sees it: the contracts it serves, its
// policy, and which kinds of credential its authenticator takes at all.
type matrixPart struct {
	name              string
	packages          []string
	policy            auth.Policy
	people, terminals bool
}

func matrixParts() []matrixPart {
	return []matrixPart{
		{name: "registration", packages: []string{"sciweek.registration.v1", "sciweek.audit.v1"}, policy: registration.Policy(), people: true},
		{name: "venue", packages: []string{"sciweek.venue.v1", "sciweek.audit.v1"}, policy: venue.Policy(), people: true, terminals: true},
		{name: "checkin", packages: []string{"sciweek.checkin.v1"}, policy: checkin.Policy(), terminals: true},
		{name: "reporting", packages: []string{"sciweek.reporting.v1", "sciweek.audit.v1"}, policy: reporting.Policy(), people: true},
	}
}

// anonymous is the caller without a credential.
const anonymous = "anonymous"

// matrixRoles are the callers every RPC is tried with.
var matrixRoles = []string{string(auth.RoleCityAdmin), string(auth.RoleCountyAdmin), string(auth.RoleOrganizer),
	string(auth.RoleTerminal), string(auth.RoleViewer), anonymous}

// allowed is the expectation of a call the role layer lets through: any answer but
// Unauthenticated and PermissionDenied (an empty request is then refused as invalid, not found,
// or served).
const allowed = "allowed"

// expected is what the policy table says a role gets from method on part.
func expected(p matrixPart, method, role string) (string, error) {
	_, hasRow := p.policy.Roles[method]
	if !hasRow && !p.policy.IsPublic(method) {
		return "", fmt.Errorf("%s has no row in %s's policy: say who may call it", method, p.name)
	}
	switch {
	case p.policy.IsPublic(method):
		return allowed, nil
	case role == anonymous:
		return codes.Unauthenticated.String(), nil
	case role == string(auth.RoleTerminal) && !p.terminals, role != string(auth.RoleTerminal) && !p.people:
		return codes.Unauthenticated.String(), nil // the service does not take this kind of credential
	case p.policy.Allows(method, auth.Role(role)):
		return allowed, nil
	}
	return codes.PermissionDenied.String(), nil
}

// scopeFields are the request fields that say which county, unit, venue or activity a call is
// about; the matrix fills them with the caller's own and with another county's.
var scopeFields = []protoreflect.Name{"county_code", "unit_id", "venue_id", "activity_id"}

type matrixCall struct {
	part, method, role, scope string // scope: "", "own" or "other"
	want                      string
	desc                      protoreflect.MethodDescriptor
	fill                      map[protoreflect.Name]string
	got                       string
	leak                      string // another county's id found in the answer
}

// TestAuthorizationMatrix calls every RPC of every service, with the real services and real
// credentials, as every role (city admin, county admin, organizer, terminal, viewer, anonymous)
// and, where the request names a county, unit, venue or activity, with the caller's own and
// another county's. The expected answers come from the services' policy tables: an RPC with no
// row fails the test.
func TestAuthorizationMatrix(t *testing.T) {
	t.Parallel()
	w := startWorld(t)
	ctx := context.Background()
	const own, other = "140105", "140106"
	ownVenue, ownActivity, terminal := w.setup(t, own)
	otherVenue, otherActivity, _ := w.setup(t, other)
	acts := registrationv1.NewActivityServiceClient(w.conns["registration"])
	unitOf := func(activity string) string {
		a, err := acts.GetActivity(ctx, &registrationv1.GetActivityRequest{ActivityId: activity}, w.admin)
		if err != nil {
			t.Fatal(err)
		}
		return a.GetActivity().GetUnitId()
	}
	ownUnit, otherUnit := unitOf(ownActivity), unitOf(otherActivity)
	creds := map[string]grpc.CallOption{string(auth.RoleCityAdmin): w.admin, string(auth.RoleTerminal): terminal}
	for _, a := range []struct {
		role   auth.Role
		county string
		unit   string
	}{{auth.RoleCountyAdmin, own, ""}, {auth.RoleOrganizer, own, ownUnit}, {auth.RoleViewer, "", ""}} {
		unit := uuid.Nil
		if a.unit != "" {
			unit = uuid.MustParse(a.unit)
		}
		name := "matrix-" + string(a.role)
		if err := w.st.Registration.SetAccount(ctx, name, "matrix-password-1", a.role, a.county, unit, name); err != nil {
			t.Fatal(err)
		}
		login, err := registrationv1.NewAccountServiceClient(w.conns["registration"]).Login(ctx, &registrationv1.LoginRequest{Username: name, Password: "matrix-password-1"})
		if err != nil {
			t.Fatal(err)
		}
		creds[string(a.role)] = grpc.PerRPCCredentials(rpc.BearerCredential(login.GetAccessToken()))
	}
	scopes := map[string]map[protoreflect.Name]string{
		"own":   {"county_code": own, "unit_id": ownUnit, "venue_id": ownVenue, "activity_id": ownActivity},
		"other": {"county_code": other, "unit_id": otherUnit, "venue_id": otherVenue, "activity_id": otherActivity},
	}

	// Every RPC of every contract, with its expected answer for every role.
	var calls []*matrixCall
	rpcs := 0
	seen := map[string]bool{}
	for _, p := range matrixParts() {
		for _, pkg := range p.packages {
			protoregistry.GlobalFiles.RangeFilesByPackage(protoreflect.FullName(pkg), func(fd protoreflect.FileDescriptor) bool {
				for i := range fd.Services().Len() {
					sd := fd.Services().Get(i)
					for j := range sd.Methods().Len() {
						md := sd.Methods().Get(j)
						method := "/" + string(sd.FullName()) + "/" + string(md.Name())
						seen[p.name+method] = true
						rpcs++
						for _, role := range matrixRoles {
							want, err := expected(p, method, role)
							if err != nil {
								t.Error(err)
								continue
							}
							calls = append(calls, &matrixCall{part: p.name, method: method, role: role, want: want, desc: md})
							if want != allowed || (role != string(auth.RoleCountyAdmin) && role != string(auth.RoleOrganizer)) || p.policy.IsPublic(method) {
								continue
							}
							if fields := scopeFieldsOf(md.Input()); len(fields) > 0 {
								for _, scope := range []string{"own", "other"} {
									calls = append(calls, &matrixCall{part: p.name, method: method, role: role, scope: scope, want: allowed, desc: md, fill: scopes[scope]})
								}
							}
						}
					}
				}
				return true
			})
		}
		// A row for a method no contract has is a leftover.
		for m := range p.policy.Roles {
			if !seen[p.name+m] {
				t.Errorf("%s's policy has a row for %s, which it does not serve", p.name, m)
			}
		}
	}
	if rpcs < 70 {
		t.Fatalf("only %d RPCs found: are the contracts linked in?", rpcs)
	}

	// Check-in learns of the terminal from venue's events: wait until it takes the credential.
	hello := checkinv1.NewCheckinServiceClient(w.conns["checkin"])
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		_, err := hello.Hello(ctx, &checkinv1.HelloRequest{}, terminal)
		if status.Code(err) != codes.Unauthenticated {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("check-in never took the terminal's credential: %v", err)
		}
	}

	// Every call, sixteen at a time; a terminal's rotating its credential and a person's
	// signing out end the credential, so those calls come last.
	var last []*matrixCall
	calls = slices.DeleteFunc(calls, func(c *matrixCall) bool {
		if (c.role == string(auth.RoleTerminal) && strings.HasSuffix(c.method, "/RotateTerminalCredential")) || strings.HasSuffix(c.method, "/Logout") {
			last = append(last, c)
			return true
		}
		return false
	})
	start := time.Now()
	work := make(chan *matrixCall)
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for c := range work {
				c.got, c.leak = invoke(w.conns[c.part], c, creds[c.role])
			}
		})
	}
	for _, c := range calls {
		work <- c
	}
	close(work)
	wg.Wait()
	for _, c := range last {
		c.got, c.leak = invoke(w.conns[c.part], c, creds[c.role])
	}
	calls = append(calls, last...)
	t.Logf("authorization matrix: %d RPCs, %d calls in %v", rpcs, len(calls), time.Since(start).Round(time.Millisecond))

	var wrong []string
	reached := 0
	for _, c := range calls {
		denied := c.got == codes.PermissionDenied.String() || c.got == codes.Unauthenticated.String()
		switch {
		case c.scope == "other":
			// Another county's ids: refused, or answered without anything of that county (a list
			// kept to the caller's own). A refusal that is not invalid input shows the scope
			// check was reached.
			if c.leak != "" {
				wrong = append(wrong, fmt.Sprintf("%s %s as %s with another county's ids: the answer holds %s", c.part, c.method, c.role, c.leak))
			}
			if c.got == codes.PermissionDenied.String() || c.got == codes.NotFound.String() {
				reached++
			}
		case c.want == allowed && denied:
			wrong = append(wrong, fmt.Sprintf("%s %s as %s %s: got %s, want it let through", c.part, c.method, c.role, c.scope, c.got))
		case c.want != allowed && c.got != c.want:
			wrong = append(wrong, fmt.Sprintf("%s %s as %s: got %s, want %s", c.part, c.method, c.role, c.got, c.want))
		}
	}
	t.Logf("calls with another county's ids refused by the scope check (PermissionDenied or NotFound): %d", reached)
	sort.Strings(wrong)
	for _, s := range wrong {
		t.Error(s)
	}

	// The calls above are in the audit trails, whose chains hold; terminals' check-ins are not.
	conn, err := pgx.Connect(ctx, w.st.DatabaseURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, p := range matrixParts() {
		r, err := audit.Verify(ctx, conn, p.name, nil)
		if err != nil || !r.OK() {
			t.Errorf("%s's audit chain: %+v %v", p.name, r, err)
		}
		if p.name != "checkin" && r.Entries == 0 {
			t.Errorf("%s's audit chain is empty", p.name)
		}
	}
	var checkins int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM checkin.audit_entries WHERE method = ANY($1)`,
		[]string{checkinv1.CheckinService_RecordCheckin_FullMethodName, checkinv1.CheckinService_UploadCheckins_FullMethodName}).Scan(&checkins); err != nil || checkins != 0 {
		t.Errorf("terminals' check-ins in the audit trail: %d %v", checkins, err)
	}
	var logins, refusals int
	if err := conn.QueryRow(ctx, `SELECT count(*) FILTER (WHERE method = $1 AND outcome = 'OK' AND role <> ''), count(*) FILTER (WHERE outcome = 'PermissionDenied')
		FROM registration.audit_entries`, registrationv1.AccountService_Login_FullMethodName).Scan(&logins, &refusals); err != nil {
		t.Fatal(err)
	}
	if logins < 4 || refusals == 0 {
		t.Errorf("registration's trail: %d sign-ins, %d refusals", logins, refusals)
	}
}

// scopeFieldsOf lists the scope fields of a request, top level or in a message it holds.
func scopeFieldsOf(md protoreflect.MessageDescriptor) []protoreflect.Name {
	var out []protoreflect.Name
	fields := md.Fields()
	for i := range fields.Len() {
		f := fields.Get(i)
		if slices.Contains(scopeFields, f.Name()) && f.Kind() == protoreflect.StringKind && !f.IsList() {
			out = append(out, f.Name())
		}
		if f.Kind() == protoreflect.MessageKind && !f.IsList() && !f.IsMap() {
			sub := f.Message().Fields()
			for k := range sub.Len() {
				if sf := sub.Get(k); slices.Contains(scopeFields, sf.Name()) && sf.Kind() == protoreflect.StringKind && !sf.IsList() {
					out = append(out, f.Name()+"."+sf.Name())
				}
			}
		}
	}
	return out
}

// fillScope sets the request's scope fields from fill.
func fillScope(m *dynamicpb.Message, fill map[protoreflect.Name]string) {
	fields := m.Descriptor().Fields()
	for i := range fields.Len() {
		f := fields.Get(i)
		if v, ok := fill[f.Name()]; ok && f.Kind() == protoreflect.StringKind && !f.IsList() {
			m.Set(f, protoreflect.ValueOfString(v))
		}
		if f.Kind() == protoreflect.MessageKind && !f.IsList() && !f.IsMap() && len(scopeFieldsOfMessage(f.Message())) > 0 {
			sub := dynamicpb.NewMessage(f.Message())
			fillScope(sub, fill)
			m.Set(f, protoreflect.ValueOfMessage(sub))
		}
	}
}

func scopeFieldsOfMessage(md protoreflect.MessageDescriptor) []protoreflect.Name {
	var out []protoreflect.Name
	for i := range md.Fields().Len() {
		if f := md.Fields().Get(i); slices.Contains(scopeFields, f.Name()) && f.Kind() == protoreflect.StringKind && !f.IsList() {
			out = append(out, f.Name())
		}
	}
	return out
}

// invoke calls c's method with a request holding only its scope fields and returns the answer's
// code name and, for a call with another county's ids, which of them the answer holds.
func invoke(conn *grpc.ClientConn, c *matrixCall, cred grpc.CallOption) (string, string) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	in := dynamicpb.NewMessage(c.desc.Input())
	if c.fill != nil {
		fillScope(in, c.fill)
	}
	out := dynamicpb.NewMessage(c.desc.Output())
	var opts []grpc.CallOption
	if cred != nil {
		opts = append(opts, cred)
	}
	method := "/" + string(c.desc.Parent().FullName()) + "/" + string(c.desc.Name())
	var err error
	if !c.desc.IsStreamingClient() && !c.desc.IsStreamingServer() {
		err = conn.Invoke(ctx, method, in, out, opts...)
	} else {
		var s grpc.ClientStream
		s, err = conn.NewStream(ctx, &grpc.StreamDesc{ServerStreams: c.desc.IsStreamingServer(), ClientStreams: c.desc.IsStreamingClient()}, method, opts...)
		if err == nil {
			if err = s.SendMsg(in); err == nil || errors.Is(err, io.EOF) {
				_ = s.CloseSend()
				err = s.RecvMsg(out)
			}
		}
	}
	if err != nil {
		return status.Code(err).String(), ""
	}
	if c.scope == "other" {
		text, _ := protojson.Marshal(out)
		for name, id := range c.fill {
			if strings.Contains(string(text), id) {
				return codes.OK.String(), string(name) + " " + id
			}
		}
	}
	return codes.OK.String(), ""
}
