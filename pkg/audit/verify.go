package audit

import (
	"context"
	"crypto/ed25519"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Querier is what Verify reads through: a pool, a connection or a transaction.
type Querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// The kinds of problem Verify finds.
const (
	// ProblemEdited is an entry whose content no longer matches its hash.
	ProblemEdited = "edited"
	// ProblemMissing is a gap: entries between two sequence numbers were removed.
	ProblemMissing = "missing"
	// ProblemOutOfOrder is an intact entry that does not follow its predecessor: entries were
	// moved, swapped or replaced.
	ProblemOutOfOrder = "out-of-order"
	// ProblemHeadSignature is a signed head whose signature does not verify with the key.
	ProblemHeadSignature = "head-signature"
	// ProblemHeadMismatch is a signed head the chain no longer contains: entries up to it were
	// rewritten, or the chain's tail was removed.
	ProblemHeadMismatch = "head-mismatch"
)

// Problem is one place where a chain was tampered with.
type Problem struct {
	// Seq is the entry (or head) where the problem shows.
	Seq int64
	// Kind is one of the Problem… constants.
	Kind string
	// Detail says what was found, for people.
	Detail string
}

// String prints the problem for people: "#12 edited: …".
func (p Problem) String() string { return fmt.Sprintf("#%d %s: %s", p.Seq, p.Kind, p.Detail) }

// Report is what Verify found.
type Report struct {
	// Entries is the number of entries read; LastSeq the last one's sequence.
	Entries int
	LastSeq int64
	// Heads is the number of signed heads; HeadsVerified those whose signature was checked.
	Heads, HeadsVerified int
	// Problems lists every break, in chain order; none means the chain is intact.
	Problems []Problem
}

// OK reports whether the chain is intact.
func (r Report) OK() bool { return len(r.Problems) == 0 }

// Verify walks the audit chain in schema (entries in sequence order, then the signed heads) and
// reports every entry that was edited, removed or moved, and every signed head the chain no
// longer matches. With pub nil, head signatures are not checked (the heads still must match).
func Verify(ctx context.Context, q Querier, schema string, pub ed25519.PublicKey) (Report, error) {
	var r Report
	entries := pgx.Identifier{schema, "audit_entries"}.Sanitize()
	heads := pgx.Identifier{schema, "audit_heads"}.Sanitize()
	rows, err := q.Query(ctx, `SELECT seq, at, actor, role, county, unit, client, method, targets, outcome, reason, prev_hash, hash FROM `+entries+` ORDER BY seq`)
	if err != nil {
		return r, err
	}
	hashes := map[int64][]byte{}
	last, lastSeq := Genesis, int64(0)
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			rows.Close()
			return r, err
		}
		r.Entries++
		hashes[e.Seq] = e.Hash
		switch {
		case !sameHash(ChainHash(e.PrevHash, e), e.Hash):
			r.Problems = append(r.Problems, Problem{Seq: e.Seq, Kind: ProblemEdited, Detail: "the entry's content does not match its hash"})
		case sameHash(e.PrevHash, last):
		case e.Seq != lastSeq+1:
			r.Problems = append(r.Problems, Problem{Seq: e.Seq, Kind: ProblemMissing,
				Detail: fmt.Sprintf("entries %d to %d are gone and this entry does not follow #%d", lastSeq+1, e.Seq-1, lastSeq)})
		default:
			r.Problems = append(r.Problems, Problem{Seq: e.Seq, Kind: ProblemOutOfOrder, Detail: fmt.Sprintf("the entry does not follow #%d", lastSeq)})
		}
		last, lastSeq = e.Hash, e.Seq
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return r, err
	}
	r.LastSeq = lastSeq
	rows, err = q.Query(ctx, `SELECT seq, hash, signed_at, key_id, signature FROM `+heads+` ORDER BY seq`)
	if err != nil {
		return r, err
	}
	defer rows.Close()
	for rows.Next() {
		var h Head
		if err := rows.Scan(&h.Seq, &h.Hash, &h.SignedAt, &h.KeyID, &h.Signature); err != nil {
			return r, err
		}
		r.Heads++
		if pub != nil {
			if !verifyHead(schema, h, pub) {
				r.Problems = append(r.Problems, Problem{Seq: h.Seq, Kind: ProblemHeadSignature, Detail: "head " + h.String() + " does not verify with the given key"})
				continue
			}
			r.HeadsVerified++
		}
		got, ok := hashes[h.Seq]
		switch {
		case !ok && h.Seq > lastSeq:
			r.Problems = append(r.Problems, Problem{Seq: h.Seq, Kind: ProblemHeadMismatch,
				Detail: fmt.Sprintf("signed head %s is past the chain's end (#%d): its tail was removed", h, lastSeq)})
		case !ok:
			r.Problems = append(r.Problems, Problem{Seq: h.Seq, Kind: ProblemHeadMismatch, Detail: "the entry of signed head " + h.String() + " is gone"})
		case !sameHash(got, h.Hash):
			r.Problems = append(r.Problems, Problem{Seq: h.Seq, Kind: ProblemHeadMismatch,
				Detail: "the chain was rewritten up to signed head " + h.String()})
		}
	}
	return r, rows.Err()
}
