package adapters

import (
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/sciweek/sciweek/pkg/bus"
	"github.com/sciweek/sciweek/pkg/events"
	venuev1 "github.com/sciweek/sciweek/pkg/gen/sciweek/venue/v1"
	"github.com/sciweek/sciweek/services/venue/internal/convert"
	"github.com/sciweek/sciweek/services/venue/internal/domain"
)

func venueChangedEvent(ev domain.VenueChanged) bus.Event {
	id := bus.NewEventID()
	return bus.Event{ID: id, Subject: events.VenueChanged.Subject, Message: &venuev1.VenueChanged{
		EventId: id.String(), OccurredAt: timestamppb.New(ev.Venue.UpdatedAt), Actor: ev.Actor, Venue: convert.VenueToProto(ev.Venue),
	}}
}

// terminalEvent turns a terminal change into its outbox event, if it has one.
func terminalEvent(ev domain.TerminalEvent) (bus.Event, bool) {
	id := bus.NewEventID()
	now := timestamppb.Now()
	t := convert.TerminalToProto(ev.Terminal)
	switch ev.Kind {
	case domain.TerminalProvisioned:
		return bus.Event{ID: id, Subject: events.TerminalProvisioned.Subject, Message: &venuev1.TerminalProvisioned{
			EventId: id.String(), OccurredAt: now, Actor: ev.Actor, Terminal: t, CredentialSha256: nullHash(ev.Terminal.CredentialHash)}}, true
	case domain.TerminalRotated:
		return bus.Event{ID: id, Subject: events.TerminalCredentialRotated.Subject, Message: &venuev1.TerminalCredentialRotated{
			EventId: id.String(), OccurredAt: now, Actor: ev.Actor, Terminal: t, CredentialSha256: nullHash(ev.Terminal.CredentialHash)}}, true
	case domain.TerminalRevoked:
		return bus.Event{ID: id, Subject: events.TerminalRevoked.Subject, Message: &venuev1.TerminalRevoked{
			EventId: id.String(), OccurredAt: now, Actor: ev.Actor, Terminal: t}}, true
	}
	return bus.Event{}, false
}
