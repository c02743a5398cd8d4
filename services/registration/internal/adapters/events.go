package adapters

import (
	"encoding/hex"

	"github.com/google/uuid"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/sciweek/sciweek/pkg/bus"
	"github.com/sciweek/sciweek/pkg/events"
	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
	"github.com/sciweek/sciweek/services/registration/internal/convert"
	"github.com/sciweek/sciweek/services/registration/internal/domain"
)

// activityEvents turns a domain change into its outbox events; a plain edit (no status) has
// none. Events carry the activity without its history: consumers need the current state.
func activityEvents(ev domain.ActivityEvent) []bus.Event {
	id := bus.NewEventID()
	a := ev.Activity
	a.History = nil
	snap, at, actor := convert.ActivityToProto(a), convert.Timestamp(ev.Activity.UpdatedAt), ev.Actor
	snap.GetDetails().SafetyPlan = nil // the plan stays with the reviewers: no consumer needs its person and phone
	e := bus.Event{ID: id}
	switch ev.Status {
	case "":
		return nil
	case domain.StatusDraft:
		e.Subject, e.Message = events.ActivityCreated.Subject, &registrationv1.ActivityCreated{EventId: id.String(), OccurredAt: at, Actor: actor, Activity: snap}
	case domain.StatusSubmitted:
		e.Subject, e.Message = events.ActivitySubmitted.Subject, &registrationv1.ActivitySubmitted{EventId: id.String(), OccurredAt: at, Actor: actor, Activity: snap}
	case domain.StatusApproved:
		e.Subject, e.Message = events.ActivityApproved.Subject, &registrationv1.ActivityApproved{EventId: id.String(), OccurredAt: at, Actor: actor, Activity: snap}
	case domain.StatusReturned:
		e.Subject, e.Message = events.ActivityReturned.Subject, &registrationv1.ActivityReturned{EventId: id.String(), OccurredAt: at, Actor: actor, Activity: snap, Reason: ev.Reason}
	case domain.StatusCancelled:
		e.Subject, e.Message = events.ActivityCancelled.Subject, &registrationv1.ActivityCancelled{EventId: id.String(), OccurredAt: at, Actor: actor, Activity: snap, Reason: ev.Reason}
	default:
		panic("registration: no event for status " + string(ev.Status)) // a new status needs its event first
	}
	return []bus.Event{e}
}

func nominationEvent(ev domain.NominationEvent) bus.Event {
	id := bus.NewEventID()
	n := convert.NominationToProto(ev.Nomination)
	if ev.Decided {
		return bus.Event{ID: id, Subject: events.NominationDecided.Subject,
			Message: &registrationv1.NominationDecided{EventId: id.String(), OccurredAt: convert.Timestamp(ev.Nomination.DecidedAt), Actor: ev.Actor, Nomination: n}}
	}
	return bus.Event{ID: id, Subject: events.ActivityNominated.Subject,
		Message: &registrationv1.ActivityNominated{EventId: id.String(), OccurredAt: convert.Timestamp(ev.Nomination.NominatedAt), Actor: ev.Actor, Nomination: n}}
}

// ticketIssuedEvent announces a ticket. phoneKey is the sign-up's keyed phone hash; a prefix of
// it lets statistics count distinct people without learning who they are.
func ticketIssuedEvent(su domain.Signup, a domain.Activity, phoneKey []byte) bus.Event {
	id := bus.NewEventID()
	ev := &registrationv1.TicketIssued{
		EventId: id.String(), OccurredAt: timestamppb.Now(), TicketId: su.Ticket.ID.String(), EditionId: su.EditionID,
		ActivityId: su.ActivityID.String(), SessionId: su.SessionID.String(), CountyCode: a.CountyCode,
		ValidFrom: convert.Timestamp(su.Ticket.ValidFrom), ValidUntil: convert.Timestamp(su.Ticket.ValidUntil),
		HolderKey: hex.EncodeToString(phoneKey[:min(len(phoneKey), 16)]), Payload: su.Ticket.Payload,
	}
	if a.Details.VenueID != uuid.Nil {
		ev.VenueId = a.Details.VenueID.String()
	}
	return bus.Event{ID: id, Subject: events.TicketIssued.Subject, Message: ev}
}

func ticketRevokedEvent(t domain.TicketRevoked) bus.Event {
	id := bus.NewEventID()
	return bus.Event{ID: id, Subject: events.TicketRevoked.Subject, Message: &registrationv1.TicketRevoked{
		EventId: id.String(), OccurredAt: timestamppb.Now(), TicketId: t.TicketID.String(), EditionId: t.EditionID,
		ActivityId: t.ActivityID.String(), Reason: t.Reason,
	}}
}

func editionChangedEvent(ev domain.EditionChanged) bus.Event {
	id := bus.NewEventID()
	return bus.Event{ID: id, Subject: events.EditionChanged.Subject, Message: &registrationv1.EditionChanged{
		EventId: id.String(), OccurredAt: timestamppb.Now(), Edition: convert.EditionToProto(ev.Edition, ev.TicketKey)}}
}
