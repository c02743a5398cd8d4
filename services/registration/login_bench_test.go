package registration_test

import (
	"context"
	"testing"

	"github.com/sciweek/sciweek/pkg/auth"
	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
)

// BenchmarkLogin measures a sign-in end to end over gRPC: the account read, bcrypt at its
// default cost (most of the time, on purpose), the last sign-in written and the token signed;
// and a renewal, which reads the account and signs a token without bcrypt.
func BenchmarkLogin(b *testing.B) {
	f := start(b)
	ctx := context.Background()
	f.as(auth.Principal{Subject: "bench", Role: auth.RoleViewer})
	var token string
	b.Run("login", func(b *testing.B) {
		for b.Loop() {
			resp, err := f.accounts.Login(ctx, &registrationv1.LoginRequest{Username: "bench", Password: "correct horse"})
			if err != nil {
				b.Fatal(err)
			}
			token = resp.GetAccessToken()
		}
	})
	b.Run("renew", func(b *testing.B) {
		for b.Loop() {
			if _, err := f.accounts.RenewSession(ctx, &registrationv1.RenewSessionRequest{}, bearer(token)); err != nil {
				b.Fatal(err)
			}
		}
	})
}
