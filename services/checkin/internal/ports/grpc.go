// Package ports exposes check-in over gRPC to terminals, and takes in the venue and
// registration events that feed its read model.
package ports

import (
	"context"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/sciweek/sciweek/pkg/auth"
	"github.com/sciweek/sciweek/pkg/errs"
	checkinv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/checkin/v1"
	"github.com/sciweek/sciweek/pkg/rpc"
	"github.com/sciweek/sciweek/services/checkin/internal/app"
	"github.com/sciweek/sciweek/services/checkin/internal/domain"
)

// Policy lets terminals, and only terminals, record.
func Policy() auth.Policy {
	return auth.Policy{Roles: map[string][]auth.Role{
		checkinv1.CheckinService_RecordCheckin_FullMethodName: {auth.RoleTerminal},
	}}
}

// GRPC implements CheckinService.
type GRPC struct {
	checkinv1.UnimplementedCheckinServiceServer
	app *app.Service
}

// NewGRPC returns the gRPC port.
func NewGRPC(a *app.Service) *GRPC { return &GRPC{app: a} }

// RecordCheckin records one scan.
func (g *GRPC) RecordCheckin(ctx context.Context, req *checkinv1.RecordCheckinRequest) (*checkinv1.RecordCheckinResponse, error) {
	p, err := rpc.Principal(ctx)
	if err != nil {
		return nil, err
	}
	venueID, err := rpc.ParseUUID(req.GetVenueId(), "venue_id")
	if err != nil {
		return nil, err
	}
	activityID, err := rpc.ParseUUID(req.GetActivityId(), "activity_id")
	if err != nil {
		return nil, err
	}
	scan := domain.Scan{Sequence: req.GetSequence(), OccurredAt: req.GetOccurredAt().AsTime(), VenueID: venueID, ActivityID: activityID}
	switch k := req.GetKind().(type) {
	case *checkinv1.RecordCheckinRequest_Ticket:
		scan.Kind, scan.TicketKey = domain.KindTicket, k.Ticket.GetPayload()
	case *checkinv1.RecordCheckinRequest_WalkIn:
		scan.Kind, scan.Category, scan.Headcount = domain.KindWalkIn, domain.Category(k.WalkIn.GetCategory()), int(k.WalkIn.GetHeadcount())
	default:
		return nil, errs.E(errs.Invalid, "a check-in is either a ticket or a walk_in")
	}
	res, err := g.app.Record(ctx, p, scan)
	if err != nil {
		return nil, err
	}
	r := res.Record
	out := &checkinv1.RecordCheckinResponse{
		RecordId: r.ID.String(), Outcome: checkinv1.Outcome(r.Outcome), RefusalReason: checkinv1.RefusalReason(r.Refusal),
		RecordedAt: timestamppb.New(r.RecordedAt), Replayed: res.Replayed,
	}
	if !r.FirstAdmittedAt.IsZero() {
		out.FirstCheckedInAt = timestamppb.New(r.FirstAdmittedAt)
	}
	return out, nil
}
