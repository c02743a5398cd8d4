// Package ports exposes check-in over gRPC to terminals, and takes in the venue and
// registration events that feed its catalog.
package ports

import (
	"context"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/sciweek/sciweek/pkg/auth"
	checkinv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/checkin/v1"
	"github.com/sciweek/sciweek/pkg/rpc"
	"github.com/sciweek/sciweek/services/checkin/internal/app"
	"github.com/sciweek/sciweek/services/checkin/internal/convert"
	"github.com/sciweek/sciweek/services/checkin/internal/domain"
)

// Policy lets terminals, and only terminals, record; and the other services, and only they,
// export the counts.
func Policy() auth.Policy {
	return auth.Policy{Roles: map[string][]auth.Role{
		checkinv1.AttendanceService_ExportTally_FullMethodName:    {auth.RoleService},
		checkinv1.AttendanceService_CountAnomalies_FullMethodName: {auth.RoleService},
		checkinv1.AttendanceService_CountDoors_FullMethodName:     {auth.RoleService},
		checkinv1.CheckinService_RecordCheckin_FullMethodName:     {auth.RoleTerminal},
		checkinv1.CheckinService_UploadCheckins_FullMethodName:    {auth.RoleTerminal},
		checkinv1.CheckinService_Hello_FullMethodName:             {auth.RoleTerminal},
		checkinv1.CheckinService_SyncTerminal_FullMethodName:      {auth.RoleTerminal},
	},
		// A terminal's greeting and sync change nothing; its check-ins are their own record
		// (terminal, sequence number, time, in the check-in table) and far too many to audit
		// one by one.
		// Counting the anomalies and the doors for reporting changes nothing either.
		Reads: []string{checkinv1.CheckinService_Hello_FullMethodName, checkinv1.CheckinService_SyncTerminal_FullMethodName,
			checkinv1.AttendanceService_CountAnomalies_FullMethodName, checkinv1.AttendanceService_CountDoors_FullMethodName},
		SelfRecorded: []string{checkinv1.CheckinService_RecordCheckin_FullMethodName, checkinv1.CheckinService_UploadCheckins_FullMethodName},
	}
}

// GRPC implements CheckinService.
type GRPC struct {
	checkinv1.UnimplementedCheckinServiceServer
	app *app.Service
}

// NewGRPC returns the gRPC port.
func NewGRPC(a *app.Service) *GRPC { return &GRPC{app: a} }

// scanFromProto converts one record; i numbers it in errors.
func scanFromProto(i int, r *checkinv1.CheckinRecord) (domain.Scan, error) {
	venue, err := rpc.ParseUUID(r.GetVenueId(), "venue_id")
	if err != nil {
		return domain.Scan{}, err
	}
	activity, err := rpc.ParseOptionalUUID(r.GetActivityId(), "activity_id")
	if err != nil {
		return domain.Scan{}, err
	}
	s := domain.Scan{Sequence: r.GetSequence(), OccurredAt: r.GetOccurredAt().AsTime(), VenueID: venue, ActivityID: activity,
		OverCapacityConfirmed: r.GetOverCapacityConfirmed()}
	switch k := r.GetKind().(type) {
	case *checkinv1.CheckinRecord_Ticket:
		s.Kind, s.TicketPayload = domain.KindTicket, k.Ticket.GetPayload()
	case *checkinv1.CheckinRecord_WalkIn:
		s.Kind, s.Category, s.Headcount = domain.KindWalkIn, convert.CategoryFromProto(k.WalkIn.GetCategory()), int(k.WalkIn.GetHeadcount())
	case *checkinv1.CheckinRecord_Group:
		s.Kind, s.Headcount, s.Adults, s.GroupName = domain.KindGroup, int(k.Group.GetYoungPeople()), int(k.Group.GetTeachers()), k.Group.GetGroupName()
	case *checkinv1.CheckinRecord_Checkout:
		s.Kind, s.Headcount = domain.KindCheckout, int(k.Checkout.GetHeadcount())
	default:
		return domain.Scan{}, domain.ErrKindUnknown.New("sequence", r.GetSequence())
	}
	return s, nil
}

func resultToProto(st app.Stored) *checkinv1.CheckinResult {
	r := st.Record
	out := &checkinv1.CheckinResult{
		Sequence: r.Scan.Sequence, RecordId: r.ID.String(), Outcome: convert.Outcome(r.Outcome), RefusalReason: convert.Refusal(r.Refusal),
		RecordedAt: timestamppb.New(r.RecordedAt), Replayed: st.Replayed, Anomalies: convert.Anomalies(r.Anomalies), FirstDoor: st.FirstDoor,
	}
	if !r.FirstAdmittedAt.IsZero() {
		out.FirstCheckedInAt = timestamppb.New(r.FirstAdmittedAt)
	}
	return out
}

func (g *GRPC) record(ctx context.Context, records []*checkinv1.CheckinRecord, sentAt *timestamppb.Timestamp) ([]*checkinv1.CheckinResult, error) {
	p, err := rpc.Principal(ctx)
	if err != nil {
		return nil, err
	}
	scans := make([]domain.Scan, len(records))
	for i, r := range records {
		if scans[i], err = scanFromProto(i, r); err != nil {
			return nil, err
		}
	}
	stored, err := g.app.Record(ctx, p, scans, terminalClock(sentAt))
	if err != nil {
		return nil, err
	}
	out := make([]*checkinv1.CheckinResult, len(stored))
	for i, st := range stored {
		out[i] = resultToProto(st)
	}
	return out, nil
}

// RecordCheckin records one scan.
func (g *GRPC) RecordCheckin(ctx context.Context, req *checkinv1.RecordCheckinRequest) (*checkinv1.RecordCheckinResponse, error) {
	out, err := g.record(ctx, []*checkinv1.CheckinRecord{req.GetRecord()}, req.GetSentAt())
	if err != nil {
		return nil, err
	}
	return &checkinv1.RecordCheckinResponse{Result: out[0]}, nil
}

// UploadCheckins records a batch of scans.
func (g *GRPC) UploadCheckins(ctx context.Context, req *checkinv1.UploadCheckinsRequest) (*checkinv1.UploadCheckinsResponse, error) {
	out, err := g.record(ctx, req.GetRecords(), req.GetSentAt())
	if err != nil {
		return nil, err
	}
	return &checkinv1.UploadCheckinsResponse{Results: out}, nil
}

// Hello greets a terminal.
func (g *GRPC) Hello(ctx context.Context, req *checkinv1.HelloRequest) (*checkinv1.HelloResponse, error) {
	p, err := rpc.Principal(ctx)
	if err != nil {
		return nil, err
	}
	gr, err := g.app.Hello(ctx, p, terminalClock(req.GetSentAt()))
	if err != nil {
		return nil, err
	}
	out := &checkinv1.HelloResponse{TerminalId: gr.Terminal.ID.String(), VenueId: gr.Terminal.VenueID.String(), CountyCode: gr.Terminal.CountyCode,
		ServerTime: timestamppb.New(gr.Now), ClockSkewDetected: gr.Skewed}
	for _, a := range gr.Activities {
		out.Activities = append(out.Activities, &checkinv1.TodaysActivity{ActivityId: a.ID.String(), EditionId: a.EditionID, Title: a.Title,
			Sessions: sessionsToProto(a.Sessions)})
	}
	return out, nil
}

// SyncTerminal tells a door what changed since its cursor.
func (g *GRPC) SyncTerminal(ctx context.Context, req *checkinv1.SyncTerminalRequest) (*checkinv1.SyncTerminalResponse, error) {
	p, err := rpc.Principal(ctx)
	if err != nil {
		return nil, err
	}
	d, err := g.app.Sync(ctx, p, req.GetCursor(), terminalClock(req.GetSentAt()))
	if err != nil {
		return nil, err
	}
	out := &checkinv1.SyncTerminalResponse{
		Cursor: d.Cursor.String(), Full: d.Full, ServerTime: timestamppb.New(d.Now), TerminalId: d.Terminal.ID.String(), TerminalName: d.Terminal.Name,
		VenueId: d.Terminal.VenueID.String(), VenueName: d.Venue.Name, CountyCode: d.Terminal.CountyCode, ClockSkewDetected: d.Skewed,
		Occupancy: &checkinv1.DoorOccupancy{
			Day: d.Day, AdmittedToday: uint64(d.Flow.Admitted), Inside: uint64(d.Flow.Inside()), SafeCapacity: uint32(d.Venue.SafeCapacity),
			WarnPercent: uint32(d.Venue.WarnPercent), AlarmPercent: uint32(d.Venue.AlarmPercent), Level: convert.Level(d.Level),
			CountedAt: timestamppb.New(d.Counted),
		},
	}
	for _, e := range d.Editions {
		out.Editions = append(out.Editions, &checkinv1.EditionKey{EditionId: e.ID, PublicKey: e.Key, StartsOn: e.StartsOn, EndsOn: e.EndsOn, TimeZone: e.TimeZone})
	}
	for _, a := range d.Activities {
		out.Activities = append(out.Activities, &checkinv1.DoorActivity{ActivityId: a.ID.String(), EditionId: a.EditionID, Title: a.Title,
			Open: a.Approved, Sessions: sessionsToProto(a.Sessions)})
	}
	out.RevokedTicketIds = make([]string, len(d.Revoked))
	for i, id := range d.Revoked {
		out.RevokedTicketIds[i] = id.String()
	}
	out.Admitted = make([]*checkinv1.AdmittedTicket, len(d.Admitted))
	for i, a := range d.Admitted {
		out.Admitted[i] = &checkinv1.AdmittedTicket{TicketId: a.TicketID.String(), AdmittedAt: timestamppb.New(a.AdmittedAt),
			TerminalId: a.TerminalID.String(), Door: d.Doors[a.TerminalID]}
	}
	out.Tickets = make([]*checkinv1.VenueTicket, len(d.Tickets))
	for i, t := range d.Tickets {
		out.Tickets[i] = &checkinv1.VenueTicket{TicketId: t.TicketID.String(), ShortCode: t.ShortCode, Payload: t.Payload}
	}
	return out, nil
}

// sessionsToProto converts an activity's sessions.
func sessionsToProto(sessions []domain.Session) []*checkinv1.SessionTimes {
	out := make([]*checkinv1.SessionTimes, len(sessions))
	for i, s := range sessions {
		out[i] = &checkinv1.SessionTimes{StartsAt: timestamppb.New(s.StartsAt), EndsAt: timestamppb.New(s.EndsAt)}
	}
	return out
}

// terminalClock is the terminal's clock reading as it sent the request; zero when it sent none,
// and without a reading nothing is skewed.
func terminalClock(ts *timestamppb.Timestamp) time.Time {
	if ts == nil {
		return time.Time{}
	}
	return ts.AsTime()
}
