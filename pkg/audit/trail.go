package audit

import (
	"context"
	"crypto/ed25519"
	"errors"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// HeadInterval is how often a service signs its chain's head.
const HeadInterval = time.Minute

// Trail is a service's audit trail, wired: the store its RPC server appends to, and the loop
// that signs the chain's head when the service has a key.
type Trail struct {
	*Store
	signer *Signer
	log    *slog.Logger
}

// NewTrail returns the trail of the schema pool points at. With key nil the heads go unsigned
// (the chain is still verifiable, but a removed tail is not caught), and a warning says so.
func NewTrail(pool *pgxpool.Pool, key ed25519.PrivateKey, log *slog.Logger) (*Trail, error) {
	if log == nil {
		return nil, errors.New("audit: a logger is required")
	}
	store, err := NewStore(pool, nil)
	if err != nil {
		return nil, err
	}
	t := &Trail{Store: store, log: log}
	if key != nil {
		if t.signer, err = NewSigner(key); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// Run signs the chain's head every HeadInterval until ctx ends.
func (t *Trail) Run(ctx context.Context) error {
	if t.signer == nil {
		t.log.WarnContext(ctx, "audit: no head-signing key (SCIWEEK_AUDIT_KEY_FILE): the chain's head is not signed")
		<-ctx.Done()
		return nil
	}
	return t.RunSigner(ctx, t.signer, HeadInterval, t.log)
}
