package adapters

import (
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/google/uuid"

	"github.com/sciweek/sciweek/pkg/bus"
	"github.com/sciweek/sciweek/pkg/events"
	checkinv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/checkin/v1"
	"github.com/sciweek/sciweek/services/checkin/internal/convert"
	"github.com/sciweek/sciweek/services/checkin/internal/domain"
)

func recorded(r domain.Record) *checkinv1.RecordedCheckin {
	out := &checkinv1.RecordedCheckin{
		RecordId: r.ID.String(), EditionId: r.EditionID, VenueId: r.Scan.VenueID.String(), ActivityId: r.Scan.ActivityID.String(),
		TerminalId: r.TerminalID.String(), TerminalSequence: r.Scan.Sequence, Kind: convert.Kind(r.Scan.Kind),
		Category: convert.Category(r.Scan.Category), Headcount: uint32(r.Scan.Headcount), Adults: uint32(r.Scan.Adults),
		Outcome: convert.Outcome(r.Outcome), RefusalReason: convert.Refusal(r.Refusal),
		OccurredAt: timestamppb.New(r.Scan.OccurredAt), RecordedAt: timestamppb.New(r.RecordedAt), Anomalies: convert.Anomalies(r.Anomalies),
	}
	if r.TicketID != uuid.Nil {
		out.TicketId = r.TicketID.String()
	}
	return out
}

// recordEvents groups records by county, one CheckinsRecorded event each, on
// sciweek.checkin.records.<county>: a batch of hundreds of records is a few messages.
func recordEvents(records []domain.Record) []bus.Event {
	byCounty := map[string][]*checkinv1.RecordedCheckin{}
	var order []string
	for _, r := range records {
		if _, ok := byCounty[r.CountyCode]; !ok {
			order = append(order, r.CountyCode)
		}
		byCounty[r.CountyCode] = append(byCounty[r.CountyCode], recorded(r))
	}
	evs := make([]bus.Event, 0, len(order))
	for _, county := range order {
		id := bus.NewEventID()
		evs = append(evs, bus.Event{ID: id, Subject: events.CheckinsRecorded.For(county),
			Message: &checkinv1.CheckinsRecorded{EventId: id.String(), CountyCode: county, Records: byCounty[county]}})
	}
	return evs
}
