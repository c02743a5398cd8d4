package audit

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// Signer signs chain heads with an Ed25519 key that lives outside the database (a file or the
// environment), so someone who can rewrite the database cannot forge a head.
type Signer struct {
	key ed25519.PrivateKey
}

// NewSigner returns a signer with key.
func NewSigner(key ed25519.PrivateKey) (*Signer, error) {
	if len(key) != ed25519.PrivateKeySize {
		return nil, errors.New("audit: the head-signing key must be an Ed25519 private key")
	}
	return &Signer{key: key}, nil
}

// PublicKey verifies the signer's heads.
func (s *Signer) PublicKey() ed25519.PublicKey { return s.key.Public().(ed25519.PublicKey) }

// KeyID names a public key: the first 8 bytes of its SHA-256, in hex.
func KeyID(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return hex.EncodeToString(sum[:8])
}

// ParseSeed reads a key as written in a key file or the environment: the 32-byte Ed25519 seed
// in base64 (standard or URL alphabet) or hex, surrounding space ignored.
func ParseSeed(text string) (ed25519.PrivateKey, error) {
	text = strings.TrimSpace(text)
	for _, dec := range []func(string) ([]byte, error){base64.StdEncoding.DecodeString, base64.RawURLEncoding.DecodeString, hex.DecodeString} {
		if b, err := dec(text); err == nil && len(b) == ed25519.SeedSize {
			return ed25519.NewKeyFromSeed(b), nil
		}
	}
	return nil, errors.New("audit: a head-signing key is a 32-byte Ed25519 seed in base64 or hex")
}

// ParsePublicKey reads a public key in base64 or hex.
func ParsePublicKey(text string) (ed25519.PublicKey, error) {
	text = strings.TrimSpace(text)
	for _, dec := range []func(string) ([]byte, error){base64.StdEncoding.DecodeString, base64.RawURLEncoding.DecodeString, hex.DecodeString} {
		if b, err := dec(text); err == nil && len(b) == ed25519.PublicKeySize {
			return ed25519.PublicKey(b), nil
		}
	}
	return nil, errors.New("audit: a public key is 32 bytes in base64 or hex")
}

// LoadKeyFile reads a key file; with create set, a missing file is made with a new key (mode
// 0600), which is what `sciweek dev` does in its data folder.
func LoadKeyFile(path string, create bool) (ed25519.PrivateKey, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) && create {
		seed := make([]byte, ed25519.SeedSize)
		if _, err := rand.Read(seed); err != nil {
			return nil, err
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, err
		}
		if err := os.WriteFile(path, []byte(base64.StdEncoding.EncodeToString(seed)+"\n"), 0o600); err != nil {
			return nil, err
		}
		return ed25519.NewKeyFromSeed(seed), nil
	}
	if err != nil {
		return nil, err
	}
	return ParseSeed(string(b))
}

// headMessage is what a head's signature covers: the schema (so a head cannot be moved to
// another service's chain), the entry's sequence and hash, and when it was signed.
func headMessage(schema string, seq int64, hash []byte, at time.Time) []byte {
	return []byte("sciweek-audit-head-v1\n" + schema + "\n" + strconv.FormatInt(seq, 10) + "\n" + hex.EncodeToString(hash) + "\n" +
		at.UTC().Truncate(time.Microsecond).Format(timeLayout))
}

// Head is a signed chain head.
type Head struct {
	Seq       int64
	Hash      []byte
	SignedAt  time.Time
	KeyID     string
	Signature []byte
}

// SignHead signs the chain's last entry, unless it is signed already. It returns the head and
// whether it made a new one.
func (s *Store) SignHead(ctx context.Context, signer *Signer) (Head, bool, error) {
	var h Head
	made := false
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, lockSQL); err != nil {
			return err
		}
		var schema string
		err := tx.QueryRow(ctx, `SELECT current_schema(), e.seq, e.hash FROM audit_entries e ORDER BY e.seq DESC LIMIT 1`).Scan(&schema, &h.Seq, &h.Hash)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		var signed bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM audit_heads WHERE seq >= $1)`, h.Seq).Scan(&signed); err != nil || signed {
			return err
		}
		h.SignedAt = s.now().UTC().Truncate(time.Microsecond)
		h.KeyID = KeyID(signer.PublicKey())
		h.Signature = ed25519.Sign(signer.key, headMessage(schema, h.Seq, h.Hash, h.SignedAt))
		_, err = tx.Exec(ctx, `INSERT INTO audit_heads (seq, hash, signed_at, key_id, signature) VALUES ($1, $2, $3, $4, $5)`,
			h.Seq, h.Hash, h.SignedAt, h.KeyID, h.Signature)
		made = err == nil
		return err
	})
	return h, made, err
}

// RunSigner signs the chain's head every interval until ctx ends. A failure is logged and tried
// again at the next tick: the chain itself stays verifiable without new heads.
func (s *Store) RunSigner(ctx context.Context, signer *Signer, every time.Duration, log *slog.Logger) error {
	if every <= 0 {
		every = time.Minute
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, _, err := s.SignHead(ctx, signer); err != nil && ctx.Err() == nil {
			log.ErrorContext(ctx, "audit: sign the chain head", "error", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// verifyHead checks a head's signature with pub.
func verifyHead(schema string, h Head, pub ed25519.PublicKey) bool {
	return h.KeyID == KeyID(pub) && ed25519.Verify(pub, headMessage(schema, h.Seq, h.Hash, h.SignedAt), h.Signature)
}

func sameHash(a, b []byte) bool { return bytes.Equal(a, b) }

// String prints a head for people.
func (h Head) String() string {
	return fmt.Sprintf("#%d %x… signed %s by key %s", h.Seq, h.Hash[:min(6, len(h.Hash))], h.SignedAt.Format(time.RFC3339), h.KeyID)
}
