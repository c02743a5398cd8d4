//go:build cluster

package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/sciweek/sciweek/cmd/sciweek/internal/loadgen"
	"github.com/sciweek/sciweek/pkg/auth"
	"github.com/sciweek/sciweek/pkg/bus"
	"github.com/sciweek/sciweek/pkg/testkit"
)

// natsNode is one real nats-server process of a 3-node JetStream cluster.
type natsNode struct {
	name, client string
	cmd          *exec.Cmd
}

// startNATSCluster builds nats-server (the module the project links, from pkg/go.mod) and starts
// three clustered processes with JetStream on free loopback ports.
func startNATSCluster(t *testing.T) []*natsNode {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "nats-server")
	build := exec.Command("go", "build", "-o", bin, "github.com/nats-io/nats-server/v2")
	build.Dir = "../../pkg"
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build nats-server: %v\n%s", err, out)
	}
	var routes []string
	clusters := make([]string, 3)
	for i := range clusters {
		clusters[i] = testkit.FreeAddr(t)
		routes = append(routes, "nats://"+clusters[i])
	}
	nodes := make([]*natsNode, 3)
	for i := range nodes {
		n := &natsNode{name: fmt.Sprintf("n%d", i+1), client: testkit.FreeAddr(t)}
		host, port, _ := net.SplitHostPort(n.client)
		n.cmd = exec.Command(bin, "-js", "-sd", filepath.Join(dir, n.name), "-n", n.name, "-a", host, "-p", port,
			"--cluster_name", "sciweek", "-cluster", "nats://"+clusters[i], "-routes", strings.Join(routes, ","))
		log, err := os.Create(filepath.Join(dir, n.name+".log"))
		if err != nil {
			t.Fatal(err)
		}
		n.cmd.Stdout, n.cmd.Stderr = log, log
		n.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
		if err := n.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = n.cmd.Process.Kill(); _, _ = n.cmd.Process.Wait() })
		nodes[i] = n
	}
	return nodes
}

// standsBy reports whether a replica's log says another replica applies the projection.
func standsBy(log, projection string) bool {
	for _, line := range strings.Split(log, "\n") {
		if strings.Contains(line, "standing by") && strings.Contains(line, `"`+projection+`"`) {
			return true
		}
	}
	return false
}

func natsURL(nodes []*natsNode) string {
	var urls []string
	for _, n := range nodes {
		urls = append(urls, "nats://"+n.client)
	}
	return strings.Join(urls, ",")
}

// risesAfter reads a figure every 10 ms until it passes base, and returns how long after start
// that was: how long the part that took over from a killed one took to do its work again. It
// returns 0 if the figure did not rise within limit, and the first error reading it.
func risesAfter(start time.Time, limit time.Duration, base int64, read func() (int64, error)) (time.Duration, error) {
	for time.Since(start) < limit {
		n, err := read()
		if err != nil {
			return 0, err
		}
		if n > base {
			return time.Since(start), nil
		}
		time.Sleep(10 * time.Millisecond)
	}
	return 0, nil
}

// TestClusterSurvivesKills is the cluster test (make test-cluster): check-in and reporting as
// two replicas each (`sciweek serve checkin|reporting`, each its own process) on a 3-node NATS
// cluster with R3 streams and a PostgreSQL primary with a synchronous streaming standby, reached
// through a libpq multi-host URL (target_session_attrs=read-write); terminals upload from
// loadgen. One NATS node is killed (SIGKILL), then one check-in replica, then one reporting
// replica, then the PostgreSQL primary (all its processes), and the standby is promoted. Nothing
// acknowledged may be lost or stored twice, every stored record reaches the stream exactly once,
// and reporting's aggregates equal the check-in table. It prints how long each recovery took.
func TestClusterSurvivesKills(t *testing.T) {
	ctx := context.Background()
	pg := testkit.StartPostgresPair(t, "sciweek")
	dbURL := pg.URL
	nodes := startNATSCluster(t)
	nc, err := nats.Connect(natsURL(nodes), nats.MaxReconnects(-1), nats.RetryOnFailedConnect(true))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 30*time.Second, func() error {
		return bus.EnsureStreams(ctx, js, bus.StreamOptions{Replicas: 3}, bus.StreamVenue, bus.StreamRegistration, bus.StreamCheckin)
	})
	// Two more terminals upload only after the lost store, at the end.
	terminals, ids := publishDoors(t, js, 10)
	later, laterIDs := terminals[8:], ids[8:]
	terminals, ids = terminals[:8], ids[:8]

	serviceKey, err := auth.NewServiceKey()
	if err != nil {
		t.Fatal(err)
	}
	// Registration is not run: nothing here needs a person's token, and reporting waits for
	// its keys in the background (NOT_SERVING for people, projections running).
	env := []string{"DATABASE_URL=" + dbURL, "SCIWEEK_DATA=" + t.TempDir(), "NATS_URL=" + natsURL(nodes), "SCIWEEK_STREAM_REPLICAS=3",
		"SCIWEEK_SERVICE_KEY=" + serviceKey, "SCIWEEK_REGISTRATION_ADDR=" + testkit.FreeAddr(t)}
	logDir := t.TempDir()
	replicas := make([]*checkinChild, 2)
	var conns []grpc.ClientConnInterface
	for i := range replicas {
		replicas[i] = &checkinChild{addr: testkit.FreeAddr(t), log: filepath.Join(logDir, fmt.Sprintf("checkin%d.log", i)), env: env}
		if err := replicas[i].start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(replicas[i].stop)
		conn, err := grpc.NewClient(replicas[i].addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		conns = append(conns, conn)
	}
	reporters := make([]*checkinChild, 2)
	for i := range reporters {
		reporters[i] = &checkinChild{part: "reporting", addr: testkit.FreeAddr(t), log: filepath.Join(logDir, fmt.Sprintf("reporting%d.log", i)),
			env: append(env[:len(env):len(env)], "SCIWEEK_CHECKIN_ADDR="+replicas[i].addr)}
		if err := reporters[i].start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(reporters[i].stop)
	}
	t.Cleanup(func() {
		if t.Failed() {
			logs, _ := filepath.Glob(filepath.Join(logDir, "*.log.*"))
			for _, l := range logs {
				b, _ := os.ReadFile(l)
				t.Logf("%s:\n%s", l, b)
			}
		}
	})

	// The faults, while terminals upload: a NATS node, then a check-in replica and a reporting
	// replica (each restarted as its Deployment would), then the PostgreSQL primary with all its
	// processes, after which the standby is promoted (as a failover manager would). Recovery is
	// the longest pause between acknowledgements from each kill to the next.
	var mu sync.Mutex
	var acks []time.Time
	onAck := func(at time.Time, _ int64) {
		mu.Lock()
		acks = append(acks, at)
		mu.Unlock()
	}
	type fault struct {
		name string
		at   time.Time
	}
	var faults []fault
	var firstWrite, takeover time.Duration
	checkpoints, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer checkpoints.Close(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		time.Sleep(3 * time.Second)
		_ = nodes[0].cmd.Process.Signal(syscall.SIGKILL)
		faults = append(faults, fault{"NATS node n1 SIGKILL", time.Now()})
		time.Sleep(4 * time.Second)
		replicas[0].kill()
		faults = append(faults, fault{"check-in replica 1 SIGKILL (restarted)", time.Now()})
		if err := replicas[0].start(); err != nil {
			t.Error(err)
		}
		time.Sleep(2 * time.Second)
		// The reporting replica applying check-in's events is killed (the other logged that it
		// stands by); the other takes the projection over when the killed one's session ends.
		holder := 0
		if b, err := os.ReadFile(reporters[0].log + ".1"); err == nil && standsBy(string(b), "reporting.checkin-events") {
			holder = 1
		}
		cp := func() (int64, error) {
			var seq int64
			err := checkpoints.QueryRow(ctx, `SELECT last_sequence FROM reporting.projection_checkpoints WHERE name = 'reporting.checkin-events'`).Scan(&seq)
			return seq, err
		}
		before, err := cp()
		if err != nil {
			t.Error(err)
			return
		}
		reporters[holder].kill()
		reportingKilled := time.Now()
		faults = append(faults, fault{fmt.Sprintf("reporting replica %d SIGKILL (restarted)", holder+1), reportingKilled})
		if takeover, err = risesAfter(reportingKilled, 10*time.Second, before, cp); err != nil {
			t.Error(err)
			return
		}
		fmt.Printf("cluster test: reporting replica %d SIGKILL: the other replica applied check-in events again after %v\n",
			holder+1, takeover.Round(time.Millisecond))
		if err := reporters[holder].start(); err != nil {
			t.Error(err)
		}
		time.Sleep(2 * time.Second)
		// The standby has every acknowledged record (synchronous replication): what it holds at
		// the kill is the base, and the first record above it is the first write it took.
		standby, err := pgx.Connect(ctx, pg.Standby.TCPURL("sciweek"))
		if err != nil {
			t.Error(err)
			return
		}
		defer standby.Close(ctx)
		pg.Primary.Kill()
		killed := time.Now()
		faults = append(faults, fault{"PostgreSQL primary SIGKILL (standby promoted)", killed})
		var base int64
		if err := standby.QueryRow(ctx, `SELECT count(*) FROM checkin.checkin_records`).Scan(&base); err != nil {
			t.Error(err)
			return
		}
		if err := pg.Standby.Promote(ctx); err != nil {
			t.Error(err)
			return
		}
		promoted := time.Since(killed)
		if firstWrite, err = risesAfter(killed, 20*time.Second, base, func() (int64, error) {
			var n int64
			err := standby.QueryRow(ctx, `SELECT count(*) FROM checkin.checkin_records`).Scan(&n)
			return n, err
		}); err != nil {
			t.Error(err)
			return
		}
		fmt.Printf("cluster test: PostgreSQL standby promoted %v after the primary's kill, first record written on it after %v\n",
			promoted.Round(time.Millisecond), firstWrite.Round(time.Millisecond))
	}()
	sum, err := loadgen.Run(ctx, loadgen.Config{Conns: conns, Terminals: terminals, Duration: 20 * time.Second,
		Rate: 1000, Batch: 20, Mix: loadgen.Mix{Group: 0.05, Checkout: 0.2}, OnAck: onAck, Seed: 11})
	if err != nil {
		t.Fatal(err)
	}
	<-done
	if sum.Unacknowledged != 0 || len(sum.Errors) > 0 {
		t.Fatalf("%d records never acknowledged: %v", sum.Unacknowledged, sum.Errors)
	}
	if firstWrite == 0 {
		t.Fatal("no record was written on the promoted standby")
	}
	if takeover == 0 {
		t.Fatal("no reporting replica applied check-in events after the kill")
	}
	// No replica died of the failover: each reconnected through the multi-host URL.
	for _, c := range append(replicas[:len(replicas):len(replicas)], reporters...) {
		if err := c.cmd.Process.Signal(syscall.Signal(0)); err != nil {
			t.Fatalf("%s replica at %s exited: %v", c.part, c.addr, err)
		}
	}
	mu.Lock()
	for i, f := range faults {
		// The longest pause between acknowledgements from the fault to the next one (10 s at most).
		until := f.at.Add(10 * time.Second)
		if i+1 < len(faults) {
			until = faults[i+1].at
		}
		var longest time.Duration
		prev := f.at
		for _, a := range acks {
			if a.Before(f.at) || a.After(until) {
				continue
			}
			longest = max(longest, a.Sub(prev))
			prev = a
		}
		t.Logf("recovery: %s: longest pause in acknowledgements %v", f.name, longest.Round(time.Millisecond))
		fmt.Printf("cluster test: %s: acknowledgements paused at most %v\n", f.name, longest.Round(time.Millisecond))
	}
	mu.Unlock()

	db, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close(ctx)
	var stored, distinct, people int64
	if err := db.QueryRow(ctx, `SELECT count(*), count(DISTINCT (terminal_id, terminal_sequence)),
			coalesce(sum(headcount + adults) FILTER (WHERE kind <> 4 AND outcome = 1), 0)
		FROM checkin.checkin_records WHERE terminal_id = ANY($1)`, ids).Scan(&stored, &distinct, &people); err != nil {
		t.Fatal(err)
	}
	if stored != sum.Records || distinct != stored || people != sum.People() {
		t.Fatalf("stored %d records (%d distinct), %d people; acknowledged %d records, %d people", stored, distinct, people, sum.Records, sum.People())
	}
	// Reporting's aggregates (what its overview and dashboard sum) equal the table: nothing
	// acknowledged is missing from them, nothing counted twice.
	testkit.Eventually(t, 30*time.Second, func() error {
		var counted int64
		if err := db.QueryRow(ctx, `SELECT coalesce(sum(ticketed + walk_ins), 0) FROM reporting.participation_counts WHERE edition_id = '2024'`).Scan(&counted); err != nil {
			return err
		}
		if counted != people {
			return fmt.Errorf("reporting counts %d people, the check-in table %d", counted, people)
		}
		return nil
	})
	testkit.Eventually(t, 30*time.Second, func() error {
		records, unique, err := recordsInEvents(ctx, js)
		if err != nil {
			return err
		}
		if records != stored || unique != stored {
			return fmt.Errorf("events carry %d records (%d distinct), want %d", records, unique, stored)
		}
		return nil
	})
	s, err := js.Stream(ctx, bus.StreamCheckin)
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.Config.Replicas != 3 {
		t.Fatalf("SCIWEEK_CHECKIN has %d replicas, want 3", info.Config.Replicas)
	}
	var port int
	if err := db.QueryRow(ctx, `SELECT current_setting('port')::int`).Scan(&port); err != nil || port != pg.Standby.Port() {
		t.Fatalf("the multi-host URL reached port %d (%v), want the promoted standby's %d", port, err, pg.Standby.Port())
	}
	fmt.Printf("cluster test: %d records acknowledged (%d retries), stored once each on the promoted standby, published once each on an R3 stream, %d people counted by reporting as in the table\n",
		sum.Records, sum.Retries, people)

	// The lost store: SCIWEEK_CHECKIN deleted and made again (the killed NATS node back first,
	// for three replicas), and two more terminals upload into the new stream, whose sequences
	// start at 1 again. Reporting notices its checkpoint no longer fits, rebuilds from check-in's
	// table (ExportTally on the promoted standby) and goes on: its figures equal the table.
	restarted := exec.Command(nodes[0].cmd.Path, nodes[0].cmd.Args[1:]...)
	restarted.Stdout, restarted.Stderr = nodes[0].cmd.Stdout, nodes[0].cmd.Stderr
	restarted.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := restarted.Start(); err != nil {
		t.Fatal(err)
	}
	nodes[0].cmd = restarted
	if err := js.DeleteStream(ctx, bus.StreamCheckin); err != nil {
		t.Fatal(err)
	}
	lost := time.Now()
	testkit.Eventually(t, 30*time.Second, func() error {
		return bus.EnsureStreams(ctx, js, bus.StreamOptions{Replicas: 3}, bus.StreamCheckin)
	})
	more, err := loadgen.Run(ctx, loadgen.Config{Conns: conns, Terminals: later, Duration: 3 * time.Second,
		Rate: 300, Batch: 20, Mix: loadgen.Mix{Group: 0.05, Checkout: 0.2}, Seed: 12})
	if err != nil {
		t.Fatal(err)
	}
	if more.Unacknowledged != 0 || len(more.Errors) > 0 {
		t.Fatalf("after the lost store, %d records never acknowledged: %v", more.Unacknowledged, more.Errors)
	}
	var laterPeople int64
	if err := db.QueryRow(ctx, `SELECT coalesce(sum(headcount + adults) FILTER (WHERE kind <> 4 AND outcome = 1), 0)
		FROM checkin.checkin_records WHERE terminal_id = ANY($1)`, laterIDs).Scan(&laterPeople); err != nil {
		t.Fatal(err)
	}
	if laterPeople != more.People() {
		t.Fatalf("after the lost store, %d people stored, %d acknowledged", laterPeople, more.People())
	}
	testkit.Eventually(t, 60*time.Second, func() error {
		var counted int64
		if err := db.QueryRow(ctx, `SELECT coalesce(sum(ticketed + walk_ins), 0) FROM reporting.participation_counts WHERE edition_id = '2024'`).Scan(&counted); err != nil {
			return err
		}
		if counted != people+laterPeople {
			return fmt.Errorf("after the lost store reporting counts %d people, the check-in table %d", counted, people+laterPeople)
		}
		return nil
	})
	// And it said so: one of the reporting replicas logged the mismatch for check-in's events.
	logs, _ := filepath.Glob(filepath.Join(logDir, "reporting*.log.*"))
	noticed := false
	for _, l := range logs {
		b, _ := os.ReadFile(l)
		for _, line := range strings.Split(string(b), "\n") {
			noticed = noticed || (strings.Contains(line, "checkpoint does not fit the stream") && strings.Contains(line, `"reporting.checkin-events"`))
		}
	}
	if !noticed {
		t.Fatal("no reporting replica logged that its checkpoint no longer fits SCIWEEK_CHECKIN")
	}
	fmt.Printf("cluster test: lost store (SCIWEEK_CHECKIN made again): %d more records acknowledged, reporting equal to the table (%d people) %v after the stream was deleted\n",
		more.Records, people+laterPeople, time.Since(lost).Round(time.Millisecond))
}
