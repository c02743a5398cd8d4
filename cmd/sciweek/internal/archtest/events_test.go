package archtest

import (
	"slices"
	"testing"

	"github.com/sciweek/sciweek/pkg/bus"
	"github.com/sciweek/sciweek/pkg/events"
	"github.com/sciweek/sciweek/services/checkin"
	"github.com/sciweek/sciweek/services/registration"
	"github.com/sciweek/sciweek/services/reporting"
	"github.com/sciweek/sciweek/services/venue"
)

// TestServicesConsumeWhatTheCatalogueSays: each service's projections apply exactly the events
// pkg/events lists it as consuming, so an event is never added, or dropped by a consumer,
// without the catalogue saying so.
func TestServicesConsumeWhatTheCatalogueSays(t *testing.T) {
	t.Parallel()
	consumes := map[string][]bus.Kind{
		"registration": registration.Consumes(), "venue": venue.Consumes(), "checkin": checkin.Consumes(), "reporting": reporting.Consumes(),
	}
	for service, kinds := range consumes {
		for _, k := range kinds {
			i := slices.IndexFunc(events.Catalogue, func(e events.Entry) bool { return e.Kind == k })
			if i < 0 {
				t.Errorf("%s applies %s, which is not in the catalogue", service, k.Type)
			} else if !slices.Contains(events.Catalogue[i].Consumers, service) {
				t.Errorf("%s applies %s, but the catalogue does not list it as a consumer", service, k.Type)
			}
		}
	}
	for _, e := range events.Catalogue {
		for _, service := range e.Consumers {
			kinds, ok := consumes[service]
			if !ok {
				t.Errorf("%s: no service %q", e.Kind.Type, service)
			} else if !slices.Contains(kinds, e.Kind) {
				t.Errorf("the catalogue says %s consumes %s, but none of its projections applies it", service, e.Kind.Type)
			}
		}
	}
}
