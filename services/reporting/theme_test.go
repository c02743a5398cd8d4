package reporting_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/testing/protocmp"

	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
	reportingv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/reporting/v1"
	"github.com/sciweek/sciweek/pkg/testkit"
)

// TestThemeBreakdownsAddUpToTheTotals: every activity has one themed week, so the themes'
// figures add up to the totals; the theme filter narrows every panel to the theme's figures;
// and a rebuild from check-in's records gives the same breakdown and filtered figures.
func TestThemeBreakdownsAddUpToTheTotals(t *testing.T) {
	t.Parallel()
	f := start(t)
	f.week(t)
	d := f.settled(t, 59)
	const (
		none        = registrationv1.ActivityTheme_ACTIVITY_THEME_NONE
		agriculture = registrationv1.ActivityTheme_ACTIVITY_THEME_AGRICULTURE
		meteorology = registrationv1.ActivityTheme_ACTIVITY_THEME_METEOROLOGY
	)
	type figures struct{ planned, held, participations int64 }
	want := map[registrationv1.ActivityTheme]figures{
		// The lecture: a class of 40 with 3 teachers, 3 tickets and 2 science workers.
		meteorology: {1, 1, 48},
		// The exhibition (10 adults and a volunteer) and the open day nobody came to yet.
		agriculture: {2, 1, 11},
		// The online activity: not a planned on-site activity, and no check-ins.
		none: {0, 0, 0},
	}
	var sum figures
	var order []registrationv1.ActivityTheme
	for _, k := range d.GetThemes() {
		order = append(order, k.GetTheme())
		got := figures{k.GetActivitiesPlanned(), k.GetActivitiesHeld(), k.GetParticipations()}
		if got != want[k.GetTheme()] {
			t.Errorf("%v: %+v, want %+v", k.GetTheme(), got, want[k.GetTheme()])
		}
		sum.planned, sum.held, sum.participations = sum.planned+got.planned, sum.held+got.held, sum.participations+got.participations
	}
	if len(order) != 5 || order[0] != none || order[4] != registrationv1.ActivityTheme_ACTIVITY_THEME_TRANSPORT {
		t.Fatalf("themes listed %v, want all five in the enum's order", order)
	}
	tot := d.GetTotals()
	if sum != (figures{tot.GetActivitiesPlanned(), tot.GetActivitiesHeld(), tot.GetParticipations()}) {
		t.Fatalf("the themes add up to %+v; the totals are %d planned, %d held, %d participations",
			sum, tot.GetActivitiesPlanned(), tot.GetActivitiesHeld(), tot.GetParticipations())
	}

	filters := []struct {
		name   string
		filter *reportingv1.DashboardFilter
		want   figures
	}{
		{"meteorology", &reportingv1.DashboardFilter{Theme: meteorology}, want[meteorology]},
		{"agriculture", &reportingv1.DashboardFilter{Theme: agriculture}, want[agriculture]},
		{"none", &reportingv1.DashboardFilter{Theme: none}, want[none]},
		{"transport", &reportingv1.DashboardFilter{Theme: registrationv1.ActivityTheme_ACTIVITY_THEME_TRANSPORT}, figures{}},
		{"agriculture in a county without any", &reportingv1.DashboardFilter{Theme: agriculture, CountyCode: "140105"}, figures{}},
		{"meteorology and a form", &reportingv1.DashboardFilter{Theme: meteorology, Form: registrationv1.ActivityForm_ACTIVITY_FORM_LECTURE}, want[meteorology]},
		{"meteorology and another form", &reportingv1.DashboardFilter{Theme: meteorology, Form: registrationv1.ActivityForm_ACTIVITY_FORM_EXHIBITION}, figures{}},
	}
	filtered := func() map[string]*reportingv1.Dashboard {
		out := map[string]*reportingv1.Dashboard{}
		for _, tc := range filters {
			got, err := f.dashboard(testkit.CityAdmin(), tc.filter)
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			out[tc.name] = got
		}
		return out
	}
	before := filtered()
	for _, tc := range filters {
		got := before[tc.name]
		gt := got.GetTotals()
		if g := (figures{gt.GetActivitiesPlanned(), gt.GetActivitiesHeld(), gt.GetParticipations()}); g != tc.want {
			t.Errorf("%s: %+v, want %+v", tc.name, g, tc.want)
		}
		var byCounty, byDay, byHour, byTheme, byForm int64
		for _, c := range got.GetCounties() {
			byCounty += c.GetParticipations()
		}
		for _, c := range got.GetByDay() {
			byDay += c.GetParticipations()
		}
		for _, c := range got.GetByHour() {
			byHour += c.GetParticipations()
		}
		for _, c := range got.GetThemes() {
			byTheme += c.GetParticipations()
			if c.GetTheme() != tc.filter.GetTheme() && c.GetParticipations()+c.GetActivitiesPlanned() != 0 {
				t.Errorf("%s: theme %v shows %v", tc.name, c.GetTheme(), c)
			}
		}
		for _, c := range got.GetForms() {
			byForm += c.GetParticipations()
		}
		n := gt.GetParticipations()
		if byCounty != n || byDay != n || byHour != n || byTheme != n || byForm != n {
			t.Errorf("%s: %d participations, but counties say %d, days %d, hours %d, themes %d, forms %d", tc.name, n, byCounty, byDay, byHour, byTheme, byForm)
		}
	}

	// The theme lives with the activity, not in the aggregates a rebuild replaces: the rebuilt
	// figures are the same, filtered or not.
	if _, err := f.client.RebuildAggregates(context.Background(), &reportingv1.RebuildAggregatesRequest{}, f.tokens.As(t, testkit.CityAdmin())); err != nil {
		t.Fatal(err)
	}
	after := filtered()
	for _, tc := range filters {
		if diff := cmp.Diff(before[tc.name], after[tc.name], protocmp.Transform(), protocmp.IgnoreFields(&reportingv1.Dashboard{}, "updated_at"),
			protocmp.IgnoreFields(&reportingv1.VenueOccupancy{}, "updated_at")); diff != "" {
			t.Errorf("%s after the rebuild (-before +after):\n%s", tc.name, diff)
		}
	}
}
