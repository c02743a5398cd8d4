package convert

import (
	"testing"

	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
	"github.com/sciweek/sciweek/pkg/testkit"
)

func TestEveryEnumRoundTrips(t *testing.T) {
	t.Parallel()
	testkit.EnumRoundTrip(t, formToProto, registrationv1.ActivityForm(0).Descriptor())
	testkit.EnumRoundTrip(t, themeToProto, registrationv1.ActivityTheme(0).Descriptor())
	testkit.EnumRoundTrip(t, statusToProto, registrationv1.ActivityStatus(0).Descriptor())
	testkit.EnumRoundTrip(t, groupToProto, registrationv1.TargetGroup(0).Descriptor())
	testkit.EnumRoundTrip(t, unitKindToProto, registrationv1.UnitKind(0).Descriptor())
	testkit.EnumRoundTrip(t, nominationToProto, registrationv1.NominationStatus(0).Descriptor())
	testkit.EnumRoundTrip(t, ageToProto, registrationv1.AgeGroup(0).Descriptor())
	testkit.EnumRoundTrip(t, signupStatusToProto, registrationv1.SignupStatus(0).Descriptor())
	// And the functions the ports call agree with the tables.
	for d, p := range formToProto {
		if FormFromProto(p) != d || FormToProto(d) != p {
			t.Errorf("form %v ⇄ %v", d, p)
		}
	}
	for d, p := range themeToProto {
		if ThemeFromProto(p) != d || ThemeToProto(d) != p {
			t.Errorf("theme %v ⇄ %v", d, p)
		}
	}
	for d, p := range unitKindToProto {
		if UnitKindFromProto(p) != d {
			t.Errorf("unit kind %v ⇄ %v", d, p)
		}
	}
}
