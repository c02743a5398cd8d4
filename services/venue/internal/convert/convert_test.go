package convert

import (
	"testing"

	venuev1 "github.com/sciweek/sciweek/pkg/gen/sciweek/venue/v1"
	"github.com/sciweek/sciweek/pkg/testkit"
	"github.com/sciweek/sciweek/services/venue/internal/domain"
)

// TestEveryEnumRoundTrips: every value the contract declares but UNSPECIFIED has exactly one
// domain value and converts back to itself, so a value added to venue.proto without its domain
// counterpart fails here.
func TestEveryEnumRoundTrips(t *testing.T) {
	t.Parallel()
	testkit.EnumRoundTrip(t, kindToProto, venuev1.VenueKind(0).Descriptor())
	testkit.EnumRoundTrip(t, stateToProto, venuev1.TerminalState(0).Descriptor())
	for d, p := range kindToProto {
		if KindFromProto(p) != d || KindToProto(d) != p {
			t.Errorf("kind %v ⇄ %v", d, p)
		}
	}
	if KindFromProto(venuev1.VenueKind_VENUE_KIND_UNSPECIFIED) != "" || StateToProto(domain.TerminalState("gone")) != venuev1.TerminalState_TERMINAL_STATE_UNSPECIFIED {
		t.Error("values outside the tables must convert to the zero value")
	}
}
