package adapters

import (
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/sciweek/sciweek/pkg/bus"
	venuev1 "github.com/sciweek/sciweek/pkg/gen/sciweek/venue/v1"
	"github.com/sciweek/sciweek/services/venue/internal/domain"
)

// Subjects of the venue service's events.
const (
	SubjectVenueChanged        = "sciweek.venue.venue.changed"
	SubjectTerminalProvisioned = "sciweek.venue.terminal.provisioned"
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

// VenueToProto converts a venue.
func VenueToProto(v domain.Venue) *venuev1.Venue {
	return &venuev1.Venue{
		Id: v.ID.String(), Name: v.Name, Kind: KindToProto(v.Kind), CountyCode: v.CountyCode, Address: v.Address,
		SafeCapacity: uint32(v.SafeCapacity), CreatedAt: timestamppb.New(v.CreatedAt), UpdatedAt: timestamppb.New(v.UpdatedAt),
	}
}

// TerminalToProto converts a terminal.
func TerminalToProto(t domain.Terminal) *venuev1.Terminal {
	out := &venuev1.Terminal{
		Id: t.ID.String(), VenueId: t.VenueID.String(), CountyCode: t.CountyCode, Name: t.Name,
		State: venuev1.TerminalState_TERMINAL_STATE_ACTIVE, CreatedAt: timestamppb.New(t.CreatedAt),
	}
	if t.State == domain.StateRevoked {
		out.State = venuev1.TerminalState_TERMINAL_STATE_REVOKED
		out.RevokedAt = timestamppb.New(t.RevokedAt)
	}
	return out
}

func venueChangedEvent(ev domain.VenueChanged) bus.Event {
	id := bus.NewEventID()
	return bus.Event{ID: id, Subject: SubjectVenueChanged, Message: &venuev1.VenueChanged{
		EventId: id.String(), OccurredAt: timestamppb.New(ev.Venue.UpdatedAt), Actor: ev.Actor, Venue: VenueToProto(ev.Venue),
	}}
}

func terminalProvisionedEvent(ev domain.TerminalProvisioned) bus.Event {
	id := bus.NewEventID()
	return bus.Event{ID: id, Subject: SubjectTerminalProvisioned, Message: &venuev1.TerminalProvisioned{
		EventId: id.String(), OccurredAt: timestamppb.New(ev.Terminal.CreatedAt), Actor: ev.Actor,
		Terminal: TerminalToProto(ev.Terminal), CredentialSha256: ev.CredentialHash[:],
	}}
}

func terminalRevokedEvent(ev domain.TerminalRevoked) bus.Event {
	id := bus.NewEventID()
	return bus.Event{ID: id, Subject: SubjectTerminalRevoked, Message: &venuev1.TerminalRevoked{
		EventId: id.String(), OccurredAt: timestamppb.New(ev.Terminal.RevokedAt), Actor: ev.Actor, Terminal: TerminalToProto(ev.Terminal),
	}}
}
