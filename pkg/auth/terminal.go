package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"strings"

	"github.com/google/uuid"

	"github.com/sciweek/sciweek/pkg/errs"
)

// TerminalCredential is a terminal's secret in the form "sct_<terminal id>_<secret>". The id
// lets the service find the terminal without a scan; the 256-bit secret proves it.
type TerminalCredential struct {
	// TerminalID is the terminal's UUID.
	TerminalID uuid.UUID
	// Secret is the random part.
	Secret string
}

// NewTerminalCredential makes a credential for a terminal from 32 random bytes.
func NewTerminalCredential(terminalID uuid.UUID) (TerminalCredential, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return TerminalCredential{}, err
	}
	return TerminalCredential{TerminalID: terminalID, Secret: base64.RawURLEncoding.EncodeToString(b)}, nil
}

// String is the credential as the terminal sends it.
func (c TerminalCredential) String() string {
	return TerminalCredentialPrefix + strings.ReplaceAll(c.TerminalID.String(), "-", "") + "_" + c.Secret
}

// Hash is the SHA-256 of the whole credential: all that is ever stored or published.
func (c TerminalCredential) Hash() [sha256.Size]byte { return sha256.Sum256([]byte(c.String())) }

// ParseTerminalCredential splits a credential into its terminal id and secret.
func ParseTerminalCredential(s string) (TerminalCredential, error) {
	bad := ErrTerminalCredentialMalformed.New()
	rest, ok := strings.CutPrefix(s, TerminalCredentialPrefix)
	if !ok {
		return TerminalCredential{}, bad
	}
	idPart, secret, ok := strings.Cut(rest, "_")
	if !ok || len(idPart) != 32 || len(secret) != 43 {
		return TerminalCredential{}, bad
	}
	id, err := uuid.Parse(idPart)
	if err != nil {
		return TerminalCredential{}, bad
	}
	if _, err := base64.RawURLEncoding.DecodeString(secret); err != nil {
		return TerminalCredential{}, bad
	}
	return TerminalCredential{TerminalID: id, Secret: secret}, nil
}

// TerminalRecord is what a service knows of a terminal to authenticate its calls.
type TerminalRecord struct {
	ID, VenueID    uuid.UUID
	CountyCode     string
	CredentialHash [sha256.Size]byte
	// Refusal, when set, is why a terminal whose credential matches may not call: revoked, or
	// not active here (an Unauthenticated error of the service's reason).
	Refusal error
}

// TerminalLookup returns what a service knows of a terminal; found is false for one it does not
// know.
type TerminalLookup func(ctx context.Context, id uuid.UUID) (t TerminalRecord, found bool, err error)

// TerminalAuthenticator checks a terminal's credential against a service's own record of its
// terminals: the terminal must be known, the credential's hash must match (compared in constant
// time) and nothing may refuse it. Check-in (its in-memory catalog) and the venue registry (its
// table) both use it.
type TerminalAuthenticator struct {
	lookup  TerminalLookup
	unknown errs.Reason
	seen    func(ctx context.Context, t TerminalRecord)
}

// The refusals of a terminal's credential.
var (
	ErrTerminalCredentialMalformed = errs.Reason{Code: "TERMINAL_CREDENTIAL_MALFORMED", Kind: errs.Unauthenticated,
		English: "terminal credential is malformed",
		Chinese: "终端凭据格式不对，请在管理后台重置终端后重新配对"}
	ErrTerminalCredentialWrong = errs.Reason{Code: "TERMINAL_CREDENTIAL_WRONG", Kind: errs.Unauthenticated,
		English: "terminal credential is not valid",
		Chinese: "终端凭据不正确，请在管理后台重置终端后重新配对"}
)

// NewTerminalAuthenticator returns the authenticator; unknown is the refusal for a terminal the
// service does not know, and seen, if set, hears of every authenticated call.
func NewTerminalAuthenticator(lookup TerminalLookup, unknown errs.Reason, seen func(ctx context.Context, t TerminalRecord)) *TerminalAuthenticator {
	return &TerminalAuthenticator{lookup: lookup, unknown: unknown, seen: seen}
}

// Authenticate returns the terminal's principal.
func (a *TerminalAuthenticator) Authenticate(ctx context.Context, credential string) (Principal, error) {
	cred, err := ParseTerminalCredential(credential)
	if err != nil {
		return Principal{}, err
	}
	t, found, err := a.lookup(ctx, cred.TerminalID)
	if err != nil {
		return Principal{}, err
	}
	if !found {
		return Principal{}, a.unknown.New()
	}
	hash := cred.Hash()
	if subtle.ConstantTimeCompare(hash[:], t.CredentialHash[:]) != 1 {
		return Principal{}, ErrTerminalCredentialWrong.New()
	}
	if t.Refusal != nil {
		return Principal{}, t.Refusal
	}
	if a.seen != nil {
		a.seen(ctx, t)
	}
	return Principal{Subject: t.ID.String(), Role: RoleTerminal, CountyCode: t.CountyCode, VenueID: t.VenueID.String()}, nil
}
