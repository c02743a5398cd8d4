package testkit

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// NATSCluster is a JetStream cluster of real nats-server nodes run in the test process, each with
// its own store, client port and route port, and a client connected to all of them.
type NATSCluster struct {
	// Servers are the nodes.
	Servers []*server.Server
	// URL lists every node's client URL, comma-separated, as a client is given it.
	URL string
	// Conn is a client connection that fails over between the nodes.
	Conn *nats.Conn
	// JetStream is the JetStream API on Conn.
	JetStream jetstream.JetStream
}

// StartNATSCluster starts n clustered nodes with JetStream (n ≥ 3 for R3 streams) and waits until
// the cluster has a JetStream leader; the nodes stop when the test ends.
//
// The route ports must be chosen before the nodes start, since each names the others', so another
// process can take one between the choice and the bind; a node whose listener then never comes
// up is not a failure of the code under test, so the whole cluster is started again on new ports
// (up to three times) before the test fails.
func StartNATSCluster(t testing.TB, n int) *NATSCluster {
	t.Helper()
	var servers []*server.Server
	var err error
	for attempt := 1; attempt <= 3; attempt++ {
		if servers, err = startNATSNodes(t, n); err == nil {
			break
		}
		t.Logf("testkit: nats cluster, attempt %d: %v", attempt, err)
	}
	if err != nil {
		t.Fatalf("testkit: nats cluster did not start: %v", err)
	}
	t.Cleanup(func() {
		for _, s := range servers {
			s.Shutdown()
			s.WaitForShutdown()
		}
	})
	c := &NATSCluster{Servers: servers}
	urls := make([]string, n)
	for i, s := range servers {
		urls[i] = s.ClientURL()
	}
	c.URL = strings.Join(urls, ",")
	nc, err := nats.Connect(c.URL, nats.MaxReconnects(-1))
	if err != nil {
		t.Fatalf("testkit: connect to the nats cluster: %v", err)
	}
	t.Cleanup(nc.Close)
	c.Conn = nc
	if c.JetStream, err = jetstream.New(nc); err != nil {
		t.Fatal(err)
	}
	// The cluster answers JetStream requests once its nodes have elected a meta leader.
	Eventually(t, 30*time.Second, func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_, err := c.JetStream.AccountInfo(ctx)
		return err
	})
	return c
}

// startNATSNodes starts n nodes routed to each other and waits until each takes clients; on
// failure it stops the nodes it started.
func startNATSNodes(t testing.TB, n int) ([]*server.Server, error) {
	routes := make([]string, n)
	ports := make([]int, n)
	for i := range n {
		ports[i] = freePort(t)
		routes[i] = fmt.Sprintf("nats-route://127.0.0.1:%d", ports[i])
	}
	var servers []*server.Server
	stop := func() {
		for _, s := range servers {
			s.Shutdown()
			s.WaitForShutdown()
		}
	}
	for i := range n {
		opts := &server.Options{
			ServerName: fmt.Sprintf("sciweek-test-%d", i+1),
			Host:       "127.0.0.1",
			Port:       -1,
			JetStream:  true,
			StoreDir:   t.TempDir(),
			NoSigs:     true,
			NoLog:      true,
			MaxPayload: 8 << 20,
			// Each node reserves every replica's size limit (TestMaxStore).
			JetStreamMaxStore: TestMaxStore,
			Cluster:           server.ClusterOpts{Name: "sciweek-test", Host: "127.0.0.1", Port: ports[i]},
			Routes:            server.RoutesFromStr(strings.Join(routes, ",")),
		}
		s, err := server.NewServer(opts)
		if err != nil {
			stop()
			return nil, fmt.Errorf("node %d: %w", i+1, err)
		}
		servers = append(servers, s)
		go s.Start()
		// A busy test machine (every package's tests at once) can take seconds to start a node.
		if !s.ReadyForConnections(30 * time.Second) {
			stop()
			return nil, fmt.Errorf("node %d (route port %d) did not take clients in 30s", i+1, ports[i])
		}
	}
	return servers, nil
}

// freePort returns a TCP port nothing listens on now, chosen below Linux's ephemeral range
// (32768–60999) so that the outgoing connections every other test makes meanwhile cannot be
// given it before the caller binds it.
func freePort(t testing.TB) int {
	t.Helper()
	for range 200 {
		port := 20000 + rand.IntN(12000)
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err != nil {
			continue
		}
		l.Close()
		return port
	}
	t.Fatal("testkit: no free port between 20000 and 32000")
	return 0
}
