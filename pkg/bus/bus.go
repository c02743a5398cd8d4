// Package bus is how services talk through NATS JetStream: the catalogue of streams, the
// transactional outbox with its relay (no dual writes), and projections that apply each event
// exactly once by storing the stream position with the change.
package bus

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"log/slog"
	"slices"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/sciweek/sciweek/pkg/db"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations returns the outbox and checkpoint tables every service with events needs; apply
// them with db.Migrate as the "bus" set.
func Migrations() fs.FS { return db.Folder(migrationFiles, "migrations") }

// Stream names, one per publishing service: a service owns the subjects under its name.
const (
	// StreamRegistration carries sciweek.registration.> events.
	StreamRegistration = "SCIWEEK_REGISTRATION"
	// StreamVenue carries sciweek.venue.> events.
	StreamVenue = "SCIWEEK_VENUE"
	// StreamCheckin carries sciweek.checkin.> events.
	StreamCheckin = "SCIWEEK_CHECKIN"
	// StreamReporting carries sciweek.reporting.> events.
	StreamReporting = "SCIWEEK_REPORTING"
)

// HeaderType names the proto message in a message, so consumers decode without guessing.
const HeaderType = "Sciweek-Type"

// Default stream limits: a stream keeps what a city's week (eight days) and its report period
// (to 10 June, about ten days more) need, with margin — three weeks — and no more than 8 GiB on
// each node, whichever comes first. Projections checkpoint in PostgreSQL and the check-in table is
// the system of record, so older events are needed only to rebuild from the stream.
const (
	DefaultMaxAge   = 21 * 24 * time.Hour
	DefaultMaxBytes = int64(8 << 30)
)

// StreamOptions are the deployment's choices for every stream. EnsureStreams applies them when it
// creates a stream; on a stream that exists it only raises the replicas and adds subjects (see
// EnsureStreams), so what an operator set with the nats CLI stays.
type StreamOptions struct {
	// Replicas is 1 on one machine and 3 in a production cluster; 0 means 1.
	Replicas int
	// DuplicateWindow is how long JetStream remembers message ids to drop a relay's re-publish
	// after a crash. 0 means two minutes.
	DuplicateWindow time.Duration
	// MaxAge is how long a stream keeps an event: 0 means DefaultMaxAge, a negative value no
	// limit.
	MaxAge time.Duration
	// MaxBytes is the most a stream keeps (on each replica): 0 means DefaultMaxBytes, a
	// negative value no limit.
	MaxBytes int64
}

// StoreNeeded is the disk a JetStream server must let sciweek's streams reserve: every stream's
// size limit, or 0 when they have none. JetStream refuses to make a stream whose limit does not
// fit in what the server may still reserve, however little the stream will hold.
func (o StreamOptions) StoreNeeded() int64 {
	o = o.withDefaults()
	if o.MaxBytes < 0 {
		return 0
	}
	return int64(len(streamSubjects)) * o.MaxBytes
}

// streamSubjects are sciweek's streams and the subjects each carries.
var streamSubjects = map[string]string{
	StreamRegistration: "sciweek.registration.>",
	StreamVenue:        "sciweek.venue.>",
	StreamCheckin:      "sciweek.checkin.>",
	StreamReporting:    "sciweek.reporting.>",
}

// withDefaults fills in the zero values.
func (o StreamOptions) withDefaults() StreamOptions {
	if o.Replicas <= 0 {
		o.Replicas = 1
	}
	if o.DuplicateWindow <= 0 {
		o.DuplicateWindow = 2 * time.Minute
	}
	switch {
	case o.MaxAge == 0:
		o.MaxAge = DefaultMaxAge
	case o.MaxAge < 0:
		o.MaxAge = 0 // JetStream's "no limit"
	}
	switch {
	case o.MaxBytes == 0:
		o.MaxBytes = DefaultMaxBytes
	case o.MaxBytes < 0:
		o.MaxBytes = -1 // JetStream's "no limit"
	}
	return o
}

func subjectsOf(stream string) ([]string, error) {
	if subject, ok := streamSubjects[stream]; ok {
		return []string{subject}, nil
	}
	return nil, fmt.Errorf("bus: unknown stream %q", stream)
}

// EnsureStreams creates the streams that do not exist, with opts. Publishers and consumers both
// call it for the streams they use, at every start and every projection restart, so start order
// does not matter — and so it must never undo an operator's change: on a stream that exists it
// only raises the replicas to opts.Replicas (never lowers them), adds missing subjects, and fills
// in an age or size limit the stream has none of (streams made before limits existed); limits,
// replicas and everything else an operator set stay as they are.
func EnsureStreams(ctx context.Context, js jetstream.JetStream, opts StreamOptions, names ...string) error {
	opts = opts.withDefaults()
	for _, name := range names {
		subjects, err := subjectsOf(name)
		if err != nil {
			return err
		}
		s, err := js.Stream(ctx, name)
		if errors.Is(err, jetstream.ErrStreamNotFound) {
			cfg := jetstream.StreamConfig{
				Name:       name,
				Subjects:   subjects,
				Storage:    jetstream.FileStorage,
				Retention:  jetstream.LimitsPolicy,
				Replicas:   opts.Replicas,
				Duplicates: opts.DuplicateWindow,
				Discard:    jetstream.DiscardOld,
				MaxAge:     opts.MaxAge,
				MaxBytes:   opts.MaxBytes,
			}
			_, err = js.CreateStream(ctx, cfg)
			if errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) {
				// Another service created it meanwhile: bring that one up to date instead.
				s, err = js.Stream(ctx, name)
			} else if err != nil {
				return fmt.Errorf("bus: create stream %s: %w", name, storeTooSmall(err, opts))
			} else {
				continue
			}
		}
		if err != nil {
			return fmt.Errorf("bus: stream %s: %w", name, err)
		}
		cfg, changed := raised(s.CachedInfo().Config, subjects, opts)
		if !changed {
			continue
		}
		if _, err := js.UpdateStream(ctx, cfg); err != nil {
			return fmt.Errorf("bus: update stream %s: %w", name, err)
		}
	}
	return nil
}

// ErrStoreTooSmall is why a stream could not be made when the NATS server cannot reserve its
// size limit: JetStream reserves a stream's whole MaxBytes when it makes it, however little the
// stream will hold. Retrying does not help until someone frees disk on the server, raises its
// store limit, or lowers the streams' (SCIWEEK_STREAM_MAX_BYTES).
var ErrStoreTooSmall = errors.New("the NATS server cannot reserve the stream's size limit: free disk on it, raise its JetStream store limit (max_file_store), or lower SCIWEEK_STREAM_MAX_BYTES")

// jsStorageResourcesExceeded is JetStream's error code for a reservation it cannot make
// (JSStorageResourcesExceededErr); nats.go names no constant for it.
const jsStorageResourcesExceeded jetstream.ErrorCode = 10047

// storeTooSmall says what to do when err is JetStream refusing a stream's reservation.
func storeTooSmall(err error, opts StreamOptions) error {
	var api *jetstream.APIError
	if errors.As(err, &api) && api.ErrorCode == jsStorageResourcesExceeded {
		return fmt.Errorf("%w (each stream reserves %d bytes): %w", ErrStoreTooSmall, opts.MaxBytes, err)
	}
	return err
}

// AwaitStreams ensures the streams, retrying until it succeeds or ctx ends (then it returns
// false): a service starts whether or not NATS is up, and its outbox keeps what it publishes
// meanwhile. Each failure is logged as a warning; the wait between attempts grows to 10 s.
func AwaitStreams(ctx context.Context, js jetstream.JetStream, opts StreamOptions, log *slog.Logger, names ...string) bool {
	backoff := 200 * time.Millisecond
	start := time.Now()
	for attempt := 1; ; attempt++ {
		cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		err := EnsureStreams(cctx, js, opts, names...)
		cancel()
		if err == nil {
			if attempt > 1 {
				log.InfoContext(ctx, "streams ready", "streams", names, "attempts", attempt, "waited_ms", time.Since(start).Milliseconds())
			}
			return true
		}
		if ctx.Err() != nil {
			return false
		}
		if errors.Is(err, ErrStoreTooSmall) {
			// Not a server still starting: nothing flows until an operator acts.
			log.ErrorContext(ctx, "cannot make the streams; retrying", "streams", names, "error", err, "retry_in", backoff.String())
		} else {
			log.WarnContext(ctx, "cannot ensure the streams yet; retrying", "streams", names, "error", err, "retry_in", backoff.String())
		}
		select {
		case <-ctx.Done():
			return false
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 10*time.Second)
	}
}

// raised returns an existing stream's configuration with what EnsureStreams may change: more
// replicas, missing subjects, limits the stream has none of.
func raised(cfg jetstream.StreamConfig, subjects []string, opts StreamOptions) (jetstream.StreamConfig, bool) {
	changed := false
	if cfg.Replicas < opts.Replicas {
		cfg.Replicas, changed = opts.Replicas, true
	}
	for _, want := range subjects {
		if !slices.Contains(cfg.Subjects, want) {
			cfg.Subjects, changed = append(slices.Clone(cfg.Subjects), want), true
		}
	}
	if cfg.MaxAge == 0 && opts.MaxAge > 0 {
		cfg.MaxAge, changed = opts.MaxAge, true
	}
	if cfg.MaxBytes <= 0 && opts.MaxBytes > 0 {
		cfg.MaxBytes, changed = opts.MaxBytes, true
	}
	return cfg, changed
}

// errStandby says another replica holds a projection's lock.
var errStandby = errors.New("bus: another replica applies this projection")

// lockKey turns a name into a PostgreSQL advisory lock key.
func lockKey(name string) int64 {
	h := fnv.New64a()
	h.Write([]byte(name))
	return int64(h.Sum64() >> 1)
}
