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
	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
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
		// A tenth of a second of events goes in one transaction: on a busy day that is hundreds
		// of events folded into one upsert per row, instead of a commit per handful racing the
		// check-in writers for the disk; the dashboard pushes every 250 ms anyway.
		Linger:    100 * time.Millisecond,
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
			// A rebuild replays events folded before; their level changes were announced then.
			replayUntil, err := adapters.ReplayUntil(ctx, tx)
			if err != nil {
				return err
			}
			if msgs[len(msgs)-1].Sequence <= replayUntil {
				return nil
			}
			return announce(ctx, tx, f.Propagator, changes, now)
		},
	}
}

// RegistrationEvents keeps what the dashboard needs from registration: each activity's form,
// target groups and status, the counties' names, and whose ticket is whose (as an opaque key),
// for counting distinct people.
func RegistrationEvents(f Folding) bus.Projection {
	return bus.Projection{
		Name: "reporting.registration-events", Stream: bus.StreamRegistration, Subjects: []string{"sciweek.registration.>"},
		Handle: func(ctx context.Context, tx pgx.Tx, m bus.Message) error {
			var a *registrationv1.Activity
			switch m.Type {
			case "sciweek.registration.v1.ActivityCreated":
				var ev registrationv1.ActivityCreated
				if err := decode(m, &ev); err != nil {
					return err
				}
				a = ev.GetActivity()
			case "sciweek.registration.v1.ActivitySubmitted":
				var ev registrationv1.ActivitySubmitted
				if err := decode(m, &ev); err != nil {
					return err
				}
				a = ev.GetActivity()
			case "sciweek.registration.v1.ActivityApproved":
				var ev registrationv1.ActivityApproved
				if err := decode(m, &ev); err != nil {
					return err
				}
				a = ev.GetActivity()
			case "sciweek.registration.v1.ActivityReturned":
				var ev registrationv1.ActivityReturned
				if err := decode(m, &ev); err != nil {
					return err
				}
				a = ev.GetActivity()
			case "sciweek.registration.v1.ActivityCancelled":
				var ev registrationv1.ActivityCancelled
				if err := decode(m, &ev); err != nil {
					return err
				}
				a = ev.GetActivity()
			case "sciweek.registration.v1.EditionChanged":
				var ev registrationv1.EditionChanged
				if err := decode(m, &ev); err != nil {
					return err
				}
				var counties []adapters.County
				for _, c := range ev.GetEdition().GetCounties() {
					counties = append(counties, adapters.County{Code: c.GetCode(), Name: c.GetName()})
				}
				e := ev.GetEdition()
				zone, maxVideo := e.GetTimeZone(), int(e.GetMaxVideoSeconds())
				if zone == "" {
					zone = "Asia/Shanghai"
				}
				if maxVideo == 0 {
					maxVideo = 180 // the notice's three minutes
				}
				if err := adapters.PutEdition(ctx, tx, adapters.Edition{ID: e.GetId(), Name: e.GetName(), ReportDeadline: e.GetReportDeadline(),
					MaxVideoSeconds: maxVideo, TimeZone: zone}); err != nil {
					return err
				}
				return adapters.PutEditionCounties(ctx, tx, e.GetId(), counties)
			case "sciweek.registration.v1.TicketIssued":
				var ev registrationv1.TicketIssued
				if err := decode(m, &ev); err != nil {
					return err
				}
				id, err := uuid.Parse(ev.GetTicketId())
				if err != nil || ev.GetHolderKey() == "" {
					return nil // a ticket of before holder keys counts as its own person
				}
				return adapters.PutTicketHolder(ctx, tx, id, ev.GetHolderKey())
			default:
				return nil
			}
			return putActivity(ctx, tx, a)
		},
	}
}

func putActivity(ctx context.Context, tx pgx.Tx, a *registrationv1.Activity) error {
	id, err := uuid.Parse(a.GetId())
	if err != nil {
		return errs.E(errs.Invalid, "activity id %q: %v", a.GetId(), err)
	}
	d := a.GetDetails()
	venue := uuid.Nil
	if d.GetVenueId() != "" {
		if venue, err = uuid.Parse(d.GetVenueId()); err != nil {
			return errs.E(errs.Invalid, "venue id %q: %v", d.GetVenueId(), err)
		}
	}
	groups := make([]int16, 0, len(d.GetTargetGroups()))
	for _, g := range d.GetTargetGroups() {
		groups = append(groups, int16(g))
	}
	form := int16(d.GetForm())
	return adapters.PutActivity(ctx, tx, adapters.Activity{
		ID: id, EditionID: a.GetEditionId(), CountyCode: a.GetCountyCode(), Title: d.GetTitle(), Form: form, TargetGroups: groups, VenueID: venue,
		Planned: a.GetStatus() == registrationv1.ActivityStatus_ACTIVITY_STATUS_APPROVED, Online: form == domain.FormOnline || venue == uuid.Nil,
		Major:     d.GetMajorDemonstration(),
		UpdatedAt: a.GetUpdatedAt().AsTime(),
	})
}

func decode(m bus.Message, into proto.Message) error {
	if err := proto.Unmarshal(m.Data, into); err != nil {
		return errs.E(errs.Invalid, "decode %s: %v", m.Type, err)
	}
	return nil
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
			if r.GetRefusalReason() == checkinv1.RefusalReason_REFUSAL_REASON_TIME_OUT_OF_RANGE {
				// The terminal's clock was broken: its time would make a day of its own.
				at = r.GetRecordedAt().AsTime()
			}
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
		a := domain.Admission{EditionID: r.GetEditionId(), CountyCode: ev.GetCountyCode(), VenueID: venue, ActivityID: activity, OccurredAt: at}
		for _, an := range r.GetAnomalies() {
			if an == checkinv1.Anomaly_ANOMALY_OVER_CAPACITY {
				a.OverCapacity = true
				a.TerminalID, _ = uuid.Parse(r.GetTerminalId())
			}
		}
		switch r.GetKind() {
		case checkinv1.CheckinKind_CHECKIN_KIND_TICKET:
			a.Ticketed = true
			a.People = domain.PeopleOf(domain.Category(r.GetCategory()), 1)
			if id, err := uuid.Parse(r.GetTicketId()); err == nil {
				a.TicketID = id
			}
		case checkinv1.CheckinKind_CHECKIN_KIND_GROUP:
			// A class and its teachers: the young people count as such, the teachers as adults.
			a.People = domain.People{YoungPeople: int64(r.GetHeadcount()), Adults: int64(r.GetAdults())}
		default:
			a.People = domain.PeopleOf(domain.Category(r.GetCategory()), int64(r.GetHeadcount()))
		}
		t.Admit(a)
	}
	return nil
}
