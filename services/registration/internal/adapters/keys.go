package adapters

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
)

// SigningKey returns the service's private key for purpose, generating and storing it on first
// use. Concurrent first starts agree on one key: the first insert wins and all read it back.
// Keys never change, so they are cached.
func (s *Store) SigningKey(ctx context.Context, purpose string) (ed25519.PrivateKey, error) {
	s.keysMu.Lock()
	seed, ok := s.keys[purpose]
	s.keysMu.Unlock()
	if ok {
		return ed25519.NewKeyFromSeed(seed), nil
	}
	_, fresh, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	if _, err := s.pool.Exec(ctx, `INSERT INTO signing_keys (purpose, private_key) VALUES ($1, $2) ON CONFLICT (purpose) DO NOTHING`, purpose, fresh.Seed()); err != nil {
		return nil, err
	}
	if err := s.pool.QueryRow(ctx, `SELECT private_key FROM signing_keys WHERE purpose = $1`, purpose).Scan(&seed); err != nil {
		return nil, err
	}
	if len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("signing key %s is corrupt", purpose)
	}
	s.keysMu.Lock()
	s.keys[purpose] = seed
	s.keysMu.Unlock()
	return ed25519.NewKeyFromSeed(seed), nil
}
