package auth_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/sciweek/sciweek/pkg/auth"
	"github.com/sciweek/sciweek/pkg/errs"
)

func key(t *testing.T) ed25519.PrivateKey {
	t.Helper()
	_, k, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestTokens(t *testing.T) {
	t.Parallel()
	iss, _ := auth.NewTokenIssuer(key(t), time.Hour)
	other, _ := auth.NewTokenIssuer(key(t), time.Hour)
	expired, _ := auth.NewTokenIssuer(key(t), time.Nanosecond)
	ver, _ := auth.NewTokenVerifier(iss.PublicKey(), expired.PublicKey())
	p := auth.Principal{Subject: "xiaodian", Role: auth.RoleCountyAdmin, CountyCode: "140105", DisplayName: "小店区科技局"}
	good, _, err := iss.Issue(p)
	if err != nil {
		t.Fatal(err)
	}
	foreign, _, _ := other.Issue(p)
	stale, _, _ := expired.Issue(p)
	time.Sleep(10 * time.Millisecond)
	parts := strings.Split(good, ".")
	tampered := parts[0] + "." + strings.Replace(parts[1], parts[1][:4], "eyJy", 1) + "." + parts[2]
	tests := []struct {
		name  string
		token string
		ok    bool
		msg   string
	}{
		{"issued here", good, true, ""},
		{"signed by another key", foreign, false, "not valid"},
		{"expired", stale, false, "expired"},
		{"payload changed", tampered, false, "not valid"},
		{"not a token", "hello", false, "not valid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ver.Authenticate(context.Background(), tt.token)
			if tt.ok {
				if err != nil || got != p {
					t.Fatalf("got %+v %v, want %+v", got, err, p)
				}
				return
			}
			if errs.KindOf(err) != errs.Unauthenticated || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("err = %v, want Unauthenticated containing %q", err, tt.msg)
			}
		})
	}
	if _, _, err := iss.Issue(auth.Principal{Subject: "t", Role: auth.RoleTerminal}); err == nil {
		t.Fatal("terminals must not get access tokens")
	}
}

func TestTerminalCredentials(t *testing.T) {
	t.Parallel()
	id := uuid.New()
	c, err := auth.NewTerminalCredential(id)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := auth.ParseTerminalCredential(c.String())
	if err != nil || parsed.TerminalID != id || parsed.Hash() != c.Hash() {
		t.Fatalf("round trip: %+v %v", parsed, err)
	}
	for _, bad := range []string{"", "sct_", "sct_" + strings.Repeat("0", 32), "sct_zz" + c.String()[6:], "xyz" + c.String()[3:], c.String()[:len(c.String())-1]} {
		if _, err := auth.ParseTerminalCredential(bad); errs.KindOf(err) != errs.Unauthenticated {
			t.Errorf("%q parsed: %v", bad, err)
		}
	}
}

func TestScopes(t *testing.T) {
	t.Parallel()
	county := auth.Principal{Role: auth.RoleCountyAdmin, CountyCode: "140105"}
	city := auth.Principal{Role: auth.RoleCityAdmin}
	viewer := auth.Principal{Role: auth.RoleViewer}
	tests := []struct {
		name         string
		p            auth.Principal
		county       string
		see, changes bool
	}{
		{"county admin, own county", county, "140105", true, true},
		{"county admin, other county", county, "140106", false, false},
		{"county admin, no county named", county, "", false, false},
		{"city admin", city, "140106", true, true},
		{"viewer sees, never changes", viewer, "140106", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.p.CanSeeCounty(tt.county); got != tt.see {
				t.Errorf("CanSeeCounty = %v", got)
			}
			if got := tt.p.CanAdministerCounty(tt.county); got != tt.changes {
				t.Errorf("CanAdministerCounty = %v", got)
			}
		})
	}
}

func TestTerminalAuthenticatorRefusesWhatItMust(t *testing.T) {
	t.Parallel()
	good, err := auth.NewTerminalCredential(uuid.New())
	if err != nil {
		t.Fatal(err)
	}
	other, _ := auth.NewTerminalCredential(good.TerminalID)
	venue := uuid.New()
	record := auth.TerminalRecord{ID: good.TerminalID, VenueID: venue, CountyCode: "140105", CredentialHash: good.Hash()}
	for _, tc := range []struct {
		name       string
		credential string
		record     auth.TerminalRecord
		found      bool
		lookupErr  error
		want       errs.Kind
		message    string
	}{
		{"the right credential", good.String(), record, true, nil, 0, ""},
		{"an unknown terminal", good.String(), record, false, nil, errs.Unauthenticated, "not known here"},
		{"another secret for the terminal", other.String(), record, true, nil, errs.Unauthenticated, "terminal credential is not valid"},
		{"a revoked terminal", good.String(), func() auth.TerminalRecord { r := record; r.Refusal = revoked.New(); return r }(), true, nil,
			errs.Unauthenticated, "terminal revoked"},
		{"a malformed credential", "sct_nope", record, true, nil, errs.Unauthenticated, "terminal credential is malformed"},
		{"the registry is down", good.String(), record, false, errs.E(errs.Unavailable, "down"), errs.Unavailable, "down"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			seen := 0
			a := auth.NewTerminalAuthenticator(func(context.Context, uuid.UUID) (auth.TerminalRecord, bool, error) {
				return tc.record, tc.found, tc.lookupErr
			}, notKnownHere, func(context.Context, auth.TerminalRecord) { seen++ })
			p, err := a.Authenticate(context.Background(), tc.credential)
			if tc.message == "" {
				if err != nil || p.Role != auth.RoleTerminal || p.Subject != good.TerminalID.String() || p.VenueID != venue.String() || seen != 1 {
					t.Fatalf("Authenticate = %+v, %v (seen %d)", p, err, seen)
				}
				return
			}
			if errs.KindOf(err) != tc.want || errs.Message(err) != tc.message || seen != 0 {
				t.Fatalf("Authenticate = %v (%v, %q), seen %d", err, errs.KindOf(err), errs.Message(err), seen)
			}
		})
	}
}

// The refusals a service would declare for its terminals.
var (
	notKnownHere = errs.Reason{Code: "TEST_TERMINAL_NOT_KNOWN", Kind: errs.Unauthenticated, English: "not known here", Chinese: "不认识此终端"}
	revoked      = errs.Reason{Code: "TEST_TERMINAL_REVOKED", Kind: errs.Unauthenticated, English: "terminal revoked", Chinese: "终端已撤销"}
)
