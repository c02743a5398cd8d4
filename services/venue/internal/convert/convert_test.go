package convert

import (
	"testing"

	venuev1 "github.com/sciweek/sciweek/pkg/gen/sciweek/venue/v1"
	"github.com/sciweek/sciweek/services/venue/internal/domain"
)

// TestEveryEnumRoundTrips: every value the contract declares but UNSPECIFIED has exactly one
// domain value and converts back to itself, so a value added to venue.proto without its domain
// counterpart fails here.
func TestEveryEnumRoundTrips(t *testing.T) {
	t.Parallel()
	kinds := venuev1.VenueKind(0).Descriptor().Values()
	for i := 1; i < kinds.Len(); i++ {
		p := venuev1.VenueKind(kinds.Get(i).Number())
		d := KindFromProto(p)
		if d == "" || KindToProto(d) != p {
			t.Errorf("%s → %q → %s", p, d, KindToProto(d))
		}
	}
	if len(kindToProto) != kinds.Len()-1 || KindFromProto(venuev1.VenueKind_VENUE_KIND_UNSPECIFIED) != "" {
		t.Errorf("%d domain kinds for %d contract kinds", len(kindToProto), kinds.Len()-1)
	}
	states := venuev1.TerminalState(0).Descriptor().Values()
	for i := 1; i < states.Len(); i++ {
		p := venuev1.TerminalState(states.Get(i).Number())
		found := false
		for d, q := range stateToProto {
			if q == p {
				found = StateToProto(d) == p
			}
		}
		if !found {
			t.Errorf("%s has no domain state", p)
		}
	}
	if len(stateToProto) != states.Len()-1 || StateToProto(domain.TerminalState("gone")) != venuev1.TerminalState_TERMINAL_STATE_UNSPECIFIED {
		t.Errorf("%d domain states for %d contract states", len(stateToProto), states.Len()-1)
	}
}
