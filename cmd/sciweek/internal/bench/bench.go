// Package bench measures the check-in pipeline and the live statistics on this machine with
// everything on it: what `make bench` runs (`sciweek bench`). Each figure is a phase of its own.
// The stage limits (PostgreSQL inserting rows of a check-in's shape, JetStream publishing events
// of the pipeline's size, bare gRPC calls) are measured in the same run, so the pipeline's
// figures read as shares of them on a machine whose speed changes from hour to hour.
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
	"time"
)

// Options are the knobs of a run; cmd/sciweek's `bench` command reads them from flags.
type Options struct {
	// Out is where the check-in figures go (markdown); empty prints them only.
	Out string
	// DashboardOut is where the dashboard figures go; empty skips the dashboard benchmark.
	DashboardOut string
	// Duration is the sustained end-to-end run, Half the run at half its rate (latency and
	// visibility, and the handheld run), Stage each stage measurement.
	Duration, Half, Stage time.Duration
	// Terminals, Venues and Tickets size the simulated world.
	Terminals, Venues, Tickets int
	// Batch is the records a call (a gate's batch; 1 is a handheld door).
	Batch int
	// Conns is the connections from the terminals to check-in.
	Conns int
	// Profiles, if set, is a folder for CPU profiles of the half-rate run.
	Profiles string
	// Preload is the records uploaded through check-in before the runs, spread over the
	// benchmark edition's past days: the full table check-in's memory is measured with, and
	// the week the dashboard is queried over.
	Preload int
	// Rate, if positive, is the latency run's rate instead of half the end-to-end rate.
	Rate float64
	// Activities is how many approved activities the benchmark edition holds.
	Activities int
	// Screens is how many dashboards are connected for the fan-out measurement.
	Screens int
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
	say := func(format string, a ...any) { fmt.Fprintf(o.Log, "bench: "+format+"\n", a...) }
	env, err := start(ctx, o, say)
	if err != nil {
		return err
	}
	defer env.close()

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
	if r.StoreRate, err = env.storeStage(ctx, o.Stage); err != nil {
		return err
	}
	if r.Sustained, err = env.sustained(ctx, o.Duration, o.Batch); err != nil {
		return err
	}
	if r.RecordsPerEvent, r.PublishMsgRate, err = env.publishStage(ctx, o.Stage); err != nil {
		return err
	}
	rate := r.Sustained.EndToEnd / 2
	if o.Rate > 0 {
		rate = o.Rate
	}
	if r.Half, err = env.halfRate(ctx, o.Half, o.Batch, rate, o.Profiles); err != nil {
		return err
	}
	if r.UnaryRate, err = env.unaryStage(ctx, o.Stage); err != nil {
		return err
	}
	if r.Handheld, err = env.handheld(ctx, o.Half); err != nil {
		return err
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
