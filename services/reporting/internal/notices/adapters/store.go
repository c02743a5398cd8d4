// Package adapters keeps the notification centre in PostgreSQL and sends its e-mails by SMTP.
package adapters

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sciweek/sciweek/pkg/db"
	"github.com/sciweek/sciweek/services/reporting/internal/notices/domain"
)

// Store keeps the notices, who read them, the addresses and the e-mail queue.
type Store struct {
	pool *pgxpool.Pool
}

// NewStore returns a store over pool.
func NewStore(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

// inTx runs fn in the transaction of ctx (an event's unit of work) or in a new one.
func (s *Store) inTx(ctx context.Context, fn func(pgx.Tx) error) error {
	if tx, ok := db.TxFrom(ctx); ok {
		return fn(tx)
	}
	return db.InTx(ctx, s.pool, fn)
}

// Raise stores a notice unless its key is stored, and queues its e-mails.
func (s *Store) Raise(ctx context.Context, n domain.Notice, queue bool) (bool, error) {
	var raised bool
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO notices (id, kind, audience, scope, edition_id, title, body, link, key, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (key) DO NOTHING`,
			[16]byte(n.ID), n.Kind, n.Audience.Kind, n.Audience.Scope, n.EditionID, n.Title, n.Body, n.Link, n.Key, n.CreatedAt)
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		raised = true
		if !queue {
			return nil
		}
		_, err = tx.Exec(ctx, `INSERT INTO notice_emails (notice_id, email)
			SELECT $1, email FROM notice_mailboxes WHERE audience = $2 AND scope = $3 AND email <> ''`, [16]byte(n.ID), n.Audience.Kind, n.Audience.Scope)
		return err
	})
	return raised, db.Unavailable(err, "raise a notice")
}

// List returns an audience's notices, newest first.
func (s *Store) List(ctx context.Context, a domain.Audience, subject string, limit int, unreadOnly bool) ([]domain.Notice, int, error) {
	rows, _ := s.pool.Query(ctx, `SELECT n.id, n.kind, n.edition_id, n.title, n.body, n.link, n.created_at, r.subject IS NOT NULL
		FROM notices n LEFT JOIN notice_reads r ON r.notice_id = n.id AND r.subject = $3
		WHERE n.audience = $1 AND n.scope = $2 AND (NOT $5 OR r.subject IS NULL)
		ORDER BY n.created_at DESC, n.id LIMIT $4`, a.Kind, a.Scope, subject, limit, unreadOnly)
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (domain.Notice, error) {
		n := domain.Notice{Audience: a}
		var id [16]byte
		err := row.Scan(&id, &n.Kind, &n.EditionID, &n.Title, &n.Body, &n.Link, &n.CreatedAt, &n.Read)
		n.ID = uuid.UUID(id)
		return n, err
	})
	if err != nil {
		return nil, 0, db.Unavailable(err, "read the notices")
	}
	unread, err := s.unread(ctx, s.pool, a, subject)
	return out, unread, err
}

func (s *Store) unread(ctx context.Context, q interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}, a domain.Audience, subject string) (int, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT count(*) FROM notices n WHERE n.audience = $1 AND n.scope = $2
		AND NOT EXISTS (SELECT 1 FROM notice_reads r WHERE r.notice_id = n.id AND r.subject = $3)`, a.Kind, a.Scope, subject).Scan(&n)
	return n, db.Unavailable(err, "count the unread notices")
}

// MarkRead marks an audience's notices read by subject: those named, or all.
func (s *Store) MarkRead(ctx context.Context, a domain.Audience, subject string, ids []uuid.UUID) (int, error) {
	keys := make([][16]byte, len(ids))
	for i, id := range ids {
		keys[i] = id
	}
	var unread int
	err := db.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		// Only the audience's own notices: an id of another's is ignored, not revealed.
		if _, err := tx.Exec(ctx, `INSERT INTO notice_reads (subject, notice_id)
			SELECT $3, id FROM notices WHERE audience = $1 AND scope = $2 AND (cardinality($4::uuid[]) = 0 OR id = ANY ($4))
			ON CONFLICT DO NOTHING`, a.Kind, a.Scope, subject, keys); err != nil {
			return err
		}
		var err error
		unread, err = s.unread(ctx, tx, a, subject)
		return err
	})
	return unread, db.Unavailable(err, "mark the notices read")
}

// Mailbox returns subject's address, or "".
func (s *Store) Mailbox(ctx context.Context, subject string) (string, error) {
	var email string
	err := s.pool.QueryRow(ctx, `SELECT email FROM notice_mailboxes WHERE subject = $1`, subject).Scan(&email)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	return email, db.Unavailable(err, "read the notice settings")
}

// SetMailbox sets subject's address and audience.
func (s *Store) SetMailbox(ctx context.Context, subject string, a domain.Audience, email string) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO notice_mailboxes (subject, audience, scope, email, updated_at) VALUES ($1, $2, $3, $4, now())
		ON CONFLICT (subject) DO UPDATE SET audience = EXCLUDED.audience, scope = EXCLUDED.scope, email = EXCLUDED.email, updated_at = now()`,
		subject, a.Kind, a.Scope, email)
	return db.Unavailable(err, "save the notice settings")
}

// SendPending sends the e-mails due now, each in its own transaction holding its row, so two
// replicas never send one twice; a failure waits longer each time, up to a day, and gives up
// after ten tries.
func (s *Store) SendPending(ctx context.Context, limit int, send func(to string, n domain.Notice) error) (int, error) {
	sent := 0
	for range limit {
		var done bool
		err := db.InTx(ctx, s.pool, func(tx pgx.Tx) error {
			var id int64
			var email string
			var attempts int
			var n domain.Notice
			var nid [16]byte
			err := tx.QueryRow(ctx, `SELECT e.id, e.email, e.attempts, n.id, n.kind, n.title, n.body, n.link FROM notice_emails e JOIN notices n ON n.id = e.notice_id
				WHERE e.sent_at IS NULL AND e.next_at <= now() AND e.attempts < 10 ORDER BY e.next_at, e.id LIMIT 1 FOR UPDATE OF e SKIP LOCKED`).
				Scan(&id, &email, &attempts, &nid, &n.Kind, &n.Title, &n.Body, &n.Link)
			if errors.Is(err, pgx.ErrNoRows) {
				done = true
				return nil
			}
			if err != nil {
				return err
			}
			n.ID = uuid.UUID(nid)
			if err := send(email, n); err != nil {
				wait := min(time.Minute<<attempts, 24*time.Hour)
				_, uerr := tx.Exec(ctx, `UPDATE notice_emails SET attempts = attempts + 1, next_at = now() + make_interval(secs => $2), last_error = $3 WHERE id = $1`,
					id, wait.Seconds(), err.Error())
				return uerr
			}
			sent++
			_, err = tx.Exec(ctx, `UPDATE notice_emails SET attempts = attempts + 1, sent_at = now(), last_error = '' WHERE id = $1`, id)
			return err
		})
		if err != nil {
			return sent, db.Unavailable(err, "send the notices")
		}
		if done {
			break
		}
	}
	return sent, nil
}
