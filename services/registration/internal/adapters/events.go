package adapters

import (
	"encoding/hex"
	"time"

	"github.com/google/uuid"
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

var groupToProto = map[domain.TargetGroup]registrationv1.TargetGroup{
	domain.TargetYouth:     registrationv1.TargetGroup_TARGET_GROUP_YOUTH,
	domain.TargetCommunity: registrationv1.TargetGroup_TARGET_GROUP_COMMUNITY,
	domain.TargetVillage:   registrationv1.TargetGroup_TARGET_GROUP_VILLAGE,
	domain.TargetCompany:   registrationv1.TargetGroup_TARGET_GROUP_COMPANY,
	domain.TargetSchool:    registrationv1.TargetGroup_TARGET_GROUP_SCHOOL,
	domain.TargetPublic:    registrationv1.TargetGroup_TARGET_GROUP_PUBLIC,
}

var unitKindToProto = map[domain.UnitKind]registrationv1.UnitKind{
	domain.UnitSciencePopularizationBase: registrationv1.UnitKind_UNIT_KIND_SCIENCE_POPULARIZATION_BASE,
	domain.UnitScientistSpiritBase:       registrationv1.UnitKind_UNIT_KIND_SCIENTIST_SPIRIT_BASE,
	domain.UnitScienceMuseum:             registrationv1.UnitKind_UNIT_KIND_SCIENCE_MUSEUM,
	domain.UnitKeyLaboratory:             registrationv1.UnitKind_UNIT_KIND_KEY_LABORATORY,
	domain.UnitSchool:                    registrationv1.UnitKind_UNIT_KIND_SCHOOL,
	domain.UnitCompany:                   registrationv1.UnitKind_UNIT_KIND_COMPANY,
	domain.UnitCommunity:                 registrationv1.UnitKind_UNIT_KIND_COMMUNITY,
	domain.UnitAgriculture:               registrationv1.UnitKind_UNIT_KIND_AGRICULTURE,
	domain.UnitMeteorology:               registrationv1.UnitKind_UNIT_KIND_METEOROLOGY,
	domain.UnitForestryGrassland:         registrationv1.UnitKind_UNIT_KIND_FORESTRY_GRASSLAND,
	domain.UnitTransport:                 registrationv1.UnitKind_UNIT_KIND_TRANSPORT,
	domain.UnitOther:                     registrationv1.UnitKind_UNIT_KIND_OTHER,
}

var nominationToProto = map[domain.NominationStatus]registrationv1.NominationStatus{
	domain.NominationNominated: registrationv1.NominationStatus_NOMINATION_STATUS_NOMINATED,
	domain.NominationAccepted:  registrationv1.NominationStatus_NOMINATION_STATUS_ACCEPTED,
	domain.NominationDeclined:  registrationv1.NominationStatus_NOMINATION_STATUS_DECLINED,
}

func reverse[D comparable, P comparable](m map[D]P, p P) D {
	for d, x := range m {
		if x == p {
			return d
		}
	}
	var zero D
	return zero
}

// FormFromProto converts a proto form; unknown values give the empty (invalid or "any") form.
func FormFromProto(f registrationv1.ActivityForm) domain.Form { return reverse(formToProto, f) }

// FormToProto converts a form.
func FormToProto(f domain.Form) registrationv1.ActivityForm { return formToProto[f] }

// StatusFromProto converts a proto status; unspecified gives the empty status (any).
func StatusFromProto(s registrationv1.ActivityStatus) domain.Status { return reverse(statusToProto, s) }

// GroupFromProto converts a proto target group.
func GroupFromProto(g registrationv1.TargetGroup) domain.TargetGroup { return reverse(groupToProto, g) }

// UnitKindFromProto converts a proto unit kind.
func UnitKindFromProto(k registrationv1.UnitKind) domain.UnitKind { return reverse(unitKindToProto, k) }

// NominationStatusFromProto converts a proto nomination status.
func NominationStatusFromProto(s registrationv1.NominationStatus) domain.NominationStatus {
	return reverse(nominationToProto, s)
}

// Timestamp converts a time, leaving zero times unset.
func Timestamp(t time.Time) *timestamppb.Timestamp {
	if t.IsZero() {
		return nil
	}
	return timestamppb.New(t)
}

// DetailsToProto converts an activity's details.
func DetailsToProto(d domain.Details) *registrationv1.ActivityDetails {
	out := &registrationv1.ActivityDetails{
		Title: d.Title, Form: formToProto[d.Form], RequiresSignup: d.RequiresSignup, OnlineUrl: d.OnlineURL,
		MajorDemonstration: d.MajorDemonstration, WorkersDayJoint: d.WorkersDayJoint, Description: d.Description,
	}
	if d.VenueID != uuid.Nil {
		out.VenueId = d.VenueID.String()
	}
	for _, g := range d.TargetGroups {
		out.TargetGroups = append(out.TargetGroups, groupToProto[g])
	}
	for _, s := range d.Sessions {
		out.Sessions = append(out.Sessions, &registrationv1.Session{Id: s.ID.String(), StartsAt: Timestamp(s.StartsAt), EndsAt: Timestamp(s.EndsAt),
			Places: uint32(s.Places), Confirmed: uint32(s.Confirmed), Waiting: uint32(s.Waiting)})
	}
	return out
}

// ActivityToProto converts an activity, with its history when it was loaded.
func ActivityToProto(a domain.Activity) *registrationv1.Activity {
	out := &registrationv1.Activity{
		Id: a.ID.String(), EditionId: a.EditionID, CountyCode: a.CountyCode, UnitId: a.UnitID.String(), Organizer: a.Organizer,
		Details: DetailsToProto(a.Details), Status: statusToProto[a.Status], CreatedAt: Timestamp(a.CreatedAt), UpdatedAt: Timestamp(a.UpdatedAt),
	}
	for _, h := range a.History {
		out.History = append(out.History, &registrationv1.ReviewStep{Status: statusToProto[h.Status], Actor: h.Actor, At: Timestamp(h.At), Reason: h.Reason})
	}
	return out
}

// UnitToProto converts a unit.
func UnitToProto(u domain.Unit) *registrationv1.Unit {
	return &registrationv1.Unit{Id: u.ID.String(), Name: u.Name, CountyCode: u.CountyCode, Kind: unitKindToProto[u.Kind], CreatedAt: Timestamp(u.CreatedAt)}
}

// NominationToProto converts a nomination.
func NominationToProto(n domain.Nomination) *registrationv1.Nomination {
	return &registrationv1.Nomination{
		ActivityId: n.ActivityID.String(), EditionId: n.EditionID, CountyCode: n.CountyCode, ActivityTitle: n.ActivityTitle, Organizer: n.Organizer,
		Recommendation: n.Recommendation, Status: nominationToProto[n.Status], NominatedBy: n.NominatedBy, NominatedAt: Timestamp(n.NominatedAt),
		DecidedBy: n.DecidedBy, DecidedAt: Timestamp(n.DecidedAt), DecisionNote: n.DecisionNote,
	}
}

// activityEvents turns a domain change into its outbox events; a plain edit (no status) has
// none. Events carry the activity without its history: consumers need the current state.
func activityEvents(ev domain.ActivityEvent) []bus.Event {
	id := bus.NewEventID()
	a := ev.Activity
	a.History = nil
	snap, at, actor := ActivityToProto(a), Timestamp(ev.Activity.UpdatedAt), ev.Actor
	e := bus.Event{ID: id}
	switch ev.Status {
	case "":
		return nil
	case domain.StatusDraft:
		e.Subject, e.Message = "sciweek.registration.activity.created", &registrationv1.ActivityCreated{EventId: id.String(), OccurredAt: at, Actor: actor, Activity: snap}
	case domain.StatusSubmitted:
		e.Subject, e.Message = "sciweek.registration.activity.submitted", &registrationv1.ActivitySubmitted{EventId: id.String(), OccurredAt: at, Actor: actor, Activity: snap}
	case domain.StatusApproved:
		e.Subject, e.Message = "sciweek.registration.activity.approved", &registrationv1.ActivityApproved{EventId: id.String(), OccurredAt: at, Actor: actor, Activity: snap}
	case domain.StatusReturned:
		e.Subject, e.Message = "sciweek.registration.activity.returned", &registrationv1.ActivityReturned{EventId: id.String(), OccurredAt: at, Actor: actor, Activity: snap, Reason: ev.Reason}
	case domain.StatusCancelled:
		e.Subject, e.Message = "sciweek.registration.activity.cancelled", &registrationv1.ActivityCancelled{EventId: id.String(), OccurredAt: at, Actor: actor, Activity: snap, Reason: ev.Reason}
	default:
		panic("registration: no event for status " + string(ev.Status)) // a new status needs its event first
	}
	return []bus.Event{e}
}

func nominationEvent(ev domain.NominationEvent) bus.Event {
	id := bus.NewEventID()
	n := NominationToProto(ev.Nomination)
	if ev.Decided {
		return bus.Event{ID: id, Subject: "sciweek.registration.nomination.decided",
			Message: &registrationv1.NominationDecided{EventId: id.String(), OccurredAt: Timestamp(ev.Nomination.DecidedAt), Actor: ev.Actor, Nomination: n}}
	}
	return bus.Event{ID: id, Subject: "sciweek.registration.nomination.nominated",
		Message: &registrationv1.ActivityNominated{EventId: id.String(), OccurredAt: Timestamp(ev.Nomination.NominatedAt), Actor: ev.Actor, Nomination: n}}
}

// ticketIssuedEvent announces a ticket. phoneKey is the sign-up's keyed phone hash; a prefix of
// it lets statistics count distinct people without learning who they are.
func ticketIssuedEvent(su domain.Signup, a domain.Activity, phoneKey []byte) bus.Event {
	id := bus.NewEventID()
	ev := &registrationv1.TicketIssued{
		EventId: id.String(), OccurredAt: timestamppb.Now(), TicketId: su.Ticket.ID.String(), EditionId: su.EditionID,
		ActivityId: su.ActivityID.String(), SessionId: su.SessionID.String(), CountyCode: a.CountyCode,
		ValidFrom: Timestamp(su.Ticket.ValidFrom), ValidUntil: Timestamp(su.Ticket.ValidUntil),
		HolderKey: hex.EncodeToString(phoneKey[:min(len(phoneKey), 16)]), Payload: su.Ticket.Payload,
	}
	if a.Details.VenueID != uuid.Nil {
		ev.VenueId = a.Details.VenueID.String()
	}
	return bus.Event{ID: id, Subject: "sciweek.registration.ticket.issued", Message: ev}
}

func ticketRevokedEvent(t domain.TicketRevoked) bus.Event {
	id := bus.NewEventID()
	return bus.Event{ID: id, Subject: "sciweek.registration.ticket.revoked", Message: &registrationv1.TicketRevoked{
		EventId: id.String(), OccurredAt: timestamppb.Now(), TicketId: t.TicketID.String(), EditionId: t.EditionID,
		ActivityId: t.ActivityID.String(), Reason: t.Reason,
	}}
}

// EditionToProto converts an edition and its ticket key.
func EditionToProto(e domain.Edition, ticketKey []byte) *registrationv1.Edition {
	out := &registrationv1.Edition{
		Id: e.ID, Name: e.Name, Theme: e.Theme, StartsOn: e.StartsOn.Format(time.DateOnly), EndsOn: e.EndsOn.Format(time.DateOnly),
		ReportDeadline: e.ReportDeadline.Format(time.DateOnly), MaxVideoSeconds: uint32(e.MaxVideoSeconds), TimeZone: e.Location.String(),
		TicketPublicKey: ticketKey,
	}
	for _, c := range e.Counties {
		out.Counties = append(out.Counties, &registrationv1.County{Code: c.Code, Name: c.Name})
	}
	for _, f := range e.Forms {
		out.Forms = append(out.Forms, formToProto[f])
	}
	return out
}

func editionChangedEvent(ev domain.EditionChanged) bus.Event {
	id := bus.NewEventID()
	return bus.Event{ID: id, Subject: "sciweek.registration.edition.changed", Message: &registrationv1.EditionChanged{
		EventId: id.String(), OccurredAt: timestamppb.Now(), Edition: EditionToProto(ev.Edition, ev.TicketKey)}}
}
