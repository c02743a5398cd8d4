package audit_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sciweek/sciweek/pkg/audit"
	"github.com/sciweek/sciweek/pkg/db"
	"github.com/sciweek/sciweek/pkg/testkit"
)

func TestMain(m *testing.M) { os.Exit(testkit.Main(m)) }

const schema = "audittest"

// chain makes a store with n entries and a signed head after them.
func chain(t *testing.T, n int) (*pgxpool.Pool, *audit.Store, *audit.Signer) {
	t.Helper()
	ctx := context.Background()
	tel := testkit.Telemetry(t, schema)
	pool := testkit.Pool(t, schema, tel)
	if err := db.Migrate(ctx, pool, schema, tel.Logger, db.MigrationSet{Name: "audit", FS: audit.Migrations()}); err != nil {
		t.Fatal(err)
	}
	store, err := audit.NewStore(pool, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := audit.NewSigner(key)
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if _, err := store.Append(ctx, audit.Entry{Actor: fmt.Sprintf("user%d", i), Role: "county_admin", County: "330102",
			Client: "10.0.0.1", Method: "/sciweek.venue.v1.TerminalService/ProvisionTerminal", Targets: fmt.Sprintf("venue_id=v%d", i), Outcome: "OK"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, made, err := store.SignHead(ctx, signer); err != nil || made != (n > 0) {
		t.Fatalf("sign head: made %v, %v", made, err)
	}
	return pool, store, signer
}

// tamper runs statements as a superuser who first switches the append-only triggers off: what
// someone with the database's keys could do.
func tamper(t *testing.T, pool *pgxpool.Pool, stmts ...string) {
	t.Helper()
	ctx := context.Background()
	all := append([]string{"ALTER TABLE audit_entries DISABLE TRIGGER USER", "ALTER TABLE audit_heads DISABLE TRIGGER USER"}, stmts...)
	for _, s := range all {
		if _, err := pool.Exec(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// swap exchanges every column but seq between entries a and b: the two entries trade places.
const swap = `WITH a AS (SELECT * FROM audit_entries WHERE seq = %[1]d), b AS (SELECT * FROM audit_entries WHERE seq = %[2]d)
UPDATE audit_entries e SET at = s.at, actor = s.actor, role = s.role, county = s.county, unit = s.unit, client = s.client, method = s.method,
  targets = s.targets, outcome = s.outcome, reason = s.reason, prev_hash = s.prev_hash, hash = s.hash
FROM (SELECT %[1]d AS target, b.* FROM b UNION ALL SELECT %[2]d, a.* FROM a) s WHERE e.seq = s.target`

func TestVerifyFindsEveryKindOfTampering(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		tamper  []string
		want    string // the first problem's kind; "" means intact
		wantSeq int64
	}{
		{name: "intact chain passes"},
		{name: "an edited entry", tamper: []string{`UPDATE audit_entries SET actor = 'someone-else' WHERE seq = 3`}, want: audit.ProblemEdited, wantSeq: 3},
		{name: "an edited outcome", tamper: []string{`UPDATE audit_entries SET outcome = 'PermissionDenied' WHERE seq = 5`}, want: audit.ProblemEdited, wantSeq: 5},
		{name: "a deleted entry", tamper: []string{`DELETE FROM audit_entries WHERE seq = 4`}, want: audit.ProblemMissing, wantSeq: 5},
		{name: "two reordered entries", tamper: []string{"ALTER TABLE audit_entries DROP CONSTRAINT audit_entries_hash_key", fmt.Sprintf(swap, 3, 4)}, want: audit.ProblemOutOfOrder, wantSeq: 3},
		{name: "the tail removed", tamper: []string{`DELETE FROM audit_entries WHERE seq >= 5`}, want: audit.ProblemHeadMismatch, wantSeq: 6},
		{name: "a forged head", tamper: []string{`UPDATE audit_heads SET signed_at = signed_at + interval '1 second'`}, want: audit.ProblemHeadSignature, wantSeq: 6},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			pool, _, signer := chain(t, 6)
			tamper(t, pool, c.tamper...)
			r, err := audit.Verify(context.Background(), pool, schema, signer.PublicKey())
			if err != nil {
				t.Fatal(err)
			}
			if c.want == "" {
				if !r.OK() || r.Entries != 6 || r.HeadsVerified != 1 {
					t.Fatalf("intact chain: %+v", r)
				}
				return
			}
			if r.OK() {
				t.Fatalf("tampering not found: %+v", r)
			}
			if p := r.Problems[0]; p.Kind != c.want || p.Seq != c.wantSeq {
				t.Fatalf("first problem %v, want %s at #%d (all: %v)", p, c.want, c.wantSeq, r.Problems)
			}
		})
	}
}

func TestTheTrailRefusesChanges(t *testing.T) {
	t.Parallel()
	pool, _, _ := chain(t, 2)
	for _, stmt := range []string{
		`UPDATE audit_entries SET actor = 'x' WHERE seq = 1`,
		`DELETE FROM audit_entries WHERE seq = 1`,
		`TRUNCATE audit_entries`,
		`UPDATE audit_heads SET seq = 1`,
		`DELETE FROM audit_heads`,
	} {
		if _, err := pool.Exec(context.Background(), stmt); err == nil {
			t.Errorf("%s: accepted, even by a superuser", stmt)
		}
	}
}

func TestConcurrentWritersKeepOneChain(t *testing.T) {
	t.Parallel()
	pool, store, _ := chain(t, 0)
	ctx := context.Background()
	errc := make(chan error, 40)
	for i := range 40 {
		go func() {
			_, err := store.Append(ctx, audit.Entry{Actor: fmt.Sprint(i), Method: "/x/Y", Outcome: "OK", At: time.Now()})
			errc <- err
		}()
	}
	for range 40 {
		if err := <-errc; err != nil {
			t.Fatal(err)
		}
	}
	r, err := audit.Verify(ctx, pool, schema, nil)
	if err != nil || !r.OK() || r.Entries != 40 {
		t.Fatalf("%+v %v", r, err)
	}
}

// BenchmarkAppend measures one audit write: the chain's lock, its head, the insert, a commit.
// This is what an audited call pays after its answer; check-in uploads do not pay it.
func BenchmarkAppend(b *testing.B) {
	ctx := context.Background()
	tel := testkit.Telemetry(b, schema)
	pool := testkit.Pool(b, schema, tel)
	if err := db.Migrate(ctx, pool, schema, tel.Logger, db.MigrationSet{Name: "audit", FS: audit.Migrations()}); err != nil {
		b.Fatal(err)
	}
	store, err := audit.NewStore(pool, nil)
	if err != nil {
		b.Fatal(err)
	}
	e := audit.Entry{Actor: "county-admin", Role: "county_admin", County: "330102", Client: "192.0.2.7 via 127.0.0.1:40000",
		Method: "/sciweek.venue.v1.TerminalService/ProvisionTerminal", Targets: "venue_id=0190c7f5-0000-7000-8000-000000000000", Outcome: "OK"}
	for b.Loop() {
		if _, err := store.Append(ctx, e); err != nil {
			b.Fatal(err)
		}
	}
}
