package devstack

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// PostgresConfig says where the private server keeps its data.
type PostgresConfig struct {
	// DataDir is the cluster's folder; initdb runs there on first start.
	DataDir string
	// Port names the socket file (no TCP listener is opened unless ListenTCP is set).
	Port int
	// ListenTCP, if set, also listens on 127.0.0.1 at Port.
	ListenTCP bool
	// Settings are passed as -c name=value, e.g. fsync=off for tests.
	Settings map[string]string
	// Install allows installing Debian's postgresql package when the binaries are missing.
	Install bool
	// Log receives progress messages; nil discards them.
	Log *slog.Logger
	// StandbyOf, if set, makes the server a streaming standby of that primary: instead of initdb,
	// pg_basebackup -R copies the primary over TCP (it must have ListenTCP) and writes
	// primary_conninfo and standby.signal. The standby's application_name on the primary (what
	// synchronous_standby_names names) is its cluster_name setting.
	StandbyOf *Postgres
	// Slot is the physical replication slot pg_basebackup creates on the primary and the standby
	// streams from, so the primary keeps the WAL a lagging standby still needs.
	Slot string
}

// Postgres is a running private PostgreSQL server.
type Postgres struct {
	cfg       PostgresConfig
	socketDir string
	cmd       *exec.Cmd
	done      chan error
	stderr    *limitedWriter
}

// StartPostgres starts a private server: it finds (or installs) the binaries, runs initdb on a
// new data folder, and starts postgres as a child process. As root, it runs both as the
// `postgres` user, because PostgreSQL refuses to run as root.
func StartPostgres(ctx context.Context, cfg PostgresConfig) (*Postgres, error) {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.Port == 0 {
		cfg.Port = 5432
	}
	bin, err := findPostgresBin()
	if err != nil && cfg.Install {
		if ierr := installPostgres(ctx, cfg.Log); ierr != nil {
			return nil, ierr
		}
		bin, err = findPostgresBin()
	}
	if err != nil {
		return nil, err
	}
	data, err := filepath.Abs(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	cfg.DataDir = data
	cred, err := runAs()
	if err != nil {
		return nil, err
	}
	// Parents are made world-enterable: as root, the postgres user has to walk through them.
	if err := os.MkdirAll(filepath.Dir(data), 0o755); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(data, 0o700); err != nil {
		return nil, err
	}
	// The socket lives in a short folder of its own: socket paths are limited to 107 bytes.
	sock, err := os.MkdirTemp("", "sciweek-pg-")
	if err != nil {
		return nil, err
	}
	if cred != nil {
		if err := checkReachable(data, cred.Uid); err != nil {
			return nil, err
		}
		for _, dir := range []string{data, sock} {
			if err := chownTree(dir, int(cred.Uid), int(cred.Gid)); err != nil {
				return nil, err
			}
		}
	}
	_, statErr := os.Stat(filepath.Join(data, "PG_VERSION"))
	if errors.Is(statErr, os.ErrNotExist) && cfg.StandbyOf != nil {
		cfg.Log.Info("copying the primary for a standby", "dir", data, "primary_port", cfg.StandbyOf.cfg.Port)
		args := []string{"-D", data, "-h", "127.0.0.1", "-p", strconv.Itoa(cfg.StandbyOf.cfg.Port), "-U", "postgres",
			"-R", "-X", "stream", "-c", "fast", "--no-sync"}
		if cfg.Slot != "" {
			args = append(args, "-C", "-S", cfg.Slot)
		}
		out, err := command(ctx, cred, data, filepath.Join(bin, "pg_basebackup"), args...).CombinedOutput()
		if err != nil {
			return nil, fmt.Errorf("devstack: pg_basebackup: %w\n%s", err, out)
		}
	} else if errors.Is(statErr, os.ErrNotExist) {
		cfg.Log.Info("creating the PostgreSQL cluster", "dir", data)
		out, err := command(ctx, cred, data, filepath.Join(bin, "initdb"), "-D", data, "-U", "postgres",
			"--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync").CombinedOutput()
		if err != nil {
			return nil, fmt.Errorf("devstack: initdb: %w\n%s", err, out)
		}
	}
	removeStalePid(data)
	args := []string{"-D", data, "-k", sock, "-p", strconv.Itoa(cfg.Port)}
	if cfg.ListenTCP {
		args = append(args, "-c", "listen_addresses=127.0.0.1")
	} else {
		args = append(args, "-c", "listen_addresses=")
	}
	keys := make([]string, 0, len(cfg.Settings))
	for k := range cfg.Settings {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		args = append(args, "-c", k+"="+cfg.Settings[k])
	}
	// The server must outlive the start request's context; Stop ends it.
	cmd := command(context.WithoutCancel(ctx), cred, data, filepath.Join(bin, "postgres"), args...)
	stderr := &limitedWriter{buf: &bytes.Buffer{}, max: 64 << 10}
	cmd.Stderr = stderr
	cmd.Stdout = io.Discard
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("devstack: start postgres: %w", err)
	}
	p := &Postgres{cfg: cfg, socketDir: sock, cmd: cmd, done: make(chan error, 1), stderr: stderr}
	go func() { p.done <- cmd.Wait() }()
	if err := p.waitReady(ctx); err != nil {
		_ = p.Stop()
		return nil, err
	}
	return p, nil
}

// URL returns a connection string for database name on the server's socket.
func (p *Postgres) URL(name string) string {
	return fmt.Sprintf("postgres://postgres@/%s?host=%s&port=%d&sslmode=disable", name, p.socketDir, p.cfg.Port)
}

// TCPURL returns a connection string for database name over TCP (the server needs ListenTCP).
func (p *Postgres) TCPURL(name string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", p.cfg.Port, name)
}

// Kill sends SIGKILL to the server and all its backends at once, as a crashed machine would
// leave them: no shutdown checkpoint, connections cut. Stop may still be called afterwards.
func (p *Postgres) Kill() {
	if p.cmd.Process == nil {
		return
	}
	_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	err := <-p.done
	p.done <- err
}

// Promote ends a standby's recovery and makes it a primary; it returns once the server accepts
// writes (pg_promote waits for it).
func (p *Postgres) Promote(ctx context.Context) error {
	conn, err := pgx.Connect(ctx, p.URL("postgres"))
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	var ok bool
	if err := conn.QueryRow(ctx, "SELECT pg_promote(true, 60)").Scan(&ok); err != nil {
		return fmt.Errorf("devstack: promote: %w", err)
	}
	if !ok {
		return errors.New("devstack: promote: the standby did not finish recovery within 60 s")
	}
	return nil
}

// SocketDir is the folder of the server's socket, for psql -h.
func (p *Postgres) SocketDir() string { return p.socketDir }

// Port is the server's port.
func (p *Postgres) Port() int { return p.cfg.Port }

// CreateDatabase creates a database if it does not exist.
func (p *Postgres) CreateDatabase(ctx context.Context, name string) error {
	conn, err := pgx.Connect(ctx, p.URL("postgres"))
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return err
	}
	if exists {
		return nil
	}
	_, err = conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize())
	return err
}

func (p *Postgres) waitReady(ctx context.Context) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		select {
		case err := <-p.done:
			p.done <- err
			return fmt.Errorf("devstack: postgres exited at start: %v\n%s", err, p.stderr.String())
		default:
		}
		cctx, cancel := context.WithTimeout(ctx, time.Second)
		conn, err := pgx.Connect(cctx, p.URL("postgres"))
		cancel()
		if err == nil {
			conn.Close(ctx)
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("devstack: postgres not ready after 30s: %v\n%s", err, p.stderr.String())
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(25 * time.Millisecond):
		}
	}
}

// Stop shuts the server down: fast shutdown (SIGINT), then SIGQUIT, then SIGKILL to its group.
func (p *Postgres) Stop() error {
	defer os.RemoveAll(p.socketDir)
	if p.cmd.Process == nil {
		return nil
	}
	for _, step := range []struct {
		sig  syscall.Signal
		wait time.Duration
	}{{syscall.SIGINT, 10 * time.Second}, {syscall.SIGQUIT, 5 * time.Second}, {syscall.SIGKILL, 5 * time.Second}} {
		if step.sig == syscall.SIGKILL {
			_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
		} else {
			_ = p.cmd.Process.Signal(step.sig)
		}
		select {
		case <-p.done: //nolint:errcheck // how it exited does not matter once it is gone
			return nil
		case <-time.After(step.wait):
		}
	}
	return errors.New("devstack: postgres did not stop")
}

// command prepares a process run as cred (when not nil) in its own process group, so a stop
// signal to the group reaches every backend, and with a parent-death signal so a killed parent
// does not leave the server behind.
func command(ctx context.Context, cred *syscall.Credential, dataDir, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = filepath.Dir(dataDir)
	cmd.Env = append(os.Environ(), "HOME="+filepath.Dir(dataDir), "LC_ALL=C")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGQUIT, Credential: cred}
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGINT) }
	return cmd
}

// runAs returns the credential of the postgres user when running as root, and nil otherwise.
func runAs() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, errors.New("devstack: running as root, PostgreSQL must run as another user and there is no `postgres` user; create one with: useradd --system --home /var/lib/postgresql postgres")
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), Groups: []uint32{}}, nil
}

// checkReachable fails with advice when the postgres user cannot walk down to dir.
func checkReachable(dir string, uid uint32) error {
	for d := filepath.Dir(dir); ; d = filepath.Dir(d) {
		st, err := os.Stat(d)
		if err != nil {
			return err
		}
		sys, _ := st.Sys().(*syscall.Stat_t)
		owner := sys != nil && sys.Uid == uid
		if !owner && st.Mode().Perm()&0o001 == 0 {
			return fmt.Errorf("devstack: the postgres user cannot enter %s (mode %v); choose a data folder elsewhere (SCIWEEK_DATA) or run: chmod o+x %s", d, st.Mode().Perm(), d)
		}
		if d == "/" || d == "." {
			return nil
		}
	}
}

func chownTree(dir string, uid, gid int) error {
	return filepath.Walk(dir, func(path string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(path, uid, gid)
	})
}

// removeStalePid deletes postmaster.pid when its process is gone, as after a SIGKILL.
func removeStalePid(data string) {
	b, err := os.ReadFile(filepath.Join(data, "postmaster.pid"))
	if err != nil {
		return
	}
	line, _, _ := strings.Cut(string(b), "\n")
	pid, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil || pid <= 0 || syscall.Kill(pid, 0) != nil {
		_ = os.Remove(filepath.Join(data, "postmaster.pid"))
	}
}

// findPostgresBin returns the folder of the newest installed initdb and postgres.
func findPostgresBin() (string, error) {
	if dir := os.Getenv("SCIWEEK_PG_BIN"); dir != "" {
		return dir, nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return pgMajor(dirs[i]) > pgMajor(dirs[j]) })
	for _, d := range dirs {
		if isFile(filepath.Join(d, "postgres")) && isFile(filepath.Join(d, "initdb")) {
			return d, nil
		}
	}
	if p, err := exec.LookPath("postgres"); err == nil {
		if d := filepath.Dir(p); isFile(filepath.Join(d, "initdb")) {
			return d, nil
		}
	}
	return "", errors.New("devstack: PostgreSQL server binaries not found; install them with: sudo apt-get update && sudo apt-get install -y postgresql (or set DATABASE_URL to use a running server)")
}

func pgMajor(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

// installPostgres installs Debian's postgresql package when this process may.
func installPostgres(ctx context.Context, log *slog.Logger) error {
	advice := errors.New("devstack: PostgreSQL server binaries not found and cannot be installed from here; run: sudo apt-get update && sudo apt-get install -y postgresql")
	if os.Geteuid() != 0 {
		return advice
	}
	if _, err := exec.LookPath("apt-get"); err != nil {
		return advice
	}
	log.Info("PostgreSQL binaries not found: installing Debian's postgresql package (apt-get)")
	for _, args := range [][]string{{"update"}, {"install", "-y", "--no-install-recommends", "postgresql"}} {
		cmd := exec.CommandContext(ctx, "apt-get", args...)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("%w\napt-get %s: %v\n%s", advice, strings.Join(args, " "), err, out)
		}
	}
	return nil
}

type limitedWriter struct {
	mu  sync.Mutex
	buf *bytes.Buffer
	max int
}

func (w *limitedWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

func (w *limitedWriter) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if room := w.max - w.buf.Len(); room > 0 {
		w.buf.Write(b[:min(len(b), room)])
	}
	return len(b), nil
}
