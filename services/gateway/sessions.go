package gateway

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/sciweek/sciweek/pkg/auth"
	"github.com/sciweek/sciweek/pkg/errs"
	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
)

// ErrPasswordBodyInvalid is a password change whose body is not the JSON the console sends.
var ErrPasswordBodyInvalid = errs.Reason{Code: "PASSWORD_BODY_INVALID", Kind: errs.Invalid,
	English: "send the old and new passwords as a JSON object with the keys old_password and new_password",
	Chinese: "请输入原密码和新密码"}

// setTokenCookie keeps a token in the HttpOnly sign-in cookie until it expires.
func (g *gateway) setTokenCookie(w http.ResponseWriter, r *http.Request, token string, exp time.Time) {
	http.SetCookie(w, &http.Cookie{
		Name: CookieName, Value: token, Path: "/", Expires: exp,
		HttpOnly: true, Secure: g.secure(r), SameSite: http.SameSiteStrictMode,
	})
}

// logout ends the session everywhere (registration raises the account's token version, and
// every service refuses the old tokens), then clears the cookie. A token that is already
// expired or ended signs out all the same; a registration that cannot be reached is reported,
// with the cookie cleared anyway.
func (g *gateway) logout(w http.ResponseWriter, r *http.Request) {
	var failed error
	if cred := credential(r); cred != "" && !strings.HasPrefix(cred, auth.TerminalCredentialPrefix) {
		_, err := g.accounts.Logout(g.outgoing(r), &registrationv1.LogoutRequest{})
		if err != nil && status.Code(err) != codes.Unauthenticated {
			failed = err
		}
	}
	http.SetCookie(w, &http.Cookie{Name: CookieName, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: g.secure(r), SameSite: http.SameSiteStrictMode})
	if failed != nil {
		writeError(w, failed)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// changePassword changes the signed-in person's password and puts the new session's token in
// the cookie: the old token no longer works anywhere.
func (g *gateway) changePassword(w http.ResponseWriter, r *http.Request) {
	var in struct {
		OldPassword string `json:"old_password"`
		NewPassword string `json:"new_password"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4096)).Decode(&in); err != nil {
		writeError(w, ErrPasswordBodyInvalid.New())
		return
	}
	resp, err := g.accounts.ChangePassword(g.outgoing(r),
		&registrationv1.ChangePasswordRequest{OldPassword: in.OldPassword, NewPassword: in.NewPassword})
	if err != nil {
		writeError(w, err)
		return
	}
	g.setTokenCookie(w, r, resp.GetAccessToken(), resp.GetExpiresAt().AsTime())
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(struct {
		ExpiresAt time.Time `json:"expires_at"`
	}{resp.GetExpiresAt().AsTime()})
}

// renewing renews the sign-in cookie of an active person: a request whose cookie token is past
// half its life gets a fresh token from registration (which refuses an ended session) in a new
// cookie, so tokens stay short-lived and nobody working is signed out. The request itself goes
// on with the fresh token: an event stream opened with it then lives as long as the new token's
// half-life, not the old one's remainder.
func (g *gateway) renewing(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "" && reachesServices(r.URL.Path) {
			if c, err := r.Cookie(CookieName); err == nil && c.Value != "" {
				if fresh, ok := g.renew(w, r, c.Value); ok {
					r = withSignInCookie(r, fresh)
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}

// withSignInCookie is r with its sign-in cookie's value replaced by token, the others kept.
func withSignInCookie(r *http.Request, token string) *http.Request {
	r = r.Clone(r.Context())
	cookies := r.Cookies()
	r.Header.Del("Cookie")
	for _, c := range cookies {
		if c.Name == CookieName {
			c.Value = token
		}
		r.AddCookie(c)
	}
	return r
}

// reachesServices says a path calls the services with the person's token: the console's
// pages and assets do not, and a page load would otherwise renew once per file.
func reachesServices(path string) bool {
	for _, p := range []string{"/api/", "/events/", "/download/", "/upload/"} {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	return false
}

// renew gives a token past half its life a successor in the cookie and returns it; ok is false
// when the token needs none or the renewal failed.
func (g *gateway) renew(w http.ResponseWriter, r *http.Request, token string) (fresh string, ok bool) {
	if !pastHalfLife(token, time.Now()) {
		return "", false
	}
	resp, err := g.accounts.RenewSession(g.outgoing(r), &registrationv1.RenewSessionRequest{})
	if err != nil {
		// The request goes on and meets the same refusal (ended, disabled) or succeeds with
		// the old token; a renewal that failed for want of registration is tried next time.
		return "", false
	}
	g.setTokenCookie(w, r, resp.GetAccessToken(), resp.GetExpiresAt().AsTime())
	return resp.GetAccessToken(), true
}

// pastHalfLife says a readable, unexpired token has lived half its life: time to renew it.
func pastHalfLife(token string, now time.Time) bool {
	issued, expires, ok := auth.TokenTimes(token)
	return ok && !now.Before(issued.Add(expires.Sub(issued)/2)) && now.Before(expires)
}

// streamEnd is when an event stream opened with token should end so the browser's reconnection
// renews it (its half-life), or, for a token already past that (a bearer client's), its expiry;
// zero for a credential that is not a token (it never expires by itself).
func streamEnd(token string, now time.Time) time.Time {
	issued, expires, ok := auth.TokenTimes(token)
	if !ok {
		return time.Time{}
	}
	if half := issued.Add(expires.Sub(issued) / 2); now.Before(half) {
		return half
	}
	return expires
}
