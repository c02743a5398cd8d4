package bus_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/sciweek/sciweek/pkg/bus"
	"github.com/sciweek/sciweek/pkg/testkit"
)

func streamConfig(t *testing.T, js jetstream.JetStream, name string) jetstream.StreamConfig {
	t.Helper()
	s, err := js.Stream(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return s.CachedInfo().Config
}

// TestEnsureStreamsOnACluster runs against three real nats-server nodes: the configured replicas
// and limits are applied when a stream is created, and a later EnsureStreams (every service start
// and projection restart calls it) with fewer replicas or other limits changes nothing an
// operator set.
func TestEnsureStreamsOnACluster(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := testkit.StartNATSCluster(t, 3)
	js := c.JetStream

	cases := []struct {
		name     string
		stream   string
		create   bus.StreamOptions
		operator func(*jetstream.StreamConfig) // what an operator changes after the creation
		restart  bus.StreamOptions
		want     func(*testing.T, jetstream.StreamConfig)
	}{
		{name: "configured replicas and default limits on create", stream: bus.StreamCheckin,
			create: bus.StreamOptions{Replicas: 3}, restart: bus.StreamOptions{Replicas: 3},
			want: func(t *testing.T, cfg jetstream.StreamConfig) {
				if cfg.Replicas != 3 || cfg.MaxAge != bus.DefaultMaxAge || cfg.MaxBytes != bus.DefaultMaxBytes {
					t.Errorf("replicas %d, max age %v, max bytes %d; want 3, %v, %d", cfg.Replicas, cfg.MaxAge, cfg.MaxBytes, bus.DefaultMaxAge, bus.DefaultMaxBytes)
				}
			}},
		{name: "scaled to R3 by an operator stays R3 when a service configured for R1 restarts", stream: bus.StreamVenue,
			create:   bus.StreamOptions{Replicas: 1},
			operator: func(cfg *jetstream.StreamConfig) { cfg.Replicas = 3 },
			restart:  bus.StreamOptions{Replicas: 1},
			want: func(t *testing.T, cfg jetstream.StreamConfig) {
				if cfg.Replicas != 3 {
					t.Errorf("replicas %d after the restart, want 3", cfg.Replicas)
				}
			}},
		{name: "a service configured for R3 raises an R1 stream", stream: bus.StreamRegistration,
			create: bus.StreamOptions{Replicas: 1}, restart: bus.StreamOptions{Replicas: 3},
			want: func(t *testing.T, cfg jetstream.StreamConfig) {
				if cfg.Replicas != 3 {
					t.Errorf("replicas %d, want raised to 3", cfg.Replicas)
				}
			}},
		{name: "limits an operator set stay", stream: bus.StreamReporting,
			create: bus.StreamOptions{Replicas: 3},
			operator: func(cfg *jetstream.StreamConfig) {
				cfg.MaxAge, cfg.MaxBytes, cfg.Duplicates = 48*time.Hour, 1<<30, 5*time.Minute
			},
			restart: bus.StreamOptions{Replicas: 3, MaxAge: 24 * time.Hour, MaxBytes: 1 << 20},
			want: func(t *testing.T, cfg jetstream.StreamConfig) {
				if cfg.MaxAge != 48*time.Hour || cfg.MaxBytes != 1<<30 || cfg.Duplicates != 5*time.Minute {
					t.Errorf("max age %v, max bytes %d, duplicates %v; want the operator's 48h, 1 GiB, 5m", cfg.MaxAge, cfg.MaxBytes, cfg.Duplicates)
				}
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := bus.EnsureStreams(ctx, js, tc.create, tc.stream); err != nil {
				t.Fatal(err)
			}
			if tc.operator != nil {
				cfg := streamConfig(t, js, tc.stream)
				tc.operator(&cfg)
				if _, err := js.UpdateStream(ctx, cfg); err != nil {
					t.Fatalf("the operator's change: %v", err)
				}
			}
			if err := bus.EnsureStreams(ctx, js, tc.restart, tc.stream); err != nil {
				t.Fatal(err)
			}
			tc.want(t, streamConfig(t, js, tc.stream))
		})
	}
}

// TestEnsureStreamsFillsInWhatIsMissing: a stream made before limits existed (none set) or without
// a subject of its service gets them, and unlimited is an explicit choice (negative options).
func TestEnsureStreamsFillsInWhatIsMissing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	js := testkit.StartNATS(t).JetStream
	// As the stack made it before: no limits.
	if _, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: bus.StreamCheckin, Subjects: []string{"legacy.checkin.>"},
		Storage: jetstream.FileStorage}); err != nil {
		t.Fatal(err)
	}
	if err := bus.EnsureStreams(ctx, js, bus.StreamOptions{MaxAge: 72 * time.Hour, MaxBytes: 1 << 30}, bus.StreamCheckin); err != nil {
		t.Fatal(err)
	}
	cfg := streamConfig(t, js, bus.StreamCheckin)
	if cfg.MaxAge != 72*time.Hour || cfg.MaxBytes != 1<<30 || !slices.Contains(cfg.Subjects, "sciweek.checkin.>") {
		t.Errorf("after EnsureStreams: max age %v, max bytes %d, subjects %v", cfg.MaxAge, cfg.MaxBytes, cfg.Subjects)
	}
	if err := bus.EnsureStreams(ctx, js, bus.StreamOptions{MaxAge: -1, MaxBytes: -1}, bus.StreamVenue); err != nil {
		t.Fatal(err)
	}
	if cfg := streamConfig(t, js, bus.StreamVenue); cfg.MaxAge != 0 || cfg.MaxBytes != -1 {
		t.Errorf("unlimited asked for: max age %v, max bytes %d", cfg.MaxAge, cfg.MaxBytes)
	}
}

// TestStreamsFitAServerSizedToThem: a stream reserves its whole size limit on the server when it
// is made, so a server left at JetStream's default store limit (75 % of the disk's free space)
// refuses streams whose limits the disk could not hold, however little they will keep. A server
// sized with StoreNeeded takes them on any disk. The limits here (256 TiB a stream) are beyond
// any disk, so the test does not depend on the machine's.
func TestStreamsFitAServerSizedToThem(t *testing.T) {
	t.Parallel()
	huge := bus.StreamOptions{MaxBytes: 1 << 48}
	streams := []string{bus.StreamRegistration, bus.StreamVenue, bus.StreamCheckin, bus.StreamReporting}
	for _, tc := range []struct {
		name     string
		maxStore int64
		refused  bool
	}{
		{name: "JetStream's default store limit refuses them", maxStore: 0, refused: true},
		{name: "a store sized to the streams takes them", maxStore: huge.StoreNeeded()},
		{name: "one stream's worth short refuses the last", maxStore: huge.StoreNeeded() - huge.MaxBytes, refused: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			n := testkit.StartNATSStore(t, tc.maxStore)
			err := bus.EnsureStreams(context.Background(), n.JetStream, huge, streams...)
			if tc.refused != (err != nil) {
				t.Fatalf("EnsureStreams: %v, want refused %v", err, tc.refused)
			}
			// The refusal says what to do, not only JetStream's "insufficient storage".
			if tc.refused && !errors.Is(err, bus.ErrStoreTooSmall) {
				t.Errorf("EnsureStreams: %v, want ErrStoreTooSmall", err)
			}
		})
	}
	if got := (bus.StreamOptions{MaxBytes: -1}).StoreNeeded(); got != 0 {
		t.Errorf("streams without a size limit need %d bytes reserved, want 0", got)
	}
	if got, want := (bus.StreamOptions{}).StoreNeeded(), 4*bus.DefaultMaxBytes; got != want {
		t.Errorf("default streams need %d bytes reserved, want %d", got, want)
	}
}
