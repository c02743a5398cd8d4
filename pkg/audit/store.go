package audit

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Store appends entries to the audit chain of the schema its pool points at.
type Store struct {
	pool *pgxpool.Pool
	now  func() time.Time
}

// NewStore returns a store over pool, whose search_path is the service's schema.
func NewStore(pool *pgxpool.Pool, now func() time.Time) (*Store, error) {
	if pool == nil {
		return nil, errors.New("audit: a pool is required")
	}
	if now == nil {
		now = time.Now
	}
	return &Store{pool: pool, now: now}, nil
}

// lockSQL serializes the writers of one chain: the lock is per schema (the services may share a
// database) and lasts until the transaction ends, so two replicas never link to the same head.
const lockSQL = `SELECT pg_advisory_xact_lock(hashtext('sciweek.audit.' || current_schema()))`

// Append stores e at the end of the chain in a transaction of its own and returns it with its
// sequence and hashes.
func (s *Store) Append(ctx context.Context, e Entry) (Entry, error) {
	var out Entry
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		out, err = s.AppendTx(ctx, tx, e)
		return err
	})
	return out, err
}

// AppendTx stores e at the end of the chain inside tx, so an entry can commit together with the
// change it records.
func (s *Store) AppendTx(ctx context.Context, tx pgx.Tx, e Entry) (Entry, error) {
	if e.At.IsZero() {
		e.At = s.now()
	}
	e.At = e.At.UTC().Truncate(time.Microsecond)
	if _, err := tx.Exec(ctx, lockSQL); err != nil {
		return e, fmt.Errorf("audit: lock the chain: %w", err)
	}
	prev := Genesis
	err := tx.QueryRow(ctx, `SELECT hash FROM audit_entries ORDER BY seq DESC LIMIT 1`).Scan(&prev)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return e, fmt.Errorf("audit: read the chain's head: %w", err)
	}
	e.PrevHash = prev
	e.Hash = ChainHash(prev, e)
	err = tx.QueryRow(ctx, `INSERT INTO audit_entries (at, actor, role, county, unit, client, method, targets, outcome, reason, prev_hash, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING seq`,
		e.At, e.Actor, e.Role, e.County, e.Unit, e.Client, e.Method, e.Targets, e.Outcome, e.Reason, e.PrevHash, e.Hash).Scan(&e.Seq)
	if err != nil {
		return e, fmt.Errorf("audit: append: %w", err)
	}
	return e, nil
}

// Filter selects entries to read. Zero fields select everything.
type Filter struct {
	// From and To bound At (From inclusive, To exclusive).
	From, To time.Time
	// Actor, Method (a substring of the full method) and Outcome match exactly but Method.
	Actor, Method, Outcome string
	// County keeps the entries of one county's callers.
	County string
	// Before, if positive, keeps entries with a smaller Seq: the paging cursor.
	Before int64
	// Limit bounds the page; 0 means 100.
	Limit int
}

// List returns the entries matching f, newest first.
func (s *Store) List(ctx context.Context, f Filter) ([]Entry, error) {
	if f.Limit <= 0 {
		f.Limit = 100
	}
	q := `SELECT seq, at, actor, role, county, unit, client, method, targets, outcome, reason, prev_hash, hash FROM audit_entries
		WHERE ($1::timestamptz IS NULL OR at >= $1) AND ($2::timestamptz IS NULL OR at < $2)
		  AND ($3 = '' OR actor = $3) AND ($4 = '' OR strpos(method, $4) > 0) AND ($5 = '' OR outcome = $5)
		  AND ($6 = '' OR county = $6) AND ($7 = 0 OR seq < $7)
		ORDER BY seq DESC LIMIT $8`
	rows, err := s.pool.Query(ctx, q, nullTime(f.From), nullTime(f.To), f.Actor, f.Method, f.Outcome, f.County, f.Before, f.Limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanEntry)
}

func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func scanEntry(row pgx.CollectableRow) (Entry, error) {
	var e Entry
	err := row.Scan(&e.Seq, &e.At, &e.Actor, &e.Role, &e.County, &e.Unit, &e.Client, &e.Method, &e.Targets, &e.Outcome, &e.Reason, &e.PrevHash, &e.Hash)
	e.At = e.At.UTC()
	return e, err
}
