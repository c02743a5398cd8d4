package adapters

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sciweek/sciweek/pkg/bus"
	"github.com/sciweek/sciweek/pkg/db"
	"github.com/sciweek/sciweek/pkg/events"
	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
	"github.com/sciweek/sciweek/services/registration/internal/convert"
	"github.com/sciweek/sciweek/services/registration/internal/domain"
)

// UpdateAccount changes an account under a row lock; a risen token version commits its
// AccountSessionsEnded event in the same transaction, so no service misses an ended session.
func (s *Store) UpdateAccount(ctx context.Context, username string, change func(*domain.Account) error, ended domain.SessionsEnded) (domain.Account, error) {
	var out domain.Account
	err := s.tx(ctx, "update account", func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `SELECT `+accountColumns+` FROM accounts WHERE username = $1 FOR UPDATE`, username)
		a, err := db.One(rows, scanAccount, domain.ErrAccountNotFound, "username", username)
		if err != nil {
			return err
		}
		before := a.TokenVersion
		if err := change(&a); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `UPDATE accounts SET password_hash = $2, token_version = $3, disabled = $4, must_change_password = $5,
			updated_at = now() WHERE username = $1 RETURNING updated_at`,
			a.Username, a.PasswordHash, a.TokenVersion, a.Disabled, a.MustChangePassword).Scan(&a.UpdatedAt); err != nil {
			return err
		}
		out = a
		if a.TokenVersion == before {
			return nil
		}
		id := bus.NewEventID()
		return s.enqueue(ctx, tx, bus.Event{ID: id, Subject: events.AccountSessionsEnded.Subject, Message: &registrationv1.AccountSessionsEnded{
			EventId: id.String(), OccurredAt: convert.Timestamp(ended.At), Actor: ended.Actor, Username: a.Username,
			TokenVersion: a.TokenVersion, Reason: ended.Reason}})
	})
	return out, err
}

// RecordLogin notes a successful sign-in.
func (s *Store) RecordLogin(ctx context.Context, username string, at time.Time) error {
	_, err := s.pool.Exec(ctx, `UPDATE accounts SET last_login_at = $2 WHERE username = $1`, username, at)
	return db.Unavailable(err, "record sign-in")
}

// EndedSessions returns the token version of every account whose sessions ended at least once,
// so the service refuses their old tokens from its first call after a restart.
func (s *Store) EndedSessions(ctx context.Context) (map[string]int64, error) {
	rows, _ := s.pool.Query(ctx, `SELECT username, token_version FROM accounts WHERE token_version > 0`)
	out := map[string]int64{}
	var name string
	var v int64
	_, err := pgx.ForEachRow(rows, []any{&name, &v}, func() error { out[name] = v; return nil })
	return out, db.Unavailable(err, "read ended sessions")
}
