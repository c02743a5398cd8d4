package auth_test

import (
	"context"
	"testing"

	"github.com/sciweek/sciweek/pkg/auth"
	"github.com/sciweek/sciweek/pkg/errs"
)

func TestServiceCredentials(t *testing.T) {
	t.Parallel()
	key, err := auth.NewServiceKey()
	if err != nil {
		t.Fatal(err)
	}
	people := auth.AuthenticatorFunc(func(context.Context, string) (auth.Principal, error) {
		return auth.Principal{Subject: "admin", Role: auth.RoleCityAdmin}, nil
	})
	for _, tc := range []struct {
		name, key, cred string
		want            auth.Role
		refused         bool
	}{
		{name: "the deployment's key", key: key, cred: auth.ServiceCredential(key), want: auth.RoleService},
		{name: "another key", key: key, cred: auth.ServiceCredential("not-the-key"), refused: true},
		{name: "no key configured", key: "", cred: auth.ServiceCredential(""), refused: true},
		{name: "a person's token goes on", key: key, cred: "eyJ...", want: auth.RoleCityAdmin},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p, err := auth.WithServices(people, tc.key).Authenticate(context.Background(), tc.cred)
			if tc.refused {
				if errs.KindOf(err) != errs.Unauthenticated {
					t.Fatalf("got %v, %v; want refused", p, err)
				}
				return
			}
			if err != nil || p.Role != tc.want {
				t.Fatalf("got %v, %v; want role %s", p, err, tc.want)
			}
		})
	}
	if auth.RoleService.Valid() {
		t.Error("the service role must not be valid in people's tokens")
	}
}
