package auth

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"sync"
	"time"

	"github.com/sciweek/sciweek/pkg/errs"
)

// Revocations are the ended sessions a service knows of: per account, the lowest token version
// still accepted. Sign-out, a password change or reset and disabling an account raise it, and
// registration publishes the new version (AccountSessionsEnded); every service that verifies
// tokens keeps this table in memory, fed from the start of the stream at boot, so a token ends
// everywhere within the time the event takes to arrive. It is safe for concurrent use.
type Revocations struct {
	mu  sync.RWMutex
	min map[string]int64
}

// NewRevocations returns an empty table: every token version is accepted.
func NewRevocations() *Revocations { return &Revocations{min: map[string]int64{}} }

// End refuses the account's tokens below version from now on. Versions only rise: an event
// that arrives late or twice changes nothing.
func (r *Revocations) End(username string, version int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if version > r.min[username] {
		r.min[username] = version
	}
}

// Ended reports whether a token of the account at version belongs to a session that ended.
func (r *Revocations) Ended(username string, version int64) bool {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return version < r.min[username]
}

// ErrSessionEnded refuses a token whose session ended: signed out, password changed or reset,
// account disabled.
var ErrSessionEnded = errs.Reason{Code: "SESSION_ENDED", Kind: errs.Unauthenticated,
	English: "this session has ended (signed out, password changed or account disabled): sign in again",
	Chinese: "登录已失效（已退出、密码已更改或账号已停用），请重新登录"}

// ErrPasswordMustChange refuses every call but a password change while the account holds a
// one-time password from a reset.
var ErrPasswordMustChange = errs.Reason{Code: "PASSWORD_MUST_CHANGE", Kind: errs.FailedPrecondition,
	English: "the password was reset: change it before doing anything else",
	Chinese: "密码已被管理员重置，请先修改密码再进行其他操作"}

// TokenTimes reads when a token was issued and when it expires WITHOUT verifying it: for a
// client (the gateway) deciding whether to ask for a renewal, which the issuer then verifies.
// ok is false for anything that is not a readable token.
func TokenTimes(token string) (issued, expires time.Time, ok bool) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return time.Time{}, time.Time{}, false
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return time.Time{}, time.Time{}, false
	}
	var c struct {
		Iat int64 `json:"iat"`
		Exp int64 `json:"exp"`
	}
	if json.Unmarshal(raw, &c) != nil || c.Iat == 0 || c.Exp <= c.Iat {
		return time.Time{}, time.Time{}, false
	}
	return time.Unix(c.Iat, 0), time.Unix(c.Exp, 0), true
}
