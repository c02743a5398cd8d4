package main

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
)

// TestOneTimePasswordInChromium: an organizer whose password the bureau reset signs in with the
// one-time password, is kept on 修改密码 (every other page sends them back there), sets a new
// password and reaches the console.
func TestOneTimePasswordInChromium(t *testing.T) {
	t.Parallel()
	s := startDemo(t)
	reset, err := registrationv1.NewAccountServiceClient(s.dial(t)).ResetPassword(context.Background(),
		&registrationv1.ResetPasswordRequest{Username: s.info.OrganizerUsername}, s.admin)
	if err != nil {
		t.Fatal(err)
	}
	ctx := chromium(t, 1280, 900)
	signIn(t, ctx, s.base, s.info.OrganizerUsername, reset.GetOneTimePassword())
	if err := chromedp.Do(ctx,
		chromedp.WaitVisible(`#password-forced`),
		chromedp.Navigate(s.base+"/activities"),
		chromedp.WaitVisible(`#password-forced`),
	); err != nil {
		t.Fatal(err)
	}
	if path, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname`)); err != nil || path != "/password" {
		t.Fatalf("the one-time password let the organizer reach %q: %v", path, err)
	}
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(`#password-old`, reset.GetOneTimePassword()),
		chromedp.SendKeys(`#password-new`, "科普周2024new"),
		chromedp.SendKeys(`#password-confirm`, "科普周2024new"),
		chromedp.Click(`#password-submit`),
	); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`location.pathname !== '/password' && !!document.querySelector('#change-password')`)); err != nil {
		t.Fatalf("after the change the console did not open: %v (%s)", err, text(ctx, `.el-alert`))
	}
}

// dial connects to the registration service of the demo system.
func (s *demoSystem) dial(t *testing.T) grpc.ClientConnInterface {
	t.Helper()
	conn, err := grpc.NewClient(s.st.Addrs.Registration, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}
