package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"strings"

	"github.com/sciweek/sciweek/pkg/errs"
)

// RoleService is another service of the same deployment calling with the shared service key
// (SCIWEEK_SERVICE_KEY): reporting asking check-in for the system of record's counts. It is
// not a role of people, so no access token carries it (Valid says no).
const RoleService Role = "service"

// ServiceCredentialPrefix starts every service credential, so the right authenticator is
// picked without trying the others.
const ServiceCredentialPrefix = "scs_"

// NewServiceKey returns a new random service key for a deployment (make run generates one).
func NewServiceKey() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// ServiceCredential is what a service sends (as its bearer credential) to prove it holds key.
func ServiceCredential(key string) string { return ServiceCredentialPrefix + key }

// WithServices authenticates service credentials against key and passes every other credential
// to next. An empty key refuses every service credential.
func WithServices(next Authenticator, key string) Authenticator {
	want := []byte(ServiceCredential(key))
	return AuthenticatorFunc(func(ctx context.Context, cred string) (Principal, error) {
		if !strings.HasPrefix(cred, ServiceCredentialPrefix) {
			return next.Authenticate(ctx, cred)
		}
		if key == "" || subtle.ConstantTimeCompare([]byte(cred), want) != 1 {
			return Principal{}, ErrServiceCredentialInvalid.New()
		}
		return Principal{Subject: "service", Role: RoleService, DisplayName: "service"}, nil
	})
}

// ErrServiceCredentialInvalid is a service credential that does not match this deployment's key.
var ErrServiceCredentialInvalid = errs.Reason{Code: "SERVICE_CREDENTIAL_INVALID", Kind: errs.Unauthenticated,
	English: "the service credential is not this deployment's",
	Chinese: "服务凭据无效：与本系统的服务密钥不符"}
