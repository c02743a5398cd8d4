package testkit_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sciweek/sciweek/pkg/testkit"
)

func TestMain(m *testing.M) { os.Exit(testkit.Main(m)) }

func TestPostgresGivesEachTestItsOwnDatabase(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a, b := testkit.Postgres(t), testkit.Postgres(t)
	if a == b {
		t.Fatal("two calls returned the same database")
	}
	for _, url := range []string{a, b} {
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := conn.Exec(ctx, `CREATE TABLE only_here (id int)`); err != nil {
			t.Fatalf("%s: %v", url, err)
		}
		conn.Close(ctx)
	}
}

func TestNATSHasJetStream(t *testing.T) {
	t.Parallel()
	n := testkit.StartNATS(t)
	if _, err := n.JetStream.AccountInfo(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// TestPostgresPairFailsOver kills the primary, promotes the standby and finds every acknowledged
// commit on it, through the same multi-host URL, which now reaches the promoted standby.
func TestPostgresPairFailsOver(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pair := testkit.StartPostgresPair(t, "pair")
	pool, err := pgxpool.New(ctx, pair.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if _, err := pool.Exec(ctx, `CREATE TABLE acked (n int PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}
	for n := range 200 {
		if _, err := pool.Exec(ctx, `INSERT INTO acked VALUES ($1)`, n); err != nil {
			t.Fatal(err)
		}
	}
	var slot string
	if err := pool.QueryRow(ctx, `SELECT slot_name FROM pg_replication_slots WHERE active`).Scan(&slot); err != nil || slot != "standby" {
		t.Fatalf("active slot %q, %v; want standby", slot, err)
	}
	pair.Primary.Kill()
	if _, err := pool.Exec(ctx, `INSERT INTO acked VALUES (-1)`); err == nil {
		t.Fatal("a write succeeded with the primary dead and the standby not promoted")
	}
	if err := pair.Standby.Promote(ctx); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 10*time.Second, func() error {
		_, err := pool.Exec(ctx, `INSERT INTO acked VALUES (200)`)
		return err
	})
	var count int
	var port string
	if err := pool.QueryRow(ctx, `SELECT count(*), current_setting('port') FROM acked`).Scan(&count, &port); err != nil {
		t.Fatal(err)
	}
	if count != 201 || port != fmt.Sprint(pair.Standby.Port()) {
		t.Fatalf("%d rows on port %s; want 201 on the promoted standby's port %d", count, port, pair.Standby.Port())
	}
}
