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

func TestParseChildrenCPU(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, stat string
		want       time.Duration
	}{
		{"a postmaster that reaped backends", "1234 (postgres) S 1 1234 1234 0 -1 4194560 2716 0 0 0 150 25 400 90 20 0 1 0 123 0 0", 4900 * time.Millisecond},
		{"no children", "99 (a (b) c) R 1 99 99 0 -1 0 0 0 0 0 7 3 0 0 20 0 1 0 1 0 0", 0},
		{"cut short before cstime", "99 (x) R 1 99 99 0 -1 0 0 0 0 0 7 3 5", 0},
		{"no name", "garbage", 0},
	} {
		if got := parseChildrenCPU(tc.stat); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestMemoryMet(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name         string
		stored, peak int64
		want         string
	}{
		{"under the target with ten million stored", 10_000_000, 299_999_999, "yes"},
		{"293 MiB is over 300 MB", 16_885_891, 293 << 20, "**no**"},
		{"exactly the target is over", 10_000_000, memoryTarget, "**no**"},
		{"under, but a small table cannot say", 1_232_400, 200 << 20, "not at 10 M (use -preload)"},
		{"over, even with a small table", 1_232_400, 532 << 20, "**no**"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := memoryMet(tc.stored, tc.peak); got != tc.want {
				t.Fatalf("memoryMet(%d, %d) = %q, want %q", tc.stored, tc.peak, got, tc.want)
			}
		})
	}
}

func TestParsePGSetting(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, in, wantName, wantValue string
		wantErr                       bool
	}{
		{"plain", "commit_delay=100", "commit_delay", "100", false},
		{"spaces and units", " wal_writer_delay = 10ms ", "wal_writer_delay", "10ms", false},
		{"empty value", "commit_siblings=", "commit_siblings", "", false},
		{"no equals sign", "commit_delay", "", "", true},
		{"no name", "=5", "", "", true},
		{"the value is the rest", "search_path=a=b", "search_path", "a=b", false},
		{"not a name", "commit delay; DROP TABLE x;--=1", "", "", true},
		{"durability is not a lever", "fsync=off", "", "", true},
		{"nor is synchronous commit", "synchronous_commit=off", "", "", true},
		{"capitals are not PostgreSQL's spelling", "Commit_Delay=1", "", "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			name, value, err := ParsePGSetting(tc.in)
			if (err != nil) != tc.wantErr || name != tc.wantName || value != tc.wantValue {
				t.Fatalf("ParsePGSetting(%q) = %q, %q, %v", tc.in, name, value, err)
			}
		})
	}
	if got := quoteLiteral("it's"); got != "'it''s'" {
		t.Fatalf("quoteLiteral = %s", got)
	}
}

// FuzzParsePGSetting holds what -pg promises whatever an operator types: a name it accepts is
// one PostgreSQL could spell (so it cannot carry SQL into ALTER SYSTEM), and no durability
// setting is ever accepted.
func FuzzParsePGSetting(f *testing.F) {
	for _, s := range []string{"commit_delay=100", "fsync=off", " a = b ", "=", "x=y=z", "ü=1", "synchronous_commit=on"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		name, _, err := ParsePGSetting(s)
		if err != nil {
			return
		}
		if name == "" || durability[name] {
			t.Fatalf("ParsePGSetting(%q) accepted %q", s, name)
		}
		for _, r := range name {
			if !(r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
				t.Fatalf("ParsePGSetting(%q) accepted the name %q", s, name)
			}
		}
	})
}
