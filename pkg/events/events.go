// Package events is the catalogue of sciweek's events: for each, the stream that holds it, its
// subject, its message type, and who consumes it. Producers publish with these kinds and
// projections route by them (bus.Route), so a subject or a type name is written once, here; the
// test fails when an event message in proto/ is missing here or has no consumer decision.
package events

import (
	"google.golang.org/protobuf/proto"

	"github.com/sciweek/sciweek/pkg/bus"
	checkinv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/checkin/v1"
	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
	reportingv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/reporting/v1"
	venuev1 "github.com/sciweek/sciweek/pkg/gen/sciweek/venue/v1"
)

func kind(stream, subject string, m proto.Message) bus.Kind {
	return bus.Kind{Stream: stream, Subject: subject, Type: string(proto.MessageName(m))}
}

func perCounty(stream, prefix string, m proto.Message) bus.Kind {
	k := kind(stream, prefix, m)
	k.PerCounty = true
	return k
}

// Registration's events.
var (
	ActivityCreated   = kind(bus.StreamRegistration, "sciweek.registration.activity.created", &registrationv1.ActivityCreated{})
	ActivitySubmitted = kind(bus.StreamRegistration, "sciweek.registration.activity.submitted", &registrationv1.ActivitySubmitted{})
	ActivityApproved  = kind(bus.StreamRegistration, "sciweek.registration.activity.approved", &registrationv1.ActivityApproved{})
	ActivityReturned  = kind(bus.StreamRegistration, "sciweek.registration.activity.returned", &registrationv1.ActivityReturned{})
	ActivityCancelled = kind(bus.StreamRegistration, "sciweek.registration.activity.cancelled", &registrationv1.ActivityCancelled{})
	ActivityNominated = kind(bus.StreamRegistration, "sciweek.registration.nomination.nominated", &registrationv1.ActivityNominated{})
	NominationDecided = kind(bus.StreamRegistration, "sciweek.registration.nomination.decided", &registrationv1.NominationDecided{})
	TicketIssued      = kind(bus.StreamRegistration, "sciweek.registration.ticket.issued", &registrationv1.TicketIssued{})
	TicketRevoked     = kind(bus.StreamRegistration, "sciweek.registration.ticket.revoked", &registrationv1.TicketRevoked{})
	EditionChanged    = kind(bus.StreamRegistration, "sciweek.registration.edition.changed", &registrationv1.EditionChanged{})
	// AccountSessionsEnded is read whole at every start by each part that verifies tokens
	// (bus.Follow), not by a checkpointed projection.
	AccountSessionsEnded = kind(bus.StreamRegistration, "sciweek.registration.account.sessions_ended", &registrationv1.AccountSessionsEnded{})
)

// The venue registry's events.
var (
	VenueChanged              = kind(bus.StreamVenue, "sciweek.venue.venue.changed", &venuev1.VenueChanged{})
	TerminalProvisioned       = kind(bus.StreamVenue, "sciweek.venue.terminal.provisioned", &venuev1.TerminalProvisioned{})
	TerminalCredentialRotated = kind(bus.StreamVenue, "sciweek.venue.terminal.rotated", &venuev1.TerminalCredentialRotated{})
	TerminalRevoked           = kind(bus.StreamVenue, "sciweek.venue.terminal.revoked", &venuev1.TerminalRevoked{})
)

// Check-in's events.
var (
	// CheckinsRecorded is published per county: sciweek.checkin.records.<county code>.
	CheckinsRecorded = perCounty(bus.StreamCheckin, "sciweek.checkin.records.", &checkinv1.CheckinsRecorded{})
	TerminalSeen     = kind(bus.StreamCheckin, "sciweek.checkin.terminal.seen", &checkinv1.TerminalSeen{})
)

// Reporting's events.
var (
	// OccupancyAlarm is published per county: sciweek.reporting.occupancy.<county code>.
	OccupancyAlarm = perCounty(bus.StreamReporting, "sciweek.reporting.occupancy.", &reportingv1.OccupancyAlarm{})
)

// Entry is an event and the decision of who consumes it.
type Entry struct {
	Kind bus.Kind
	// Consumers are the services whose projections apply it.
	Consumers []string
	// Unconsumed says why no service applies it, when none does.
	Unconsumed string
}

// Catalogue is every event.
var Catalogue = []Entry{
	{Kind: ActivityCreated, Consumers: []string{"checkin", "reporting"}},
	{Kind: ActivitySubmitted, Consumers: []string{"checkin", "reporting"}},
	{Kind: ActivityApproved, Consumers: []string{"checkin", "reporting"}},
	{Kind: ActivityReturned, Consumers: []string{"checkin", "reporting"}},
	{Kind: ActivityCancelled, Consumers: []string{"checkin", "reporting"}},
	{Kind: ActivityNominated, Unconsumed: "the featured list is read from registration over gRPC when the report back exports it"},
	{Kind: NominationDecided, Unconsumed: "the featured list is read from registration over gRPC when the report back exports it"},
	{Kind: TicketIssued, Consumers: []string{"checkin", "reporting"}},
	{Kind: TicketRevoked, Consumers: []string{"checkin"}},
	{Kind: EditionChanged, Consumers: []string{"checkin", "reporting"}},
	// Read into memory (FollowSessionsEnded) by registration and by whichever process verifies
	// tokens with keys fetched from registration (cmd/sciweek's stack, for venue and reporting).
	{Kind: AccountSessionsEnded, Consumers: []string{"registration"}},
	{Kind: VenueChanged, Consumers: []string{"checkin", "reporting"}},
	{Kind: TerminalProvisioned, Consumers: []string{"checkin"}},
	{Kind: TerminalCredentialRotated, Consumers: []string{"checkin"}},
	{Kind: TerminalRevoked, Consumers: []string{"checkin"}},
	{Kind: CheckinsRecorded, Consumers: []string{"reporting"}},
	{Kind: TerminalSeen, Consumers: []string{"venue"}},
	{Kind: OccupancyAlarm, Consumers: []string{"reporting"}}, // the notification centre tells the venue's county
}
