package db

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
)

type txKey struct{}

// WithTx returns ctx carrying tx: the unit of work an event's use case runs in. The projection
// runner opens it, so an event's effects and the projection's checkpoint commit together, and
// the app's use case never sees a transaction; the repositories it calls find it with TxFrom.
func WithTx(ctx context.Context, tx pgx.Tx) context.Context {
	return context.WithValue(ctx, txKey{}, tx)
}

// ErrNoTx is what TxFrom's callers return when a write that must join a unit of work is called
// outside one.
var ErrNoTx = errors.New("db: no transaction in the context: this write runs inside an event's unit of work")

// TxFrom returns the transaction ctx carries, if any.
func TxFrom(ctx context.Context) (pgx.Tx, bool) {
	tx, ok := ctx.Value(txKey{}).(pgx.Tx)
	return tx, ok && tx != nil
}
