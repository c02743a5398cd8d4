package bench

import (
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"
)

// results are the check-in figures of one benchmark.
type results struct {
	Started, Finished                              time.Time
	Args                                           string
	Batch, Terminals, Venues, Counties, Activities int
	Preload                                        preloaded
	Runs                                           []runFigures
	Noisy                                          *noisyFigures
	Stored                                         int64
	RSS, PeakRSS                                   int64
}

// The check-in service's latency histograms, as its /metrics names them.
const (
	metricRPC    = "rpc_server_call_duration_seconds"
	metricQueue  = "sciweek_checkin_queue_seconds"
	metricCommit = "sciweek_checkin_commit_seconds"
)

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

// spread is a figure over the runs.
type spread struct{ min, med, max float64 }

func spreadOf(runs []runFigures, f func(runFigures) float64) spread {
	v := make([]float64, len(runs))
	for i, r := range runs {
		v[i] = f(r)
	}
	slices.Sort(v)
	return spread{v[0], v[len(v)/2], v[len(v)-1]}
}

func (s spread) rate() string { return fmt.Sprintf("%.0f · **%.0f** · %.0f", s.min, s.med, s.max) }
func (s spread) times() string {
	return fmt.Sprintf("%.1f× · **%.1f×** · %.1f×", s.min, s.med, s.max)
}

func (s spread) pct() string {
	return fmt.Sprintf("%.0f%% · **%.0f%%** · %.0f%%", 100*s.min, 100*s.med, 100*s.max)
}
func (s spread) millis() string {
	return fmt.Sprintf("%.1f · **%.1f** · %.1f ms", s.min, s.med, s.max)
}

func msOf(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func yes(ok bool) string {
	if ok {
		return "yes"
	}
	return "**no**"
}

// memoryTarget is #16's bound on check-in's resident memory, 300 MB in decimal megabytes, as
// the target is written.
const memoryTarget = 300_000_000

// memoryMet says whether check-in's peak met the target; a table smaller than the target's
// ten million records cannot say, and the report says so rather than "yes".
func memoryMet(stored, peak int64) string {
	switch {
	case peak >= memoryTarget:
		return "**no**"
	case stored < 10_000_000:
		return "not at 10 M (use -preload)"
	}
	return "yes"
}

func (r results) markdown() string {
	var b strings.Builder
	mib := func(n int64) string { return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20)) }
	runs := r.Runs
	fmt.Fprintf(&b, "# Check-in pipeline benchmark\n\n")
	fmt.Fprintf(&b, "Measured %s on this machine (%d CPUs, %s, Go %s), everything on it: PostgreSQL (durable: fsync and synchronous commit on), "+
		"embedded NATS JetStream (file storage), registration, venue, reporting and the gateway in one process, check-in in a process of its own, "+
		"and the simulated terminals.\n\nReproduce with `make bench`; this run was `%s`.\n\n",
		r.Started.UTC().Format("2006-01-02 15:04 MST"), runtime.NumCPU(), cpuModel(), strings.TrimPrefix(runtime.Version(), "go"), r.Args)
	fmt.Fprintf(&b, "Load: %d terminals at %d venues in %d counties, in an edition of the benchmark's own with %d approved activities; "+
		"10%% ticket scans (a few shown twice), 2%% school groups, 20%% check-outs, the rest walk-ins. Gates send %d records a call; "+
		"handheld doors (the door app online) one. Each of the %d runs measures the stage limits, then each load as fast as it is "+
		"acknowledged and at half the rate that reached the dashboard. Figures are min · **median** · max over the runs.\n\n",
		r.Terminals, r.Venues, r.Counties, r.Activities, r.Batch, len(runs))
	store := spreadOf(runs, func(f runFigures) float64 { return f.StoreRate })
	publish := spreadOf(runs, func(f runFigures) float64 { return f.PublishMsgRate * f.RecordsPerEvent })
	unary := spreadOf(runs, func(f runFigures) float64 { return f.UnaryRate })
	gates := spreadOf(runs, func(f runFigures) float64 { return f.Batched.Full.EndToEnd })
	gatesShare := spreadOf(runs, func(f runFigures) float64 { return f.Batched.Full.EndToEnd / f.StoreRate })
	hand := spreadOf(runs, func(f runFigures) float64 { return f.Handheld.Full.EndToEnd })
	handShare := spreadOf(runs, func(f runFigures) float64 { return f.Handheld.Full.EndToEnd / f.UnaryRate })
	fmt.Fprintf(&b, "| Figure | min · **median** · max | Target | Met |\n|---|---|---|---|\n")
	fmt.Fprintf(&b, "| (a) PostgreSQL insert of rows shaped like check-in's, alone (rows/s) | %s | | |\n", store.rate())
	fmt.Fprintf(&b, "| (a) JetStream publish alone, events of the pipeline's size (records/s) | %s | | |\n", publish.rate())
	fmt.Fprintf(&b, "| (a) Bare gRPC unary calls to check-in, 64 callers (calls/s) | %s | | |\n", unary.rate())
	floor50 := spreadOf(runs, func(f runFigures) float64 { return msOf(f.Floor.P50) })
	floor99 := spreadOf(runs, func(f runFigures) float64 { return msOf(f.Floor.P99) })
	fmt.Fprintf(&b, "| (a) The flush floor: one-row durable commits one at a time, p50 | %s | | |\n", floor50.millis())
	fmt.Fprintf(&b, "| (a) … p99 (no call that waits for a commit can have a p99 below it) | %s | | |\n", floor99.millis())
	for _, l := range []struct {
		name  string
		get   func(runFigures) load
		share spread
		of    string
		e2e   spread
	}{
		{fmt.Sprintf("Gates, %d records a call", r.Batch), func(f runFigures) load { return f.Batched }, gatesShare, "the insert stage", gates},
		{"Handheld doors, 1 record a call", func(f runFigures) load { return f.Handheld }, handShare, "the unary ceiling", hand},
	} {
		full := spreadOf(runs, func(f runFigures) float64 { return msOf(l.get(f).Full.P99) })
		half := spreadOf(runs, func(f runFigures) float64 { return msOf(l.get(f).Half.P99) })
		vis := spreadOf(runs, func(f runFigures) float64 { return msOf(l.get(f).Half.VisP99) })
		calmer := 0
		for _, f := range runs {
			if l.get(f).Half.P99 <= l.get(f).Full.P99 {
				calmer++
			}
		}
		target, met := "", ""
		if strings.HasPrefix(l.name, "Gates") {
			target, met = "≥ 50 % of the insert stage", yes(l.share.med >= 0.5)
		} else {
			target, met = "≥ 15,000 records/s", yes(l.e2e.med >= 15000)
		}
		fmt.Fprintf(&b, "| (b) %s: end to end, terminal to aggregate (records/s) | %s | %s | %s |\n", l.name, l.e2e.rate(), target, met)
		fmt.Fprintf(&b, "| (b) … as a share of %s measured in the same run | %s | | |\n", l.of, l.share.pct())
		fmt.Fprintf(&b, "| (c) %s: call p99 at full rate | %s | | |\n", l.name, full.millis())
		fmt.Fprintf(&b, "| (c) %s: call p99 at half rate | %s | median < 25 ms, worst < 50 ms | %s |\n", l.name, half.millis(), yes(half.med < 25 && half.max < 50))
		overFloor := spreadOf(runs, func(f runFigures) float64 {
			return float64(l.get(f).Half.P99) / float64(max(f.Floor.P99, time.Microsecond))
		})
		fmt.Fprintf(&b, "| (c) … as a multiple of the flush floor's p99 measured in the same run | %s | | |\n", overFloor.times())
		fmt.Fprintf(&b, "| (c) … runs where p99 at half rate ≤ p99 at full rate | %d of %d | all | %s |\n", calmer, len(runs), yes(calmer == len(runs)))
		fmt.Fprintf(&b, "| (d) %s: acknowledgement to dashboard push, p99 at half rate | %s | < 500 ms | %s |\n", l.name, vis.millis(), yes(vis.max < 500))
	}
	if n := r.Noisy; n != nil {
		for _, l := range []struct {
			name string
			l    load
		}{{fmt.Sprintf("gates, %d records a call", r.Batch), n.Batched}, {"handheld, 1 record a call", n.Handheld}} {
			unhinted := l.l.Full.Unhinted + l.l.Half.Unhinted
			fmt.Fprintf(&b, "| Noisy neighbour (one core busy), %s: end to end · call p99 at half rate · answers to retry without a delay · records given up | "+
				"%.0f records/s · %s · %d · %d | p99 < 100 ms, nothing refused without a retry hint | %s |\n",
				l.name, l.l.Full.EndToEnd, ms(l.l.Half.P99), unhinted, l.l.Full.Failed+l.l.Half.Failed, yes(l.l.Half.P99 < 100*time.Millisecond && unhinted == 0))
		}
	}
	fmt.Fprintf(&b, "| Check-in service memory with %d records stored | %s resident after the runs · %s peak | < 300 MB (286 MiB) at 10 M | %s |\n",
		r.Stored, mib(r.RSS), mib(r.PeakRSS), memoryMet(r.Stored, r.PeakRSS))
	if r.Preload.Records > 0 {
		fmt.Fprintf(&b, "\nBefore the runs, %d records over the edition's last eight days were uploaded through check-in in calls of 1,000, as doors that were offline "+
			"all week would send them, and counted by the dashboard in %s (%.0f records/s, upload to aggregate). All terminals uploading at once kept check-in's queue full: "+
			"%d calls were refused with a retry hint and sent again, and the unluckiest call waited %s to be let in.",
			r.Preload.Records, r.Preload.Took.Round(time.Second), r.Preload.Rate(), r.Preload.Overloaded, r.Preload.LongestDelivery.Round(time.Millisecond))
	}
	fmt.Fprintf(&b, " Before every run at full or half rate PostgreSQL was checkpointed and the disks synced, so that no run measures the writeback of the one "+
		"before it. End to end counts the time the aggregates took to catch up after the last acknowledgement. Visibility is measured on the reporting "+
		"service's live stream, the one the dashboard's server-sent events relay; each sample is an acknowledged call and the first push that includes its people.\n")
	fmt.Fprintf(&b, "\n## Each run\n\n| run | insert stage | unary | flush floor p50 / p99 | gates e2e | gates p99 full / half | handheld e2e | handheld p99 full / half | push p99 (gates / handheld) | server side, gates at half rate: call · wait for a writer · commit |\n|---|---|---|---|---|---|---|---|---|---|\n")
	for i, f := range runs {
		g, h := f.Batched, f.Handheld
		fmt.Fprintf(&b, "| %d | %.0f | %.0f | %s / %s | %.0f | %s / %s | %.0f | %s / %s | %s / %s | %s · %s · %s |\n", i+1, f.StoreRate, f.UnaryRate, ms(f.Floor.P50), ms(f.Floor.P99),
			g.Full.EndToEnd, ms(g.Full.P99), ms(g.Half.P99), h.Full.EndToEnd, ms(h.Full.P99), ms(h.Half.P99), ms(g.Half.VisP99), ms(h.Half.VisP99),
			g.Half.ServerRPC, g.Half.Queue, g.Half.Commit)
	}
	fmt.Fprintf(&b, "\n## Where the cores went\n\nCores kept busy during each run (CPU time over wall time; the machine has %d): check-in's process, PostgreSQL's "+
		"processes, and the benchmark's own process, which holds the load generator beside NATS and the other services.\n\n| run | gates, full | gates, half | handheld, full | handheld, half |\n|---|---|---|---|---|\n", runtime.NumCPU())
	for i, f := range runs {
		fmt.Fprintf(&b, "| %d | %s | %s | %s | %s |\n", i+1, f.Batched.Full.CPU, f.Batched.Half.CPU, f.Handheld.Full.CPU, f.Handheld.Half.CPU)
	}
	fmt.Fprintf(&b, "\n## What autovacuum and the statistics audit were doing during the half-rate runs\n\nPostgreSQL's autovacuum workers, and "+
		"check-in reading its table for reporting's statistics audit (whole, or what was stored since its last read) or a rebuild, sampled every 100 ms from pg_stat_activity: each entry is what was "+
		"being done and in how many samples (ten a second of the run).\n\n"+
		"| run | gates, half | handheld, half |\n|---|---|---|\n")
	for i, f := range runs {
		fmt.Fprintf(&b, "| %d | %s | %s |\n", i+1, maintenanceText(f.Batched.Half.Maintenance), maintenanceText(f.Handheld.Half.Maintenance))
	}
	if runs[0].Batched.Half.Waits != nil {
		fmt.Fprintf(&b, "\n## What check-in's writing sessions were doing\n\nSampled from pg_stat_activity during the half-rate runs: each sample counts the "+
			"sessions inside a group commit's transaction by state (a wait event inside PostgreSQL, running, or idle in the transaction while check-in "+
			"prepares its next statement).\n\n| run | gates, half | handheld, half |\n|---|---|---|\n")
		for i, f := range runs {
			fmt.Fprintf(&b, "| %d | %s | %s |\n", i+1, f.Batched.Half.Waits, f.Handheld.Half.Waits)
		}
	}
	if f := runs[0]; f.Batched.Full.PG != nil {
		fmt.Fprintf(&b, "\n## Where PostgreSQL's time went (run 1)\n\nFrom pg_stat_statements and pg_stat_wal, read before each load and after its "+
			"aggregates caught up, so the projections' and the relay's statements for those records are in it. A statement's time is its "+
			"execution in PostgreSQL (a COMMIT's is its WAL flush), not CPU alone.\n")
		for _, l := range []struct {
			name string
			pg   *pgWorkDone
		}{{"Gates, full rate", f.Batched.Full.PG}, {"Gates, half rate", f.Batched.Half.PG}, {"Handheld, full rate", f.Handheld.Full.PG}, {"Handheld, half rate", f.Handheld.Half.PG}} {
			if l.pg != nil {
				fmt.Fprintf(&b, "\n### %s\n\n%s", l.name, l.pg)
			}
		}
	}
	fmt.Fprintf(&b, "\nRun took %s.\n", r.Finished.Sub(r.Started).Round(time.Second))
	return b.String()
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}
