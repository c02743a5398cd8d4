package testkit

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sciweek/sciweek/pkg/devstack"
)

// PostgresPair is a private PostgreSQL primary with a streaming standby, both listening on
// loopback TCP, for tests that kill the primary and promote the standby.
type PostgresPair struct {
	// Primary is the server that takes writes at the start.
	Primary *devstack.Postgres
	// Standby streams the primary's WAL through the physical slot "standby" and is the
	// synchronous standby: the primary acknowledges a commit only once the standby has it.
	Standby *devstack.Postgres
	// URL is a libpq multi-host URL naming both servers with target_session_attrs=read-write,
	// so a client connects to whichever of them takes writes, before and after a promotion.
	URL string
}

// StartPostgresPair starts a primary (wal_level=replica, synchronous_standby_names naming the
// standby, synchronous_commit=on), copies it with pg_basebackup -R into a standby that streams
// from a replication slot, waits until the standby is the primary's synchronous standby, and
// creates database name. Both servers stop when the test ends.
func StartPostgresPair(t testing.TB, name string) *PostgresPair {
	t.Helper()
	dir, err := os.MkdirTemp("", "sciweek-test-pgpair-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	// As root the servers run as the postgres user, who must be able to enter the folder.
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	// fsync=off is safe here: the tests kill processes, never the machine, and the page cache
	// outlives a SIGKILL. Durability across the failover comes from synchronous replication.
	common := map[string]string{"fsync": "off", "max_connections": "300", "shared_buffers": "32MB"}
	settings := func(extra map[string]string) map[string]string {
		m := map[string]string{}
		for k, v := range common {
			m[k] = v
		}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	p := &PostgresPair{}
	p.Primary, err = devstack.StartPostgres(ctx, devstack.PostgresConfig{
		DataDir: filepath.Join(dir, "primary"), Port: freePort(t), ListenTCP: true, Install: true,
		Settings: settings(map[string]string{"wal_level": "replica", "synchronous_commit": "on",
			"synchronous_standby_names": "standby", "cluster_name": "primary"}),
	})
	if err != nil {
		t.Fatalf("testkit: start primary: %v", err)
	}
	t.Cleanup(func() { _ = p.Primary.Stop() })
	// The standby, once promoted, has no standby of its own: it must not wait for one.
	p.Standby, err = devstack.StartPostgres(ctx, devstack.PostgresConfig{
		DataDir: filepath.Join(dir, "standby"), Port: freePort(t), ListenTCP: true,
		StandbyOf: p.Primary, Slot: "standby",
		Settings: settings(map[string]string{"cluster_name": "standby", "hot_standby": "on"}),
	})
	if err != nil {
		t.Fatalf("testkit: start standby: %v", err)
	}
	t.Cleanup(func() { _ = p.Standby.Stop() })
	conn, err := pgx.Connect(ctx, p.Primary.URL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	Eventually(t, 30*time.Second, func() error {
		var state string
		err := conn.QueryRow(ctx, `SELECT sync_state FROM pg_stat_replication WHERE application_name = 'standby'`).Scan(&state)
		if err != nil {
			return fmt.Errorf("standby not streaming: %w", err)
		}
		if state != "sync" {
			return fmt.Errorf("standby is %s, want sync", state)
		}
		return nil
	})
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		t.Fatal(err)
	}
	p.URL = fmt.Sprintf("postgres://postgres@127.0.0.1:%d,127.0.0.1:%d/%s?sslmode=disable&target_session_attrs=read-write",
		p.Primary.Port(), p.Standby.Port(), name)
	return p
}
