package domain

import (
	"errors"
	"time"

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
}

// NewAccount checks an account's fields and hashes its password.
func NewAccount(username, password string, role auth.Role, county, displayName string) (Account, error) {
	if username == "" || len(username) > 64 {
		return Account{}, ErrUsernameLength.New()
	}
	if len(password) < 8 {
		return Account{}, ErrPasswordShort.New()
	}
	if !role.Valid() || role == auth.RoleTerminal {
		return Account{}, ErrRoleCannotSignIn.New("role", role)
	}
	if (role == auth.RoleCountyAdmin || role == auth.RoleOrganizer) && county == "" {
		return Account{}, ErrAccountNeedsCounty.New("role", role, "roleLabel", role.Label())
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
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

// Principal is who the account's holder is once signed in.
func (a Account) Principal() auth.Principal {
	p := auth.Principal{Subject: a.Username, Role: a.Role, CountyCode: a.CountyCode, DisplayName: a.DisplayName}
	if a.UnitID != uuid.Nil {
		p.UnitID = a.UnitID.String()
	}
	return p
}
