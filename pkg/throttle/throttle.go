// Package throttle slows down and locks out callers who fail too often or ask too much: sign-in
// per account and per client address with growing delays and a temporary lock, activation with
// setup codes, public sign-up per client and per phone. Counters live in the service's own
// PostgreSQL schema (the "throttle" migration set), so every replica refuses alike.
package throttle

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sciweek/sciweek/pkg/db"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations returns the counters' table; apply it with db.Migrate as the "throttle" set.
func Migrations() fs.FS { return db.Folder(migrationFiles, "migrations") }

// Rule is one limit. Within a Window (from a key's first counted event), the first Free events
// pass; each one after that blocks the key for Delay, doubling with every further event up to
// MaxDelay; a Delay of 0 instead blocks the key until the window ends (a rate: Free per
// Window). After LockAfter events (0: never) the key is locked for LockFor, which an
// administrator may lift early.
type Rule struct {
	Free      int
	Window    time.Duration
	Delay     time.Duration
	MaxDelay  time.Duration
	LockAfter int
	LockFor   time.Duration
}

// Off says whether the rule limits nothing (Free of 0 or less).
func (r Rule) Off() bool { return r.Free <= 0 }

// block is how long the count'th event blocks the key, and whether it locks it.
func (r Rule) block(count int, windowLeft time.Duration) (time.Duration, bool) {
	if r.LockAfter > 0 && count >= r.LockAfter {
		return r.LockFor, true
	}
	if count <= r.Free {
		return 0, false
	}
	if r.Delay <= 0 {
		return windowLeft, false
	}
	d := r.Delay
	for i := r.Free + 1; i < count && d < r.MaxDelay; i++ {
		d *= 2
	}
	if r.MaxDelay > 0 && d > r.MaxDelay {
		d = r.MaxDelay
	}
	return d, false
}

// String writes the rule as Parse reads it.
func (r Rule) String() string {
	parts := []string{"free=" + strconv.Itoa(r.Free), "window=" + r.Window.String()}
	if r.Delay > 0 {
		parts = append(parts, "delay="+r.Delay.String(), "max="+r.MaxDelay.String())
	}
	if r.LockAfter > 0 {
		parts = append(parts, "lock="+strconv.Itoa(r.LockAfter), "lockfor="+r.LockFor.String())
	}
	return strings.Join(parts, ",")
}

// Parse changes a rule by a comma-separated list of settings (free=5,window=15m,delay=1s,
// max=1m,lock=10,lockfor=15m); settings not named keep base's value, and "off" turns it off.
func Parse(base Rule, s string) (Rule, error) {
	r := base
	if strings.TrimSpace(s) == "off" {
		r.Free = 0
		return r, nil
	}
	for _, kv := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(kv), "=")
		if !ok {
			return base, fmt.Errorf("throttle: %q is not name=value", kv)
		}
		var err error
		switch k {
		case "free":
			r.Free, err = strconv.Atoi(v)
		case "lock":
			r.LockAfter, err = strconv.Atoi(v)
		case "window":
			r.Window, err = time.ParseDuration(v)
		case "delay":
			r.Delay, err = time.ParseDuration(v)
		case "max":
			r.MaxDelay, err = time.ParseDuration(v)
		case "lockfor":
			r.LockFor, err = time.ParseDuration(v)
		default:
			return base, fmt.Errorf("throttle: unknown setting %q (free, window, delay, max, lock, lockfor)", k)
		}
		if err != nil {
			return base, fmt.Errorf("throttle: %s=%q: %w", k, v, err)
		}
	}
	if r.Free > 0 && r.Window <= 0 {
		return base, errors.New("throttle: a rule needs a window")
	}
	return r, nil
}

// Limits are the deployment's rules, one per door people knock on.
type Limits struct {
	// LoginAccount counts wrong passwords per user name (known or not, so a lock reveals
	// nothing about which names exist).
	LoginAccount Rule
	// LoginAddress counts wrong passwords per client address, over all names.
	LoginAddress Rule
	// SetupAddress counts wrong setup codes per client address.
	SetupAddress Rule
	// SetupAll counts wrong setup codes over all addresses: a code is short, and a botnet has
	// many addresses.
	SetupAll Rule
	// SignupAddress counts public sign-ups per client address.
	SignupAddress Rule
	// SignupPhone counts public sign-ups per phone number.
	SignupPhone Rule
}

// Counter is what a use case needs of the counters: *Store is one (in PostgreSQL, so every
// replica agrees); the services' app layers take it as an interface.
type Counter interface {
	// Check returns the longest block among keys.
	Check(ctx context.Context, keys ...string) (Verdict, error)
	// Hit counts one event against key and returns the block it earns.
	Hit(ctx context.Context, rule Rule, key string) (Verdict, error)
}

// DefaultLimits are the limits without configuration.
var DefaultLimits = Limits{
	LoginAccount:  Rule{Free: 5, Window: 15 * time.Minute, Delay: time.Second, MaxDelay: 30 * time.Second, LockAfter: 10, LockFor: 15 * time.Minute},
	LoginAddress:  Rule{Free: 20, Window: 15 * time.Minute, Delay: time.Second, MaxDelay: time.Minute, LockAfter: 100, LockFor: 30 * time.Minute},
	SetupAddress:  Rule{Free: 5, Window: 15 * time.Minute, Delay: 2 * time.Second, MaxDelay: time.Minute, LockAfter: 20, LockFor: time.Hour},
	SetupAll:      Rule{Free: 200, Window: time.Hour},
	SignupAddress: Rule{Free: 30, Window: time.Hour},
	SignupPhone:   Rule{Free: 5, Window: time.Hour},
}

// Environment reads each rule from its variable (SCIWEEK_LIMIT_LOGIN_ACCOUNT, …), starting
// from limits' values.
func Environment(limits *Limits, getenv func(string) string) error {
	for name, r := range limits.byName() {
		if v := getenv(name); v != "" {
			parsed, err := Parse(*r, v)
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			*r = parsed
		}
	}
	return nil
}

func (l *Limits) byName() map[string]*Rule {
	return map[string]*Rule{
		"SCIWEEK_LIMIT_LOGIN_ACCOUNT":  &l.LoginAccount,
		"SCIWEEK_LIMIT_LOGIN_ADDRESS":  &l.LoginAddress,
		"SCIWEEK_LIMIT_SETUP_ADDRESS":  &l.SetupAddress,
		"SCIWEEK_LIMIT_SETUP_ALL":      &l.SetupAll,
		"SCIWEEK_LIMIT_SIGNUP_ADDRESS": &l.SignupAddress,
		"SCIWEEK_LIMIT_SIGNUP_PHONE":   &l.SignupPhone,
	}
}

// Verdict is what a key's counter says now.
type Verdict struct {
	// Wait is how long the key is blocked (0: not blocked).
	Wait time.Duration
	// Locked says the key is locked, not merely slowed down.
	Locked bool
}

// Store keeps the counters in PostgreSQL.
type Store struct {
	pool *pgxpool.Pool
	now  func() time.Time
}

// New returns a store on a pool connected to the service's schema.
func New(pool *pgxpool.Pool, now func() time.Time) (*Store, error) {
	if pool == nil || now == nil {
		return nil, errors.New("throttle: pool and clock are required")
	}
	return &Store{pool: pool, now: now}, nil
}

// Check returns the longest block among keys.
func (s *Store) Check(ctx context.Context, keys ...string) (Verdict, error) {
	var until *time.Time
	var locked bool
	err := s.pool.QueryRow(ctx, `SELECT max(blocked_until), coalesce(bool_or(locked AND blocked_until > $2), false) FROM throttle_counters
		WHERE key = ANY($1) AND blocked_until > $2`, keys, s.now()).Scan(&until, &locked)
	if err != nil {
		return Verdict{}, err
	}
	if until == nil {
		return Verdict{}, nil
	}
	return Verdict{Wait: until.Sub(s.now()), Locked: locked}, nil
}

// Hit counts one event against key under rule and returns the block it earns (Wait 0: the
// event is within the rule). Counting is one statement per key, so replicas agree.
func (s *Store) Hit(ctx context.Context, rule Rule, key string) (Verdict, error) {
	if rule.Off() {
		return Verdict{}, nil
	}
	now := s.now()
	if rand.IntN(100) == 0 {
		// Now and then, forget the counters nobody needs any more.
		_, _ = s.pool.Exec(ctx, `DELETE FROM throttle_counters WHERE window_ends < $1 AND blocked_until < $1`, now)
	}
	var count int
	var windowEnds time.Time
	err := s.pool.QueryRow(ctx, `INSERT INTO throttle_counters (key, count, window_ends, blocked_until) VALUES ($1, 1, $2::timestamptz + $3::interval, $2)
		ON CONFLICT (key) DO UPDATE SET
			count = CASE WHEN throttle_counters.window_ends <= $2 THEN 1 ELSE throttle_counters.count + 1 END,
			window_ends = CASE WHEN throttle_counters.window_ends <= $2 THEN $2::timestamptz + $3::interval ELSE throttle_counters.window_ends END,
			locked = throttle_counters.locked AND throttle_counters.window_ends > $2
		RETURNING count, window_ends`, key, now, rule.Window).Scan(&count, &windowEnds)
	if err != nil {
		return Verdict{}, err
	}
	d, lock := rule.block(count, windowEnds.Sub(now))
	if d <= 0 {
		return Verdict{}, nil
	}
	// A lock outlives the window, so the count is kept as long as the lock.
	_, err = s.pool.Exec(ctx, `UPDATE throttle_counters SET blocked_until = greatest(blocked_until, $2), locked = locked OR $3,
		window_ends = greatest(window_ends, $2) WHERE key = $1`, key, now.Add(d), lock)
	return Verdict{Wait: d, Locked: lock}, err
}

// Reset forgets keys' counters: a signed-in account's failures, or a lock an administrator
// lifts. It returns whether any key was blocked.
func (s *Store) Reset(ctx context.Context, keys ...string) (bool, error) {
	var blocked bool
	err := s.pool.QueryRow(ctx, `WITH gone AS (DELETE FROM throttle_counters WHERE key = ANY($1) RETURNING blocked_until)
		SELECT coalesce(bool_or(blocked_until > $2), false) FROM gone`, keys, s.now()).Scan(&blocked)
	return blocked, err
}
