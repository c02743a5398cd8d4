package stack_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/xuri/excelize/v2"
	"google.golang.org/grpc"

	"github.com/sciweek/sciweek/pkg/auth"
	auditv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/audit/v1"
	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
	"github.com/sciweek/sciweek/pkg/rpc"
)

// TestAuditTrailRecordsSignInsChangesAndExports signs in (once wrongly), changes venues and
// terminals, reads the trails through the gateway as the console does, exports one, and checks
// that a county admin sees only their county's entries.
func TestAuditTrailRecordsSignInsChangesAndExports(t *testing.T) {
	t.Parallel()
	w := startWorld(t)
	ctx := context.Background()
	resp, err := w.http.Post(w.base+"/auth/login", "application/json", strings.NewReader(`{"username":"admin","password":"wrong-password-7"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("wrong password: %s", resp.Status)
	}
	w.loginHTTP(t)
	venueID, _, _ := w.setup(t, "140105")

	get := func(path string) []byte {
		t.Helper()
		resp, err := w.http.Get(w.base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %s %s", path, resp.Status, body)
		}
		return body
	}
	type page struct {
		Entries []struct {
			Actor, Role, Client, Method, Targets, Outcome, Reason string
		}
	}
	var logins page
	body := get("/api/v1/audit/registration/entries?method=Login")
	if err := json.Unmarshal(body, &logins); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(body), w.password) || strings.Contains(string(body), "wrong-password-7") {
		t.Fatal("a password reached the audit trail")
	}
	var ok, refused bool
	for _, e := range logins.Entries {
		if e.Actor != "admin" || !strings.Contains(e.Client, "127.0.0.1") {
			continue
		}
		ok = ok || (e.Outcome == "OK" && e.Role == string(auth.RoleCityAdmin))
		refused = refused || e.Outcome == "Unauthenticated"
	}
	if !ok || !refused {
		t.Fatalf("sign-ins in the trail (want one refused, one OK, from 127.0.0.1): %+v", logins.Entries)
	}

	var venues page
	if err := json.Unmarshal(get("/api/v1/audit/venue/entries"), &venues); err != nil {
		t.Fatal(err)
	}
	methods := map[string]string{}
	for _, e := range venues.Entries {
		methods[e.Method[strings.LastIndex(e.Method, "/")+1:]] = e.Targets
	}
	if !strings.Contains(methods["CreateVenue"], "venue_id="+venueID) || !strings.Contains(methods["ProvisionTerminal"], "venue_id="+venueID) ||
		!strings.Contains(methods["ActivateTerminal"], "terminal_id=") {
		t.Fatalf("venue and terminal changes in the trail: %v", methods)
	}

	// The export is a spreadsheet, and is itself audited.
	xlsx := get("/download/audit.xlsx?service=venue")
	f, err := excelize.OpenReader(bytes.NewReader(xlsx))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows("审计日志")
	if len(rows) < 4 || rows[2][0] != "序号" {
		t.Fatalf("export rows: %v", rows)
	}
	var again page
	if err := json.Unmarshal(get("/api/v1/audit/venue/entries?method=ExportAuditEntries"), &again); err != nil || len(again.Entries) != 1 {
		t.Fatalf("the export is not in the trail: %+v %v", again, err)
	}
	if r, err := w.http.Get(w.base + "/api/v1/audit/nowhere/entries"); err != nil || r.StatusCode != http.StatusBadRequest {
		t.Fatalf("unknown service: %v %v", r.Status, err)
	}

	// A county admin sees only the entries of their county's callers.
	if err := w.st.Registration.SetAccount(ctx, "county-audit", "county-password-1", auth.RoleCountyAdmin, "140105", uuid.Nil, "县管理员"); err != nil {
		t.Fatal(err)
	}
	login, err := registrationv1.NewAccountServiceClient(w.conns["registration"]).Login(ctx, &registrationv1.LoginRequest{Username: "county-audit", Password: "county-password-1"})
	if err != nil {
		t.Fatal(err)
	}
	county := grpc.PerRPCCredentials(rpc.BearerCredential(login.GetAccessToken()))
	seen, err := auditv1.NewAuditServiceClient(w.conns["registration"]).ListAuditEntries(ctx,
		&auditv1.ListAuditEntriesRequest{Filter: &auditv1.AuditFilter{CountyCode: ""}}, county)
	if err != nil {
		t.Fatal(err)
	}
	if len(seen.GetEntries()) == 0 {
		t.Fatal("the county admin sees not even their own sign-in")
	}
	for _, e := range seen.GetEntries() {
		if e.GetCountyCode() != "140105" {
			t.Fatalf("a county admin sees another county's entry: %v", e)
		}
	}
}
