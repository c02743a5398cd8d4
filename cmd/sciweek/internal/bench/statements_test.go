package bench

import (
	"strings"
	"testing"
)

func TestPGWorkSince(t *testing.T) {
	t.Parallel()
	write := statementKey{user: 10, db: 5, query: 1}
	fold := statementKey{user: 10, db: 5, query: 2}
	idle := statementKey{user: 10, db: 5, query: -3}
	fresh := statementKey{user: 11, db: 5, query: 1} // same queryid, another role: another entry
	before := pgWork{statements: map[statementKey]statementStats{
		write: {text: "WITH written AS (INSERT INTO checkin_records …)", calls: 100, exec: 50},
		fold:  {text: "INSERT INTO participation_hours …", calls: 10, exec: 20},
		idle:  {text: "SELECT 1", calls: 7, exec: 1},
	}, walRecords: 100, walBytes: 10_000, walWrites: 10, walSyncs: 9, walSyncMS: 3}
	after := pgWork{statements: map[statementKey]statementStats{
		write: {text: "WITH written AS (INSERT INTO checkin_records …)", calls: 300, exec: 150},
		fold:  {text: "INSERT INTO participation_hours …", calls: 30, exec: 170},
		idle:  {text: "SELECT 1", calls: 7, exec: 1},
		fresh: {text: "DELETE FROM outbox WHERE seq = ANY($1)", calls: 4, exec: 2},
	}, walRecords: 2100, walBytes: 210_000, walWrites: 30, walSyncs: 29, walSyncMS: 13}

	d := after.since(before, 2000)
	for _, tc := range []struct {
		name      string
		got, want any
	}{
		{"statements that ran, the idle one left out", len(d.Top), 3},
		{"the most time first", d.Top[0].text, "INSERT INTO participation_hours …"},
		{"its calls in the window", d.Top[0].calls, int64(20)},
		{"its time in the window", d.Top[0].exec, 150.0},
		{"a statement first seen in the window counts whole", d.Top[2].calls, int64(4)},
		{"every statement's time", d.Total, 252.0},
		{"WAL flushes in the window", d.WALSyncs, 20.0},
		{"WAL bytes in the window", d.WALBytes, 200_000.0},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, tc.got, tc.want)
		}
	}
}

func TestPGWorkDoneString(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		d    pgWorkDone
		want []string
	}{
		{"per thousand records", pgWorkDone{Records: 2000, Total: 252, WALSyncs: 20, WALBytes: 200_000,
			Top: []statementStats{{text: "INSERT INTO participation_hours\n\t  AS h (…)", calls: 20, exec: 150}}},
			[]string{"every statement's time 126.0 ms per 1,000 records", "10.0 flushes", "100 kB",
				"| `INSERT INTO participation_hours AS h (…)` | 10.0 | 7.500 ms | 75.0 ms | 60% |"}},
		{"a pipe in a statement does not break the table", pgWorkDone{Records: 1000, Total: 1,
			Top: []statementStats{{text: "SELECT a || b", calls: 1, exec: 1}}}, []string{"`SELECT a \\|\\| b`"}},
		{"a long statement is cut", pgWorkDone{Records: 1000, Total: 1,
			Top: []statementStats{{text: "SELECT " + strings.Repeat("x, ", 40), calls: 1, exec: 1}}}, []string{"x, …`"}},
		{"no records", pgWorkDone{}, []string{"no records stored"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := tc.d.String()
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("missing %q in\n%s", w, got)
				}
			}
		})
	}
}
