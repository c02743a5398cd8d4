// Package testkit gives tests real servers: one private PostgreSQL per test process with a fresh
// database per test, and an embedded NATS JetStream server per test. Nothing is mocked; a test
// never skips because a server is missing, it starts one.
//
// A package that uses Postgres must call testkit.Main from its TestMain, so the server stops
// when the tests end.
package testkit

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"google.golang.org/protobuf/proto"

	"github.com/sciweek/sciweek/pkg/bus"
	"github.com/sciweek/sciweek/pkg/devstack"
	"github.com/sciweek/sciweek/pkg/telemetry"
)

// Kit holds the process's PostgreSQL server, started on first use.
type Kit struct {
	once   sync.Once
	pg     *devstack.Postgres
	dir    string
	err    error
	dbSeq  atomic.Int64
	stopMu sync.Mutex
}

// process is the test binary's kit. Test binaries are one process per package, and a server per
// process is the unit the brief asks for; this is the one piece of package state, and it lives
// only in test binaries.
var process = &Kit{}

// Main runs the tests and stops the PostgreSQL server afterwards. Call it from TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(testkit.Main(m)) }
func Main(m *testing.M) int {
	code := m.Run()
	process.stop()
	return code
}

func (k *Kit) start() (*devstack.Postgres, error) {
	k.once.Do(func() {
		k.dir, k.err = os.MkdirTemp("", "sciweek-test-pg-")
		if k.err != nil {
			return
		}
		// As root the server runs as the postgres user, who must be able to enter the folder.
		if k.err = os.Chmod(k.dir, 0o755); k.err != nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		k.pg, k.err = devstack.StartPostgres(ctx, devstack.PostgresConfig{
			DataDir: filepath.Join(k.dir, "data"),
			Port:    5432,
			Install: true,
			// Tests trade durability for speed; nothing here outlives the process.
			Settings: map[string]string{
				"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off",
				"max_connections": "500", "shared_buffers": "64MB",
			},
		})
	})
	return k.pg, k.err
}

func (k *Kit) stop() {
	k.stopMu.Lock()
	defer k.stopMu.Unlock()
	if k.pg != nil {
		_ = k.pg.Stop()
		k.pg = nil
	}
	if k.dir != "" {
		_ = os.RemoveAll(k.dir)
	}
}

// Postgres returns the URL of a new, empty database on the process's server; the database is
// dropped when the test ends.
func Postgres(t testing.TB) string {
	t.Helper()
	pg, err := process.start()
	if err != nil {
		t.Fatalf("testkit: start postgres: %v", err)
	}
	name := fmt.Sprintf("t%d_%s", process.dbSeq.Add(1), sanitize(t.Name()))
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, pg.URL("postgres"))
	if err != nil {
		t.Fatalf("testkit: connect: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()+" TEMPLATE template0"); err != nil {
		t.Fatalf("testkit: create database: %v", err)
	}
	t.Cleanup(func() {
		conn, err := pgx.Connect(ctx, pg.URL("postgres"))
		if err != nil {
			return
		}
		defer conn.Close(ctx)
		_, _ = conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
	})
	return pg.URL(name)
}

func sanitize(s string) string {
	s = strings.ToLower(s)
	var b strings.Builder
	for _, r := range s {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
		if b.Len() >= 40 {
			break
		}
	}
	return b.String()
}

// NATS is an embedded NATS server with JetStream and a client connected to it.
type NATS struct {
	// Server is the embedded server.
	Server *server.Server
	// Conn is a client connection.
	Conn *nats.Conn
	// JetStream is the JetStream API on Conn.
	JetStream jetstream.JetStream
}

// TestMaxStore is the JetStream store limit of the test kit's servers. Streams reserve their size
// limit (8 GiB each by default) against it when they are made; tests write kilobytes, so the limit
// is set far above what they reserve instead of to JetStream's default, 75 % of the free disk,
// which made `make test` fail on a machine with less than about 43 GB free.
const TestMaxStore = int64(1 << 40)

// StartNATS starts an embedded server with JetStream in a temporary folder; it stops when the
// test ends.
func StartNATS(t testing.TB) *NATS {
	t.Helper()
	return StartNATSStore(t, TestMaxStore)
}

// StartNATSStore is StartNATS with the server's JetStream store limit (0: JetStream's default,
// 75 % of the disk's free space), for tests of what streams may reserve.
func StartNATSStore(t testing.TB, maxStore int64) *NATS {
	t.Helper()
	s, err := devstack.StartNATS(devstack.NATSConfig{StoreDir: t.TempDir(), Port: -1, MaxStore: maxStore})
	if err != nil {
		t.Fatalf("testkit: %v", err)
	}
	nc, err := nats.Connect(s.ClientURL())
	if err != nil {
		s.Shutdown()
		t.Fatalf("testkit: connect nats: %v", err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatalf("testkit: jetstream: %v", err)
	}
	t.Cleanup(func() {
		nc.Close()
		s.Shutdown()
		s.WaitForShutdown()
	})
	return &NATS{Server: s, Conn: nc, JetStream: js}
}

// Telemetry returns telemetry for a service whose logs go to the test's log only when it fails
// (via t.Log buffering) and whose spans go to the given processors.
func Telemetry(t testing.TB, service string) *telemetry.Telemetry {
	t.Helper()
	tel, err := telemetry.New(context.Background(), telemetry.Config{Service: service, LogWriter: testWriter{t}, LogLevel: slog.LevelInfo})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = tel.Shutdown(context.Background()) })
	return tel
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(b), "\n"))
	return len(b), nil
}

// Discard is a writer for logs nobody reads.
var Discard io.Writer = io.Discard

// Eventually retries check until it returns nil or the timeout passes, then fails the test with
// the last error.
func Eventually(t testing.TB, timeout time.Duration, check func() error) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		err := check()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("not true after %v: %v", timeout, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Publish sends an event the way its owning service's relay would: the serialized message, with
// its type in the bus.HeaderType header.
func Publish(t testing.TB, js jetstream.JetStream, subject string, ev proto.Message) {
	t.Helper()
	msg := nats.NewMsg(subject)
	data, err := proto.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	msg.Data = data
	msg.Header.Set(bus.HeaderType, string(ev.ProtoReflect().Descriptor().FullName()))
	if _, err := js.PublishMsg(context.Background(), msg); err != nil {
		t.Fatal(err)
	}
}
