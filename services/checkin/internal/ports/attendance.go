package ports

import (
	"context"

	"github.com/google/uuid"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/timestamppb"

	checkinv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/checkin/v1"
	"github.com/sciweek/sciweek/pkg/rpc"
	"github.com/sciweek/sciweek/services/checkin/internal/app"
	"github.com/sciweek/sciweek/services/checkin/internal/convert"
)

// pendingPage is the most serialized events in one message of the export (well under gRPC's
// 4 MB default: a check-in event holds at most a thousand records).
const pendingPage = 2 << 20

// Attendance implements AttendanceService.
type Attendance struct {
	checkinv1.UnimplementedAttendanceServiceServer
	app *app.Attendance
}

// NewAttendance returns the gRPC port of the attendance export.
func NewAttendance(a *app.Attendance) *Attendance { return &Attendance{app: a} }

// ExportTally streams the table's counts at a cut of the check-in stream.
func (g *Attendance) ExportTally(req *checkinv1.ExportTallyRequest, stream grpc.ServerStreamingServer[checkinv1.ExportTallyResponse]) error {
	ctx := stream.Context()
	p, err := rpc.Principal(ctx)
	if err != nil {
		return err
	}
	send := func(r *checkinv1.ExportTallyResponse) error { return stream.Send(r) }
	return g.app.ExportTally(ctx, p, req.GetTimeZone(), app.TallyOptions{Tickets: req.GetTickets(), ByDay: req.GetByDay(), Incremental: req.GetIncremental()}, app.TallySink{
		Cut: func(c app.TallyCut) error {
			if err := send(&checkinv1.ExportTallyResponse{Part: &checkinv1.ExportTallyResponse_Cut{Cut: &checkinv1.TallyCut{
				Stream: c.Stream, StreamCreated: timestamppb.New(c.Created), LastSequence: c.LastSeq}}}); err != nil {
				return err
			}
			var page [][]byte
			size := 0
			for i, e := range c.Pending {
				page, size = append(page, e), size+len(e)
				if size >= pendingPage || i == len(c.Pending)-1 {
					if err := send(&checkinv1.ExportTallyResponse{Part: &checkinv1.ExportTallyResponse_Pending{Pending: &checkinv1.PendingEvents{Events: page}}}); err != nil {
						return err
					}
					page, size = nil, 0
				}
			}
			return nil
		},
		Rows: func(rows []app.TallyRow) error {
			out := make([]*checkinv1.TallyRow, len(rows))
			for i, r := range rows {
				out[i] = &checkinv1.TallyRow{EditionId: r.EditionID, CountyCode: r.CountyCode, VenueId: r.VenueID.String(), LocalHour: r.LocalHour,
					Kind: convert.Kind(r.Kind), Outcome: convert.Outcome(r.Outcome), RefusalReason: convert.Refusal(r.Refusal),
					Category: convert.Category(r.Category), Records: r.Records, Headcount: r.Headcount, Adults: r.Adults}
				if r.ActivityID != uuid.Nil {
					out[i].ActivityId = r.ActivityID.String()
				}
				if r.OverCapacityDoor != uuid.Nil {
					out[i].OverCapacityTerminalId = r.OverCapacityDoor.String()
				}
			}
			return send(&checkinv1.ExportTallyResponse{Part: &checkinv1.ExportTallyResponse_Rows{Rows: &checkinv1.TallyRows{Rows: out}}})
		},
		Tickets: func(edition, county string, ids []uuid.UUID) error {
			b := make([]byte, 0, 16*len(ids))
			for _, id := range ids {
				b = append(b, id[:]...)
			}
			return send(&checkinv1.ExportTallyResponse{Part: &checkinv1.ExportTallyResponse_Tickets{Tickets: &checkinv1.AdmittedTickets{
				EditionId: edition, CountyCode: county, TicketIds: b}}})
		},
	})
}

// CountAnomalies counts the table's flagged records by door, activity and kind.
func (g *Attendance) CountAnomalies(ctx context.Context, req *checkinv1.CountAnomaliesRequest) (*checkinv1.CountAnomaliesResponse, error) {
	p, err := rpc.Principal(ctx)
	if err != nil {
		return nil, err
	}
	q := app.AnomalyQuery{EditionID: req.GetEditionId(), CountyCode: req.GetCountyCode(), Day: req.GetDay()}
	if q.VenueID, err = rpc.ParseOptionalUUID(req.GetVenueId(), "venue_id"); err != nil {
		return nil, err
	}
	tallies, err := g.app.CountAnomalies(ctx, p, q, req.GetTimeZone())
	if err != nil {
		return nil, err
	}
	out := &checkinv1.CountAnomaliesResponse{Tallies: make([]*checkinv1.AnomalyTally, len(tallies))}
	for i, t := range tallies {
		out.Tallies[i] = &checkinv1.AnomalyTally{CountyCode: t.CountyCode, VenueId: t.VenueID.String(), TerminalId: t.TerminalID.String(),
			TerminalName: t.TerminalName, Kind: convert.Anomaly(t.Kind), Records: t.Records, LastAt: timestamppb.New(t.LastAt)}
		if t.ActivityID != uuid.Nil {
			out.Tallies[i].ActivityId = t.ActivityID.String()
		}
	}
	return out, nil
}

// CountDoors counts a venue's records by door, activity and local day.
func (g *Attendance) CountDoors(ctx context.Context, req *checkinv1.CountDoorsRequest) (*checkinv1.CountDoorsResponse, error) {
	p, err := rpc.Principal(ctx)
	if err != nil {
		return nil, err
	}
	venue, err := rpc.ParseUUID(req.GetVenueId(), "venue_id")
	if err != nil {
		return nil, err
	}
	tallies, err := g.app.CountDoors(ctx, p, req.GetEditionId(), venue, req.GetTimeZone())
	if err != nil {
		return nil, err
	}
	out := &checkinv1.CountDoorsResponse{Tallies: make([]*checkinv1.DoorTally, len(tallies))}
	for i, t := range tallies {
		out.Tallies[i] = &checkinv1.DoorTally{TerminalId: t.TerminalID.String(), TerminalName: t.TerminalName, Day: t.Day,
			Participations: t.Participations, Refused: t.Refused}
		if t.ActivityID != uuid.Nil {
			out.Tallies[i].ActivityId = t.ActivityID.String()
		}
	}
	return out, nil
}
