package domain

import (
	"crypto/rand"
	"errors"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"

	"golang.org/x/crypto/bcrypt"

	"github.com/sciweek/sciweek/pkg/auth"
	"github.com/sciweek/sciweek/pkg/errs"
)

// Account is a person who signs in to the console.
type Account struct {
	Username     string
	PasswordHash []byte
	Role         auth.Role
	CountyCode   string
	UnitID       uuid.UUID // organizers only
	DisplayName  string
	UpdatedAt    time.Time
	// TokenVersion rises whenever the account's sessions end; tokens carry the version they
	// were issued at and a lower one is refused everywhere.
	TokenVersion int64
	// Disabled accounts cannot sign in.
	Disabled bool
	// MustChangePassword says the password is a one-time password from a reset.
	MustChangePassword bool
	// LastLoginAt is the last successful sign-in; zero if never.
	LastLoginAt time.Time
}

// NewAccount checks an account's fields and hashes its password.
func NewAccount(username, password string, role auth.Role, county, displayName string) (Account, error) {
	if username == "" || len(username) > 64 {
		return Account{}, ErrUsernameLength.New()
	}
	if len(password) < 8 {
		return Account{}, ErrPasswordShort.New()
	}
	if len(password) > maxPasswordBytes {
		return Account{}, ErrPasswordLong.New()
	}
	if !role.Valid() || role == auth.RoleTerminal {
		return Account{}, ErrRoleCannotSignIn.New("role", role)
	}
	if (role == auth.RoleCountyAdmin || role == auth.RoleOrganizer) && county == "" {
		return Account{}, ErrAccountNeedsCounty.New("role", role, "roleLabel", role.Label())
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), PasswordCost)
	if err != nil {
		return Account{}, err
	}
	return Account{Username: username, PasswordHash: hash, Role: role, CountyCode: county, DisplayName: displayName}, nil
}

// CheckPassword reports whether password is the account's.
func (a Account) CheckPassword(password string) error {
	err := bcrypt.CompareHashAndPassword(a.PasswordHash, []byte(password))
	if errors.Is(err, bcrypt.ErrMismatchedHashAndPassword) {
		return ErrLoginFailed.New()
	}
	return err
}

// ErrLoginFailed is a sign-in with an unknown user name or a wrong password: the same answer for
// both, so user names cannot be probed.
var ErrLoginFailed = errs.Reason{Code: "LOGIN_FAILED", Kind: errs.Unauthenticated,
	English: "wrong user name or password",
	Chinese: "用户名或密码不正确"}

// Principal is who the account's holder is once signed in: the token carries the account's
// token version and whether the password must be changed first.
func (a Account) Principal() auth.Principal {
	p := auth.Principal{Subject: a.Username, Role: a.Role, CountyCode: a.CountyCode, DisplayName: a.DisplayName,
		TokenVersion: a.TokenVersion, MustChangePassword: a.MustChangePassword}
	if a.UnitID != uuid.Nil {
		p.UnitID = a.UnitID.String()
	}
	return p
}

// minPasswordLength and maxPasswordBytes bound a chosen password; bcrypt reads only the first
// 72 bytes, so a longer one would be silently cut.
const (
	minPasswordLength = 10
	maxPasswordBytes  = 72
)

// CheckPasswordRules says whether password may be chosen for the account named username.
func CheckPasswordRules(username, password string) error {
	if utf8.RuneCountInString(password) < minPasswordLength {
		return ErrPasswordTooShort.New("min", minPasswordLength)
	}
	if len(password) > maxPasswordBytes {
		return ErrPasswordLong.New()
	}
	hasLetter := strings.IndexFunc(password, unicode.IsLetter) >= 0
	hasDigit := strings.IndexFunc(password, unicode.IsDigit) >= 0
	if !hasLetter || !hasDigit {
		return ErrPasswordLettersAndDigits.New()
	}
	if username != "" && strings.Contains(strings.ToLower(password), strings.ToLower(username)) {
		return ErrPasswordHasUsername.New()
	}
	return nil
}

// ChangePassword replaces the password with one the holder chose, after checking the old one
// and the rules, and ends every session of the account.
func (a *Account) ChangePassword(old, password string) error {
	if err := a.CheckPassword(old); err != nil {
		if errs.KindOf(err) == errs.Unauthenticated {
			return ErrOldPasswordWrong.New()
		}
		return err
	}
	if old == password {
		return ErrPasswordUnchanged.New()
	}
	if err := CheckPasswordRules(a.Username, password); err != nil {
		return err
	}
	if err := a.setHash(password); err != nil {
		return err
	}
	a.MustChangePassword = false
	a.EndSessions()
	return nil
}

// ResetPassword gives the account a fresh one-time password, which it returns: the holder must
// change it at the next sign-in. Every session of the account ends.
func (a *Account) ResetPassword() (string, error) {
	otp, err := oneTimePassword()
	if err != nil {
		return "", err
	}
	if err := a.setHash(otp); err != nil {
		return "", err
	}
	a.MustChangePassword = true
	a.EndSessions()
	return otp, nil
}

// SetDisabled disables the account, ending its sessions, or enables it again.
func (a *Account) SetDisabled(disabled bool) {
	if disabled && !a.Disabled {
		a.EndSessions()
	}
	a.Disabled = disabled
}

// EndSessions ends every session of the account: tokens issued before are refused.
func (a *Account) EndSessions() { a.TokenVersion++ }

// CanSignIn refuses a disabled account. It is checked after the password, so the answer says
// nothing about an account to someone who does not know its password.
func (a Account) CanSignIn() error {
	if a.Disabled {
		return ErrAccountDisabled.New()
	}
	return nil
}

func (a *Account) setHash(password string) error {
	hash, err := bcrypt.GenerateFromPassword([]byte(password), PasswordCost)
	if err != nil {
		return err
	}
	a.PasswordHash = hash
	return nil
}

// otpAlphabet leaves out letters and digits people confuse when reading a password aloud.
const otpAlphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// oneTimePassword makes a 12-character password of letters and digits (about 69 bits), with
// at least one of each so it passes the rules it must be replaced under.
func oneTimePassword() (string, error) {
	for {
		raw := make([]byte, 32)
		if _, err := rand.Read(raw); err != nil {
			return "", err
		}
		b := make([]byte, 0, 12)
		for _, r := range raw {
			// Bytes past the last whole multiple of the alphabet would favour its first letters.
			if int(r) < 256-256%len(otpAlphabet) && len(b) < cap(b) {
				b = append(b, otpAlphabet[int(r)%len(otpAlphabet)])
			}
		}
		s := string(b)
		if len(b) < cap(b) {
			continue
		}
		if strings.ContainsAny(s, "23456789") && strings.IndexFunc(s, unicode.IsLetter) >= 0 {
			return s, nil
		}
	}
}

// CanAdministerAccount says whether p may reset, disable or enable the account: the city admin
// anyone's but their own (their own password they change), a county admin the organizer
// accounts of their county.
func CanAdministerAccount(p auth.Principal, a Account) error {
	if p.Subject == a.Username {
		return ErrAccountOwn.New()
	}
	switch {
	case p.Is(auth.RoleCityAdmin):
		return nil
	case p.Is(auth.RoleCountyAdmin) && a.Role == auth.RoleOrganizer && a.CountyCode != "" && a.CountyCode == p.CountyCode:
		return nil
	}
	return ErrAccountNotYours.New("username", a.Username)
}

// The refusals of the account's life.
var (
	ErrPasswordTooShort = errs.Reason{Code: "PASSWORD_TOO_SHORT", Kind: errs.Invalid,
		English: "a password needs at least {min} characters",
		Chinese: "密码至少 {min} 位（须同时包含字母和数字，不能包含用户名）"}
	ErrPasswordLong = errs.Reason{Code: "PASSWORD_TOO_LONG", Kind: errs.Invalid,
		English: "a password may have at most 72 bytes",
		Chinese: "密码不能超过 72 个字节（约 24 个汉字或 72 个字母）"}
	ErrPasswordLettersAndDigits = errs.Reason{Code: "PASSWORD_LETTERS_AND_DIGITS", Kind: errs.Invalid,
		English: "a password needs both letters and digits",
		Chinese: "密码须同时包含字母和数字（至少 10 位，不能包含用户名）"}
	ErrPasswordHasUsername = errs.Reason{Code: "PASSWORD_CONTAINS_USERNAME", Kind: errs.Invalid,
		English: "a password may not contain the user name",
		Chinese: "密码不能包含用户名（至少 10 位，须同时包含字母和数字）"}
	ErrPasswordUnchanged = errs.Reason{Code: "PASSWORD_UNCHANGED", Kind: errs.Invalid,
		English: "the new password is the old one",
		Chinese: "新密码不能与原密码相同"}
	ErrOldPasswordWrong = errs.Reason{Code: "OLD_PASSWORD_WRONG", Kind: errs.PermissionDenied,
		English: "the old password is wrong",
		Chinese: "原密码不正确"}
	ErrAccountDisabled = errs.Reason{Code: "ACCOUNT_DISABLED", Kind: errs.PermissionDenied,
		English: "this account is disabled: ask its administrator",
		Chinese: "账号已停用，请联系管理员"}
	ErrAccountOwn = errs.Reason{Code: "ACCOUNT_OWN", Kind: errs.FailedPrecondition,
		English: "you cannot reset or disable your own account: change your password instead",
		Chinese: "不能重置或停用自己的账号；修改自己的密码请用“修改密码”"}
	ErrAccountNotYours = errs.Reason{Code: "ACCOUNT_NOT_ADMINISTERED", Kind: errs.PermissionDenied,
		English: "you may not administer account {username}: county admins manage their county's organizer accounts only",
		Chinese: "无权管理账号“{username}”：县（市、区）管理员只能管理本县（市、区）组织单位的账号"}
)

// SessionsEnded says who ended an account's sessions, why and when, for the event that
// announces it.
type SessionsEnded struct {
	Actor, Reason string
	At            time.Time
}
