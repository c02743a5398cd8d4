package stack

import (
	"context"
	"sync/atomic"
	"time"

	"google.golang.org/grpc"

	"github.com/sciweek/sciweek/pkg/auth"
	"github.com/sciweek/sciweek/pkg/errs"
	"github.com/sciweek/sciweek/services/registration"
)

// ErrTokenKeysNotYet refuses a person's call while a part still waits for the registration
// service's token keys: retry shortly.
var ErrTokenKeysNotYet = errs.Reason{Code: "TOKEN_KEYS_NOT_YET", Kind: errs.Unavailable,
	English: "this service has not yet received the sign-in keys from the registration service; try again shortly",
	Chinese: "服务正在启动，暂时无法验证登录，请稍后重试"}

// keyRetry is how long a caller refused for want of the keys is asked to wait.
const keyRetry = 2 * time.Second

// pendingKeys verifies people's tokens with the registration service's keys once they have
// arrived, and refuses with ErrTokenKeysNotYet until then: a part that verifies tokens starts
// whether or not registration is up, instead of waiting for it (and exiting after a minute).
type pendingKeys struct {
	v     atomic.Pointer[auth.TokenVerifier]
	ready chan struct{}
}

func newPendingKeys() *pendingKeys { return &pendingKeys{ready: make(chan struct{})} }

// Authenticate verifies cred with the keys, or refuses while they are missing.
func (k *pendingKeys) Authenticate(ctx context.Context, cred string) (auth.Principal, error) {
	v := k.v.Load()
	if v == nil {
		e := ErrTokenKeysNotYet.New()
		e.RetryAfter = keyRetry
		return auth.Principal{}, e
	}
	return v.Authenticate(ctx, cred)
}

// Ready is closed once the keys have arrived.
func (k *pendingKeys) Ready() <-chan struct{} { return k.ready }

// fetch asks registration for the keys until it answers or ctx ends, waiting longer between
// attempts (up to a second: the call is cheap, and the part is not ready until it succeeds) and
// logging each failure as a warning.
//
// follow fills the verifier's table of ended sessions (events.FollowSessionsEnded) before the
// keys are used, so a token of a session that ended is never accepted here, even at start.
//
// conn is dialled by Start, not here: dialling records a closer on the stack, which Start's own
// goroutine is appending to meanwhile.
func (k *pendingKeys) fetch(ctx context.Context, st *Stack, conn *grpc.ClientConn, follow func(context.Context, *auth.Revocations) error) {
	start := time.Now()
	backoff := 200 * time.Millisecond
	for {
		cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		v, err := registration.FetchTokenVerifier(cctx, conn)
		cancel()
		if err == nil {
			rev := auth.NewRevocations()
			if err = follow(ctx, rev); err == nil {
				v.WithRevocations(rev)
			}
		}
		if err == nil {
			k.v.Store(v)
			close(k.ready)
			st.log.Info("token keys received from the registration service", "addr", st.Addrs.Registration,
				"waited_ms", time.Since(start).Milliseconds())
			return
		}
		st.log.Warn("waiting for the registration service's token keys and ended sessions", "addr", st.Addrs.Registration, "error", err,
			"retry_in", backoff.String())
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, time.Second)
	}
}
