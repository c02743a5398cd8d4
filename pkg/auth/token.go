package auth

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/sciweek/sciweek/pkg/errs"
)

const tokenIssuer = "sciweek"

type claims struct {
	jwt.RegisteredClaims
	Role    Role   `json:"role"`
	County  string `json:"county,omitempty"`
	Unit    string `json:"unit,omitempty"`
	Venue   string `json:"venue,omitempty"`
	Display string `json:"name,omitempty"`
	// Version is the account's token version when the token was issued; a token below the
	// account's current version belongs to a session that ended (Revocations).
	Version int64 `json:"ver,omitempty"`
	// MustChange marks a token signed in with a one-time password: it only lets the holder
	// change the password.
	MustChange bool `json:"pwc,omitempty"`
}

// TokenIssuer signs access tokens (JWT, EdDSA). Only the service that signs people in holds one.
type TokenIssuer struct {
	key ed25519.PrivateKey
	ttl time.Duration
	now func() time.Time
}

// NewTokenIssuer returns an issuer whose tokens live for ttl.
func NewTokenIssuer(key ed25519.PrivateKey, ttl time.Duration) (*TokenIssuer, error) {
	if len(key) != ed25519.PrivateKeySize {
		return nil, errors.New("auth: token key must be an Ed25519 private key")
	}
	if ttl <= 0 {
		return nil, errors.New("auth: token lifetime must be positive")
	}
	return &TokenIssuer{key: key, ttl: ttl, now: time.Now}, nil
}

// PublicKey returns the key that verifies the issuer's tokens.
func (i *TokenIssuer) PublicKey() ed25519.PublicKey { return i.key.Public().(ed25519.PublicKey) }

// Issue signs a token for p and returns it with its expiry.
func (i *TokenIssuer) Issue(p Principal) (string, time.Time, error) {
	if !p.Role.Valid() || p.Role == RoleTerminal {
		return "", time.Time{}, fmt.Errorf("auth: cannot issue a token for role %q", p.Role)
	}
	now := i.now()
	exp := now.Add(i.ttl)
	c := claims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    tokenIssuer,
			Subject:   p.Subject,
			IssuedAt:  jwt.NewNumericDate(now),
			NotBefore: jwt.NewNumericDate(now.Add(-time.Minute)),
			ExpiresAt: jwt.NewNumericDate(exp),
		},
		Role: p.Role, County: p.CountyCode, Unit: p.UnitID, Venue: p.VenueID, Display: p.DisplayName,
		Version: p.TokenVersion, MustChange: p.MustChangePassword,
	}
	s, err := jwt.NewWithClaims(jwt.SigningMethodEdDSA, c).SignedString(i.key)
	if err != nil {
		return "", time.Time{}, err
	}
	return s, exp, nil
}

// TTL is how long the issuer's tokens live.
func (i *TokenIssuer) TTL() time.Duration { return i.ttl }

// TokenVerifier checks access tokens against the issuers' public keys and, when it has
// revocations, refuses the tokens of ended sessions.
type TokenVerifier struct {
	keys    []ed25519.PublicKey
	parser  *jwt.Parser
	revoked *Revocations
}

// WithRevocations makes the verifier refuse the tokens of sessions that r says ended. Call it
// before the verifier is in use.
func (v *TokenVerifier) WithRevocations(r *Revocations) *TokenVerifier {
	v.revoked = r
	return v
}

// Revocations returns the table the verifier consults, or nil.
func (v *TokenVerifier) Revocations() *Revocations { return v.revoked }

// NewTokenVerifier returns a verifier that accepts tokens signed by any of keys.
func NewTokenVerifier(keys ...ed25519.PublicKey) (*TokenVerifier, error) {
	if len(keys) == 0 {
		return nil, errors.New("auth: a token verifier needs at least one key")
	}
	for _, k := range keys {
		if len(k) != ed25519.PublicKeySize {
			return nil, errors.New("auth: token keys must be Ed25519 public keys")
		}
	}
	return &TokenVerifier{
		keys: keys,
		parser: jwt.NewParser(jwt.WithValidMethods([]string{jwt.SigningMethodEdDSA.Alg()}),
			jwt.WithIssuer(tokenIssuer), jwt.WithExpirationRequired()),
	}, nil
}

// Authenticate verifies a token and returns its principal.
func (v *TokenVerifier) Authenticate(_ context.Context, token string) (Principal, error) {
	var lastErr error
	for _, k := range v.keys {
		var c claims
		_, err := v.parser.ParseWithClaims(token, &c, func(*jwt.Token) (any, error) { return k, nil })
		if err != nil {
			lastErr = err
			continue
		}
		if !c.Role.Valid() || c.Role == RoleTerminal || c.Subject == "" {
			return Principal{}, ErrTokenRoleInvalid.New()
		}
		if v.revoked != nil && v.revoked.Ended(c.Subject, c.Version) {
			return Principal{}, ErrSessionEnded.New()
		}
		return Principal{Subject: c.Subject, Role: c.Role, CountyCode: c.County, UnitID: c.Unit, VenueID: c.Venue, DisplayName: c.Display,
			TokenVersion: c.Version, MustChangePassword: c.MustChange}, nil
	}
	if errors.Is(lastErr, jwt.ErrTokenExpired) {
		return Principal{}, ErrTokenExpired.New()
	}
	return Principal{}, ErrTokenInvalid.New()
}

// The refusals of a person's access token and of a credential sent to the wrong service.
var (
	ErrTokenRoleInvalid = errs.Reason{Code: "ACCESS_TOKEN_ROLE_INVALID", Kind: errs.Unauthenticated,
		English: "access token names no valid role",
		Chinese: "登录信息无效，请重新登录"}
	ErrTokenExpired = errs.Reason{Code: "ACCESS_TOKEN_EXPIRED", Kind: errs.Unauthenticated,
		English: "access token expired: sign in again",
		Chinese: "登录已过期，请重新登录"}
	ErrTokenInvalid = errs.Reason{Code: "ACCESS_TOKEN_INVALID", Kind: errs.Unauthenticated,
		English: "access token is not valid: sign in again",
		Chinese: "登录信息无效，请重新登录"}
	ErrTerminalCredentialNotHere = errs.Reason{Code: "TERMINAL_CREDENTIAL_NOT_ACCEPTED", Kind: errs.Unauthenticated,
		English: "terminal credentials are not accepted here",
		Chinese: "签到终端不能进行此操作，请用管理账号登录"}
	ErrPersonCredentialNotHere = errs.Reason{Code: "PERSON_CREDENTIAL_NOT_ACCEPTED", Kind: errs.Unauthenticated,
		English: "only terminal credentials are accepted here",
		Chinese: "此操作只接受签到终端的凭据"}
)

// TerminalCredentialPrefix starts every terminal credential, so one authorization header can
// carry either kind of credential and the right authenticator is picked without trying both.
const TerminalCredentialPrefix = "sct_"

// Chain authenticates terminal credentials with terminals and everything else with people.
// Either may be nil, and then that kind of credential is refused.
func Chain(people, terminals Authenticator) Authenticator {
	return AuthenticatorFunc(func(ctx context.Context, cred string) (Principal, error) {
		if strings.HasPrefix(cred, TerminalCredentialPrefix) {
			if terminals == nil {
				return Principal{}, ErrTerminalCredentialNotHere.New()
			}
			return terminals.Authenticate(ctx, cred)
		}
		if people == nil {
			return Principal{}, ErrPersonCredentialNotHere.New()
		}
		return people.Authenticate(ctx, cred)
	})
}
