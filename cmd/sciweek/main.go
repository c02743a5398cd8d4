// Command sciweek runs the Science and Technology Week platform.
//
//	sciweek dev             everything in one process, with demo data (what `make run` starts)
//	sciweek serve <part>    one service (or the gateway) in its own process, for deployments
//	sciweek loadgen         simulated terminals against a running system
//	sciweek audit verify    check the audit chains (edited, removed, reordered entries)
//	sciweek version         print the version
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
	"time"
	_ "time/tzdata" // the city's time zone must resolve on machines without tzdata

	"google.golang.org/grpc"

	"github.com/sciweek/sciweek/cmd/sciweek/internal/demo"
	"github.com/sciweek/sciweek/cmd/sciweek/internal/devtls"
	"github.com/sciweek/sciweek/cmd/sciweek/internal/stack"
	"github.com/sciweek/sciweek/pkg/rpc"
)

func main() {
	// The check-in path allocates per record and the heap stays small (tens of MB), so the
	// default GOGC=100 spends a fifth of the CPU collecting; 400 trades a little memory for
	// it. GOGC in the environment still wins.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if len(os.Args) < 2 {
		usage()
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "dev":
		err = dev(os.Args[2:])
	case "serve":
		err = serve(os.Args[2:])
	case "loadgen":
		err = loadgenCmd(os.Args[2:])
	case "bench":
		err = benchCmd(os.Args[2:])
	case "audit":
		err = auditCmd(os.Args[2:], os.Stdout)
	case "version":
		fmt.Println(version())
	case "-h", "--help", "help":
		usage()
	default:
		fmt.Fprintf(os.Stderr, "sciweek: unknown command %q\n\n", os.Args[1])
		usage()
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "sciweek:", err)
		os.Exit(1)
	}
}

// serveMemoryLimit is the soft memory limit of one part run by `sciweek serve`. The #16 target
// for check-in with ten million records stored is a resident size under 300 MB, and the
// resident size adds the binary's own pages and what the runtime does not count to the limit:
// at 256 MiB the peak was 293 MiB, so the limit leaves that room. The other parts live in less.
const serveMemoryLimit = 200 << 20

func usage() {
	fmt.Fprint(os.Stderr, `usage: sciweek <command> [flags]

commands:
  dev            run every service in one process with demo data (embedded NATS, private PostgreSQL)
  serve <part>   run one part (registration, venue, checkin, reporting, gateway) in this process
  loadgen        simulate check-in terminals against a running system and check the dashboard
  bench          measure the check-in pipeline on this machine (what make bench runs)
  audit verify   check the services' audit chains for edited, removed or reordered entries
  audit public-key  print the public key that verifies the signed chain heads
  version        print the version

Run "sciweek dev -h" or "sciweek serve -h" for their flags.
`)
}

func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return "sciweek " + bi.Main.Version
	}
	return "sciweek (devel)"
}

func dev(args []string) error {
	fs := flag.NewFlagSet("dev", flag.ExitOnError)
	data := fs.String("data", envOr("SCIWEEK_DATA", ".data"), "folder for the embedded servers' data and the demo credentials (SCIWEEK_DATA)")
	host := fs.String("host", envOr("SCIWEEK_HOST", "127.0.0.1"), "address to listen on; 0.0.0.0 lets terminals on the network connect (SCIWEEK_HOST)")
	httpPort := fs.Int("http-port", 7100, "port of the web console and JSON API")
	grpcBase := fs.Int("grpc-port", 7101, "first gRPC port: registration, then venue, check-in and reporting")
	natsPort := fs.Int("nats-port", 4222, "client port of the embedded NATS server")
	logTo := fs.String("log", "", `where JSON logs go: a file, or "-" for stderr (default <data>/sciweek.log)`)
	level := fs.String("log-level", "info", "least severe level logged: debug, info, warn, error")
	tlsCert := fs.String("tls-cert", "", "certificate file (PEM, with its chain): the gateway serves HTTPS")
	tlsKey := fs.String("tls-key", "", "key file of -tls-cert")
	tlsLocal := fs.Bool("tls-local", false, "serve HTTPS with a local authority made in <data>/tls, for phones on the local network (see README)")
	metricsAddr := fs.String("metrics", "127.0.0.1:7109", `address of /metrics for Prometheus, on loopback: the console's port does not serve them ("" for none)`)
	history := fs.Bool("history", envOr("SCIWEEK_DEMO_HISTORY", "1") != "0",
		"on the first start, give the 2024 edition a week of check-ins (about 300,000 participations) through check-in, and a few counties' reports (SCIWEEK_DEMO_HISTORY=0 for -history=false)")
	trickle := fs.Bool("trickle", envOr("SCIWEEK_DEMO_TRICKLE", "1") != "0",
		"keep a few check-ins a second going into the demo edition, so the dashboard moves (SCIWEEK_DEMO_TRICKLE=0 for -trickle=false)")
	_ = fs.Parse(args)

	if err := os.MkdirAll(*data, 0o755); err != nil {
		return err
	}
	gwTLS, caFile, err := gatewayTLS(*tlsCert, *tlsKey, *tlsLocal, filepath.Join(*data, "tls"))
	if err != nil {
		return err
	}
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(*level)); err != nil {
		return fmt.Errorf("-log-level: %w", err)
	}
	var logw io.Writer = os.Stderr
	logPath := *logTo
	if logPath == "" {
		logPath = filepath.Join(*data, "sciweek.log")
	}
	if logPath != "-" {
		f, err := os.OpenFile(logPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
		if err != nil {
			return err
		}
		defer f.Close()
		logw = f
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	opts := stack.Options{
		DataDir: *data, NATSPort: *natsPort, LogWriter: logw, LogLevel: lvl, OTLPEndpoint: os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT"), GatewayTLS: gwTLS,
		Addrs: stack.Addrs{
			Gateway:      fmt.Sprintf("%s:%d", *host, *httpPort),
			Registration: fmt.Sprintf("%s:%d", *host, *grpcBase),
			Venue:        fmt.Sprintf("%s:%d", *host, *grpcBase+1),
			Checkin:      fmt.Sprintf("%s:%d", *host, *grpcBase+2),
			Reporting:    fmt.Sprintf("%s:%d", *host, *grpcBase+3),
		},
	}
	if err := stack.Environment(&opts); err != nil {
		return err
	}
	fmt.Println("sciweek: starting (NATS, PostgreSQL, four services, gateway)…")
	started := time.Now()
	st, err := stack.Start(ctx, opts)
	if err != nil {
		return err
	}
	defer func() {
		fmt.Println("\nsciweek: stopping…")
		if err := st.Close(context.Background()); err != nil {
			fmt.Fprintln(os.Stderr, "sciweek: stop:", err)
		}
		fmt.Println("sciweek: stopped; data kept in", *data)
	}()
	var conns demo.Conns
	for _, c := range []struct {
		addr string
		conn *grpc.ClientConnInterface
	}{{st.Addrs.Registration, &conns.Registration}, {st.Addrs.Venue, &conns.Venue}, {st.Addrs.Checkin, &conns.Checkin}, {st.Addrs.Reporting, &conns.Reporting}} {
		conn, err := rpc.Dial(c.addr, nil)
		if err != nil {
			return err
		}
		defer conn.Close()
		*c.conn = conn
	}
	info, err := demo.Ensure(ctx, *data, st.Registration, conns)
	if err != nil {
		return fmt.Errorf("demo data: %w", err)
	}
	if *history {
		sum, err := demo.History(ctx, *data, info, demo.HistoryConfig{Conns: conns, Progress: os.Stdout})
		if err != nil {
			return err
		}
		if !sum.Skipped {
			fmt.Printf("sciweek: the 2024 week's history is in: %d participations in %d records from %d doors (%d school classes, %d refused, %d flagged) in %s\n",
				sum.People, sum.Records, sum.Terminals, sum.Groups, sum.Refused, sum.Anomalies, sum.Took.Round(time.Second))
		}
	}
	if *trickle {
		go func() {
			if err := demo.Trickle(ctx, *data, info, conns); err != nil {
				fmt.Fprintln(os.Stderr, "sciweek: live trickle stopped:", err)
			}
		}()
	}
	if *metricsAddr != "" {
		srv := &http.Server{Addr: *metricsAddr, Handler: st.Metrics.Handler(), ReadHeaderTimeout: 10 * time.Second}
		go func() { _ = srv.ListenAndServe() }()
		defer srv.Close()
	}
	banner(st, info, logPath, time.Since(started), gwTLS != nil, caFile)
	waitErr := make(chan error, 1)
	go func() { waitErr <- st.Wait() }()
	select {
	case <-ctx.Done():
		return nil
	case err := <-waitErr:
		if err != nil && !errors.Is(err, context.Canceled) {
			return err
		}
		return nil
	}
}

// gatewayTLS returns the gateway's TLS configuration: from a certificate pair, or from a local
// authority made in dir; nil for plain HTTP. caFile is the authority a phone must trust.
func gatewayTLS(certFile, keyFile string, local bool, dir string) (cfg *tls.Config, caFile string, err error) {
	if local {
		if certFile != "" {
			return nil, "", errors.New("-tls-local makes its own certificate: give it or -tls-cert, not both")
		}
		f, err := devtls.LocalCA(dir, devtls.Hosts(), time.Now())
		if err != nil {
			return nil, "", fmt.Errorf("local certificate authority: %w", err)
		}
		certFile, keyFile, caFile = f.Cert, f.Key, f.CACert
	}
	if certFile == "" && keyFile == "" {
		return nil, "", nil
	}
	pair, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, "", fmt.Errorf("-tls-cert/-tls-key: %w", err)
	}
	return &tls.Config{Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12}, caFile, nil
}

func banner(st *stack.Stack, info demo.Info, logPath string, took time.Duration, https bool, caFile string) {
	host := st.Addrs.Gateway
	if strings.HasPrefix(host, "0.0.0.0:") {
		host = "127.0.0.1:" + strings.TrimPrefix(host, "0.0.0.0:")
	}
	scheme := "http"
	if https {
		scheme = "https"
	}
	door := fmt.Sprintf("%s://%s/door/  (the check-in app: pair it with a setup code from the venue's terminal page)", scheme, host)
	if caFile != "" {
		door += "\n                 phones on this network: trust " + caFile + " first (README: HTTPS for phones)"
	}
	db := st.DatabaseURL
	if st.Postgres != nil {
		db = fmt.Sprintf("psql -h %s -U postgres sciweek", st.Postgres.SocketDir())
	}
	fmt.Printf(`
sciweek is running (started in %s). Ctrl-C stops it; the data stays for the next start.

  Dashboard      %s://%s/dashboard
  Door app       %s
  Admin login    %s / %s
  Staff logins   county-140105 … county-140181 (county admins), %s (an organizer unit) / %s
  Public pages   http://%s/public?edition=%s  (sign up and get a ticket: the demo edition runs this week)
  JSON API       http://%s/api/v1/editions/2024  (after login, or with "Authorization: Bearer <token>")

  gRPC           registration %s · venue %s · check-in %s · reporting %s (reflection on)
  Demo terminal  %s at %s
                 activity %s (%s)
  NATS           %s
  PostgreSQL     %s
  Logs           %s

Record a walk-in of 3 with grpcurl (each call needs a new sequence number):

  grpcurl -plaintext -H 'authorization: Bearer %s' \
    -d '{"record": {"sequence": '$(date +%%s%%6N)', "occurred_at": "'$(date -u +%%FT%%TZ)'", "venue_id": "%s", "activity_id": "%s", "walk_in": {"category": "PARTICIPANT_CATEGORY_ADULT", "headcount": 3}}}' \
    %s sciweek.checkin.v1.CheckinService/RecordCheckin

`, took.Round(10*time.Millisecond), scheme, host, door, info.AdminUsername, info.AdminPassword, info.OrganizerUsername, info.StaffPassword,
		host, info.LiveEdition, host,
		st.Addrs.Registration, st.Addrs.Venue, st.Addrs.Checkin, st.Addrs.Reporting,
		info.TerminalCredential, info.VenueName, info.ActivityTitle, info.ActivityID, st.NATSURL, db, logPath,
		info.TerminalCredential, info.VenueID, info.ActivityID, st.Addrs.Checkin)
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func serve(args []string) error {
	fs := flag.NewFlagSet("serve", flag.ExitOnError)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `usage: sciweek serve <registration|venue|checkin|reporting|gateway> [flags]

Runs one part. Services need DATABASE_URL and NATS_URL; the addresses of the parts it calls come
from SCIWEEK_REGISTRATION_ADDR, SCIWEEK_VENUE_ADDR, SCIWEEK_CHECKIN_ADDR, SCIWEEK_REPORTING_ADDR
(registration calls venue; venue and reporting fetch token keys from registration; the gateway
calls all four). OTEL_EXPORTER_OTLP_ENDPOINT sends traces over OTLP/gRPC. Check-in's group
commit can be tuned with SCIWEEK_CHECKIN_MAX_BATCH (records a transaction takes at most, default
100), SCIWEEK_CHECKIN_WRITERS (transactions in flight, default 4), SCIWEEK_CHECKIN_MAX_PENDING
(records waiting before callers are told to retry, default 50000) and SCIWEEK_CHECKIN_LINGER
(how long a lone batch waits for more records, e.g. 2ms; default none: docs/bench/latency.md
found no gain). The reporting service keeps the counties' report files in $SCIWEEK_DATA/files
(default .data/files), or in an S3-compatible store with SCIWEEK_S3_ENDPOINT (host:port),
SCIWEEK_S3_BUCKET (default sciweek-reports),
SCIWEEK_S3_ACCESS_KEY, SCIWEEK_S3_SECRET_KEY, SCIWEEK_S3_REGION and SCIWEEK_S3_INSECURE=1 for
plain HTTP. The notification centre e-mails notices through the SMTP server at SCIWEEK_SMTP_ADDR
(host:port) as SCIWEEK_SMTP_FROM, authenticating with SCIWEEK_SMTP_USERNAME and
SCIWEEK_SMTP_PASSWORD when set; without it notices show in the console only. Registration
needs the phone hash key, SCIWEEK_PHONE_KEY (or a file named by SCIWEEK_PHONE_KEY_FILE), the same
for every replica. The gateway believes X-Forwarded-* only from SCIWEEK_TRUSTED_PROXIES and
serves /metrics to SCIWEEK_METRICS_TOKEN; the throttles are set by SCIWEEK_LIMIT_* (README). Streams are
created with SCIWEEK_STREAM_REPLICAS replicas (default 1; 3 on a NATS cluster) and keep events
for SCIWEEK_STREAM_MAX_AGE (default 21d) up to SCIWEEK_STREAM_MAX_BYTES (default 8GiB) each; a
stream that exists keeps what an operator set (its replicas are only ever raised). A service
works on a call for at most SCIWEEK_RPC_DEADLINE (default 5s), or SCIWEEK_RPC_BULK_DEADLINE
(default 5m) for imports, exports, rebuilds and files. A part keeps its memory near 200 MiB by
collecting garbage more often as it nears it (a soft limit); GOMEMLIMIT sets another (GOMEMLIMIT=off
for none).
Check-in and reporting need the same SCIWEEK_SERVICE_KEY: reporting reads check-in's table with
it to rebuild its statistics when the check-in stream starts over, and to audit them every
SCIWEEK_AUDIT_EVERY (default 15m).

flags:
`)
		fs.PrintDefaults()
	}
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		fs.Usage()
		return errors.New("name the part to serve")
	}
	part := args[0]
	// GOGC=400 (main) alone lets a heap grow to five times what is live: check-in's 77 MB
	// under a storm of 1,000-record uploads became a 524 MB process (docs/bench/latency.md). A
	// soft limit makes the collector run earlier only when the process nears it, so a quiet
	// service keeps the cheap GOGC and a busy one stays within what a deployment budgets for
	// it. GOMEMLIMIT in the environment still wins.
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(serveMemoryLimit)
	}
	listen := fs.String("listen", "", "address to serve on (default 0.0.0.0:7100 for the gateway, 0.0.0.0:7101-7104 for the services)")
	metricsAddr := fs.String("metrics", ":9090", "internal address of /metrics (and pprof); keep it off the public network. The gateway also serves /metrics on its own port to scrapers presenting SCIWEEK_METRICS_TOKEN")
	tlsCert := fs.String("tls-cert", "", "gateway only: certificate file (PEM, with its chain) to serve HTTPS")
	tlsKey := fs.String("tls-key", "", "gateway only: key file of -tls-cert")
	level := fs.String("log-level", "info", "least severe level logged: debug, info, warn, error")
	replicas := fs.Int("stream-replicas", 0, "replicas of the streams this part creates or raises (SCIWEEK_STREAM_REPLICAS; default 1, 3 on a NATS cluster)")
	_ = fs.Parse(args[1:])
	defaults := map[string]string{"gateway": "0.0.0.0:7100", "registration": "0.0.0.0:7101", "venue": "0.0.0.0:7102", "checkin": "0.0.0.0:7103", "reporting": "0.0.0.0:7104"}
	if *listen == "" {
		*listen = defaults[part]
	}
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(*level)); err != nil {
		return fmt.Errorf("-log-level: %w", err)
	}
	opts := stack.Options{Only: part, LogLevel: lvl, OTLPEndpoint: os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT"),
		Remote: stack.Addrs{
			Registration: os.Getenv("SCIWEEK_REGISTRATION_ADDR"), Venue: os.Getenv("SCIWEEK_VENUE_ADDR"),
			Checkin: os.Getenv("SCIWEEK_CHECKIN_ADDR"), Reporting: os.Getenv("SCIWEEK_REPORTING_ADDR"),
		}}
	if err := stack.Environment(&opts); err != nil {
		return err
	}
	if *replicas > 0 {
		opts.Streams.Replicas = *replicas
	}
	var err error
	if opts.GatewayTLS, _, err = gatewayTLS(*tlsCert, *tlsKey, false, ""); err != nil {
		return err
	}
	switch part {
	case "gateway":
		opts.Addrs.Gateway = *listen
	case "registration":
		opts.Addrs.Registration = *listen
	case "venue":
		opts.Addrs.Venue = *listen
	case "checkin":
		opts.Addrs.Checkin = *listen
	case "reporting":
		opts.Addrs.Reporting = *listen
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	st, err := stack.Start(ctx, opts)
	if err != nil {
		return err
	}
	defer func() { _ = st.Close(context.Background()) }()
	if *metricsAddr != "" {
		// The metrics port is the operators' own; it also serves the Go profiles, so a service
		// can be profiled under load where it runs (the benchmark does).
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", st.Metrics.Handler())
		mux.HandleFunc("GET /debug/pprof/", pprof.Index)
		mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
		srv := &http.Server{Addr: *metricsAddr, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
		go func() { _ = srv.ListenAndServe() }()
		defer srv.Close()
	}
	st.Logger().Info("serving", "part", part, "listen", *listen)
	waitErr := make(chan error, 1)
	go func() { waitErr <- st.Wait() }()
	select {
	case <-ctx.Done():
		return nil
	case err := <-waitErr:
		return err
	}
}
