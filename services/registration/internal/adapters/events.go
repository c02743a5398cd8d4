package adapters

import (
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/sciweek/sciweek/pkg/bus"
	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
	"github.com/sciweek/sciweek/services/registration/internal/domain"
)

var formToProto = map[domain.Form]registrationv1.ActivityForm{
	domain.FormLecture:             registrationv1.ActivityForm_ACTIVITY_FORM_LECTURE,
	domain.FormExhibition:          registrationv1.ActivityForm_ACTIVITY_FORM_EXHIBITION,
	domain.FormConsultation:        registrationv1.ActivityForm_ACTIVITY_FORM_CONSULTATION,
	domain.FormOnlineInteraction:   registrationv1.ActivityForm_ACTIVITY_FORM_ONLINE_INTERACTION,
	domain.FormHandsOnExperiment:   registrationv1.ActivityForm_ACTIVITY_FORM_HANDS_ON_EXPERIMENT,
	domain.FormOpenDay:             registrationv1.ActivityForm_ACTIVITY_FORM_OPEN_DAY,
	domain.FormScientistSpiritTalk: registrationv1.ActivityForm_ACTIVITY_FORM_SCIENTIST_SPIRIT_TALK,
	domain.FormPerformanceVideo:    registrationv1.ActivityForm_ACTIVITY_FORM_PERFORMANCE_VIDEO,
	domain.FormOther:               registrationv1.ActivityForm_ACTIVITY_FORM_OTHER,
}

var statusToProto = map[domain.Status]registrationv1.ActivityStatus{
	domain.StatusDraft:     registrationv1.ActivityStatus_ACTIVITY_STATUS_DRAFT,
	domain.StatusSubmitted: registrationv1.ActivityStatus_ACTIVITY_STATUS_SUBMITTED,
	domain.StatusApproved:  registrationv1.ActivityStatus_ACTIVITY_STATUS_APPROVED,
	domain.StatusReturned:  registrationv1.ActivityStatus_ACTIVITY_STATUS_RETURNED,
	domain.StatusCancelled: registrationv1.ActivityStatus_ACTIVITY_STATUS_CANCELLED,
}

// FormFromProto converts a proto form; unknown values give an invalid form.
func FormFromProto(f registrationv1.ActivityForm) domain.Form {
	for d, p := range formToProto {
		if p == f {
			return d
		}
	}
	return domain.Form("")
}

// StatusFromProto converts a proto status; unspecified gives the empty status (any).
func StatusFromProto(s registrationv1.ActivityStatus) domain.Status {
	for d, p := range statusToProto {
		if p == s {
			return d
		}
	}
	return domain.Status("")
}

// ActivityToProto converts an activity, with its history when it was loaded.
func ActivityToProto(a domain.Activity) *registrationv1.Activity {
	out := &registrationv1.Activity{
		Id: a.ID.String(), EditionId: a.EditionID, CountyCode: a.CountyCode, VenueId: a.VenueID.String(), Title: a.Title,
		Organizer: a.Organizer, Form: formToProto[a.Form], Status: statusToProto[a.Status],
		CreatedAt: timestamppb.New(a.CreatedAt), UpdatedAt: timestamppb.New(a.UpdatedAt),
	}
	for _, s := range a.Sessions {
		out.Sessions = append(out.Sessions, &registrationv1.Session{StartsAt: timestamppb.New(s.StartsAt), EndsAt: timestamppb.New(s.EndsAt), Places: uint32(s.Places)})
	}
	for _, h := range a.History {
		out.History = append(out.History, &registrationv1.ReviewStep{Status: statusToProto[h.Status], Actor: h.Actor, At: timestamppb.New(h.At), Reason: h.Reason})
	}
	return out
}

// activityEvent turns a domain change into its outbox event. Events carry the activity without
// its history: consumers need the current state, and the history only grows.
func activityEvent(ev domain.ActivityEvent) bus.Event {
	id := bus.NewEventID()
	a := ev.Activity
	a.History = nil
	snap, at, actor := ActivityToProto(a), timestamppb.New(ev.Activity.UpdatedAt), ev.Actor
	e := bus.Event{ID: id}
	switch ev.Status {
	case domain.StatusDraft:
		e.Subject, e.Message = "sciweek.registration.activity.created", &registrationv1.ActivityCreated{EventId: id.String(), OccurredAt: at, Actor: actor, Activity: snap}
	case domain.StatusSubmitted:
		e.Subject, e.Message = "sciweek.registration.activity.submitted", &registrationv1.ActivitySubmitted{EventId: id.String(), OccurredAt: at, Actor: actor, Activity: snap}
	case domain.StatusApproved:
		e.Subject, e.Message = "sciweek.registration.activity.approved", &registrationv1.ActivityApproved{EventId: id.String(), OccurredAt: at, Actor: actor, Activity: snap}
	case domain.StatusReturned:
		e.Subject, e.Message = "sciweek.registration.activity.returned", &registrationv1.ActivityReturned{EventId: id.String(), OccurredAt: at, Actor: actor, Activity: snap, Reason: ev.Reason}
	default:
		panic("registration: no event for status " + string(ev.Status)) // a new status needs its event first
	}
	return e
}
