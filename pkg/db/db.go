// Package db is the services' PostgreSQL kit: a pool bound to the service's own schema,
// migrations embedded in the service's binary, and transactions as closures.
package db

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"log/slog"
	"regexp"
	"strings"

	"github.com/exaring/otelpgx"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/sciweek/sciweek/pkg/errs"
	"github.com/sciweek/sciweek/pkg/telemetry"
)

var schemaName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,30}$`)

// Config says where a service's data lives.
type Config struct {
	// URL is the PostgreSQL connection string.
	URL string
	// Schema is the service's own schema; the pool's search_path points there, so the service's
	// SQL never names it and never reaches another service's tables by accident.
	Schema string
	// MaxConns caps the pool; 0 means 12. Each projection holds one connection for its lock,
	// and the relay and the RPCs share the rest.
	MaxConns int32
}

// Open connects a pool whose sessions use the service's schema, and creates the schema if it
// is missing.
func Open(ctx context.Context, cfg Config, tel *telemetry.Telemetry) (*pgxpool.Pool, error) {
	if !schemaName.MatchString(cfg.Schema) {
		return nil, fmt.Errorf("db: bad schema name %q", cfg.Schema)
	}
	pc, err := pgxpool.ParseConfig(cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("db: parse url: %w", err)
	}
	pc.ConnConfig.RuntimeParams["search_path"] = cfg.Schema
	pc.ConnConfig.RuntimeParams["application_name"] = "sciweek-" + tel.Service
	pc.ConnConfig.RuntimeParams["timezone"] = "UTC"
	pc.MaxConns = 12
	if cfg.MaxConns > 0 {
		pc.MaxConns = cfg.MaxConns
	}
	pc.ConnConfig.Tracer = otelpgx.NewTracer(otelpgx.WithTracerProvider(tel.Tracer), otelpgx.WithMeterProvider(tel.Meter),
		otelpgx.WithDisableConnectionDetailsInAttributes(), otelpgx.WithDisableAcquireTracer())
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return nil, fmt.Errorf("db: connect: %w", err)
	}
	if _, err := pool.Exec(ctx, "CREATE SCHEMA IF NOT EXISTS "+cfg.Schema); err != nil {
		pool.Close()
		return nil, fmt.Errorf("db: create schema %s: %w", cfg.Schema, err)
	}
	return pool, nil
}

// Folder is the folder dir of an embedded file system: a shared kit's migrations, embedded
// beside its code. The folder is fixed at build time, so a wrong one is a programming error and
// panics.
func Folder(files embed.FS, dir string) fs.FS {
	sub, err := fs.Sub(files, dir)
	if err != nil {
		panic(err)
	}
	return sub
}

// MigrationSet is one ordered set of migrations with its own version table, so shared kits
// (the outbox, projection checkpoints) and the service's own tables evolve independently.
type MigrationSet struct {
	// Name names the version table: goose_<name>_version.
	Name string
	// FS holds the NNNN_name.sql files at its root.
	FS fs.FS
}

// Migrate applies every pending migration of the sets, in order, inside the pool's schema. A
// session advisory lock per schema lets several replicas start at once.
func Migrate(ctx context.Context, pool *pgxpool.Pool, schema string, log *slog.Logger, sets ...MigrationSet) error {
	sqlDB := stdlib.OpenDBFromPool(pool)
	defer sqlDB.Close()
	h := fnv.New64a()
	h.Write([]byte("sciweek-migrate-" + schema))
	for _, set := range sets {
		locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(int64(h.Sum64() >> 1)))
		if err != nil {
			return err
		}
		p, err := goose.NewProvider(goose.DialectPostgres, sqlDB, set.FS,
			goose.WithTableName("goose_"+set.Name+"_version"),
			goose.WithDisableGlobalRegistry(true),
			goose.WithSessionLocker(locker),
		)
		if err != nil {
			return fmt.Errorf("db: migrations %s: %w", set.Name, err)
		}
		res, err := p.Up(ctx)
		if err != nil {
			return fmt.Errorf("db: migrate %s.%s: %w", schema, set.Name, err)
		}
		for _, r := range res {
			log.InfoContext(ctx, "migration applied", "schema", schema, "set", set.Name, "version", r.Source.Version, "took_ms", r.Duration.Milliseconds())
		}
	}
	return nil
}

// InTx runs fn in a transaction and commits if it returns nil. A panic or error rolls back.
func InTx(ctx context.Context, pool *pgxpool.Pool, fn func(pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, pool, fn)
}

// Unavailable wraps a database failure so callers learn to retry rather than that they erred;
// context cancellation and errors that already have a kind pass through unchanged.
func Unavailable(err error, what string) error {
	if err == nil {
		return nil
	}
	var e *errs.Error
	if errors.As(err, &e) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	// A value the database refuses (class 22, data exception) or a broken rule (class 23,
	// integrity constraint) is the request's fault: sending it again fails again, so it must
	// never read as a retryable outage.
	var pe *pgconn.PgError
	if errors.As(err, &pe) && (strings.HasPrefix(pe.Code, "22") || strings.HasPrefix(pe.Code, "23")) {
		if pe.Code == "23505" {
			return ErrExists.Wrap(err, "what", what)
		}
		return ErrValueRefused.Wrap(err, "what", what)
	}
	return ErrUnavailable.Wrap(err, "what", what)
}

// The database's answers that reach the caller. what names the operation, for the English
// message and the log.
var (
	ErrExists = errs.Reason{Code: "RECORD_EXISTS", Kind: errs.Exists,
		English: "{what}: it exists already",
		Chinese: "要保存的内容已存在，请勿重复提交"}
	ErrValueRefused = errs.Reason{Code: "VALUE_REFUSED", Kind: errs.Invalid,
		English: "{what}: a value is out of range or breaks a rule",
		Chinese: "有一项内容超出允许的范围，请检查后重试"}
	ErrUnavailable = errs.Reason{Code: "DATABASE_UNAVAILABLE", Kind: errs.Unavailable,
		English: "{what}: database unavailable, try again",
		Chinese: "数据库暂时不可用，请稍后重试"}
)

// IsUniqueViolation reports whether err is a unique-constraint violation, optionally of the named
// constraint.
func IsUniqueViolation(err error, constraint string) bool {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "23505" {
		return false
	}
	return constraint == "" || pe.ConstraintName == constraint
}

// One collects the one row rows hold with scan; no row is the person-facing notFound, raised
// with args (the row's key), and any other failure is returned as it is.
func One[T any](rows pgx.Rows, scan pgx.RowToFunc[T], notFound errs.Reason, args ...any) (T, error) {
	v, err := pgx.CollectExactlyOneRow(rows, scan)
	return v, NotFound(err, notFound, args...)
}

// NotFound is err, except that no row (pgx.ErrNoRows from a QueryRow's Scan) is the
// person-facing notFound raised with args.
func NotFound(err error, notFound errs.Reason, args ...any) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return notFound.New(args...)
	}
	return err
}
