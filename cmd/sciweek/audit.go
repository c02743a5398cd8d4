package main

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/sciweek/sciweek/cmd/sciweek/internal/stack"
	"github.com/sciweek/sciweek/pkg/audit"
	"github.com/sciweek/sciweek/services/checkin"
	"github.com/sciweek/sciweek/services/registration"
	"github.com/sciweek/sciweek/services/reporting"
	"github.com/sciweek/sciweek/services/venue"
)

// auditSchemas are the services that keep an audit chain, by name, and their schemas.
var auditSchemas = map[string]string{
	"registration": registration.Schema, "venue": venue.Schema, "checkin": checkin.Schema, "reporting": reporting.Schema,
}

// errChainBroken is what `sciweek audit verify` ends with when it found tampering.
var errChainBroken = errors.New("the audit chain is broken")

func auditCmd(args []string, out io.Writer) error {
	if len(args) == 0 {
		return errors.New(`usage: sciweek audit verify [-service NAME] [-database URL] [-public-key KEY | -key-file FILE]
       sciweek audit public-key [-key-file FILE]`)
	}
	switch args[0] {
	case "verify":
		return auditVerify(context.Background(), args[1:], out)
	case "public-key":
		return auditPublicKey(args[1:], out)
	}
	return fmt.Errorf("audit: unknown command %q (verify, public-key)", args[0])
}

// auditKeyFile is where the head-signing key is looked for when no key is named.
func auditKeyFile() string {
	if f := os.Getenv("SCIWEEK_AUDIT_KEY_FILE"); f != "" {
		return f
	}
	return filepath.Join(envOr("SCIWEEK_DATA", ".data"), stack.AuditKeyFile)
}

// auditPublicKey prints the public key of a head-signing key, for the people who verify.
func auditPublicKey(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("audit public-key", flag.ContinueOnError)
	keyFile := fs.String("key-file", auditKeyFile(), "the head-signing key (SCIWEEK_AUDIT_KEY_FILE, default <data>/"+stack.AuditKeyFile+")")
	if err := fs.Parse(args); err != nil {
		return err
	}
	key, err := audit.LoadKeyFile(*keyFile, false)
	if err != nil {
		return err
	}
	pub := key.Public().(ed25519.PublicKey)
	_, err = fmt.Fprintf(out, "%s  (key id %s)\n", base64.StdEncoding.EncodeToString(pub), audit.KeyID(pub))
	return err
}

// auditVerify walks the audit chains of the named services (all four by default) and reports
// every edited, missing or reordered entry and every signed head the chain no longer matches.
func auditVerify(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("audit verify", flag.ContinueOnError)
	service := fs.String("service", "", "the service whose chain to check: registration, venue, checkin or reporting (default all)")
	dbURL := fs.String("database", os.Getenv("DATABASE_URL"), "the services' database (DATABASE_URL)")
	pubText := fs.String("public-key", os.Getenv("SCIWEEK_AUDIT_PUBLIC_KEY"), "the head-signing public key, base64 or hex (SCIWEEK_AUDIT_PUBLIC_KEY)")
	keyFile := fs.String("key-file", "", "read the public key from the head-signing key file instead")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dbURL == "" {
		return errors.New("audit verify: name the database with -database or DATABASE_URL")
	}
	var pub ed25519.PublicKey
	switch {
	case *pubText != "":
		k, err := audit.ParsePublicKey(*pubText)
		if err != nil {
			return err
		}
		pub = k
	case *keyFile != "":
		k, err := audit.LoadKeyFile(*keyFile, false)
		if err != nil {
			return err
		}
		pub = k.Public().(ed25519.PublicKey)
	}
	names := []string{*service}
	if *service == "" {
		names = []string{"registration", "venue", "checkin", "reporting"}
	} else if _, ok := auditSchemas[*service]; !ok {
		return fmt.Errorf("audit verify: unknown service %q", *service)
	}
	conn, err := pgx.Connect(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	broken := false
	for _, name := range names {
		// One snapshot per chain: entries appended while it is read do not look like a gap.
		tx, err := conn.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
		if err != nil {
			return err
		}
		r, err := audit.Verify(ctx, tx, auditSchemas[name], pub)
		_ = tx.Rollback(ctx)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		heads := fmt.Sprintf("%d signed heads", r.Heads)
		if pub == nil {
			heads += " (signatures not checked: give -public-key)"
		} else {
			heads += fmt.Sprintf(", %d verified", r.HeadsVerified)
		}
		if r.OK() {
			fmt.Fprintf(out, "%s: intact, %d entries (last #%d), %s\n", name, r.Entries, r.LastSeq, heads)
			continue
		}
		broken = true
		fmt.Fprintf(out, "%s: BROKEN, %d entries (last #%d), %s, %d problems:\n", name, r.Entries, r.LastSeq, heads, len(r.Problems))
		kinds := []string{}
		for _, p := range r.Problems {
			fmt.Fprintf(out, "  %s\n", p)
			if !slices.Contains(kinds, p.Kind) {
				kinds = append(kinds, p.Kind)
			}
		}
		fmt.Fprintf(out, "  kinds: %s\n", strings.Join(kinds, ", "))
	}
	if broken {
		return errChainBroken
	}
	return nil
}
