package labels_test

import (
	"testing"

	checkinv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/checkin/v1"
	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
	reportingv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/reporting/v1"
	"github.com/sciweek/sciweek/services/reporting/internal/stats/labels"
)

// TestEveryValueHasAName walks each enum, so a value added to a contract without a Chinese
// name fails here rather than printing a code in a bureau's spreadsheet.
func TestEveryValueHasAName(t *testing.T) {
	t.Parallel()
	for n := range registrationv1.ActivityForm_name {
		if f := registrationv1.ActivityForm(n); f != 0 && labels.Form(f) == "未注明" {
			t.Errorf("form %v has no name", f)
		}
	}
	for n := range registrationv1.TargetGroup_name {
		if g := registrationv1.TargetGroup(n); g != 0 && labels.TargetGroup(g) == "未注明" {
			t.Errorf("target group %v has no name", g)
		}
	}
	for n := range registrationv1.ActivityTheme_name {
		if k := registrationv1.ActivityTheme(n); k != 0 && labels.Theme(k) == "未注明" {
			t.Errorf("theme %v has no name", k)
		}
	}
	for n := range checkinv1.RefusalReason_name {
		if r := checkinv1.RefusalReason(n); r != 0 && labels.Refusal(r) == "其他" {
			t.Errorf("refusal %v has no name", r)
		}
	}
	for n := range reportingv1.OccupancyLevel_name {
		if l := reportingv1.OccupancyLevel(n); l != 0 && labels.Level(l) == "—" {
			t.Errorf("level %v has no name", l)
		}
	}
}
