package adapters

import (
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/sciweek/sciweek/pkg/bus"
	checkinv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/checkin/v1"
	"github.com/sciweek/sciweek/services/checkin/internal/domain"
)

// KindSubject is the kind's part of a check-in subject.
func KindSubject(k domain.Kind) string {
	if k == domain.KindTicket {
		return "ticket"
	}
	return "walkin"
}

// recordEvent turns a stored record into its event: CheckinRecorded for admissions on
// sciweek.checkin.<kind>.recorded.<county>.<venue>, ScanRefused for refusals.
func recordEvent(r domain.Record) bus.Event {
	id := bus.NewEventID()
	where := r.CountyCode + "." + r.Scan.VenueID.String()
	if r.Outcome == domain.Refused {
		return bus.Event{ID: id, Subject: "sciweek.checkin.scan.refused." + where, Message: &checkinv1.ScanRefused{
			EventId: id.String(), RecordId: r.ID.String(), EditionId: r.EditionID, CountyCode: r.CountyCode,
			VenueId: r.Scan.VenueID.String(), ActivityId: r.Scan.ActivityID.String(), TerminalId: r.Scan.TerminalID.String(),
			Reason: checkinv1.RefusalReason(r.Refusal), OccurredAt: timestamppb.New(r.Scan.OccurredAt),
		}}
	}
	return bus.Event{ID: id, Subject: "sciweek.checkin." + KindSubject(r.Scan.Kind) + ".recorded." + where, Message: &checkinv1.CheckinRecorded{
		EventId: id.String(), RecordId: r.ID.String(), EditionId: r.EditionID, CountyCode: r.CountyCode,
		VenueId: r.Scan.VenueID.String(), ActivityId: r.Scan.ActivityID.String(), TerminalId: r.Scan.TerminalID.String(),
		TerminalSequence: r.Scan.Sequence, Kind: checkinv1.CheckinKind(r.Scan.Kind), Category: checkinv1.ParticipantCategory(r.Scan.Category),
		Headcount: uint32(r.Scan.Headcount), OccurredAt: timestamppb.New(r.Scan.OccurredAt), RecordedAt: timestamppb.New(r.RecordedAt),
	}}
}
