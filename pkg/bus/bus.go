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
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations returns the outbox and checkpoint tables every service with events needs; apply
// them with db.Migrate as the "bus" set.
func Migrations() fs.FS {
	sub, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		panic(err) // the embedded folder is fixed at build time
	}
	return sub
}

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

// StreamOptions are the deployment's choices for every stream.
type StreamOptions struct {
	// Replicas is 1 on one machine and 3 in a production cluster.
	Replicas int
	// DuplicateWindow is how long JetStream remembers message ids to drop a relay's re-publish
	// after a crash. 0 means two minutes.
	DuplicateWindow time.Duration
}

func subjectsOf(stream string) ([]string, error) {
	switch stream {
	case StreamRegistration:
		return []string{"sciweek.registration.>"}, nil
	case StreamVenue:
		return []string{"sciweek.venue.>"}, nil
	case StreamCheckin:
		return []string{"sciweek.checkin.>"}, nil
	case StreamReporting:
		return []string{"sciweek.reporting.>"}, nil
	}
	return nil, fmt.Errorf("bus: unknown stream %q", stream)
}

// EnsureStreams creates the streams or brings their configuration up to date. Publishers and
// consumers both call it for the streams they use, so start order does not matter.
func EnsureStreams(ctx context.Context, js jetstream.JetStream, opts StreamOptions, names ...string) error {
	if opts.Replicas <= 0 {
		opts.Replicas = 1
	}
	if opts.DuplicateWindow <= 0 {
		opts.DuplicateWindow = 2 * time.Minute
	}
	for _, name := range names {
		subjects, err := subjectsOf(name)
		if err != nil {
			return err
		}
		cfg := jetstream.StreamConfig{
			Name:       name,
			Subjects:   subjects,
			Storage:    jetstream.FileStorage,
			Retention:  jetstream.LimitsPolicy,
			Replicas:   opts.Replicas,
			Duplicates: opts.DuplicateWindow,
			Discard:    jetstream.DiscardOld,
		}
		if _, err := js.CreateOrUpdateStream(ctx, cfg); err != nil {
			return fmt.Errorf("bus: ensure stream %s: %w", name, err)
		}
	}
	return nil
}

// errStandby says another replica holds a projection's lock.
var errStandby = errors.New("bus: another replica applies this projection")

// lockKey turns a name into a PostgreSQL advisory lock key.
func lockKey(name string) int64 {
	h := fnv.New64a()
	h.Write([]byte(name))
	return int64(h.Sum64() >> 1)
}
