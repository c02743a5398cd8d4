// Package convert is the venue service's one home for converting between its domain and the
// contract: the gRPC port and the outbox's events both use it. Enums go through explicit
// tables, which convert_test.go round-trips over every value the contract declares.
package convert

import (
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/sciweek/sciweek/pkg/enum"
	venuev1 "github.com/sciweek/sciweek/pkg/gen/sciweek/venue/v1"
	"github.com/sciweek/sciweek/pkg/sheet"
	"github.com/sciweek/sciweek/services/venue/internal/domain"
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

var kindFromProto = enum.Invert(kindToProto)

// KindToProto converts a venue kind to its proto enum.
func KindToProto(k domain.Kind) venuev1.VenueKind { return kindToProto[k] }

// KindFromProto converts a proto venue kind; unknown values give an invalid kind.
func KindFromProto(k venuev1.VenueKind) domain.Kind { return kindFromProto[k] }

// Timestamp converts a time; the zero time is unset.
func Timestamp(t time.Time) *timestamppb.Timestamp {
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
		SafeCapacity: uint32(v.SafeCapacity), CreatedAt: Timestamp(v.CreatedAt), UpdatedAt: Timestamp(v.UpdatedAt),
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

// StateToProto names a terminal's state in the contract.
func StateToProto(s domain.TerminalState) venuev1.TerminalState { return stateToProto[s] }

// TerminalToProto converts a terminal.
func TerminalToProto(t domain.Terminal) *venuev1.Terminal {
	out := &venuev1.Terminal{
		Id: t.ID.String(), VenueId: t.VenueID.String(), CountyCode: t.CountyCode, Name: t.Name, State: StateToProto(t.State),
		CreatedAt: Timestamp(t.CreatedAt), RevokedAt: Timestamp(t.RevokedAt), ActivatedAt: Timestamp(t.ActivatedAt), LastSeenAt: Timestamp(t.LastSeenAt),
	}
	if t.State == domain.StatePending {
		out.SetupExpiresAt = Timestamp(t.SetupExpiresAt)
	}
	return out
}

// RowError is an import's problem in the contract: where, the reason and its arguments, and the
// English and Chinese messages.
func RowError(p sheet.Problem) *venuev1.VenueRowError {
	return &venuev1.VenueRowError{Row: int32(p.Row), Column: p.Column, Message: p.Message, Reason: p.Reason, Args: p.Args, LocalizedMessage: p.Chinese}
}
