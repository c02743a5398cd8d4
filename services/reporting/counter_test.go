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

// TestEveryThemeCountsInTheReportBack keeps the two contexts' names of the themed weeks in step:
// each theme the statistics break down by is a metric of the report back's table, and every
// theme but none has its columns there.
func TestEveryThemeCountsInTheReportBack(t *testing.T) {
	t.Parallel()
	columns := map[string]bool{}
	for _, c := range rbdomain.DefaultColumns() {
		columns[c.Metric] = true
	}
	for _, k := range domain.Themes() {
		for _, metric := range []string{"theme_activities_held:" + k.Slug(), "theme_participations:" + k.Slug()} {
			if !rbdomain.KnownMetric(metric) {
				t.Errorf("theme %v: %q is no metric of the report back", k, metric)
			}
			if k != domain.ThemeNone && !columns[metric] {
				t.Errorf("theme %v: the usual table has no column of %q", k, metric)
			}
		}
	}
	if len(rbdomain.Themes) != len(domain.Themes())-1 {
		t.Fatalf("the statistics know %d themes besides none, the report back %d", len(domain.Themes())-1, len(rbdomain.Themes))
	}
}
