package testkit

import (
	"context"
	"fmt"
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
func StartNATSCluster(t testing.TB, n int) *NATSCluster {
	t.Helper()
	routes := make([]string, n)
	ports := make([]int, n)
	for i := range n {
		ports[i] = freePort(t)
		routes[i] = fmt.Sprintf("nats-route://127.0.0.1:%d", ports[i])
	}
	c := &NATSCluster{}
	urls := make([]string, n)
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
			Cluster:    server.ClusterOpts{Name: "sciweek-test", Host: "127.0.0.1", Port: ports[i]},
			Routes:     server.RoutesFromStr(strings.Join(routes, ",")),
		}
		s, err := server.NewServer(opts)
		if err != nil {
			t.Fatalf("testkit: nats node %d: %v", i+1, err)
		}
		go s.Start()
		t.Cleanup(func() { s.Shutdown(); s.WaitForShutdown() })
		if !s.ReadyForConnections(10 * time.Second) {
			t.Fatalf("testkit: nats node %d did not take clients in 10s", i+1)
		}
		c.Servers = append(c.Servers, s)
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

// freePort returns a TCP port nothing listens on now (the route ports must be known before the
// nodes start, since each names the others').
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
