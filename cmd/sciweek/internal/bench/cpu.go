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

// cpuSnapshot is the CPU time used so far by each part.
type cpuSnapshot struct {
	at                      time.Time
	checkin, postgres, rest time.Duration
}

// cpuNow reads the CPU time of check-in's process, of every process named postgres, and of this
// process.
func (e *env) cpuNow() cpuSnapshot {
	s := cpuSnapshot{at: time.Now(), checkin: procCPU(e.child.cmd.Process.Pid), rest: procCPU(os.Getpid())}
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, f := range stats {
		b, err := os.ReadFile(f)
		if err == nil && strings.Contains(string(b), "(postgres)") {
			s.postgres += parseCPU(string(b))
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

func procCPU(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	return parseCPU(string(b))
}

// parseCPU reads utime and stime from a /proc/<pid>/stat line (fields 14 and 15, counted after
// the command name, which may hold spaces).
func parseCPU(stat string) time.Duration {
	i := strings.LastIndexByte(stat, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(stat[i+1:])
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	k, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(u+k) * time.Second / clockTicks
}
