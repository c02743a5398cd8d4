package bench

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"
)

// results are the check-in figures of one run.
type results struct {
	Started, Finished                              time.Time
	Args                                           string
	Batch, Terminals, Venues, Counties, Activities int
	Preload                                        preloaded
	StoreRate                                      float64
	PublishMsgRate, RecordsPerEvent                float64
	Sustained                                      sustainedRun
	Half                                           halfRun
	UnaryRate                                      float64
	Handheld                                       handheldRun
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

func (r results) markdown() string {
	var b strings.Builder
	mib := func(n int64) string { return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20)) }
	publishRate := r.PublishMsgRate * r.RecordsPerEvent
	ceiling := min(r.StoreRate, publishRate)
	s, h := r.Sustained, r.Half
	fmt.Fprintf(&b, "# Check-in pipeline benchmark\n\n")
	fmt.Fprintf(&b, "Measured %s on this machine (%d CPUs, %s, Go %s), everything on it: PostgreSQL (durable: fsync and synchronous commit on), "+
		"embedded NATS JetStream (file storage), registration, venue, reporting and the gateway in one process, check-in in a process of its own, "+
		"and the simulated terminals.\n\nReproduce with `make bench`; this run was `%s`.\n\n",
		r.Started.UTC().Format("2006-01-02 15:04 MST"), runtime.NumCPU(), cpuModel(), strings.TrimPrefix(runtime.Version(), "go"), r.Args)
	fmt.Fprintf(&b, "Load: %d terminals at %d venues in %d counties, in an edition of the benchmark's own with %d approved activities, %d records a call (gates batch), "+
		"10%% ticket scans (a few shown twice), 2%% school groups, 20%% check-outs, the rest walk-ins.\n\n", r.Terminals, r.Venues, r.Counties, r.Activities, r.Batch)
	fmt.Fprintf(&b, "| Figure | Measured | Target |\n|---|---|---|\n")
	fmt.Fprintf(&b, "| (a) PostgreSQL insert of rows shaped like check-in's, alone | %.0f rows/s | |\n", r.StoreRate)
	fmt.Fprintf(&b, "| (a) JetStream publish alone, events of %.0f records | %.0f events/s = %.0f records/s | |\n", r.RecordsPerEvent, r.PublishMsgRate, publishRate)
	fmt.Fprintf(&b, "| Pipeline ceiling (the slower stage) | %.0f records/s | |\n", ceiling)
	fmt.Fprintf(&b, "| (b) End to end, terminal to aggregate, sustained | %.0f records/s (%.0f%% of the ceiling) | ≥ 20,000/s |\n", s.EndToEnd, 100*s.EndToEnd/ceiling)
	fmt.Fprintf(&b, "| (c) Call latency at half that rate (%.0f records/s) | p50 %s · p99 %s · max %s | p99 < 25 ms |\n", h.Rate, ms(h.P50), ms(h.P99), ms(h.Max))
	fmt.Fprintf(&b, "| (d) Acknowledgement to dashboard push (%d samples) | p50 %s · p99 %s · max %s | p99 < 1 s |\n", h.VisSamples, ms(h.VisP50), ms(h.VisP99), ms(h.VisMax))
	fmt.Fprintf(&b, "| (e) Bare gRPC unary calls to check-in (health check, 64 callers) | %.0f calls/s | |\n", r.UnaryRate)
	fmt.Fprintf(&b, "| (e) Handheld doors: one record a call, end to end | %.0f records/s (%.0f%% of the unary ceiling, %.0f%% of the batched figure) · call p99 %s | |\n",
		r.Handheld.Rate, 100*r.Handheld.Rate/r.UnaryRate, 100*r.Handheld.Rate/s.EndToEnd, ms(r.Handheld.P99))
	fmt.Fprintf(&b, "| Check-in service memory with %d records stored | %s resident after the runs · %s peak | < 300 MB at 10 M |\n", r.Stored, mib(r.RSS), mib(r.PeakRSS))
	fmt.Fprintf(&b, "\nDetails: the sustained run acknowledged %d records in its window (%.0f/s; call latency p50 %s, p99 %s at full load; %d retries, %d of them overloaded); "+
		"the aggregates had caught up %s after the last acknowledgement, and (b) counts that time in. ", s.Acked, s.AckedRate, ms(s.P50), ms(s.P99), s.Retries, s.Overloaded, ms(s.CatchUp))
	fmt.Fprintf(&b, "Visibility is measured on the reporting service's live stream, the one the dashboard's server-sent events relay, "+
		"which pushes at most every 250 ms per screen; each sample is an acknowledged call and the first push that includes its people.")
	if r.Preload.Records > 0 {
		fmt.Fprintf(&b, " Before the runs, %d records over the edition's last eight days were uploaded through check-in in calls of 1,000, as doors that were offline "+
			"all week would send them, and counted by the dashboard in %s (%.0f records/s, upload to aggregate).", r.Preload.Records, r.Preload.Took.Round(time.Second), r.Preload.Rate())
	}
	fmt.Fprintf(&b, " Before each of the two runs PostgreSQL was checkpointed and the disks synced (%s and %s), so that neither measures "+
		"the writeback of what ran before it.", ms(s.Settle), ms(h.Settle))
	fmt.Fprintf(&b, "\n\nServer side during the latency run, from the check-in service's histograms: whole call %s; "+
		"waiting for a writer %s; the group-committed transaction %s.", h.ServerRPC, h.Queue, h.Commit)
	fmt.Fprintf(&b, "\n\nRun took %s.\n", r.Finished.Sub(r.Started).Round(time.Second))
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
