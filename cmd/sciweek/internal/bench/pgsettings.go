package bench

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// ParsePGSetting reads one -pg flag, "name=value", into its parts. Names are PostgreSQL's
// (letters, digits and underscores, as pg_settings spells them); the value goes to PostgreSQL
// as a literal and is checked there.
func ParsePGSetting(s string) (name, value string, err error) {
	name, value, ok := strings.Cut(s, "=")
	name = strings.TrimSpace(name)
	if !ok || name == "" {
		return "", "", fmt.Errorf("-pg %q: write name=value, e.g. -pg commit_delay=100", s)
	}
	for _, r := range name {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return "", "", fmt.Errorf("-pg %q: %q is not a PostgreSQL setting's name", s, name)
		}
	}
	if durability[name] {
		return "", "", fmt.Errorf("-pg %s: the benchmark measures durable commits (fsync, synchronous commit and full-page writes on); it does not take %s", name, name)
	}
	return name, strings.TrimSpace(value), nil
}

// durability are the settings whose change would let a commit be acknowledged before it is
// safe on disk, or a crash tear a page: the figures are stated for a durable pipeline only.
var durability = map[string]bool{"fsync": true, "synchronous_commit": true, "full_page_writes": true, "wal_sync_method": true}

// applyPGSettings sets PostgreSQL settings for the whole benchmark (ALTER SYSTEM, then a
// reload), so that a lever such as commit_delay can be measured against the same binary
// without it. Only settings a reload applies are taken: one that needs a restart would
// silently not apply, and the figures would be credited to it.
func applyPGSettings(ctx context.Context, url string, settings []string) error {
	if len(settings) == 0 {
		return nil
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	for _, s := range settings {
		name, value, err := ParsePGSetting(s)
		if err != nil {
			return err
		}
		var sctx string
		if err := conn.QueryRow(ctx, `SELECT context FROM pg_settings WHERE name = $1`, name).Scan(&sctx); err != nil {
			if errors.Is(err, pgx.ErrNoRows) {
				return fmt.Errorf("-pg %s: PostgreSQL has no such setting", name)
			}
			return err
		}
		if sctx == "postmaster" || sctx == "internal" {
			return fmt.Errorf("-pg %s: takes effect only when PostgreSQL restarts (%s); the benchmark cannot apply it", name, sctx)
		}
		// ALTER SYSTEM takes no parameters; the name is checked above and the value quoted.
		if _, err := conn.Exec(ctx, fmt.Sprintf(`ALTER SYSTEM SET %s = %s`, pgx.Identifier{name}.Sanitize(), quoteLiteral(value))); err != nil {
			return fmt.Errorf("-pg %s=%s: %w", name, value, err)
		}
	}
	_, err = conn.Exec(ctx, `SELECT pg_reload_conf()`)
	return err
}

// quoteLiteral quotes s as an SQL string literal.
func quoteLiteral(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}
