package domain_test

import (
	"strings"
	"testing"
	"time"

	"github.com/sciweek/sciweek/pkg/errs"
	"github.com/sciweek/sciweek/services/venue/internal/domain"
)

func TestCheckDetails(t *testing.T) {
	t.Parallel()
	base := func() domain.Details {
		return domain.Details{Name: "太原市科技馆", Kind: domain.KindScienceMuseum, CountyCode: "140105", Address: " 迎泽大街 ", SafeCapacity: 800}
	}
	tests := []struct {
		name    string
		mod     func(*domain.Details)
		wantErr string
	}{
		{"valid, thresholds default", func(*domain.Details) {}, ""},
		{"name too short", func(d *domain.Details) { d.Name = "馆" }, "2 to 200 characters"},
		{"unknown kind", func(d *domain.Details) { d.Kind = "castle" }, "not one of the known kinds"},
		{"bad county", func(d *domain.Details) { d.CountyCode = "14010" }, "six digits"},
		{"negative capacity", func(d *domain.Details) { d.SafeCapacity = -1 }, "cannot be negative"},
		{"warn above alarm", func(d *domain.Details) { d.WarnPercent, d.AlarmPercent = 120, 100 }, "warning threshold"},
		{"off the map", func(d *domain.Details) { d.Coordinates = &domain.Coordinates{Latitude: 91} }, "not on the map"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := base()
			tt.mod(&d)
			got, err := domain.CheckDetails(d)
			if tt.wantErr == "" {
				if err != nil || got.Address != "迎泽大街" || got.WarnPercent != 80 || got.AlarmPercent != 100 {
					t.Fatalf("got %+v, %v", got, err)
				}
				return
			}
			if errs.KindOf(err) != errs.Invalid || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want Invalid containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestTerminalLife(t *testing.T) {
	t.Parallel()
	now := time.Now()
	v, err := domain.NewVenue(domain.Details{Name: "科技馆", Kind: domain.KindScienceMuseum, CountyCode: "140105"}, now)
	if err != nil {
		t.Fatal(err)
	}
	code, err := domain.NewSetupCode()
	if err != nil || len(code) != 9 || strings.ContainsAny(code, "01OIL") {
		t.Fatalf("setup code %q (%v) must be 8 unambiguous characters with a dash", code, err)
	}
	if domain.SetupCodeHash(code) != domain.SetupCodeHash(strings.ToLower(strings.ReplaceAll(code, "-", ""))) {
		t.Fatal("setup codes must not care about case and dashes")
	}
	term, err := domain.NewTerminal(v, "东门", code, now)
	if err != nil {
		t.Fatal(err)
	}
	if err := term.Rotate([32]byte{1}); errs.KindOf(err) != errs.FailedPrecondition {
		t.Fatalf("rotating a pending terminal: %v", err)
	}
	if err := term.Activate([32]byte{1}, now.Add(domain.SetupValidity+time.Second)); errs.KindOf(err) != errs.FailedPrecondition {
		t.Fatalf("activating after the code expired: %v", err)
	}
	if err := term.Activate([32]byte{1}, now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := term.Activate([32]byte{2}, now.Add(time.Minute)); errs.KindOf(err) != errs.NotFound {
		t.Fatalf("activating twice: %v", err)
	}
	if err := term.Revoke(now); err != nil {
		t.Fatal(err)
	}
	if err := term.Revoke(now); errs.KindOf(err) != errs.FailedPrecondition {
		t.Fatalf("second revoke: %v", err)
	}
}
