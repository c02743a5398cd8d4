package bench

import (
	"testing"
	"time"
)

func TestParseCPU(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, stat string
		want       time.Duration
	}{
		{"a process", "1234 (postgres) S 1 1234 1234 0 -1 4194560 2716 0 0 0 150 25 0 0 20 0 1 0 123 0 0", 1750 * time.Millisecond},
		{"a name with spaces and parentheses", "99 (a (b) c) R 1 99 99 0 -1 0 0 0 0 0 7 3 0 0 20 0 1 0 1 0 0", 100 * time.Millisecond},
		{"cut short", "99 (x) R 1", 0},
		{"no name", "garbage", 0},
	} {
		if got := parseCPU(tc.stat); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}
