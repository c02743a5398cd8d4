package reporting

import (
	"testing"

	rbdomain "github.com/sciweek/sciweek/services/reporting/internal/reportback/domain"
	"github.com/sciweek/sciweek/services/reporting/internal/stats/domain"
)

// TestEveryFormCountsInTheReportBack keeps the two contexts' names of the forms in step: each form
// the statistics count has its column in the report back's table, under the same slug.
func TestEveryFormCountsInTheReportBack(t *testing.T) {
	t.Parallel()
	forms := domain.Forms()
	if len(forms) != len(rbdomain.Forms) {
		t.Fatalf("the statistics know %d forms, the report back %d", len(forms), len(rbdomain.Forms))
	}
	for _, f := range forms {
		if !rbdomain.KnownMetric("activities_held:" + f.Slug()) {
			t.Errorf("form %v (%q) has no column in the report back", f, f.Slug())
		}
	}
}
