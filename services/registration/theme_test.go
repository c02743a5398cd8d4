package registration_test

import (
	"context"
	"testing"

	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
)

// TestThemedWeeks: a meteorology department's activity belongs to 气象科技周 unless its
// organizer says otherwise, an update without a theme keeps it, the list filters by it, and
// ActivityApproved carries it for check-in and reporting.
func TestThemedWeeks(t *testing.T) {
	t.Parallel()
	f := start(t)
	ctx := context.Background()
	resp, err := f.units.CreateUnit(ctx, &registrationv1.CreateUnitRequest{Name: "小店区气象局", CountyCode: "140105",
		Kind: registrationv1.UnitKind_UNIT_KIND_METEOROLOGY}, f.city)
	if err != nil {
		t.Fatal(err)
	}
	met, lab := resp.GetUnit(), f.unit("140105", "某实验室")
	byDefault := f.mustCreate(f.city, met.GetId(), details(f.xiaodianV))
	if got := byDefault.GetDetails().GetTheme(); got != registrationv1.ActivityTheme_ACTIVITY_THEME_METEOROLOGY {
		t.Fatalf("a meteorology department's activity has theme %v", got)
	}
	none := details(f.xiaodianV)
	none.Theme = registrationv1.ActivityTheme_ACTIVITY_THEME_NONE
	chosen := f.mustCreate(f.organizer(met), "", none)
	if got := chosen.GetDetails().GetTheme(); got != registrationv1.ActivityTheme_ACTIVITY_THEME_NONE {
		t.Fatalf("the organizer's choice of none became %v", got)
	}
	labs := f.mustCreate(f.city, lab.GetId(), details(f.xiaodianV))
	if got := labs.GetDetails().GetTheme(); got != registrationv1.ActivityTheme_ACTIVITY_THEME_NONE {
		t.Fatalf("a laboratory's activity has theme %v", got)
	}
	// An update that leaves the theme out keeps it.
	upd, err := f.activities.UpdateActivity(ctx, &registrationv1.UpdateActivityRequest{ActivityId: byDefault.GetId(), Details: details(f.xiaodianV)}, f.city)
	if err != nil || upd.GetActivity().GetDetails().GetTheme() != registrationv1.ActivityTheme_ACTIVITY_THEME_METEOROLOGY {
		t.Fatalf("after an update: %v %v", upd.GetActivity().GetDetails().GetTheme(), err)
	}
	for _, tc := range []struct {
		name  string
		theme registrationv1.ActivityTheme
		want  int
	}{
		{"any", registrationv1.ActivityTheme_ACTIVITY_THEME_UNSPECIFIED, 3},
		{"meteorology", registrationv1.ActivityTheme_ACTIVITY_THEME_METEOROLOGY, 1},
		{"none", registrationv1.ActivityTheme_ACTIVITY_THEME_NONE, 2},
		{"transport", registrationv1.ActivityTheme_ACTIVITY_THEME_TRANSPORT, 0},
	} {
		list, err := f.activities.ListActivities(ctx, &registrationv1.ListActivitiesRequest{EditionId: "2024", Theme: tc.theme}, f.city)
		if err != nil || len(list.GetActivities()) != tc.want {
			t.Errorf("%s: %d activities, %v; want %d", tc.name, len(list.GetActivities()), err, tc.want)
		}
	}
	f.approve(byDefault.GetId())
	approved := events(t, f.js, "sciweek.registration.activity.approved", func() *registrationv1.ActivityApproved { return &registrationv1.ActivityApproved{} }, 1)
	if got := approved[0].GetActivity().GetDetails().GetTheme(); got != registrationv1.ActivityTheme_ACTIVITY_THEME_METEOROLOGY {
		t.Fatalf("ActivityApproved carries theme %v", got)
	}
	// A value outside the enum is refused at the door.
	bad := details(f.xiaodianV)
	bad.Theme = 99
	if _, err := f.create(f.city, lab.GetId(), bad); err == nil {
		t.Fatal("theme 99 was accepted")
	}
}
