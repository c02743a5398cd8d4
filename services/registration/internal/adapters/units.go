package adapters

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/sciweek/sciweek/pkg/auth"
	"github.com/sciweek/sciweek/pkg/db"
	"github.com/sciweek/sciweek/pkg/errs"
	"github.com/sciweek/sciweek/services/registration/internal/domain"
)

func insertUnit(ctx context.Context, tx pgx.Tx, u domain.Unit) error {
	_, err := tx.Exec(ctx, `INSERT INTO units (id, name, county_code, kind, created_at) VALUES ($1, $2, $3, $4, $5)`,
		u.ID, u.Name, u.CountyCode, string(u.Kind), u.CreatedAt)
	return err
}

// CreateUnit stores a unit.
func (s *Store) CreateUnit(ctx context.Context, u domain.Unit) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO units (id, name, county_code, kind, created_at) VALUES ($1, $2, $3, $4, $5)`,
		u.ID, u.Name, u.CountyCode, string(u.Kind), u.CreatedAt)
	if db.IsUniqueViolation(err, "") {
		return ErrUnitNameTaken.New("county", u.CountyCode, "name", u.Name)
	}
	return db.Unavailable(err, "create unit")
}

func scanUnit(row pgx.CollectableRow) (domain.Unit, error) {
	var u domain.Unit
	var kind string
	err := row.Scan(&u.ID, &u.Name, &u.CountyCode, &kind, &u.CreatedAt)
	u.Kind = domain.UnitKind(kind)
	return u, err
}

// Unit returns a unit.
func (s *Store) Unit(ctx context.Context, id uuid.UUID) (domain.Unit, error) {
	rows, _ := s.pool.Query(ctx, `SELECT id, name, county_code, kind, created_at FROM units WHERE id = $1`, id)
	u, err := db.One(rows, scanUnit, domain.ErrUnitNotFound, "id", id)
	return u, db.Unavailable(err, "read unit")
}

// Units lists units by name.
func (s *Store) Units(ctx context.Context, county string, offset, limit int) ([]domain.Unit, error) {
	rows, _ := s.pool.Query(ctx, `SELECT id, name, county_code, kind, created_at FROM units WHERE ($1 = '' OR county_code = $1)
		ORDER BY county_code, name, id OFFSET $2 LIMIT $3`, county, offset, limit)
	list, err := pgx.CollectRows(rows, scanUnit)
	return list, db.Unavailable(err, "list units")
}

const accountColumns = `username, password_hash, role, county_code, unit_id, display_name, updated_at,
	token_version, disabled, must_change_password, last_login_at`

func scanAccount(row pgx.CollectableRow) (domain.Account, error) {
	var a domain.Account
	var role string
	var unit *uuid.UUID
	var lastLogin *time.Time
	err := row.Scan(&a.Username, &a.PasswordHash, &role, &a.CountyCode, &unit, &a.DisplayName, &a.UpdatedAt,
		&a.TokenVersion, &a.Disabled, &a.MustChangePassword, &lastLogin)
	a.Role = auth.Role(role)
	if lastLogin != nil {
		a.LastLoginAt = *lastLogin
	}
	if unit != nil {
		a.UnitID = *unit
	}
	return a, err
}

func unitParam(id uuid.UUID) *uuid.UUID {
	if id == uuid.Nil {
		return nil
	}
	return &id
}

// Account returns an account.
func (s *Store) Account(ctx context.Context, username string) (domain.Account, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+accountColumns+` FROM accounts WHERE username = $1`, username)
	a, err := db.One(rows, scanAccount, domain.ErrAccountNotFound, "username", username)
	return a, db.Unavailable(err, "read account")
}

// SaveAccount creates or replaces an account.
func (s *Store) SaveAccount(ctx context.Context, a domain.Account) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO accounts (username, password_hash, role, county_code, unit_id, display_name, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, now())
		ON CONFLICT (username) DO UPDATE SET password_hash = EXCLUDED.password_hash, role = EXCLUDED.role, county_code = EXCLUDED.county_code,
		unit_id = EXCLUDED.unit_id, display_name = EXCLUDED.display_name, updated_at = now()`,
		a.Username, a.PasswordHash, string(a.Role), a.CountyCode, unitParam(a.UnitID), a.DisplayName)
	return db.Unavailable(err, "save account")
}

// CreateAccount stores a new account.
func (s *Store) CreateAccount(ctx context.Context, a domain.Account) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO accounts (username, password_hash, role, county_code, unit_id, display_name, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, now())`, a.Username, a.PasswordHash, string(a.Role), a.CountyCode, unitParam(a.UnitID), a.DisplayName)
	if db.IsUniqueViolation(err, "") {
		return ErrUsernameTaken.New("username", a.Username)
	}
	return db.Unavailable(err, "create account")
}

// Accounts lists accounts by user name.
func (s *Store) Accounts(ctx context.Context, county string) ([]domain.Account, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+accountColumns+` FROM accounts WHERE ($1 = '' OR county_code = $1) ORDER BY username`, county)
	list, err := pgx.CollectRows(rows, scanAccount)
	return list, db.Unavailable(err, "list accounts")
}

// The names that must be unique.
var (
	ErrUnitNameTaken = errs.Reason{Code: "UNIT_NAME_TAKEN", Kind: errs.Exists,
		English: "county {county} has a unit named {name} already",
		Chinese: "本县（市、区）已有名为“{name}”的单位"}
	ErrUsernameTaken = errs.Reason{Code: "ACCOUNT_USERNAME_TAKEN", Kind: errs.Exists,
		English: "user name {username} is taken",
		Chinese: "用户名“{username}”已被使用，请换一个"}
)
