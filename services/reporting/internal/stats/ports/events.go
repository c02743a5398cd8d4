// Package ports exposes the statistics over gRPC and takes in the check-in, registration and
// venue events: each event is decoded here and handed to the app's Projector.
package ports

import (
	"context"
	"log/slog"
	"time"

	"github.com/google/uuid"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/protobuf/proto"

	"github.com/sciweek/sciweek/pkg/bus"
	"github.com/sciweek/sciweek/pkg/events"
	checkinv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/checkin/v1"
	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
	venuev1 "github.com/sciweek/sciweek/pkg/gen/sciweek/venue/v1"
	"github.com/sciweek/sciweek/pkg/rpc"
	"github.com/sciweek/sciweek/services/reporting/internal/stats/app"
	"github.com/sciweek/sciweek/services/reporting/internal/stats/convert"
	"github.com/sciweek/sciweek/services/reporting/internal/stats/domain"
)

// CheckinEvents folds check-in events into the aggregates and the venues' occupancy, a batch
// per transaction, and announces occupancy level changes through the outbox of that same
// transaction: an alarm is published if and only if the counts that raised it are stored.
//
// caused, if set, receives the trace contexts of a batch's events before it applies them: the
// dashboard's push that follows continues their traces.
//
// With a reconciler (check-in reachable), a check-in stream that no longer fits the checkpoint
// (created again, cut short, aged out) rebuilds the figures from check-in's table, and every
// auditEvery the figures are compared with the table and repaired (an audit resting auditRest
// times as long as it took, as bus.Projection.AuditRest says).
func CheckinEvents(p *app.Projector, committed func(int), caused func(...trace.SpanContext), log *slog.Logger, rec *app.Reconciler, auditEvery time.Duration, auditRest int) bus.Projection {
	proj := bus.Projection{
		Name: domain.CheckinProjection, Stream: bus.StreamCheckin, Kinds: []bus.Kind{events.CheckinsRecorded}, BatchSize: 500,
		// No linger: the batches group themselves, as the events arriving while one applies
		// make up the next (up to BatchSize when the stream is backlogged). A 100 ms linger
		// stacked on the dashboard's 250 ms push interval: acknowledgement to push p99 at half
		// rate went from 437–619 ms to 298–345 ms without it, call p99 unchanged
		// (docs/bench/latency.md, 2026-12-07).
		Committed: committed,
		ApplyBatch: func(ctx context.Context, msgs []bus.Message) error {
			tally := p.Tally()
			if caused != nil {
				scs := make([]trace.SpanContext, 0, len(msgs))
				for _, m := range msgs {
					scs = append(scs, trace.SpanContextFromContext(propagation.TraceContext{}.Extract(ctx, propagation.HeaderCarrier(m.Header))))
				}
				caused(scs...)
			}
			ids := make([]uuid.UUID, len(msgs))
			decoded := make([][]domain.CheckinRecord, len(msgs))
			for i, m := range msgs {
				id, records, err := checkinRecords(m)
				if err != nil {
					// A message that does not decode cannot become decodable by retrying:
					// log it and go on rather than stop the city's statistics.
					log.ErrorContext(ctx, "skipping an undecodable check-in event", "subject", m.Subject, "sequence", m.Sequence, "error", err)
					continue
				}
				ids[i], decoded[i] = id, records
			}
			// Events a rebuild from check-in's table counted before they arrived count once.
			skip, err := p.SkipOnce(ctx, ids)
			if err != nil {
				return err
			}
			for i, records := range decoded {
				if skip[ids[i]] {
					continue
				}
				for _, r := range records {
					tally.Fold(r)
				}
			}
			return p.CheckinsRecorded(ctx, tally, msgs[len(msgs)-1].Sequence)
		},
	}
	if rec != nil {
		proj.Reconcile = func(ctx context.Context, _ bus.Mismatch) error {
			_, _, err := rec.Rebuild(ctx)
			return err
		}
		// The screen runs beside the projection; a drift it finds is confirmed, and repaired,
		// between batches.
		proj.Audit = func(ctx context.Context) (func(context.Context) error, error) {
			drifts, err := rec.Screen(ctx)
			if err != nil || len(drifts) == 0 {
				return nil, err
			}
			return func(ctx context.Context) error {
				_, err := rec.Audit(ctx)
				return err
			}, nil
		}
		proj.AuditEvery, proj.AuditRest = auditEvery, auditRest
	}
	return proj
}

// RegistrationEvents keeps what the dashboard needs from registration: each activity's form,
// target groups and status, the counties' names, and whose ticket is whose (as an opaque key),
// for counting distinct people.
func RegistrationEvents(p *app.Projector) bus.Projection {
	routes := []bus.Route{
		{Kind: events.EditionChanged, Apply: func(ctx context.Context, m bus.Message) error {
			var ev registrationv1.EditionChanged
			if err := decode(m, &ev); err != nil {
				return err
			}
			e := ev.GetEdition()
			ed := domain.Edition{ID: e.GetId(), Name: e.GetName(), ReportDeadline: e.GetReportDeadline(), MaxVideoSeconds: int(e.GetMaxVideoSeconds()),
				TimeZone: e.GetTimeZone()}
			if c := e.GetContact(); c != nil {
				ed.Contact = domain.Contact{Office: c.GetOffice(), Person: c.GetPerson(), Phone: c.GetPhone(), Email: c.GetEmail()}
			}
			for _, c := range e.GetCounties() {
				ed.Counties = append(ed.Counties, domain.County{Code: c.GetCode(), Name: c.GetName()})
			}
			return p.EditionChanged(ctx, ed)
		}},
		{Kind: events.TicketIssued, Apply: func(ctx context.Context, m bus.Message) error {
			var ev registrationv1.TicketIssued
			if err := decode(m, &ev); err != nil {
				return err
			}
			id, _ := uuid.Parse(ev.GetTicketId()) // Nil, counted as its own person, when unreadable
			return p.TicketIssued(ctx, id, ev.GetHolderKey())
		}},
	}
	routes = append(routes, events.ActivityRoutes(func(ctx context.Context, a *registrationv1.Activity) error {
		act, err := activity(a)
		if err != nil {
			return err
		}
		return p.ActivityChanged(ctx, act)
	})...)
	return bus.Projection{Name: "reporting.registration-events", Stream: bus.StreamRegistration, Routes: routes}
}

// activity decodes what the statistics need of an activity.
func activity(a *registrationv1.Activity) (domain.Activity, error) {
	id, err := uuid.Parse(a.GetId())
	if err != nil {
		return domain.Activity{}, rpc.ErrNotUUID.Wrap(err, "field", "activity.id", "value", a.GetId())
	}
	d := a.GetDetails()
	venue := uuid.Nil
	if d.GetVenueId() != "" {
		if venue, err = uuid.Parse(d.GetVenueId()); err != nil {
			return domain.Activity{}, rpc.ErrNotUUID.Wrap(err, "field", "activity.details.venue_id", "value", d.GetVenueId())
		}
	}
	unit := uuid.Nil
	if a.GetUnitId() != "" {
		if unit, err = uuid.Parse(a.GetUnitId()); err != nil {
			return domain.Activity{}, rpc.ErrNotUUID.Wrap(err, "field", "activity.unit_id", "value", a.GetUnitId())
		}
	}
	groups := make([]domain.TargetGroup, 0, len(d.GetTargetGroups()))
	for _, g := range d.GetTargetGroups() {
		groups = append(groups, convert.TargetGroupFromProto(g))
	}
	return domain.Activity{
		ID: id, EditionID: a.GetEditionId(), CountyCode: a.GetCountyCode(), Title: d.GetTitle(), Form: convert.FormFromProto(d.GetForm()), TargetGroups: groups, VenueID: venue,
		Planned: a.GetStatus() == registrationv1.ActivityStatus_ACTIVITY_STATUS_APPROVED, Major: d.GetMajorDemonstration(), WorkersDay: d.GetWorkersDayJoint(),
		Theme:  convert.ThemeFromProto(d.GetTheme()),
		UnitID: unit, UnitName: a.GetOrganizer(), UpdatedAt: a.GetUpdatedAt().AsTime(),
	}, nil
}

func decode(m bus.Message, into proto.Message) error {
	if err := proto.Unmarshal(m.Data, into); err != nil {
		return events.ErrUndecodable.Wrap(err, "type", m.Type)
	}
	return nil
}

// VenueEvents keeps the venues' names, safe capacities and thresholds.
func VenueEvents(p *app.Projector) bus.Projection {
	return bus.Projection{
		Name: "reporting.venue-events", Stream: bus.StreamVenue,
		Routes: []bus.Route{{Kind: events.VenueChanged, Apply: func(ctx context.Context, m bus.Message) error {
			var ev venuev1.VenueChanged
			if err := decode(m, &ev); err != nil {
				return err
			}
			v := ev.GetVenue()
			id, err := uuid.Parse(v.GetId())
			if err != nil {
				return rpc.ErrNotUUID.Wrap(err, "field", "venue.id", "value", v.GetId())
			}
			return p.VenueChanged(ctx, domain.VenueLimits{
				VenueID: id, Name: v.GetName(), CountyCode: v.GetCountyCode(), SafeCapacity: int64(v.GetSafeCapacity()),
				WarnPercent: int64(v.GetWarnPercent()), AlarmPercent: int64(v.GetAlarmPercent()),
			})
		}}},
	}
}

// checkinRecords decodes a check-in event: its id and records.
func checkinRecords(m bus.Message) (uuid.UUID, []domain.CheckinRecord, error) {
	var ev checkinv1.CheckinsRecorded
	if err := proto.Unmarshal(m.Data, &ev); err != nil {
		return uuid.Nil, nil, err
	}
	id, _ := uuid.Parse(ev.GetEventId()) // Nil, never skipped, when unreadable
	recs, err := convert.RecordsFromEvent(&ev)
	return id, recs, err
}
