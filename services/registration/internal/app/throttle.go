package app

import (
	"context"
	"math"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/sciweek/sciweek/pkg/auth"
	"github.com/sciweek/sciweek/pkg/errs"
	"github.com/sciweek/sciweek/pkg/throttle"
	"github.com/sciweek/sciweek/services/registration/internal/domain"
)

// Throttle counts failures and requests against keys (pkg/throttle's store in PostgreSQL, so
// every replica agrees).
type Throttle interface {
	throttle.Counter
	// Reset forgets keys' counters and says whether any was blocked.
	Reset(ctx context.Context, keys ...string) (bool, error)
}

// The throttles' refusals. Each carries the wait as google.rpc.RetryInfo, and its Chinese
// message names it, so the console shows when to try again.
var (
	ErrLoginSlowedDown = errs.Reason{Code: "LOGIN_TOO_MANY_FAILURES", Kind: errs.Exhausted,
		English: "too many failed sign-ins; try again in {seconds} seconds",
		Chinese: "登录失败次数过多，请在 {seconds} 秒后重试"}
	ErrLoginLocked = errs.Reason{Code: "LOGIN_LOCKED", Kind: errs.Exhausted,
		English: "sign-in is locked after repeated wrong passwords; try again in {seconds} seconds or ask your administrator to unlock the account",
		Chinese: "多次密码错误，登录已临时锁定，请在 {seconds} 秒后重试，或请管理员解锁账号"}
	ErrSignupTooMany = errs.Reason{Code: "SIGNUP_TOO_MANY", Kind: errs.Exhausted,
		English: "too many sign-ups from this network or phone; try again in {seconds} seconds",
		Chinese: "报名过于频繁，请在 {seconds} 秒后重试"}
	ErrUnlockOwnCountyOrganizers = errs.Reason{Code: "ACCOUNT_UNLOCK_NOT_ALLOWED", Kind: errs.PermissionDenied,
		English: "a county admin may unlock the organizer accounts of their own county only",
		Chinese: "县（市、区）管理员只能解锁本县（市、区）组织单位的账号"}
)

// refusal is a throttle's verdict as an error with its wait.
func refusal(r errs.Reason, v throttle.Verdict) error {
	e := r.New("seconds", int(math.Ceil(v.Wait.Seconds())))
	e.RetryAfter = v.Wait
	return e
}

// Throttle keys. A user name is keyed whether it exists or not, so a lock says nothing about
// which names do.
func loginAccountKey(username string) string {
	return "login.account:" + strings.ToLower(strings.TrimSpace(username))
}
func loginAddressKey(client string) string  { return "login.address:" + client }
func signupAddressKey(client string) string { return "signup.address:" + client }
func signupPhoneKey(hash []byte) string {
	const hex = "0123456789abcdef"
	b := make([]byte, 0, 2*len(hash))
	for _, c := range hash {
		b = append(b, hex[c>>4], hex[c&15])
	}
	return "signup.phone:" + string(b)
}

// dummyHash is a bcrypt hash of a password nobody knows, at the accounts' cost: a sign-in with
// an unknown name is checked against it, so it takes as long to refuse as a wrong password.
var dummyHash = sync.OnceValue(func() []byte {
	h, err := bcrypt.GenerateFromPassword([]byte("no account has this password"), domain.PasswordCost)
	if err != nil {
		panic(err) // only for a cost out of range, fixed at build time
	}
	return h
})

// Login checks a person's password and returns a signed access token. Unknown users and wrong
// passwords get the same answer in the same time, so user names cannot be probed. Failures
// count against the user name and the client's address: after a few, each further one blocks
// the next attempt for a growing delay, and after more the name (or the address) is locked for
// a while, which the account's administrator can lift (UnlockAccount).
func (s *Service) Login(ctx context.Context, username, password, client string) (string, time.Time, domain.Account, error) {
	accKey, addrKey := loginAccountKey(username), loginAddressKey(client)
	v, err := s.Throttle.Check(ctx, accKey, addrKey)
	if err != nil {
		return "", time.Time{}, domain.Account{}, err
	}
	if err := loginWait(v); err != nil {
		return "", time.Time{}, domain.Account{}, err
	}
	acc, err := s.Accounts.Account(ctx, username)
	known := err == nil
	if err != nil && errs.KindOf(err) != errs.NotFound {
		return "", time.Time{}, domain.Account{}, err
	}
	if !known {
		acc = domain.Account{PasswordHash: dummyHash()}
	}
	if err := acc.CheckPassword(password); err != nil || !known {
		if errs.KindOf(err) == errs.Internal && err != nil {
			return "", time.Time{}, domain.Account{}, err
		}
		return "", time.Time{}, domain.Account{}, s.loginFailed(ctx, accKey, addrKey)
	}
	if _, err := s.Throttle.Reset(ctx, accKey); err != nil {
		return "", time.Time{}, domain.Account{}, err
	}
	// A disabled account is refused only after its password: the answer tells nothing to
	// someone who does not know it.
	if err := acc.CanSignIn(); err != nil {
		return "", time.Time{}, domain.Account{}, err
	}
	acc.LastLoginAt = s.Now()
	if err := s.Accounts.RecordLogin(ctx, acc.Username, acc.LastLoginAt); err != nil {
		return "", time.Time{}, domain.Account{}, err
	}
	tok, exp, err := s.Tokens.Issue(acc.Principal())
	if err != nil {
		return "", time.Time{}, domain.Account{}, err
	}
	return tok, exp, acc, nil
}

// loginWait is the refusal of an account or address still waiting out its delay or lock, or
// nil when it may try.
func loginWait(v throttle.Verdict) error {
	switch {
	case v.Wait <= 0:
		return nil
	case v.Locked:
		return refusal(ErrLoginLocked, v)
	default:
		return refusal(ErrLoginSlowedDown, v)
	}
}

// loginFailed counts a failed sign-in and answers it: a plain refusal, or the lock it has just
// earned.
func (s *Service) loginFailed(ctx context.Context, accKey, addrKey string) error {
	worst := throttle.Verdict{}
	for _, k := range []struct {
		rule throttle.Rule
		key  string
	}{{s.Limits.LoginAccount, accKey}, {s.Limits.LoginAddress, addrKey}} {
		v, err := s.Throttle.Hit(ctx, k.rule, k.key)
		if err != nil {
			return err
		}
		if v.Locked && (!worst.Locked || v.Wait > worst.Wait) {
			worst = v
		}
	}
	if worst.Locked {
		return refusal(ErrLoginLocked, worst)
	}
	return domain.ErrLoginFailed.New()
}

// UnlockAccount lifts the lock (and any delay) that wrong passwords put on an account: the
// city admin for any account, a county admin for the organizers of their county. It says
// whether there was anything to lift.
func (s *Service) UnlockAccount(ctx context.Context, p auth.Principal, username string) (bool, error) {
	acc, err := s.Accounts.Account(ctx, username)
	if err != nil {
		return false, err
	}
	if !p.Is(auth.RoleCityAdmin) && (!p.Is(auth.RoleCountyAdmin) || acc.Role != auth.RoleOrganizer || acc.CountyCode != p.CountyCode) {
		return false, ErrUnlockOwnCountyOrganizers.New()
	}
	return s.Throttle.Reset(ctx, loginAccountKey(acc.Username))
}

// throttleSignup counts a public sign-up against the client's address and the phone (by its
// keyed hash: the throttle never holds a number) and refuses it when either is over its rule.
func (s *Service) throttleSignup(ctx context.Context, client string, phoneHash []byte) error {
	addrKey, phoneKey := signupAddressKey(client), signupPhoneKey(phoneHash)
	v, err := s.Throttle.Check(ctx, addrKey, phoneKey)
	if err != nil {
		return err
	}
	if v.Wait > 0 {
		return refusal(ErrSignupTooMany, v)
	}
	for _, k := range []struct {
		rule throttle.Rule
		key  string
	}{{s.Limits.SignupAddress, addrKey}, {s.Limits.SignupPhone, phoneKey}} {
		v, err := s.Throttle.Hit(ctx, k.rule, k.key)
		if err != nil {
			return err
		}
		if v.Wait > 0 {
			return refusal(ErrSignupTooMany, v)
		}
	}
	return nil
}
