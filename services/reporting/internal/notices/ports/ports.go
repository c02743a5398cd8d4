// Package ports exposes the notification centre over gRPC (NoticeService) and takes in the
// events it raises notices from: activities sent back (registration) and venues at their alarm
// level (reporting's own occupancy alarms).
package ports

import (
	"context"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/sciweek/sciweek/pkg/auth"
	"github.com/sciweek/sciweek/pkg/bus"
	"github.com/sciweek/sciweek/pkg/errs"
	"github.com/sciweek/sciweek/pkg/events"
	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
	reportingv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/reporting/v1"
	"github.com/sciweek/sciweek/pkg/rpc"
	"github.com/sciweek/sciweek/services/reporting/internal/notices/app"
)

// ErrNoticeID refuses a notice id that is no UUID (the contract checks it; this is the port's
// own guard).
var ErrNoticeID = errs.Reason{Code: "NOTICE_ID_INVALID", Kind: errs.Invalid,
	English: "{value} is not a notice's id", Chinese: "通知编号“{value}”不正确"}

// Policy lets the people who get notices (the bureau, county admins, organizers) read theirs.
func Policy() auth.Policy {
	people := []auth.Role{auth.RoleCityAdmin, auth.RoleCountyAdmin, auth.RoleOrganizer}
	return auth.Policy{Roles: map[string][]auth.Role{
		reportingv1.NoticeService_ListNotices_FullMethodName:       people,
		reportingv1.NoticeService_MarkNoticesRead_FullMethodName:   people,
		reportingv1.NoticeService_GetNoticeSettings_FullMethodName: people,
		reportingv1.NoticeService_SetNoticeSettings_FullMethodName: people,
	},
		// Reading one's notices and settings changes nothing.
		Reads: []string{reportingv1.NoticeService_ListNotices_FullMethodName, reportingv1.NoticeService_GetNoticeSettings_FullMethodName},
	}
}

// GRPC implements NoticeService.
type GRPC struct {
	reportingv1.UnimplementedNoticeServiceServer
	app *app.Notices
}

// NewGRPC returns the port.
func NewGRPC(a *app.Notices) *GRPC { return &GRPC{app: a} }

// ListNotices returns the caller's notices.
func (g *GRPC) ListNotices(ctx context.Context, req *reportingv1.ListNoticesRequest) (*reportingv1.ListNoticesResponse, error) {
	p, err := rpc.Principal(ctx)
	if err != nil {
		return nil, err
	}
	list, unread, err := g.app.List(ctx, p, int(req.GetLimit()), req.GetUnreadOnly())
	if err != nil {
		return nil, err
	}
	out := &reportingv1.ListNoticesResponse{Unread: uint32(unread)}
	for _, n := range list {
		out.Notices = append(out.Notices, &reportingv1.Notice{Id: n.ID.String(), Kind: reportingv1.NoticeKind(n.Kind), Title: n.Title, Body: n.Body,
			Link: n.Link, CreatedAt: timestamppb.New(n.CreatedAt), Read: n.Read, EditionId: n.EditionID})
	}
	return out, nil
}

// MarkNoticesRead marks the caller's notices read.
func (g *GRPC) MarkNoticesRead(ctx context.Context, req *reportingv1.MarkNoticesReadRequest) (*reportingv1.MarkNoticesReadResponse, error) {
	p, err := rpc.Principal(ctx)
	if err != nil {
		return nil, err
	}
	ids := make([]uuid.UUID, 0, len(req.GetNoticeIds()))
	for _, s := range req.GetNoticeIds() {
		id, err := uuid.Parse(s)
		if err != nil {
			return nil, ErrNoticeID.New("value", s)
		}
		ids = append(ids, id)
	}
	unread, err := g.app.MarkRead(ctx, p, ids, req.GetAll())
	if err != nil {
		return nil, err
	}
	return &reportingv1.MarkNoticesReadResponse{Unread: uint32(unread)}, nil
}

// GetNoticeSettings returns where the caller's notices are e-mailed.
func (g *GRPC) GetNoticeSettings(ctx context.Context, _ *reportingv1.GetNoticeSettingsRequest) (*reportingv1.GetNoticeSettingsResponse, error) {
	p, err := rpc.Principal(ctx)
	if err != nil {
		return nil, err
	}
	email, err := g.app.Mailbox(ctx, p)
	if err != nil {
		return nil, err
	}
	return &reportingv1.GetNoticeSettingsResponse{Email: email, SmsAvailable: g.app.SMSAvailable()}, nil
}

// SetNoticeSettings sets where the caller's notices are e-mailed.
func (g *GRPC) SetNoticeSettings(ctx context.Context, req *reportingv1.SetNoticeSettingsRequest) (*reportingv1.SetNoticeSettingsResponse, error) {
	p, err := rpc.Principal(ctx)
	if err != nil {
		return nil, err
	}
	if err := g.app.SetMailbox(ctx, p, req.GetEmail()); err != nil {
		return nil, err
	}
	return &reportingv1.SetNoticeSettingsResponse{Email: req.GetEmail()}, nil
}

// RegistrationEvents raises a notice for each activity a county sends back, to its unit.
func RegistrationEvents(a *app.Notices) bus.Projection {
	// The sender is woken after the commit: an e-mail queued in the event's transaction is
	// there to send only then.
	return bus.Projection{Name: "reporting.notices-registration", Stream: bus.StreamRegistration, Committed: wake(a), Routes: []bus.Route{{Kind: events.ActivityReturned,
		Apply: func(ctx context.Context, m bus.Message) error {
			var ev registrationv1.ActivityReturned
			if err := decode(m, &ev); err != nil {
				return err
			}
			act := ev.GetActivity()
			return a.ActivityReturned(ctx, ev.GetEventId(), act.GetEditionId(), act.GetUnitId(), act.GetId(), act.GetDetails().GetTitle(), ev.GetReason())
		}}}}
}

// AlarmEvents raises a notice for each venue that reaches its alarm level, to its county.
func AlarmEvents(a *app.Notices) bus.Projection {
	return bus.Projection{Name: "reporting.notices-alarms", Stream: bus.StreamReporting, Committed: wake(a), Routes: []bus.Route{{Kind: events.OccupancyAlarm,
		Apply: func(ctx context.Context, m bus.Message) error {
			var ev reportingv1.OccupancyAlarm
			if err := decode(m, &ev); err != nil {
				return err
			}
			o := ev.GetOccupancy()
			if o.GetLevel() != reportingv1.OccupancyLevel_OCCUPANCY_LEVEL_ALARM || ev.GetPreviousLevel() == reportingv1.OccupancyLevel_OCCUPANCY_LEVEL_ALARM {
				return nil // only the rise to the alarm level calls for action
			}
			return a.VenueAlarm(ctx, ev.GetEventId(), o.GetCountyCode(), o.GetVenueName(), o.GetInside(), int64(o.GetSafeCapacity()))
		}}}}
}

// wake wakes the sender after a batch of events commits (a is nil when only the kinds are read).
func wake(a *app.Notices) func(int) {
	return func(int) {
		if a != nil {
			a.Wake()
		}
	}
}

func decode(m bus.Message, into proto.Message) error {
	if err := proto.Unmarshal(m.Data, into); err != nil {
		return events.ErrUndecodable.Wrap(err, "type", m.Type)
	}
	return nil
}
