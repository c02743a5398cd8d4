package auth_test

import (
	"context"
	"testing"
	"time"

	"github.com/sciweek/sciweek/pkg/auth"
	"github.com/sciweek/sciweek/pkg/errs"
)

// TestRevocationsEndOlderTokenVersions: a verifier with revocations refuses an account's tokens
// below its ended version, keeps the newer ones and other accounts' working, and a late or
// repeated event never lowers the version.
func TestRevocationsEndOlderTokenVersions(t *testing.T) {
	t.Parallel()
	iss, _ := auth.NewTokenIssuer(key(t), time.Hour)
	ver, _ := auth.NewTokenVerifier(iss.PublicKey())
	rev := auth.NewRevocations()
	ver.WithRevocations(rev)
	issue := func(user string, v int64, must bool) string {
		tok, _, err := iss.Issue(auth.Principal{Subject: user, Role: auth.RoleViewer, TokenVersion: v, MustChangePassword: must})
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	old, current, other := issue("a", 0, false), issue("a", 2, true), issue("b", 0, false)
	rev.End("a", 2)
	rev.End("a", 1) // late, changes nothing
	tests := []struct {
		name  string
		token string
		ended bool
	}{
		{"older version", old, true},
		{"current version", current, false},
		{"another account", other, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ver.Authenticate(context.Background(), tt.token)
			if tt.ended {
				if !errs.Is(err, auth.ErrSessionEnded) || errs.KindOf(err) != errs.Unauthenticated {
					t.Fatalf("got %v, want the session ended", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.token == current && (p.TokenVersion != 2 || !p.MustChangePassword) {
				t.Errorf("the token lost its version or its one-time mark: %+v", p)
			}
		})
	}
}

// TestTokenTimes reads a token's issue and expiry times without its key, and nothing from
// what is not a token.
func TestTokenTimes(t *testing.T) {
	t.Parallel()
	iss, _ := auth.NewTokenIssuer(key(t), 30*time.Minute)
	tok, exp, _ := iss.Issue(auth.Principal{Subject: "a", Role: auth.RoleViewer})
	issued, expires, ok := auth.TokenTimes(tok)
	if !ok || expires.Unix() != exp.Unix() || expires.Sub(issued) != 30*time.Minute {
		t.Fatalf("got %v %v %v", issued, expires, ok)
	}
	for _, bad := range []string{"", "a.b.c", "sct_x", "x.eyJpYXQiOjF9.y"} {
		if _, _, ok := auth.TokenTimes(bad); ok {
			t.Errorf("%q read as a token", bad)
		}
	}
}
