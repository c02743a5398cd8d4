package app

import (
	"context"
	"math"

	"github.com/sciweek/sciweek/pkg/errs"
	"github.com/sciweek/sciweek/pkg/throttle"
	"github.com/sciweek/sciweek/services/venue/internal/domain"
)

// Throttle counts failures against keys.
type Throttle = throttle.Counter

// SetupThrottle is how wrong setup codes are throttled: per client address, and over all
// addresses, since a code is short and a botnet has many addresses. (A wrong code names no
// terminal or venue, so there is nothing narrower to count it against.)
type SetupThrottle struct {
	Counters Throttle
	// PerAddress and All are the rules.
	PerAddress, All throttle.Rule
}

// ErrSetupTooManyFailures refuses activations after too many wrong setup codes, with the wait.
var ErrSetupTooManyFailures = errs.Reason{Code: "SETUP_CODE_TOO_MANY_FAILURES", Kind: errs.Exhausted,
	English: "too many wrong setup codes; try again in {seconds} seconds",
	Chinese: "设置码错误次数过多，请在 {seconds} 秒后重试"}

const setupAllKey = "setup.all"

func setupAddressKey(client string) string { return "setup.address:" + client }

func setupRefusal(v throttle.Verdict) error {
	e := ErrSetupTooManyFailures.New("seconds", int(math.Ceil(v.Wait.Seconds())))
	e.RetryAfter = v.Wait
	return e
}

// checkSetup refuses an activation while the client or everyone is blocked.
func (s *Service) checkSetup(ctx context.Context, client string) error {
	if s.setup.Counters == nil {
		return nil
	}
	v, err := s.setup.Counters.Check(ctx, setupAddressKey(client), setupAllKey)
	if err != nil {
		return err
	}
	if v.Wait > 0 {
		return setupRefusal(v)
	}
	return nil
}

// setupFailed counts a wrong setup code; cause is the refusal to give when the count earns no
// block.
func (s *Service) setupFailed(ctx context.Context, client string, cause error) error {
	if s.setup.Counters == nil || errs.ReasonOf(cause) != domain.ErrSetupCodeInvalid.Code {
		return cause
	}
	var worst throttle.Verdict
	for _, k := range []struct {
		rule throttle.Rule
		key  string
	}{{s.setup.PerAddress, setupAddressKey(client)}, {s.setup.All, setupAllKey}} {
		v, err := s.setup.Counters.Hit(ctx, k.rule, k.key)
		if err != nil {
			return err
		}
		if v.Wait > worst.Wait {
			worst = v
		}
	}
	if worst.Wait > 0 {
		return setupRefusal(worst)
	}
	return cause
}
