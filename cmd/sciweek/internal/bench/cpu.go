package bench

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// clockTicks is the kernel's USER_HZ, the unit of /proc's CPU times (100 on Linux).
const clockTicks = 100

// cpuShare is how many cores each part of the system kept busy during a run: check-in, PostgreSQL
// (all its processes) and the benchmark's own process (the load generator, NATS, registration,
// venue, reporting and the gateway). The machine's cores, less these, were everything else on it.
type cpuShare struct {
	Checkin, Postgres, Rest float64
}

func (c cpuShare) String() string {
	return fmt.Sprintf("check-in %.2f · PostgreSQL %.2f · the rest %.2f cores", c.Checkin, c.Postgres, c.Rest)
}

// cpuSnapshot is the CPU time used so far by each part, and by the whole machine.
type cpuSnapshot struct {
	at                      time.Time
	checkin, postgres, rest time.Duration
	machine                 time.Duration
}

// cpuNow reads the CPU time of check-in's process, of every process named postgres, and of this
// process.
func (e *env) cpuNow() cpuSnapshot {
	s := cpuSnapshot{at: time.Now(), checkin: procCPU(e.child.cmd.Process.Pid), rest: procCPU(os.Getpid()), machine: machineBusy()}
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, f := range stats {
		b, err := os.ReadFile(f)
		if err == nil && strings.Contains(string(b), "(postgres)") {
			// With its children's: a backend that exits during the run (a page's connection)
			// takes its CPU time to the postmaster's, which reaps it.
			s.postgres += parseCPU(string(b)) + parseChildrenCPU(string(b))
		}
	}
	return s
}

// since is the share of cores each part used from before to s.
func (s cpuSnapshot) since(before cpuSnapshot) cpuShare {
	wall := s.at.Sub(before.at).Seconds()
	if wall <= 0 {
		return cpuShare{}
	}
	return cpuShare{Checkin: (s.checkin - before.checkin).Seconds() / wall, Postgres: (s.postgres - before.postgres).Seconds() / wall,
		Rest: (s.rest - before.rest).Seconds() / wall}
}

// others is the cores the rest of the machine kept busy from before to s: everything that is
// neither check-in, PostgreSQL nor this process (during a page load, mostly Chromium).
func (s cpuSnapshot) others(before cpuSnapshot) float64 {
	wall := s.at.Sub(before.at).Seconds()
	if wall <= 0 {
		return 0
	}
	ours := (s.checkin - before.checkin) + (s.postgres - before.postgres) + (s.rest - before.rest)
	return max(0, (s.machine-before.machine-ours).Seconds()/wall)
}

// machineBusy is the CPU time all cores spent busy since boot, by /proc/stat's first line: every
// column but idle and iowait (guest time is already in user).
func machineBusy() time.Duration {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return 0
	}
	var ticks int64
	for i, v := range f[1:9] {
		if i == 3 || i == 4 { // idle, iowait
			continue
		}
		n, _ := strconv.ParseInt(v, 10, 64)
		ticks += n
	}
	return time.Duration(ticks) * time.Second / clockTicks
}

func procCPU(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	return parseCPU(string(b))
}

// parseCPU reads utime and stime from a /proc/<pid>/stat line (fields 14 and 15, counted after
// the command name, which may hold spaces).
func parseCPU(stat string) time.Duration { return statTicks(stat, 11) }

// parseChildrenCPU reads cutime and cstime (fields 16 and 17): the CPU time of the process's
// children that have exited and been waited for.
func parseChildrenCPU(stat string) time.Duration { return statTicks(stat, 13) }

// statTicks sums the two clock-tick fields at i and i+1 of what follows the command name.
func statTicks(stat string, i int) time.Duration {
	end := strings.LastIndexByte(stat, ')')
	if end < 0 {
		return 0
	}
	f := strings.Fields(stat[end+1:])
	if len(f) < i+2 {
		return 0
	}
	u, _ := strconv.ParseInt(f[i], 10, 64)
	k, _ := strconv.ParseInt(f[i+1], 10, 64)
	return time.Duration(u+k) * time.Second / clockTicks
}
