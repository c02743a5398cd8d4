package main

import (
	"context"
	"flag"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/sciweek/sciweek/cmd/sciweek/internal/bench"
)

// benchCmd measures the check-in pipeline and the live statistics on this machine with
// everything on it (cmd/sciweek/internal/bench).
func benchCmd(args []string) error {
	fs := flag.NewFlagSet("bench", flag.ExitOnError)
	var o bench.Options
	fs.StringVar(&o.Out, "out", "docs/bench/checkin.md", "where to write the results")
	fs.IntVar(&o.Runs, "runs", 5, "how many times each figure is measured (min, median and max are reported)")
	fs.DurationVar(&o.Duration, "duration", 30*time.Second, "length of each run as fast as acknowledged")
	fs.DurationVar(&o.Half, "half", 20*time.Second, "length of each run at half that rate (latency and visibility)")
	fs.BoolVar(&o.Noisy, "noisy", true, "add a round with one core kept busy by a CPU hog process")
	fs.DurationVar(&o.Stage, "stage", 5*time.Second, "length of each stage measurement")
	fs.IntVar(&o.Terminals, "terminals", 200, "simulated terminals")
	fs.IntVar(&o.Venues, "venues", 50, "venues they stand at")
	fs.IntVar(&o.Tickets, "tickets", 5000, "tickets signed up for and scanned")
	fs.IntVar(&o.Batch, "batch", 20, "records a call of the gates' runs (the handheld runs send one)")
	fs.IntVar(&o.Conns, "conns", 4, "connections from the terminals to check-in")
	fs.StringVar(&o.Profiles, "profiles", "", "folder for CPU profiles of the first run's half-rate runs (check-in, and the process holding everything else); empty takes none")
	fs.IntVar(&o.Preload, "preload", 0, "records uploaded through check-in over the last eight days before the runs (check-in's memory with a full table, the dashboard's week)")
	fs.StringVar(&o.DashboardOut, "dashboard-out", "docs/bench/dashboard.md", "where to write the dashboard results (empty skips the dashboard benchmark)")
	fs.IntVar(&o.Activities, "activities", 1000, "approved activities of the benchmark's edition")
	fs.IntVar(&o.Screens, "screens", 200, "screens connected for the fan-out measurement")
	fs.DurationVar(&o.Waits, "waits", 0, "sample check-in's database sessions this often during the half-rate runs (e.g. 5ms); 0 samples none")
	fs.IntVar(&o.AuditRest, "audit-rest", 0, "how many times its own duration an audit rests before the next (0: the product's 49; -1: none)")
	fs.DurationVar(&o.AuditEvery, "audit-every", 0, "how often reporting audits the statistics against check-in's table during the runs (0: the product's 15m)")
	fs.BoolVar(&o.Statements, "statements", false, "load pg_stat_statements and report, for the first run's loads, where PostgreSQL's time and WAL went per 1,000 records")
	fs.StringVar(&o.DataDir, "data", "", "folder for the servers' data (default a temporary folder, removed afterwards)")
	fs.Func("pg", "a PostgreSQL setting for the whole run, name=value (reloadable ones; repeat for more), e.g. -pg commit_delay=100", func(v string) error {
		// Checked here so that a mistyped setting fails before a minute of start-up.
		if _, _, err := bench.ParsePGSetting(v); err != nil {
			return err
		}
		o.PGSettings = append(o.PGSettings, v)
		return nil
	})
	_ = fs.Parse(args)
	o.Args = strings.Join(append([]string{"sciweek", "bench"}, args...), " ")
	o.Log = os.Stderr
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return bench.Run(ctx, o)
}
