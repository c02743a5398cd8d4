// Package audit keeps each service's audit trail: who did what, from where, with what outcome.
// Every state-changing call, sign-in, export and download becomes one entry in the service's own
// audit_entries table. The table is append-only (grants and a trigger) and a hash chain — each
// entry's hash is SHA-256 of the previous entry's hash and the entry's canonical bytes — whose
// head is signed now and then with an Ed25519 key kept outside the database. Verify walks a
// chain and names every edited, removed or reordered entry.
package audit

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/binary"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/sciweek/sciweek/pkg/db"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations returns the audit tables every service has; apply them with db.Migrate as the
// "audit" set.
func Migrations() fs.FS { return db.Folder(migrationFiles, "migrations") }

// Entry is one audited action.
type Entry struct {
	// Seq is the entry's place in its chain, given by the store.
	Seq int64
	// At is when the action ended (UTC, microseconds: what PostgreSQL keeps).
	At time.Time
	// Actor is the caller's user name or terminal id; for a failed sign-in, the name it claimed.
	Actor string
	// Role, County and Unit are the caller's role and scope, empty when unknown.
	Role, County, Unit string
	// Client is where the call came from: the gateway's X-Forwarded-For and the peer address.
	Client string
	// Method is the full gRPC method, or the name of an action that is not one.
	Method string
	// Targets are the ids the call named, "key=value" pairs sorted and separated by spaces;
	// never passwords, phone numbers or names of people.
	Targets string
	// Outcome is the gRPC code name of the answer: "OK", "PermissionDenied", …
	Outcome string
	// Reason is the refusal's reason code, empty on success.
	Reason string
	// PrevHash is the previous entry's hash (32 zero bytes for the first).
	PrevHash []byte
	// Hash is SHA-256(PrevHash ‖ Canonical()).
	Hash []byte
}

// Genesis is the previous hash of a chain's first entry.
var Genesis = make([]byte, sha256.Size)

// timeLayout is the canonical form of At: fixed width, UTC, microseconds.
const timeLayout = "2006-01-02T15:04:05.000000Z"

// Canonical is the entry's content as hashed: every field but Seq and the hashes, each as a
// 4-byte big-endian length and its UTF-8 bytes, in a fixed order. Seq is left out on purpose:
// the chain's links order the entries, so a renumbered (reordered) entry shows as out of place
// rather than as edited.
func (e Entry) Canonical() []byte {
	fields := []string{"sciweek-audit-v1", e.At.UTC().Truncate(time.Microsecond).Format(timeLayout), e.Actor, e.Role, e.County, e.Unit,
		e.Client, e.Method, e.Targets, e.Outcome, e.Reason}
	n := 0
	for _, f := range fields {
		n += 4 + len(f)
	}
	out := make([]byte, 0, n)
	for _, f := range fields {
		out = binary.BigEndian.AppendUint32(out, uint32(len(f)))
		out = append(out, f...)
	}
	return out
}

// ChainHash is the hash of an entry whose predecessor's hash is prev.
func ChainHash(prev []byte, e Entry) []byte {
	h := sha256.New()
	h.Write(prev)
	h.Write(e.Canonical())
	return h.Sum(nil)
}

// Note is the audit entry of a call in progress: the interceptor starts it, authentication and
// the use cases fill in who and what, and the interceptor completes and stores it when the call
// ends.
type Note struct {
	mu      sync.Mutex
	entry   Entry
	targets map[string]string
}

type noteKey struct{}

// WithNote returns ctx carrying n.
func WithNote(ctx context.Context, n *Note) context.Context {
	return context.WithValue(ctx, noteKey{}, n)
}

// NoteFrom returns the note of the call ctx belongs to, or nil outside an audited call.
func NoteFrom(ctx context.Context) *Note {
	n, _ := ctx.Value(noteKey{}).(*Note)
	return n
}

// SetActor says who acts: the authenticated principal, or whom a sign-in was for.
func SetActor(ctx context.Context, actor, role, county, unit string) {
	if n := NoteFrom(ctx); n != nil {
		n.mu.Lock()
		n.entry.Actor, n.entry.Role, n.entry.County, n.entry.Unit = actor, role, county, unit
		n.mu.Unlock()
	}
}

// AddTarget records an id the call acted on. Never pass a password, a phone number or a
// person's name.
func AddTarget(ctx context.Context, key, value string) {
	if n := NoteFrom(ctx); n != nil && value != "" {
		n.mu.Lock()
		if n.targets == nil {
			n.targets = map[string]string{}
		}
		n.targets[key] = value
		n.mu.Unlock()
	}
}

// maxTargets bounds the targets text of one entry.
const maxTargets = 2000

// Entry returns the note as an entry, its targets sorted.
func (n *Note) Entry() Entry {
	n.mu.Lock()
	defer n.mu.Unlock()
	e := n.entry
	keys := make([]string, 0, len(n.targets))
	for k := range n.targets {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	for _, k := range keys {
		part := k + "=" + n.targets[k]
		if b.Len()+len(part)+1 > maxTargets {
			b.WriteString(" …")
			break
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(part)
	}
	e.Targets = b.String()
	return e
}

// NewNote starts the note of a call to method from client.
func NewNote(method, client string) *Note {
	return &Note{entry: Entry{Method: method, Client: client}}
}
