package domain_test

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/sciweek/sciweek/services/registration/internal/domain"
)

// TestThemeDefaultsFromTheUnitKind pins the defaulting rule of the themed weeks: a themed
// department's activity belongs to its week unless the organizer says otherwise, any other
// unit's to none; an update that does not name a theme keeps the stored one.
func TestThemeDefaultsFromTheUnitKind(t *testing.T) {
	t.Parallel()
	ed := edition(t)
	start := time.Date(2024, 5, 26, 9, 0, 0, 0, ed.Location)
	details := func(theme domain.Theme) domain.Details {
		return domain.Details{Title: "实验营", Form: domain.FormHandsOnExperiment, TargetGroups: []domain.TargetGroup{domain.TargetYouth},
			VenueID: uuid.New(), Sessions: []domain.Session{{StartsAt: start, EndsAt: start.Add(time.Hour)}}, Theme: theme}
	}
	tests := []struct {
		name  string
		kind  domain.UnitKind
		given domain.Theme
		want  domain.Theme
	}{
		{"agriculture department", domain.UnitAgriculture, "", domain.ThemeAgriculture},
		{"meteorology department", domain.UnitMeteorology, "", domain.ThemeMeteorology},
		{"forestry and grassland department", domain.UnitForestryGrassland, "", domain.ThemeForestryGrassland},
		{"transport department", domain.UnitTransport, "", domain.ThemeTransport},
		{"school", domain.UnitSchool, "", domain.ThemeNone},
		{"science museum", domain.UnitScienceMuseum, "", domain.ThemeNone},
		{"other", domain.UnitOther, "", domain.ThemeNone},
		{"meteorology department says none", domain.UnitMeteorology, domain.ThemeNone, domain.ThemeNone},
		{"school joins the agriculture week", domain.UnitSchool, domain.ThemeAgriculture, domain.ThemeAgriculture},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			unit := domain.Unit{ID: uuid.New(), Name: "单位", CountyCode: "140105", Kind: tt.kind}
			a, err := domain.CreateActivity(ed, domain.NewActivity{Unit: unit, Details: details(tt.given)}, "o", time.Now())
			if err != nil {
				t.Fatal(err)
			}
			if a.Details.Theme != tt.want {
				t.Fatalf("theme = %q, want %q", a.Details.Theme, tt.want)
			}
			// An update without a theme keeps it; one with a theme changes it.
			if err := a.Update(ed, details(""), time.Now()); err != nil || a.Details.Theme != tt.want {
				t.Fatalf("after an update without a theme: %q, %v; want %q", a.Details.Theme, err, tt.want)
			}
			if err := a.Update(ed, details(domain.ThemeTransport), time.Now()); err != nil || a.Details.Theme != domain.ThemeTransport {
				t.Fatalf("after an update to transport: %q, %v", a.Details.Theme, err)
			}
		})
	}
	// Every unit kind gives a known theme.
	for _, k := range domain.UnitKinds {
		if !k.Kind.DefaultTheme().Valid() {
			t.Errorf("%s gives theme %q", k.Kind, k.Kind.DefaultTheme())
		}
	}
	if _, err := domain.CheckDetails(ed, details("space")); err == nil {
		t.Fatal("an unknown theme was accepted")
	}
}
