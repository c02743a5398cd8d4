package ports

import (
	"context"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/sciweek/sciweek/pkg/bus"
	"github.com/sciweek/sciweek/pkg/events"
	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
	venuev1 "github.com/sciweek/sciweek/pkg/gen/sciweek/venue/v1"
	"github.com/sciweek/sciweek/pkg/rpc"
	"github.com/sciweek/sciweek/services/checkin/internal/app"
	"github.com/sciweek/sciweek/services/checkin/internal/domain"
)

// VenueEvents keeps venues and terminals in the catalog: terminals are recognised, rotated
// credentials accepted and revoked terminals refused as soon as their event is applied.
func VenueEvents(uc *app.Service) bus.Projection {
	terminalChanged := func(ctx context.Context, pt *venuev1.Terminal, hash []byte, ev timed) error {
		t, err := terminal(pt)
		if err != nil {
			return err
		}
		return uc.TerminalChanged(ctx, t, hash, ev.GetOccurredAt().AsTime())
	}
	return bus.Projection{
		Name: "checkin.venue-events", Stream: bus.StreamVenue,
		Routes: []bus.Route{
			{Kind: events.VenueChanged, Apply: func(ctx context.Context, m bus.Message) error {
				var ev venuev1.VenueChanged
				if err := decode(m, &ev); err != nil {
					return err
				}
				v := ev.GetVenue()
				id, err := rpc.ParseUUID(v.GetId(), "venue id")
				if err != nil {
					return err
				}
				return uc.VenueChanged(ctx, domain.Venue{ID: id, CountyCode: v.GetCountyCode(), Name: v.GetName(), SafeCapacity: int(v.GetSafeCapacity()),
					WarnPercent: int(v.GetWarnPercent()), AlarmPercent: int(v.GetAlarmPercent())}, ev.GetOccurredAt().AsTime())
			}},
			{Kind: events.TerminalProvisioned, Apply: func(ctx context.Context, m bus.Message) error {
				var ev venuev1.TerminalProvisioned
				if err := decode(m, &ev); err != nil {
					return err
				}
				return terminalChanged(ctx, ev.GetTerminal(), ev.GetCredentialSha256(), &ev)
			}},
			{Kind: events.TerminalCredentialRotated, Apply: func(ctx context.Context, m bus.Message) error {
				var ev venuev1.TerminalCredentialRotated
				if err := decode(m, &ev); err != nil {
					return err
				}
				return terminalChanged(ctx, ev.GetTerminal(), ev.GetCredentialSha256(), &ev)
			}},
			{Kind: events.TerminalRevoked, Apply: func(ctx context.Context, m bus.Message) error {
				var ev venuev1.TerminalRevoked
				if err := decode(m, &ev); err != nil {
					return err
				}
				t, err := terminal(ev.GetTerminal())
				if err != nil {
					return err
				}
				return uc.TerminalRevoked(ctx, t.ID, ev.GetOccurredAt().AsTime())
			}},
		},
	}
}

// timed is an event with the time it happened.
type timed interface {
	GetOccurredAt() *timestamppb.Timestamp
}

func terminal(t *venuev1.Terminal) (domain.Terminal, error) {
	id, err := rpc.ParseUUID(t.GetId(), "terminal id")
	if err != nil {
		return domain.Terminal{}, err
	}
	venue, err := rpc.ParseUUID(t.GetVenueId(), "terminal venue id")
	if err != nil {
		return domain.Terminal{}, err
	}
	return domain.Terminal{ID: id, VenueID: venue, CountyCode: t.GetCountyCode(), Name: t.GetName(), Revoked: t.GetState() == venuev1.TerminalState_TERMINAL_STATE_REVOKED}, nil
}

// RegistrationEvents keeps activities (their review status, venue and sessions), the editions'
// ticket keys and the revoked tickets in the catalog: the judge needs nothing else.
func RegistrationEvents(uc *app.Service) bus.Projection {
	routes := []bus.Route{
		{Kind: events.EditionChanged, Apply: func(ctx context.Context, m bus.Message) error {
			var ev registrationv1.EditionChanged
			if err := decode(m, &ev); err != nil {
				return err
			}
			ed := ev.GetEdition()
			return uc.EditionChanged(ctx, domain.NewEdition(ed.GetId(), ed.GetTicketPublicKey(), ed.GetStartsOn(), ed.GetEndsOn(), ed.GetTimeZone()),
				ev.GetOccurredAt().AsTime())
		}},
		{Kind: events.TicketRevoked, Apply: func(ctx context.Context, m bus.Message) error {
			var ev registrationv1.TicketRevoked
			if err := decode(m, &ev); err != nil {
				return err
			}
			id, err := rpc.ParseUUID(ev.GetTicketId(), "ticket id")
			if err != nil {
				return err
			}
			return uc.TicketRevoked(ctx, id, ev.GetOccurredAt().AsTime())
		}},
	}
	routes = append(routes, events.ActivityRoutes(func(ctx context.Context, a *registrationv1.Activity) error {
		act, err := activity(a)
		if err != nil {
			return err
		}
		return uc.ActivityChanged(ctx, act, a.GetUpdatedAt().AsTime())
	})...)
	return bus.Projection{Name: "checkin.activity-events", Stream: bus.StreamRegistration, Routes: routes}
}

// activity decodes what the judge needs of an activity.
func activity(a *registrationv1.Activity) (domain.Activity, error) {
	id, err := rpc.ParseUUID(a.GetId(), "activity id")
	if err != nil {
		return domain.Activity{}, err
	}
	// Online activities have no venue and take no check-ins.
	venue, err := rpc.ParseOptionalUUID(a.GetDetails().GetVenueId(), "activity venue id")
	if err != nil {
		return domain.Activity{}, err
	}
	act := domain.Activity{ID: id, EditionID: a.GetEditionId(), CountyCode: a.GetCountyCode(), VenueID: venue, Title: a.GetDetails().GetTitle(),
		Approved: a.GetStatus() == registrationv1.ActivityStatus_ACTIVITY_STATUS_APPROVED}
	for _, s := range a.GetDetails().GetSessions() {
		act.Sessions = append(act.Sessions, domain.Session{StartsAt: s.GetStartsAt().AsTime(), EndsAt: s.GetEndsAt().AsTime()})
	}
	return act, nil
}

// TicketEvents keeps the tickets issued for activities at venues, which doors sync to admit a
// ticket by its short code. It replays registration's stream from the start on its own, so
// tickets issued before check-in had it are there too.
func TicketEvents(uc *app.Service) bus.Projection {
	return bus.Projection{
		Name: "checkin.ticket-events", Stream: bus.StreamRegistration,
		Routes: []bus.Route{{Kind: events.TicketIssued, Apply: func(ctx context.Context, m bus.Message) error {
			var ev registrationv1.TicketIssued
			if err := decode(m, &ev); err != nil {
				return err
			}
			id, err := rpc.ParseUUID(ev.GetTicketId(), "ticket id")
			if err != nil {
				return err
			}
			// An online activity's ticket names no venue.
			venue, err := rpc.ParseOptionalUUID(ev.GetVenueId(), "ticket venue id")
			if err != nil {
				return err
			}
			return uc.TicketIssued(ctx, domain.VenueTicket{TicketID: id, VenueID: venue, Payload: ev.GetPayload(), ValidUntil: ev.GetValidUntil().AsTime()})
		}}},
	}
}

func decode(m bus.Message, into proto.Message) error {
	if err := proto.Unmarshal(m.Data, into); err != nil {
		return events.ErrUndecodable.Wrap(err, "type", m.Type)
	}
	return nil
}
