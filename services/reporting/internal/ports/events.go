// Package ports exposes the statistics over gRPC and takes in the check-in events.
package ports

import (
	"context"
	"log/slog"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"google.golang.org/protobuf/proto"

	"github.com/sciweek/sciweek/pkg/bus"
	checkinv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/checkin/v1"
	"github.com/sciweek/sciweek/services/reporting/internal/adapters"
	"github.com/sciweek/sciweek/services/reporting/internal/domain"
)

// CheckinEvents folds check-in events into the aggregates, a batch per transaction; committed
// runs after each commit to wake the live views.
func CheckinEvents(loc *time.Location, log *slog.Logger, committed func(int)) bus.Projection {
	return bus.Projection{
		Name: adapters.ProjectionName, Stream: bus.StreamCheckin, Subjects: []string{"sciweek.checkin.>"}, BatchSize: 1000,
		Committed: committed,
		HandleBatch: func(ctx context.Context, tx pgx.Tx, msgs []bus.Message) error {
			tally := domain.NewTally(loc)
			for _, m := range msgs {
				if err := fold(tally, m); err != nil {
					// A message that does not decode cannot become decodable by retrying:
					// log it and go on rather than stop the city's statistics.
					log.ErrorContext(ctx, "skipping an undecodable check-in event", "subject", m.Subject, "sequence", m.Sequence, "error", err)
				}
			}
			return adapters.Apply(ctx, tx, tally)
		},
	}
}

func fold(t *domain.Tally, m bus.Message) error {
	switch m.Type {
	case "sciweek.checkin.v1.CheckinRecorded":
		var ev checkinv1.CheckinRecorded
		if err := proto.Unmarshal(m.Data, &ev); err != nil {
			return err
		}
		venue, err := uuid.Parse(ev.GetVenueId())
		if err != nil {
			return err
		}
		activity, err := uuid.Parse(ev.GetActivityId())
		if err != nil {
			return err
		}
		t.Admit(domain.Admission{
			EditionID: ev.GetEditionId(), CountyCode: ev.GetCountyCode(), VenueID: venue, ActivityID: activity,
			Ticketed: ev.GetKind() == checkinv1.CheckinKind_CHECKIN_KIND_TICKET, Headcount: int64(ev.GetHeadcount()), OccurredAt: ev.GetOccurredAt().AsTime(),
		})
	case "sciweek.checkin.v1.ScanRefused":
		var ev checkinv1.ScanRefused
		if err := proto.Unmarshal(m.Data, &ev); err != nil {
			return err
		}
		venue, err := uuid.Parse(ev.GetVenueId())
		if err != nil {
			return err
		}
		t.Refuse(domain.Refusal{EditionID: ev.GetEditionId(), CountyCode: ev.GetCountyCode(), VenueID: venue, Reason: int16(ev.GetReason()), OccurredAt: ev.GetOccurredAt().AsTime()})
	}
	return nil
}
