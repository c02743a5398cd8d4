package events_test

import (
	"strings"
	"testing"

	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/sciweek/sciweek/pkg/events"
	checkinv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/checkin/v1"
	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
	reportingv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/reporting/v1"
	venuev1 "github.com/sciweek/sciweek/pkg/gen/sciweek/venue/v1"
)

// TestEveryEventIsCatalogued: each message of the events.proto files that is an event (it has
// an event_id) is in the catalogue once, under its service's stream and subjects, with its
// consumers or the reason it has none.
func TestEveryEventIsCatalogued(t *testing.T) {
	t.Parallel()
	files := map[string]protoreflect.FileDescriptor{
		"registration": registrationv1.File_sciweek_registration_v1_events_proto, "venue": venuev1.File_sciweek_venue_v1_events_proto,
		"checkin": checkinv1.File_sciweek_checkin_v1_events_proto, "reporting": reportingv1.File_sciweek_reporting_v1_events_proto,
	}
	byType := map[string]events.Entry{}
	subjects := map[string]string{}
	for _, e := range events.Catalogue {
		if _, dup := byType[e.Kind.Type]; dup {
			t.Errorf("%s is catalogued twice", e.Kind.Type)
		}
		byType[e.Kind.Type] = e
		if other, dup := subjects[e.Kind.Subject]; dup {
			t.Errorf("%s and %s share the subject %s", other, e.Kind.Type, e.Kind.Subject)
		}
		subjects[e.Kind.Subject] = e.Kind.Type
		if (len(e.Consumers) == 0) == (e.Unconsumed == "") {
			t.Errorf("%s: say who consumes it, or why no one does (not both)", e.Kind.Type)
		}
		if e.Kind.PerCounty != strings.HasSuffix(e.Kind.Subject, ".") {
			t.Errorf("%s: a per-county subject ends with the dot its county code follows", e.Kind.Subject)
		}
	}
	found := 0
	for service, f := range files {
		msgs := f.Messages()
		for i := range msgs.Len() {
			m := msgs.Get(i)
			if m.Fields().ByName("event_id") == nil {
				continue // a part of an event, not an event
			}
			found++
			e, ok := byType[string(m.FullName())]
			if !ok {
				t.Errorf("%s is not in the catalogue (pkg/events): add it with its consumers", m.FullName())
				continue
			}
			if !strings.HasPrefix(e.Kind.Subject, "sciweek."+service+".") || !strings.EqualFold(e.Kind.Stream, "SCIWEEK_"+service) {
				t.Errorf("%s: stream %s, subject %s; a service publishes under its own name", m.FullName(), e.Kind.Stream, e.Kind.Subject)
			}
		}
	}
	if found != len(events.Catalogue) {
		t.Errorf("the protos declare %d events, the catalogue %d", found, len(events.Catalogue))
	}
}
