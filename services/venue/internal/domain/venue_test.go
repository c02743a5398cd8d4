package domain_test

import (
	"strings"
	"testing"
	"time"

	"github.com/sciweek/sciweek/pkg/errs"
	"github.com/sciweek/sciweek/services/venue/internal/domain"
)

func TestNewVenue(t *testing.T) {
	t.Parallel()
	now := time.Date(2024, 5, 20, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		vname    string
		kind     domain.Kind
		county   string
		capacity int
		wantErr  string
	}{
		{"valid", "太原市科技馆", domain.KindScienceMuseum, "140105", 800, ""},
		{"name too short", "馆", domain.KindScienceMuseum, "140105", 10, "2 to 200 characters"},
		{"name blank after trim", "   ", domain.KindSchool, "140105", 10, "2 to 200 characters"},
		{"unknown kind", "某某基地", domain.Kind("castle"), "140105", 10, "not one of the known kinds"},
		{"bad county", "某某基地", domain.KindSchool, "14010", 10, "six digits"},
		{"negative capacity", "某某基地", domain.KindSchool, "140105", -1, "cannot be negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v, err := domain.NewVenue(tt.vname, tt.kind, tt.county, " 迎泽大街 ", tt.capacity, now)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if v.Address != "迎泽大街" || v.CreatedAt != now {
					t.Errorf("venue not normalised: %+v", v)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || errs.KindOf(err) != errs.Invalid {
				t.Fatalf("err = %v, want Invalid containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestTerminalRevokeTwice(t *testing.T) {
	t.Parallel()
	v, _ := domain.NewVenue("太原市科技馆", domain.KindScienceMuseum, "140105", "", 0, time.Now())
	term, err := domain.NewTerminal(v, "东门 1", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := term.Revoke(time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := term.Revoke(time.Now()); errs.KindOf(err) != errs.FailedPrecondition {
		t.Fatalf("second revoke: %v, want FailedPrecondition", err)
	}
}
