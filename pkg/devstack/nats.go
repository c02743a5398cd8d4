// Package devstack starts the servers sciweek needs on one machine: an embedded NATS server with
// JetStream on disk, and a private PostgreSQL server run from the machine's own binaries. The
// `sciweek dev` command and the test kit both use it.
package devstack

import (
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// NATSConfig says where the embedded server keeps its data and where it listens.
type NATSConfig struct {
	// StoreDir is where JetStream keeps streams on disk.
	StoreDir string
	// Host is the listen address; empty means 127.0.0.1.
	Host string
	// Port is the client port; -1 picks a free one.
	Port int
	// SyncAlways makes JetStream fsync every write. Off, it syncs every two minutes; sciweek
	// does not rely on it, because acknowledged records are durable in PostgreSQL first.
	SyncAlways bool
	// MaxStore is the disk JetStream may fill and that streams' size limits are reserved
	// against; 0 leaves JetStream's own limit, 75 % of the disk's free space at start. A stream
	// reserves its whole limit when it is made, so the default refuses sciweek's four streams
	// (8 GiB each) on a disk with less than about 43 GB free, however little they hold.
	MaxStore int64
}

// StartNATS starts an embedded NATS server with JetStream and waits until it takes clients.
func StartNATS(cfg NATSConfig) (*server.Server, error) {
	if cfg.StoreDir == "" {
		return nil, errors.New("devstack: NATS needs a store folder")
	}
	if cfg.Host == "" {
		cfg.Host = "127.0.0.1"
	}
	opts := &server.Options{
		ServerName: "sciweek-dev",
		Host:       cfg.Host,
		Port:       cfg.Port,
		JetStream:  true,
		StoreDir:   cfg.StoreDir,
		SyncAlways: cfg.SyncAlways,
		NoSigs:     true,
		NoLog:      true,
		MaxPayload: 8 << 20,
	}
	if cfg.MaxStore > 0 {
		opts.JetStreamMaxStore = cfg.MaxStore
	}
	s, err := server.NewServer(opts)
	if err != nil {
		return nil, fmt.Errorf("devstack: nats: %w", err)
	}
	go s.Start()
	if !s.ReadyForConnections(10 * time.Second) {
		s.Shutdown()
		return nil, errors.New("devstack: nats did not become ready in 10s")
	}
	return s, nil
}
