// Package bench measures the check-in pipeline and the live statistics on this machine with
// everything on it: what `make bench` runs (`sciweek bench`). Each figure is a phase of its own,
// measured several times (min, median and max are reported, because this machine's speed changes
// from minute to minute), and the stage limits (PostgreSQL inserting rows of a check-in's shape,
// JetStream publishing events of the pipeline's size, bare gRPC calls) are measured in every
// run, so the pipeline's figures read as shares of limits measured beside them.
//
// The benchmark is a client like any other: it reaches the services through their APIs (the
// records it stores go through check-in's UploadCheckins and RecordCheckin, as doors send them)
// and touches no service's tables; the insert stage works in a schema of its own.
package bench

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Options are the knobs of a run; cmd/sciweek's `bench` command reads them from flags.
type Options struct {
	// Out is where the check-in figures go (markdown); empty prints them only.
	Out string
	// DashboardOut is where the dashboard figures go; empty skips the dashboard benchmark.
	DashboardOut string
	// Runs is how many times each check-in figure is measured.
	Runs int
	// Duration is each run at full rate, Half each run at half that rate (latency and
	// visibility), Stage each stage measurement.
	Duration, Half, Stage time.Duration
	// Terminals, Venues and Tickets size the simulated world.
	Terminals, Venues, Tickets int
	// Batch is the records a call of the gates' runs; the handheld runs send one.
	Batch int
	// Conns is the connections from the terminals to check-in.
	Conns int
	// Noisy adds a round with one core kept busy by a CPU hog process.
	Noisy bool
	// Profiles, if set, is a folder for CPU profiles of the first run's half-rate runs.
	Profiles string
	// Preload is the records uploaded through check-in before the runs, spread over the
	// benchmark edition's past days: the full table check-in's memory is measured with, and
	// the week the dashboard is queried over.
	Preload int
	// Activities is how many approved activities the benchmark edition holds.
	Activities int
	// Screens is how many dashboards are connected for the fan-out measurement.
	Screens int
	// Waits, if above zero, is how often check-in's database sessions are sampled during the
	// half-rate runs, to tell time spent inside PostgreSQL from time spent between statements.
	Waits time.Duration
	// Statements loads pg_stat_statements into PostgreSQL and reports, for the first run's
	// loads, the statements that took its time and the WAL's work, per thousand records.
	Statements bool
	// AuditEvery is how often reporting audits its statistics against check-in's table during
	// the runs; 0 keeps the product's 15 minutes.
	AuditEvery time.Duration
	// AuditRest is how many times its own duration an audit rests before the next; 0 keeps the
	// product's 49, negative none (to have audits overlap the runs).
	AuditRest int
	// PGSettings are PostgreSQL settings ("name=value", reloadable ones only) applied before
	// the runs, to measure a lever such as commit_delay one at a time.
	PGSettings []string
	// DataDir holds the servers' data; empty uses a temporary folder removed afterwards.
	DataDir string
	// Args is the command line, written into the results.
	Args string
	// Log hears progress lines.
	Log io.Writer
}

// Run measures everything and writes the results.
func Run(ctx context.Context, o Options) error {
	if o.Log == nil {
		o.Log = io.Discard
	}
	o.Runs = max(o.Runs, 1)
	say := func(format string, a ...any) { fmt.Fprintf(o.Log, "bench: "+format+"\n", a...) }
	env, err := start(ctx, o, say)
	if err != nil {
		return err
	}
	defer env.close()
	if err := applyPGSettings(ctx, env.st.DatabaseURL, o.PGSettings); err != nil {
		return err
	}
	if len(o.PGSettings) > 0 {
		say("PostgreSQL settings for this run: %s", strings.Join(o.PGSettings, ", "))
	}

	r := results{Started: time.Now(), Args: o.Args, Batch: o.Batch, Terminals: o.Terminals}
	if err := env.prepare(ctx, o.Activities, o.Terminals, o.Venues, o.Tickets); err != nil {
		return err
	}
	r.Venues, r.Counties, r.Activities = env.world.Venues, env.world.Counties, len(env.activities)
	if o.Preload > 0 {
		if r.Preload, err = env.preload(ctx, o.Preload); err != nil {
			return err
		}
	}
	for i := range o.Runs {
		say("run %d of %d", i+1, o.Runs)
		profiles := ""
		if i == 0 {
			profiles = o.Profiles
		}
		f, err := env.run(ctx, o, profiles)
		if err != nil {
			return err
		}
		r.Runs = append(r.Runs, f)
	}
	if o.Noisy {
		if r.Noisy, err = env.noisy(ctx, o); err != nil {
			return err
		}
	}
	r.Stored = env.stored
	r.RSS, r.PeakRSS = env.child.memory()
	r.Finished = time.Now()
	if err := write(say, o.Out, r.markdown()); err != nil {
		return err
	}
	if o.DashboardOut == "" {
		return nil
	}
	d, err := env.dashboard(ctx, o.Screens)
	if err != nil {
		return err
	}
	d.Args, d.Preload = o.Args, r.Preload
	return write(say, o.DashboardOut, d.markdown())
}

// runFigures are one run's figures: the stage limits, then the gates' load and the handheld
// doors' load, each at full and at half rate.
type runFigures struct {
	StoreRate, PublishMsgRate, RecordsPerEvent, UnaryRate float64
	Floor                                                 commitFloor
	Batched, Handheld                                     load
}

// run measures the stages and both loads once.
func (e *env) run(ctx context.Context, o Options, profiles string) (runFigures, error) {
	var f runFigures
	var err error
	if f.StoreRate, err = e.storeStage(ctx, o.Stage); err != nil {
		return f, err
	}
	if f.UnaryRate, err = e.unaryStage(ctx, o.Stage); err != nil {
		return f, err
	}
	if f.Floor, err = e.commitFloorStage(ctx, o.Stage); err != nil {
		return f, err
	}
	if f.Batched, err = e.load(ctx, o.Batch, o.Duration, o.Half, subfolder(profiles, "batched")); err != nil {
		return f, err
	}
	if f.RecordsPerEvent, f.PublishMsgRate, err = e.publishStage(ctx, o.Stage); err != nil {
		return f, err
	}
	if f.Handheld, err = e.load(ctx, 1, o.Duration, o.Half, subfolder(profiles, "handheld")); err != nil {
		return f, err
	}
	return f, nil
}

// noisyFigures are both loads with one core taken by another process.
type noisyFigures struct {
	Batched, Handheld load
}

// noisy measures both loads once while a CPU hog keeps one core busy, as a neighbour on a
// shared machine would.
func (e *env) noisy(ctx context.Context, o Options) (*noisyFigures, error) {
	e.say("noisy neighbour: one core kept busy by another process")
	stop, err := hog(ctx)
	if err != nil {
		return nil, err
	}
	defer stop()
	var n noisyFigures
	if n.Batched, err = e.load(ctx, o.Batch, o.Duration, o.Half, ""); err != nil {
		return nil, err
	}
	if n.Handheld, err = e.load(ctx, 1, o.Duration, o.Half, ""); err != nil {
		return nil, err
	}
	return &n, nil
}

func subfolder(dir, name string) string {
	if dir == "" {
		return ""
	}
	return filepath.Join(dir, name)
}

// write prints a result and saves it to path, when one is given.
func write(say func(string, ...any), path, text string) error {
	fmt.Print("\n" + text)
	if path == "" {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		return err
	}
	say("written to %s", path)
	return nil
}
