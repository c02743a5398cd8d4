package ticket_test

import (
	"testing"

	"github.com/google/uuid"

	"github.com/sciweek/sciweek/pkg/ticket"
)

// The door app computes the same codes (web/door/src/code.test.ts holds these vectors too).
func TestShortCodeVectors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, id, code string
	}{
		{"nil uuid", "00000000-0000-0000-0000-000000000000", "W2GAC121"},
		{"max uuid", "ffffffff-ffff-ffff-ffff-ffffffffffff", "E62XPJRE"},
		{"v4", "3f2b8c1e-9d4a-4e6b-8a1f-2c3d4e5f6a7b", "W59F57S5"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := ticket.ShortCode(uuid.MustParse(tc.id))
			if got != tc.code {
				t.Fatalf("ShortCode(%s) = %s, want %s", tc.id, got, tc.code)
			}
		})
	}
}
