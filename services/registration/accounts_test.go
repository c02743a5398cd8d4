package registration_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/sciweek/sciweek/pkg/auth"
	"github.com/sciweek/sciweek/pkg/bus"
	"github.com/sciweek/sciweek/pkg/errs"
	sciweekevents "github.com/sciweek/sciweek/pkg/events"
	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
	"github.com/sciweek/sciweek/pkg/rpc"
	"github.com/sciweek/sciweek/pkg/testkit"
)

// bearer is a call option carrying a raw token.
func bearer(tok string) grpc.CallOption { return grpc.PerRPCCredentials(rpc.BearerCredential(tok)) }

// login signs in and returns the response, failing the test on a refusal.
func (f *fixture) login(user, password string) *registrationv1.LoginResponse {
	f.t.Helper()
	resp, err := f.accounts.Login(context.Background(), &registrationv1.LoginRequest{Username: user, Password: password})
	if err != nil {
		f.t.Fatalf("login %s: %v", user, err)
	}
	return resp
}

// wantReason fails unless err is a refusal with the code and the reason.
func wantReason(t *testing.T, err error, code codes.Code, reason errs.Reason) {
	t.Helper()
	st := status.Convert(err)
	d := rpc.DetailsOf(st)
	if st.Code() != code || d.Reason != reason.Code || !errs.IsChinese(d.Chinese) {
		t.Fatalf("got %v %q (reason %q, Chinese %q), want %v %s", st.Code(), st.Message(), d.Reason, d.Chinese, code, reason.Code)
	}
}

// TestSessionsEndEverywhere: sign-out, a password change, a reset and disabling each end the
// account's token at once (the same token is refused on the next call, and can no longer be
// renewed), and publish the account's new token version for the other services.
func TestSessionsEndEverywhere(t *testing.T) {
	t.Parallel()
	f := start(t)
	ctx := context.Background()
	cases := []struct {
		name, reason string
		end          func(t *testing.T, user, tok string)
	}{
		{"logout", "logout", func(t *testing.T, _, tok string) {
			if _, err := f.accounts.Logout(ctx, &registrationv1.LogoutRequest{}, bearer(tok)); err != nil {
				t.Fatal(err)
			}
		}},
		{"password change", "password_changed", func(t *testing.T, _, tok string) {
			resp, err := f.accounts.ChangePassword(ctx, &registrationv1.ChangePasswordRequest{OldPassword: "correct horse", NewPassword: "battery staple 42"}, bearer(tok))
			if err != nil {
				t.Fatal(err)
			}
			// The new session's token works; the old one (checked below) does not.
			if _, err := f.accounts.WhoAmI(ctx, &registrationv1.WhoAmIRequest{}, bearer(resp.GetAccessToken())); err != nil {
				t.Fatal(err)
			}
		}},
		{"reset", "password_reset", func(t *testing.T, user, _ string) {
			if _, err := f.accounts.ResetPassword(ctx, &registrationv1.ResetPasswordRequest{Username: user}, f.city); err != nil {
				t.Fatal(err)
			}
		}},
		{"disable", "disabled", func(t *testing.T, user, _ string) {
			if _, err := f.accounts.SetAccountDisabled(ctx, &registrationv1.SetAccountDisabledRequest{Username: user, Disabled: true}, f.city); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for i, c := range cases {
		user := "viewer-" + c.reason
		f.as(auth.Principal{Subject: user, Role: auth.RoleViewer})
		tok := f.login(user, "correct horse").GetAccessToken()
		if _, err := f.editions.ListEditions(ctx, &registrationv1.ListEditionsRequest{}, bearer(tok)); err != nil {
			t.Fatalf("%s: before: %v", c.name, err)
		}
		c.end(t, user, tok)
		_, err := f.accounts.WhoAmI(ctx, &registrationv1.WhoAmIRequest{}, bearer(tok))
		wantReason(t, err, codes.Unauthenticated, auth.ErrSessionEnded)
		_, err = f.activities.ListActivities(ctx, &registrationv1.ListActivitiesRequest{EditionId: "2024"}, bearer(tok))
		wantReason(t, err, codes.Unauthenticated, auth.ErrSessionEnded)
		_, err = f.accounts.RenewSession(ctx, &registrationv1.RenewSessionRequest{}, bearer(tok))
		wantReason(t, err, codes.Unauthenticated, auth.ErrSessionEnded)
		evs := events(t, f.js, sciweekevents.AccountSessionsEnded.Subject, func() *registrationv1.AccountSessionsEnded { return &registrationv1.AccountSessionsEnded{} }, i+1)
		if e := evs[i]; e.GetUsername() != user || e.GetReason() != c.reason || e.GetTokenVersion() != 1 {
			t.Errorf("%s: event %v", c.name, e)
		}
	}

	// What another service does with those events: read them from the start of the stream into
	// its own table, which then refuses the same tokens.
	rev := auth.NewRevocations()
	fctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if err := sciweekevents.FollowSessionsEnded(fctx, f.js, bus.StreamOptions{}, testkit.Telemetry(t, "other").Logger, rev); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		if !rev.Ended("viewer-"+c.reason, 0) || rev.Ended("viewer-"+c.reason, 1) {
			t.Errorf("%s: another service's table does not end version 0 only", c.name)
		}
	}
	// And it keeps following: a later sign-out arrives too.
	f.as(auth.Principal{Subject: "late", Role: auth.RoleViewer})
	late := f.login("late", "correct horse").GetAccessToken()
	if _, err := f.accounts.Logout(ctx, &registrationv1.LogoutRequest{}, bearer(late)); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 5*time.Second, func() error {
		if !rev.Ended("late", 0) {
			return errors.New("the late sign-out has not arrived")
		}
		return nil
	})
}

// TestOneTimePasswordMustBeChangedFirst: a reset gives a one-time password; signed in with it,
// the person can do nothing but change it (refused in Chinese), the new password must follow
// the rules, and afterwards the one-time password no longer signs in.
func TestOneTimePasswordMustBeChangedFirst(t *testing.T) {
	t.Parallel()
	f := start(t)
	ctx := context.Background()
	u := f.unit("140105", "太原理工大学实验室")
	f.organizer(u)
	user := "org-" + u.GetId()[:8]
	reset, err := f.accounts.ResetPassword(ctx, &registrationv1.ResetPasswordRequest{Username: user}, f.city)
	if err != nil {
		t.Fatal(err)
	}
	otp := reset.GetOneTimePassword()
	if len(otp) != 12 || !reset.GetAccount().GetMustChangePassword() {
		t.Fatalf("reset: %q, %v", otp, reset.GetAccount())
	}
	_, err = f.accounts.Login(ctx, &registrationv1.LoginRequest{Username: user, Password: "correct horse"})
	wantReason(t, err, codes.Unauthenticated, errs.Reason{Code: "LOGIN_FAILED"})
	in := f.login(user, otp)
	if !in.GetMustChangePassword() {
		t.Fatal("signed in with a one-time password, but not told to change it")
	}
	tok := bearer(in.GetAccessToken())
	_, err = f.activities.ListActivities(ctx, &registrationv1.ListActivitiesRequest{EditionId: "2024"}, tok)
	wantReason(t, err, codes.FailedPrecondition, auth.ErrPasswordMustChange)
	if me, err := f.accounts.WhoAmI(ctx, &registrationv1.WhoAmIRequest{}, tok); err != nil || !me.GetAccount().GetMustChangePassword() {
		t.Fatalf("who am I: %v %v", me, err)
	}
	for _, c := range []struct {
		name, old, password, reason string
		code                        codes.Code
	}{
		{"wrong old password", "not it", "abcdefgh12345", "OLD_PASSWORD_WRONG", codes.PermissionDenied},
		{"too short", otp, "abc12", "PASSWORD_TOO_SHORT", codes.InvalidArgument},
		{"no digits", otp, "abcdefghijkl", "PASSWORD_LETTERS_AND_DIGITS", codes.InvalidArgument},
		{"no letters", otp, "123456789012", "PASSWORD_LETTERS_AND_DIGITS", codes.InvalidArgument},
		{"the user name", otp, "x1" + user, "PASSWORD_CONTAINS_USERNAME", codes.InvalidArgument},
		{"too long", otp, strings.Repeat("a1", 40), "PASSWORD_TOO_LONG", codes.InvalidArgument},
		{"unchanged", otp, otp, "PASSWORD_UNCHANGED", codes.InvalidArgument},
	} {
		_, err := f.accounts.ChangePassword(ctx, &registrationv1.ChangePasswordRequest{OldPassword: c.old, NewPassword: c.password}, tok)
		if st := status.Convert(err); st.Code() != c.code || rpc.DetailsOf(st).Reason != c.reason || !errs.IsChinese(rpc.DetailsOf(st).Chinese) {
			t.Errorf("%s: got %v %q, want %v %s", c.name, st.Code(), st.Message(), c.code, c.reason)
		}
	}
	changed, err := f.accounts.ChangePassword(ctx, &registrationv1.ChangePasswordRequest{OldPassword: otp, NewPassword: "科普周2024shanxi"}, tok)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.activities.ListActivities(ctx, &registrationv1.ListActivitiesRequest{EditionId: "2024"}, bearer(changed.GetAccessToken())); err != nil {
		t.Fatalf("after the change: %v", err)
	}
	_, err = f.accounts.Login(ctx, &registrationv1.LoginRequest{Username: user, Password: otp})
	wantReason(t, err, codes.Unauthenticated, errs.Reason{Code: "LOGIN_FAILED"})
	if f.login(user, "科普周2024shanxi").GetMustChangePassword() {
		t.Error("the changed password still counts as one-time")
	}
}

// TestAccountAdministrationIsScoped: the city admin resets and disables anyone else; a county
// admin only the organizer accounts of the county; nobody their own account; organizers and
// viewers nobody. The list shows the same scope, with the last sign-in.
func TestAccountAdministrationIsScoped(t *testing.T) {
	t.Parallel()
	f := start(t)
	ctx := context.Background()
	xiaodian := f.as(auth.Principal{Subject: "county-140105", Role: auth.RoleCountyAdmin, CountyCode: "140105"})
	f.as(auth.Principal{Subject: "county-140106", Role: auth.RoleCountyAdmin, CountyCode: "140106"})
	own := f.unit("140105", "小店区科技馆")
	other := f.unit("140106", "迎泽区科技馆")
	ownOrg := f.organizer(own)
	f.organizer(other)
	f.as(auth.Principal{Subject: "viewer", Role: auth.RoleViewer})
	ownName, otherName := "org-"+own.GetId()[:8], "org-"+other.GetId()[:8]

	cases := []struct {
		name   string
		as     grpc.CallOption
		target string
		code   codes.Code
		reason string
	}{
		// First: the next case's reset ends this organizer's session.
		{"organizer", ownOrg, otherName, codes.PermissionDenied, "ROLE_NOT_ALLOWED"},
		{"county admin, own county's organizer", xiaodian, ownName, codes.OK, ""},
		{"county admin, another county's organizer", xiaodian, otherName, codes.PermissionDenied, "ACCOUNT_NOT_ADMINISTERED"},
		{"county admin, another county admin", xiaodian, "county-140106", codes.PermissionDenied, "ACCOUNT_NOT_ADMINISTERED"},
		{"county admin, the city admin", xiaodian, "city-admin", codes.PermissionDenied, "ACCOUNT_NOT_ADMINISTERED"},
		{"county admin, a viewer", xiaodian, "viewer", codes.PermissionDenied, "ACCOUNT_NOT_ADMINISTERED"},
		{"county admin, own account", xiaodian, "county-140105", codes.FailedPrecondition, "ACCOUNT_OWN"},
		{"city admin, a county admin", f.city, "county-140106", codes.OK, ""},
		{"city admin, own account", f.city, "city-admin", codes.FailedPrecondition, "ACCOUNT_OWN"},
		{"city admin, unknown account", f.city, "nobody", codes.NotFound, "ACCOUNT_NOT_FOUND"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, resetErr := f.accounts.ResetPassword(ctx, &registrationv1.ResetPasswordRequest{Username: c.target}, c.as)
			_, disableErr := f.accounts.SetAccountDisabled(ctx, &registrationv1.SetAccountDisabledRequest{Username: c.target, Disabled: false}, c.as)
			for what, err := range map[string]error{"reset": resetErr, "enable": disableErr} {
				st := status.Convert(err)
				if st.Code() != c.code || (c.reason != "" && rpc.DetailsOf(st).Reason != c.reason) {
					t.Errorf("%s: got %v %q (%s), want %v %s", what, st.Code(), st.Message(), rpc.DetailsOf(st).Reason, c.code, c.reason)
				}
			}
		})
	}

	list, err := f.accounts.ListAccounts(ctx, &registrationv1.ListAccountsRequest{}, xiaodian)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range list.GetAccounts() {
		if a.GetCountyCode() != "140105" {
			t.Errorf("a county admin lists %s of %q", a.GetUsername(), a.GetCountyCode())
		}
		if a.GetUsername() == "county-140105" && a.GetLastLoginAt() == nil {
			t.Error("the last sign-in is not shown")
		}
	}
	_, err = f.accounts.ListAccounts(ctx, &registrationv1.ListAccountsRequest{CountyCode: "140106"}, xiaodian)
	wantReason(t, err, codes.PermissionDenied, errs.Reason{Code: "ACCOUNT_LIST_OWN_COUNTY_ONLY"})

	// A disabled account cannot sign in, even with the right password; enabled, it can.
	if _, err := f.accounts.SetAccountDisabled(ctx, &registrationv1.SetAccountDisabledRequest{Username: "viewer", Disabled: true}, f.city); err != nil {
		t.Fatal(err)
	}
	_, err = f.accounts.Login(ctx, &registrationv1.LoginRequest{Username: "viewer", Password: "correct horse"})
	wantReason(t, err, codes.PermissionDenied, errs.Reason{Code: "ACCOUNT_DISABLED"})
	_, err = f.accounts.Login(ctx, &registrationv1.LoginRequest{Username: "viewer", Password: "wrong"})
	wantReason(t, err, codes.Unauthenticated, errs.Reason{Code: "LOGIN_FAILED"})
	if _, err := f.accounts.SetAccountDisabled(ctx, &registrationv1.SetAccountDisabledRequest{Username: "viewer", Disabled: false}, f.city); err != nil {
		t.Fatal(err)
	}
	f.login("viewer", "correct horse")
}

// TestRenewal: a token is renewed while its session lasts; the renewed token works and
// carries the same session (a sign-out ends both).
func TestRenewal(t *testing.T) {
	t.Parallel()
	f := start(t)
	ctx := context.Background()
	f.as(auth.Principal{Subject: "renewer", Role: auth.RoleViewer})
	in := f.login("renewer", "correct horse")
	renewed, err := f.accounts.RenewSession(ctx, &registrationv1.RenewSessionRequest{}, bearer(in.GetAccessToken()))
	if err != nil {
		t.Fatal(err)
	}
	if !renewed.GetExpiresAt().AsTime().After(time.Now().Add(20 * time.Minute)) {
		t.Errorf("renewed until %v", renewed.GetExpiresAt().AsTime())
	}
	if _, err := f.accounts.Logout(ctx, &registrationv1.LogoutRequest{}, bearer(renewed.GetAccessToken())); err != nil {
		t.Fatal(err)
	}
	for _, tok := range []string{in.GetAccessToken(), renewed.GetAccessToken()} {
		_, err := f.accounts.WhoAmI(ctx, &registrationv1.WhoAmIRequest{}, bearer(tok))
		wantReason(t, err, codes.Unauthenticated, auth.ErrSessionEnded)
	}
}
