// Package ports exposes the statistics over gRPC and takes in the check-in and venue events.
package ports

import (
	"context"
	"log/slog"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"go.opentelemetry.io/otel/propagation"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/sciweek/sciweek/pkg/bus"
	"github.com/sciweek/sciweek/pkg/errs"
	checkinv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/checkin/v1"
	reportingv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/reporting/v1"
	venuev1 "github.com/sciweek/sciweek/pkg/gen/sciweek/venue/v1"
	"github.com/sciweek/sciweek/services/reporting/internal/adapters"
	"github.com/sciweek/sciweek/services/reporting/internal/domain"
)

// SubjectOccupancyAlarm prefixes the subjects of OccupancyAlarm events; the county code follows.
const SubjectOccupancyAlarm = "sciweek.reporting.occupancy."

// Folding is what the projections need besides their transaction.
type Folding struct {
	// Location is the city's time zone: days are counted in it.
	Location *time.Location
	// Now is the clock that says which day is today.
	Now func() time.Time
	// Log receives events that cannot be understood.
	Log *slog.Logger
	// Propagator carries the trace into the alarms' outbox rows.
	Propagator propagation.TextMapPropagator
	// Committed runs after each commit to wake the live views.
	Committed func(int)
}

// CheckinEvents folds check-in events into the aggregates and the venues' occupancy, a batch
// per transaction, and announces occupancy level changes through the outbox of that same
// transaction: an alarm is published if and only if the counts that raised it are stored.
func CheckinEvents(f Folding) bus.Projection {
	return bus.Projection{
		Name: adapters.ProjectionName, Stream: bus.StreamCheckin, Subjects: []string{"sciweek.checkin.records.>"}, BatchSize: 500,
		Committed: f.Committed,
		HandleBatch: func(ctx context.Context, tx pgx.Tx, msgs []bus.Message) error {
			tally := domain.NewTally(f.Location)
			for _, m := range msgs {
				if err := fold(tally, m); err != nil {
					// A message that does not decode cannot become decodable by retrying:
					// log it and go on rather than stop the city's statistics.
					f.Log.ErrorContext(ctx, "skipping an undecodable check-in event", "subject", m.Subject, "sequence", m.Sequence, "error", err)
				}
			}
			now := f.Now()
			changes, err := adapters.Apply(ctx, tx, tally, domain.Day(now, f.Location), now)
			if err != nil {
				return err
			}
			return announce(ctx, tx, f.Propagator, changes, now)
		},
	}
}

// VenueEvents keeps the venues' names, safe capacities and thresholds.
func VenueEvents(f Folding) bus.Projection {
	return bus.Projection{
		Name: "reporting.venue-events", Stream: bus.StreamVenue, Subjects: []string{"sciweek.venue.venue.>"},
		Handle: func(ctx context.Context, tx pgx.Tx, m bus.Message) error {
			if m.Type != "sciweek.venue.v1.VenueChanged" {
				return nil
			}
			var ev venuev1.VenueChanged
			if err := proto.Unmarshal(m.Data, &ev); err != nil {
				return errs.E(errs.Invalid, "decode %s: %v", m.Type, err)
			}
			v := ev.GetVenue()
			id, err := uuid.Parse(v.GetId())
			if err != nil {
				return errs.E(errs.Invalid, "venue id %q: %v", v.GetId(), err)
			}
			now := f.Now()
			changes, err := adapters.PutVenueLimits(ctx, tx, domain.VenueLimits{
				VenueID: id, Name: v.GetName(), CountyCode: v.GetCountyCode(), SafeCapacity: int64(v.GetSafeCapacity()),
				WarnPercent: int64(v.GetWarnPercent()), AlarmPercent: int64(v.GetAlarmPercent()),
			}, domain.Day(now, f.Location), now)
			if err != nil {
				return err
			}
			return announce(ctx, tx, f.Propagator, changes, now)
		},
	}
}

func announce(ctx context.Context, tx pgx.Tx, prop propagation.TextMapPropagator, changes []domain.LevelChange, now time.Time) error {
	events := make([]bus.Event, 0, len(changes))
	for _, c := range changes {
		id := bus.NewEventID()
		events = append(events, bus.Event{ID: id, Subject: SubjectOccupancyAlarm + c.CountyCode, Message: &reportingv1.OccupancyAlarm{
			EventId: id.String(), OccurredAt: timestamppb.New(now), Occupancy: occupancyToProto(c.Occupancy),
			PreviousLevel: reportingv1.OccupancyLevel(c.Previous),
		}})
	}
	return bus.Enqueue(ctx, tx, prop, events...)
}

func fold(t *domain.Tally, m bus.Message) error {
	if m.Type != "sciweek.checkin.v1.CheckinsRecorded" {
		return nil
	}
	var ev checkinv1.CheckinsRecorded
	if err := proto.Unmarshal(m.Data, &ev); err != nil {
		return err
	}
	for _, r := range ev.GetRecords() {
		venue, err := uuid.Parse(r.GetVenueId())
		if err != nil {
			return err
		}
		at := r.GetOccurredAt().AsTime()
		if r.GetOutcome() == checkinv1.Outcome_OUTCOME_REFUSED {
			t.Refuse(domain.Refusal{EditionID: r.GetEditionId(), CountyCode: ev.GetCountyCode(), VenueID: venue, Reason: int16(r.GetRefusalReason()), OccurredAt: at})
			continue
		}
		if r.GetKind() == checkinv1.CheckinKind_CHECKIN_KIND_CHECKOUT {
			t.Leave(domain.Exit{CountyCode: ev.GetCountyCode(), VenueID: venue, Headcount: int64(r.GetHeadcount()), OccurredAt: at})
			continue
		}
		activity, err := uuid.Parse(r.GetActivityId())
		if err != nil {
			return err
		}
		t.Admit(domain.Admission{
			EditionID: r.GetEditionId(), CountyCode: ev.GetCountyCode(), VenueID: venue, ActivityID: activity,
			Ticketed:  r.GetKind() == checkinv1.CheckinKind_CHECKIN_KIND_TICKET,
			Headcount: int64(r.GetHeadcount()) + int64(r.GetAdults()), OccurredAt: at,
		})
	}
	return nil
}
