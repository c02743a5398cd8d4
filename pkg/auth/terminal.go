package auth

import (
	"crypto/rand"
	"crypto/sha256"
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
	bad := errs.E(errs.Unauthenticated, "terminal credential is malformed")
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
