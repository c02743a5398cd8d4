package testkit_test

import (
	"context"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"

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
