package adapters

import (
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/sciweek/sciweek/pkg/bus"
	venuev1 "github.com/sciweek/sciweek/pkg/gen/sciweek/venue/v1"
	"github.com/sciweek/sciweek/services/venue/internal/domain"
)

// Subjects of the venue service's events.
const (
	SubjectVenueChanged        = "sciweek.venue.venue.changed"
	SubjectTerminalProvisioned = "sciweek.venue.terminal.provisioned"
	SubjectTerminalRotated     = "sciweek.venue.terminal.rotated"
	SubjectTerminalRevoked     = "sciweek.venue.terminal.revoked"
)

var kindToProto = map[domain.Kind]venuev1.VenueKind{
	domain.KindProvincialScienceBase: venuev1.VenueKind_VENUE_KIND_PROVINCIAL_SCIENCE_BASE,
	domain.KindScienceEducationBase:  venuev1.VenueKind_VENUE_KIND_SCIENCE_EDUCATION_BASE,
	domain.KindScientistSpiritBase:   venuev1.VenueKind_VENUE_KIND_SCIENTIST_SPIRIT_BASE,
	domain.KindScienceMuseum:         venuev1.VenueKind_VENUE_KIND_SCIENCE_MUSEUM,
	domain.KindKeyLaboratory:         venuev1.VenueKind_VENUE_KIND_KEY_LABORATORY,
	domain.KindSchool:                venuev1.VenueKind_VENUE_KIND_SCHOOL,
	domain.KindCommunity:             venuev1.VenueKind_VENUE_KIND_COMMUNITY,
	domain.KindVillage:               venuev1.VenueKind_VENUE_KIND_VILLAGE,
	domain.KindCompany:               venuev1.VenueKind_VENUE_KIND_COMPANY,
	domain.KindOnline:                venuev1.VenueKind_VENUE_KIND_ONLINE,
}

// KindToProto converts a venue kind to its proto enum.
func KindToProto(k domain.Kind) venuev1.VenueKind { return kindToProto[k] }

// KindFromProto converts a proto venue kind; unknown values give an invalid kind.
func KindFromProto(k venuev1.VenueKind) domain.Kind {
	for d, p := range kindToProto {
		if p == k {
			return d
		}
	}
	return domain.Kind("")
}

func ts(t time.Time) *timestamppb.Timestamp {
	if t.IsZero() {
		return nil
	}
	return timestamppb.New(t)
}

// DetailsFromProto converts the details people wrote.
func DetailsFromProto(d *venuev1.VenueDetails) domain.Details {
	out := domain.Details{
		Name: d.GetName(), Kind: KindFromProto(d.GetKind()), CountyCode: d.GetCountyCode(), Address: d.GetAddress(),
		SafeCapacity: int(d.GetSafeCapacity()), ContactName: d.GetContactName(), ContactPhone: d.GetContactPhone(),
		SafetyPlanOnFile: d.GetSafetyPlanOnFile(), WarnPercent: int(d.GetWarnPercent()), AlarmPercent: int(d.GetAlarmPercent()),
	}
	if c := d.GetCoordinates(); c != nil {
		out.Coordinates = &domain.Coordinates{Latitude: c.GetLatitude(), Longitude: c.GetLongitude()}
	}
	return out
}

// VenueToProto converts a venue.
func VenueToProto(v domain.Venue) *venuev1.Venue {
	out := &venuev1.Venue{
		Id: v.ID.String(), Name: v.Name, Kind: KindToProto(v.Kind), CountyCode: v.CountyCode, Address: v.Address,
		SafeCapacity: uint32(v.SafeCapacity), CreatedAt: ts(v.CreatedAt), UpdatedAt: ts(v.UpdatedAt),
		ContactName: v.ContactName, ContactPhone: v.ContactPhone, SafetyPlanOnFile: v.SafetyPlanOnFile, SafetyPlanFileName: v.SafetyPlanFileName,
		WarnPercent: uint32(v.WarnPercent), AlarmPercent: uint32(v.AlarmPercent),
	}
	if v.Coordinates != nil {
		out.Coordinates = &venuev1.Coordinates{Latitude: v.Coordinates.Latitude, Longitude: v.Coordinates.Longitude}
	}
	return out
}

var stateToProto = map[domain.TerminalState]venuev1.TerminalState{
	domain.StatePending: venuev1.TerminalState_TERMINAL_STATE_PENDING,
	domain.StateActive:  venuev1.TerminalState_TERMINAL_STATE_ACTIVE,
	domain.StateRevoked: venuev1.TerminalState_TERMINAL_STATE_REVOKED,
}

// TerminalToProto converts a terminal.
func TerminalToProto(t domain.Terminal) *venuev1.Terminal {
	out := &venuev1.Terminal{
		Id: t.ID.String(), VenueId: t.VenueID.String(), CountyCode: t.CountyCode, Name: t.Name, State: stateToProto[t.State],
		CreatedAt: ts(t.CreatedAt), RevokedAt: ts(t.RevokedAt), ActivatedAt: ts(t.ActivatedAt), LastSeenAt: ts(t.LastSeenAt),
	}
	if t.State == domain.StatePending {
		out.SetupExpiresAt = ts(t.SetupExpiresAt)
	}
	return out
}

func venueChangedEvent(ev domain.VenueChanged) bus.Event {
	id := bus.NewEventID()
	return bus.Event{ID: id, Subject: SubjectVenueChanged, Message: &venuev1.VenueChanged{
		EventId: id.String(), OccurredAt: timestamppb.New(ev.Venue.UpdatedAt), Actor: ev.Actor, Venue: VenueToProto(ev.Venue),
	}}
}

// terminalEvent turns a terminal change into its outbox event, if it has one.
func terminalEvent(ev domain.TerminalEvent) (bus.Event, bool) {
	id := bus.NewEventID()
	now := timestamppb.Now()
	t := TerminalToProto(ev.Terminal)
	switch ev.Kind {
	case domain.TerminalProvisioned:
		return bus.Event{ID: id, Subject: SubjectTerminalProvisioned, Message: &venuev1.TerminalProvisioned{
			EventId: id.String(), OccurredAt: now, Actor: ev.Actor, Terminal: t, CredentialSha256: nullHash(ev.Terminal.CredentialHash)}}, true
	case domain.TerminalRotated:
		return bus.Event{ID: id, Subject: SubjectTerminalRotated, Message: &venuev1.TerminalCredentialRotated{
			EventId: id.String(), OccurredAt: now, Actor: ev.Actor, Terminal: t, CredentialSha256: nullHash(ev.Terminal.CredentialHash)}}, true
	case domain.TerminalRevoked:
		return bus.Event{ID: id, Subject: SubjectTerminalRevoked, Message: &venuev1.TerminalRevoked{
			EventId: id.String(), OccurredAt: now, Actor: ev.Actor, Terminal: t}}, true
	}
	return bus.Event{}, false
}
