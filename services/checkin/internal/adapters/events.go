package adapters

import (
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/google/uuid"

	"github.com/sciweek/sciweek/pkg/bus"
	checkinv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/checkin/v1"
	"github.com/sciweek/sciweek/services/checkin/internal/domain"
)

// AnomaliesToProto lists a record's anomaly flags.
func AnomaliesToProto(a domain.Anomalies) []checkinv1.Anomaly {
	var out []checkinv1.Anomaly
	for bit, v := range map[domain.Anomalies]checkinv1.Anomaly{
		domain.AnomalyOutsideSession: checkinv1.Anomaly_ANOMALY_OUTSIDE_SESSION, domain.AnomalyBurst: checkinv1.Anomaly_ANOMALY_BURST,
		domain.AnomalyClockSkew: checkinv1.Anomaly_ANOMALY_CLOCK_SKEW, domain.AnomalyOverCapacity: checkinv1.Anomaly_ANOMALY_OVER_CAPACITY,
	} {
		if a&bit != 0 {
			out = append(out, v)
		}
	}
	return out
}

func recorded(r domain.Record) *checkinv1.RecordedCheckin {
	out := &checkinv1.RecordedCheckin{
		RecordId: r.ID.String(), EditionId: r.EditionID, VenueId: r.Scan.VenueID.String(), ActivityId: r.Scan.ActivityID.String(),
		TerminalId: r.TerminalID.String(), TerminalSequence: r.Scan.Sequence, Kind: checkinv1.CheckinKind(r.Scan.Kind),
		Category: checkinv1.ParticipantCategory(r.Scan.Category), Headcount: uint32(r.Scan.Headcount), Adults: uint32(r.Scan.Adults),
		Outcome: checkinv1.Outcome(r.Outcome), RefusalReason: checkinv1.RefusalReason(r.Refusal),
		OccurredAt: timestamppb.New(r.Scan.OccurredAt), RecordedAt: timestamppb.New(r.RecordedAt), Anomalies: AnomaliesToProto(r.Anomalies),
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
		evs = append(evs, bus.Event{ID: id, Subject: "sciweek.checkin.records." + county,
			Message: &checkinv1.CheckinsRecorded{EventId: id.String(), CountyCode: county, Records: byCounty[county]}})
	}
	return evs
}
