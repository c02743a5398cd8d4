package stack_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/sciweek/sciweek/cmd/sciweek/internal/stack"
	"github.com/sciweek/sciweek/pkg/auth"
	checkinv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/checkin/v1"
	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
	reportingv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/reporting/v1"
	venuev1 "github.com/sciweek/sciweek/pkg/gen/sciweek/venue/v1"
	"github.com/sciweek/sciweek/pkg/rpc"
	"github.com/sciweek/sciweek/pkg/testkit"
	"github.com/sciweek/sciweek/services/gateway"
)

// signInCookie signs user in through the gateway and returns the sign-in cookie's token.
func (w *world) signInCookie(t *testing.T, client *http.Client, user, password string) string {
	t.Helper()
	resp, err := client.Post(w.base+"/auth/login", "application/json", strings.NewReader(fmt.Sprintf(`{"username":%q,"password":%q}`, user, password)))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("login %s: %s %s", user, resp.Status, body)
	}
	for _, c := range resp.Cookies() {
		if c.Name == gateway.CookieName {
			return c.Value
		}
	}
	t.Fatal("no sign-in cookie")
	return ""
}

// jarToken is the sign-in cookie's token a cookie jar holds for the gateway at base.
func jarToken(jar http.CookieJar, base string) string {
	u, _ := url.Parse(base)
	for _, c := range jar.Cookies(u) {
		if c.Name == gateway.CookieName {
			return c.Value
		}
	}
	return ""
}

// httpStatus sends a GET to the gateway with the token as the cookie or as the bearer.
func (w *world) httpStatus(t *testing.T, path, token string, asCookie bool) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, w.base+path, nil)
	if asCookie {
		req.AddCookie(&http.Cookie{Name: gateway.CookieName, Value: token})
	} else {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// everywhere calls one people's RPC on each service's gRPC port (and on a reporting that runs
// in its own process, which hears of ended sessions only through events) with the token, and
// returns the error of each.
func everywhere(ctx context.Context, conns map[string]*grpc.ClientConn, token string) map[string]error {
	as := grpc.PerRPCCredentials(rpc.BearerCredential(token))
	out := map[string]error{}
	_, out["registration"] = registrationv1.NewAccountServiceClient(conns["registration"]).WhoAmI(ctx, &registrationv1.WhoAmIRequest{}, as)
	_, out["venue"] = venuev1.NewVenueServiceClient(conns["venue"]).ListVenues(ctx, &venuev1.ListVenuesRequest{}, as)
	_, out["reporting"] = reportingv1.NewStatsServiceClient(conns["reporting"]).GetOverview(ctx, &reportingv1.GetOverviewRequest{EditionId: "2024"}, as)
	_, out["reporting, own process"] = reportingv1.NewStatsServiceClient(conns["remote reporting"]).GetOverview(ctx, &reportingv1.GetOverviewRequest{EditionId: "2024"}, as)
	return out
}

// TestSessionsEndEverywhereThroughTheStack: after a sign-out the same token is refused as the
// gateway's bearer, as its cookie, and directly on every service's gRPC port (a reporting in its
// own process included, through the AccountSessionsEnded event); a password change, a reset
// and disabling do the same; a terminal's credential is not a session and keeps working.
func TestSessionsEndEverywhereThroughTheStack(t *testing.T) {
	t.Parallel()
	w := startWorld(t)
	ctx := context.Background()
	venue, activity, terminal := w.setup(t, "140105")
	rep, err := stack.Start(ctx, stack.Options{DataDir: t.TempDir(), Only: "reporting", DatabaseURL: testkit.Postgres(t), NATSURL: w.st.NATSURL,
		Remote: stack.Addrs{Registration: w.st.Addrs.Registration, Checkin: w.st.Addrs.Checkin}, LogWriter: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rep.Close(context.Background()) })
	conns := map[string]*grpc.ClientConn{}
	for k, v := range w.conns {
		conns[k] = v
	}
	remote, err := rpc.Dial(rep.Addrs.Reporting, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = remote.Close() })
	conns["remote reporting"] = remote
	// The reporting on its own is ready once it has the keys and the ended sessions.
	testkit.Eventually(t, 10*time.Second, func() error {
		_, err := reportingv1.NewStatsServiceClient(remote).GetOverview(ctx, &reportingv1.GetOverviewRequest{EditionId: "2024"}, w.admin)
		return err
	})
	accounts := registrationv1.NewAccountServiceClient(w.conns["registration"])

	ended := func(t *testing.T, token string) {
		t.Helper()
		for _, asCookie := range []bool{true, false} {
			if got := w.httpStatus(t, "/api/v1/auth/me", token, asCookie); got != http.StatusUnauthorized {
				t.Errorf("gateway (cookie %v): %d, want 401", asCookie, got)
			}
		}
		testkit.Eventually(t, 5*time.Second, func() error {
			var errs []error
			for where, err := range everywhere(ctx, conns, token) {
				if st := status.Convert(err); st.Code() != codes.Unauthenticated || rpc.DetailsOf(st).Reason != auth.ErrSessionEnded.Code {
					errs = append(errs, fmt.Errorf("%s: %v", where, err))
				}
			}
			return errors.Join(errs...)
		})
	}
	works := func(t *testing.T, token string) {
		t.Helper()
		if got := w.httpStatus(t, "/api/v1/auth/me", token, true); got != http.StatusOK {
			t.Fatalf("gateway: %d", got)
		}
		for where, err := range everywhere(ctx, conns, token) {
			if err != nil {
				t.Fatalf("%s: %v", where, err)
			}
		}
	}

	cases := []struct {
		name string
		end  func(t *testing.T, client *http.Client, user, token string)
	}{
		{"logout", func(t *testing.T, client *http.Client, _, _ string) {
			resp, err := client.Post(w.base+"/auth/logout", "application/json", nil)
			if err != nil || resp.StatusCode != http.StatusNoContent {
				t.Fatalf("logout: %v %v", resp, err)
			}
			resp.Body.Close()
		}},
		{"password change", func(t *testing.T, client *http.Client, user, _ string) {
			resp, err := client.Post(w.base+"/auth/password", "application/json",
				strings.NewReader(`{"old_password":"first password 1","new_password":"second password 2"}`))
			if err != nil || resp.StatusCode != http.StatusOK {
				t.Fatalf("change: %v %v", resp, err)
			}
			resp.Body.Close()
			// The cookie now holds the new session's token, which works everywhere.
			u, _ := url.Parse(w.base)
			for _, c := range client.Jar.Cookies(u) {
				if c.Name == gateway.CookieName {
					works(t, c.Value)
				}
			}
		}},
		{"reset", func(t *testing.T, _ *http.Client, user, _ string) {
			if _, err := accounts.ResetPassword(ctx, &registrationv1.ResetPasswordRequest{Username: user}, w.admin); err != nil {
				t.Fatal(err)
			}
		}},
		{"disable", func(t *testing.T, _ *http.Client, user, _ string) {
			if _, err := accounts.SetAccountDisabled(ctx, &registrationv1.SetAccountDisabledRequest{Username: user, Disabled: true}, w.admin); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			user := fmt.Sprintf("county-admin-%d", i)
			if err := w.st.Registration.SetAccount(ctx, user, "first password 1", auth.RoleCountyAdmin, "140105", uuid.Nil, user); err != nil {
				t.Fatal(err)
			}
			jar, _ := cookiejar.New(nil)
			client := &http.Client{Jar: jar, Transport: sameOrigin{base: w.base}}
			token := w.signInCookie(t, client, user, "first password 1")
			works(t, token)
			c.end(t, client, user, token)
			ended(t, token)
		})
	}

	// The terminal's credential is no person's session: it still records.
	if _, err := checkinv1.NewCheckinServiceClient(w.conns["checkin"]).RecordCheckin(ctx, walkIn(1, venue, activity, 3), terminal); err != nil {
		t.Fatalf("the terminal after the sessions ended: %v", err)
	}
}

// TestGatewayRenewsAnActiveSession: a request with a cookie past half its token's life gets a
// fresh token in a new cookie, which keeps working after the first token expired; a session
// that ended is not renewed.
func TestGatewayRenewsAnActiveSession(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, err := stack.Start(ctx, stack.Options{DataDir: t.TempDir(), DatabaseURL: testkit.Postgres(t), NATSPort: -1, LogWriter: io.Discard,
		TokenLifetime: 4 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close(context.Background()) })
	w := &world{st: st, base: "http://" + st.Addrs.Gateway}
	if err := st.Registration.SetAccount(ctx, "renewer", "first password 1", auth.RoleViewer, "", uuid.Nil, "renewer"); err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Transport: sameOrigin{base: w.base}}
	first := w.signInCookie(t, client, "renewer", "first password 1")
	current := func() string { return jarToken(jar, w.base) }
	get := func() int {
		resp, err := client.Get(w.base + "/api/v1/auth/me")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if get() != http.StatusOK || current() != first {
		t.Fatal("a fresh token was renewed, or did not work")
	}
	time.Sleep(2500 * time.Millisecond) // past half of 4 s
	if get() != http.StatusOK || current() == first {
		t.Fatal("the token past half its life was not renewed")
	}
	time.Sleep(2 * time.Second) // the first token has expired now
	if got := w.httpStatus(t, "/api/v1/auth/me", first, true); got != http.StatusUnauthorized {
		t.Fatalf("the expired first token: %d", got)
	}
	if get() != http.StatusOK {
		t.Fatal("the renewed token does not work")
	}
	last := current()
	resp, err := client.Post(w.base+"/auth/logout", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	_, err = registrationv1.NewAccountServiceClient(dial(t, st.Addrs.Registration)).RenewSession(ctx, &registrationv1.RenewSessionRequest{},
		grpc.PerRPCCredentials(rpc.BearerCredential(last)))
	if st := status.Convert(err); st.Code() != codes.Unauthenticated || rpc.DetailsOf(st).Reason != auth.ErrSessionEnded.Code {
		t.Fatalf("renewing an ended session: %v", err)
	}
}

// TestEventStreamsFollowTheSession opens the dashboard's event stream through the gateway as a
// wall screen does, with nothing else going on: the stream ends at its token's half-life and
// the reconnection renews the cookie, so the screen stays signed in past the token's life; and
// after a logout the open stream ends within seconds (the services check a stream's
// credential again while it runs) and the reconnection is refused.
func TestEventStreamsFollowTheSession(t *testing.T) {
	t.Parallel()
	const life = 40 * time.Second
	w := startWorld(t, func(o *stack.Options) { o.TokenLifetime = life })
	ctx := context.Background()
	if err := w.st.Registration.SetAccount(ctx, "screen", "screen password 1", auth.RoleViewer, "", uuid.Nil, "大屏"); err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Transport: sameOrigin{base: w.base}}
	// The token's issue time is in whole seconds, so its half-life falls up to a second before
	// half the life after the sign-in began (a sign-in slow under load does not move it later).
	signingIn := time.Now()
	first := w.signInCookie(t, client, "screen", "screen password 1")
	signedIn := time.Now()
	current := func() string { return jarToken(jar, w.base) }
	// open starts the stream and returns a channel that gets the stream's last event name and
	// closes when the gateway ends it, after its first event.
	open := func() (ended <-chan string, code int) {
		t.Helper()
		sctx, cancel := context.WithCancel(ctx)
		t.Cleanup(cancel)
		req, _ := http.NewRequestWithContext(sctx, http.MethodGet, w.base+"/events/overview?edition=2024", nil)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusOK {
			resp.Body.Close()
			return nil, resp.StatusCode
		}
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() && !strings.HasPrefix(sc.Text(), "event: overview") {
		}
		done := make(chan string, 1)
		go func() {
			defer close(done)
			defer resp.Body.Close()
			last := ""
			for sc.Scan() {
				if name, ok := strings.CutPrefix(sc.Text(), "event: "); ok {
					last = name
				}
			}
			done <- last
		}()
		return done, http.StatusOK
	}

	ended, code := open()
	if code != http.StatusOK {
		t.Fatalf("the stream: %d", code)
	}
	select {
	case last := <-ended:
		if from, at := time.Since(signingIn), time.Since(signedIn); from < life/2-time.Second || at >= life {
			t.Fatalf("the stream ended %v after sign-in began, %v after it returned, want at the token's half-life (%v)",
				from.Round(time.Millisecond), at.Round(time.Millisecond), life/2)
		}
		// The planned end says so, so that a wall screen reconnects at once without showing a
		// lost connection.
		if last != "renew" {
			t.Fatalf("the stream's planned end came after %q, want a renew event", last)
		}
	case <-time.After(life):
		t.Fatal("the stream outlived its token's half-life")
	}
	ended, code = open()
	if code != http.StatusOK || current() == first || current() == "" {
		t.Fatalf("reconnecting past the half-life: %d, renewed %v", code, current() != first)
	}

	resp, err := client.Post(w.base+"/auth/logout", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loggedOut := time.Now()
	select {
	case last := <-ended:
		t.Logf("the stream ended %v after the logout", time.Since(loggedOut).Round(time.Millisecond))
		if last == "renew" {
			t.Fatal("the stream ended by a logout announced a renewal")
		}
	case <-time.After(15 * time.Second): // the renewed token's half-life is 20 s away
		t.Fatal("the stream went on after the logout")
	}
	if _, code := open(); code != http.StatusUnauthorized {
		t.Fatalf("reconnecting after the logout: %d, want 401", code)
	}
}
