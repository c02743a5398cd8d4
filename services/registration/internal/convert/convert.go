// Package convert is registration's one home for converting between its domain and the
// contract: the gRPC port and the outbox's events both use it. Enums go through explicit
// tables, which convert_test.go round-trips over every value the contract declares.
package convert

import (
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/sciweek/sciweek/pkg/enum"
	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
	"github.com/sciweek/sciweek/pkg/sheet"
	"github.com/sciweek/sciweek/pkg/ticket"
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

var themeToProto = map[domain.Theme]registrationv1.ActivityTheme{
	domain.ThemeNone:              registrationv1.ActivityTheme_ACTIVITY_THEME_NONE,
	domain.ThemeAgriculture:       registrationv1.ActivityTheme_ACTIVITY_THEME_AGRICULTURE,
	domain.ThemeMeteorology:       registrationv1.ActivityTheme_ACTIVITY_THEME_METEOROLOGY,
	domain.ThemeForestryGrassland: registrationv1.ActivityTheme_ACTIVITY_THEME_FORESTRY_GRASSLAND,
	domain.ThemeTransport:         registrationv1.ActivityTheme_ACTIVITY_THEME_TRANSPORT,
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

var (
	formFromProto       = enum.Invert(formToProto)
	themeFromProto      = enum.Invert(themeToProto)
	statusFromProto     = enum.Invert(statusToProto)
	groupFromProto      = enum.Invert(groupToProto)
	unitKindFromProto   = enum.Invert(unitKindToProto)
	nominationFromProto = enum.Invert(nominationToProto)
)

// FormFromProto converts a proto form; unknown values give the empty (invalid or "any") form.
func FormFromProto(f registrationv1.ActivityForm) domain.Form { return formFromProto[f] }

// FormToProto converts a form.
func FormToProto(f domain.Form) registrationv1.ActivityForm { return formToProto[f] }

// ThemeFromProto converts a proto theme; unspecified gives the empty theme (not given, or any).
func ThemeFromProto(t registrationv1.ActivityTheme) domain.Theme { return themeFromProto[t] }

// ThemeToProto converts a theme.
func ThemeToProto(t domain.Theme) registrationv1.ActivityTheme { return themeToProto[t] }

// StatusFromProto converts a proto status; unspecified gives the empty status (any).
func StatusFromProto(s registrationv1.ActivityStatus) domain.Status { return statusFromProto[s] }

// GroupFromProto converts a proto target group.
func GroupFromProto(g registrationv1.TargetGroup) domain.TargetGroup { return groupFromProto[g] }

// UnitKindFromProto converts a proto unit kind.
func UnitKindFromProto(k registrationv1.UnitKind) domain.UnitKind { return unitKindFromProto[k] }

// NominationStatusFromProto converts a proto nomination status.
func NominationStatusFromProto(s registrationv1.NominationStatus) domain.NominationStatus {
	return nominationFromProto[s]
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
		Theme: themeToProto[d.Theme],
	}
	if p := d.SafetyPlan; p != (domain.SafetyPlan{}) {
		out.SafetyPlan = &registrationv1.SafetyPlan{Person: p.Person, Phone: p.Phone, CapacityControl: p.CapacityControl,
			EvacuationRoute: p.EvacuationRoute, MedicalPoint: p.MedicalPoint, EmergencyPlan: p.EmergencyPlan}
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

// EditionToProto converts an edition and its ticket key.
func EditionToProto(e domain.Edition, ticketKey []byte) *registrationv1.Edition {
	out := &registrationv1.Edition{
		Id: e.ID, Name: e.Name, Theme: e.Theme, StartsOn: e.StartsOn.Format(time.DateOnly), EndsOn: e.EndsOn.Format(time.DateOnly),
		ReportDeadline: e.ReportDeadline.Format(time.DateOnly), MaxVideoSeconds: uint32(e.MaxVideoSeconds), TimeZone: e.Location.String(),
		TicketPublicKey: ticketKey, PersonalDataRetentionDays: uint32(e.RetentionDays),
	}
	if !e.PersonalDataErasedAt.IsZero() {
		out.PersonalDataErasedAt = timestamppb.New(e.PersonalDataErasedAt)
	}
	if c := e.Contact; c != (domain.Contact{}) {
		out.Contact = &registrationv1.EditionContact{Office: c.Office, Person: c.Person, Phone: c.Phone, Email: c.Email}
	}
	for _, c := range e.Counties {
		out.Counties = append(out.Counties, &registrationv1.County{Code: c.Code, Name: c.Name})
	}
	for _, f := range e.Forms {
		out.Forms = append(out.Forms, formToProto[f])
	}
	return out
}

var ageToProto = map[domain.AgeGroup]registrationv1.AgeGroup{
	domain.AgeMinor: registrationv1.AgeGroup_AGE_GROUP_MINOR,
	domain.AgeAdult: registrationv1.AgeGroup_AGE_GROUP_ADULT,
}

var signupStatusToProto = map[domain.SignupStatus]registrationv1.SignupStatus{
	domain.SignupConfirmed: registrationv1.SignupStatus_SIGNUP_STATUS_CONFIRMED,
	domain.SignupWaiting:   registrationv1.SignupStatus_SIGNUP_STATUS_WAITING,
	domain.SignupCancelled: registrationv1.SignupStatus_SIGNUP_STATUS_CANCELLED,
}

// SignupToProto converts a sign-up; withTicket includes the ticket for its holder.
func SignupToProto(s domain.Signup, withTicket bool) *registrationv1.Signup {
	out := &registrationv1.Signup{
		Id: s.ID.String(), ActivityId: s.ActivityID.String(), SessionId: s.SessionID.String(), Name: s.Name, PhoneMasked: s.PhoneMasked,
		AgeGroup: ageToProto[s.AgeGroup], Status: signupStatusToProto[s.Status], WaitingPosition: uint32(s.WaitingPosition), CreatedAt: Timestamp(s.CreatedAt),
	}
	if withTicket && s.Status == domain.SignupConfirmed && s.Ticket.ID != uuid.Nil {
		out.Ticket = &registrationv1.Ticket{Id: s.Ticket.ID.String(), Payload: s.Ticket.Payload, ValidFrom: Timestamp(s.Ticket.ValidFrom), ValidUntil: Timestamp(s.Ticket.ValidUntil),
			ShortCode: ticket.ShortCode(s.Ticket.ID)}
	}
	return out
}

// AccountToProto converts an account (never its password).
func AccountToProto(a domain.Account) *registrationv1.Account {
	out := &registrationv1.Account{Username: a.Username, Role: string(a.Role), CountyCode: a.CountyCode, DisplayName: a.DisplayName}
	if a.UnitID != uuid.Nil {
		out.UnitId = a.UnitID.String()
	}
	if !a.UpdatedAt.IsZero() {
		out.UpdatedAt = timestamppb.New(a.UpdatedAt)
	}
	out.Disabled, out.MustChangePassword = a.Disabled, a.MustChangePassword
	if !a.LastLoginAt.IsZero() {
		out.LastLoginAt = timestamppb.New(a.LastLoginAt)
	}
	return out
}

// RowError is an import's problem in the contract: where, the reason and its arguments, and the
// English and Chinese messages.
func RowError(p sheet.Problem) *registrationv1.RowError {
	return &registrationv1.RowError{Row: int32(p.Row), Column: p.Column, Message: p.Message, Reason: p.Reason, Args: p.Args, LocalizedMessage: p.Chinese}
}
