package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/sciweek/sciweek/pkg/audit"
	"github.com/sciweek/sciweek/pkg/db"
	"github.com/sciweek/sciweek/pkg/testkit"
)

// TestAuditVerifyCommand runs `sciweek audit verify` against a venue chain of five entries with
// a signed head, intact and after each kind of tampering a database superuser could do behind
// the append-only triggers.
func TestAuditVerifyCommand(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		tamper []string
		want   string // the kind reported; "" means intact
	}{
		{name: "intact"},
		{name: "edited", tamper: []string{`UPDATE venue.audit_entries SET targets = 'venue_id=elsewhere' WHERE seq = 2`}, want: audit.ProblemEdited},
		{name: "deleted", tamper: []string{`DELETE FROM venue.audit_entries WHERE seq = 3`}, want: audit.ProblemMissing},
		{name: "reordered", tamper: []string{`ALTER TABLE venue.audit_entries DROP CONSTRAINT audit_entries_hash_key`,
			`WITH a AS (SELECT * FROM venue.audit_entries WHERE seq = 2), b AS (SELECT * FROM venue.audit_entries WHERE seq = 3)
			UPDATE venue.audit_entries e SET at = s.at, actor = s.actor, role = s.role, county = s.county, unit = s.unit, client = s.client,
			  method = s.method, targets = s.targets, outcome = s.outcome, reason = s.reason, prev_hash = s.prev_hash, hash = s.hash
			FROM (SELECT 2 AS target, b.* FROM b UNION ALL SELECT 3, a.* FROM a) s WHERE e.seq = s.target`}, want: audit.ProblemOutOfOrder},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			tel := testkit.Telemetry(t, "venue")
			url := testkit.Postgres(t)
			pool, err := db.Open(ctx, db.Config{URL: url, Schema: "venue"}, tel)
			if err != nil {
				t.Fatal(err)
			}
			defer pool.Close()
			if err := db.Migrate(ctx, pool, "venue", tel.Logger, db.MigrationSet{Name: "audit", FS: audit.Migrations()}); err != nil {
				t.Fatal(err)
			}
			keyFile := filepath.Join(t.TempDir(), "audit.key")
			key, err := audit.LoadKeyFile(keyFile, true)
			if err != nil {
				t.Fatal(err)
			}
			trail, err := audit.NewTrail(pool, key, tel.Logger)
			if err != nil {
				t.Fatal(err)
			}
			for i := range 5 {
				if _, err := trail.Append(ctx, audit.Entry{Actor: "county-admin", Role: "county_admin", County: "330102", Client: "192.0.2.7",
					Method: "/sciweek.venue.v1.TerminalService/RevokeTerminal", Targets: fmt.Sprintf("terminal_id=t%d", i), Outcome: "OK"}); err != nil {
					t.Fatal(err)
				}
			}
			signer, _ := audit.NewSigner(key)
			if _, _, err := trail.SignHead(ctx, signer); err != nil {
				t.Fatal(err)
			}
			conn, err := pgx.Connect(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close(ctx)
			for _, s := range append([]string{`ALTER TABLE venue.audit_entries DISABLE TRIGGER USER`}, c.tamper...) {
				if _, err := conn.Exec(ctx, s); err != nil {
					t.Fatalf("%s: %v", s, err)
				}
			}
			var out bytes.Buffer
			err = auditCmd([]string{"verify", "-service", "venue", "-database", url, "-key-file", keyFile}, &out)
			t.Log(out.String())
			if c.want == "" {
				if err != nil || !strings.Contains(out.String(), "venue: intact, 5 entries (last #5), 1 signed heads, 1 verified") {
					t.Fatalf("intact chain: %v\n%s", err, out.String())
				}
				return
			}
			if !errors.Is(err, errChainBroken) || !strings.Contains(out.String(), "kinds: "+c.want) {
				t.Fatalf("want %s reported, got %v\n%s", c.want, err, out.String())
			}
		})
	}
}
