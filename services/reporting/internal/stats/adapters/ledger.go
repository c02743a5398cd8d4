package adapters

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/google/uuid"
	"github.com/nats-io/nats.go/jetstream"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"

	"github.com/sciweek/sciweek/pkg/auth"
	"github.com/sciweek/sciweek/pkg/bus"
	"github.com/sciweek/sciweek/pkg/events"
	checkinv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/checkin/v1"
	"github.com/sciweek/sciweek/pkg/rpc"
	"github.com/sciweek/sciweek/services/reporting/internal/stats/app"
	"github.com/sciweek/sciweek/services/reporting/internal/stats/convert"
	"github.com/sciweek/sciweek/services/reporting/internal/stats/domain"
)

// Ledger reads check-in's system of record through its AttendanceService, with the
// deployment's service credential. It implements app.Ledger.
type Ledger struct {
	client checkinv1.AttendanceServiceClient
	cred   rpc.BearerCredential
}

// NewLedger returns the reader over a connection to check-in.
func NewLedger(conn grpc.ClientConnInterface, serviceKey string) (*Ledger, error) {
	if conn == nil || serviceKey == "" {
		return nil, errors.New("reporting adapters: check-in's ledger needs a connection and the service key")
	}
	return &Ledger{client: checkinv1.NewAttendanceServiceClient(conn), cred: rpc.BearerCredential(auth.ServiceCredential(serviceKey))}, nil
}

// Export streams check-in's counts into sink.
func (l *Ledger) Export(ctx context.Context, loc *time.Location, read app.LedgerRead, sink app.LedgerSink) error {
	stream, err := l.client.ExportTally(ctx, &checkinv1.ExportTallyRequest{TimeZone: loc.String(), Tickets: read.Tickets, ByDay: read.ByDay,
		Incremental: read.Incremental},
		grpc.PerRPCCredentials(l.cred), grpc.MaxCallRecvMsgSize(16<<20))
	if err != nil {
		return rpc.FromStatus(err, "export check-in's tally")
	}
	for {
		resp, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return rpc.FromStatus(err, "export check-in's tally")
		}
		switch part := resp.GetPart().(type) {
		case *checkinv1.ExportTallyResponse_Cut:
			err = sink.Cut(domain.LedgerCut{Created: part.Cut.GetStreamCreated().AsTime(), LastSeq: part.Cut.GetLastSequence()})
		case *checkinv1.ExportTallyResponse_Pending:
			for _, b := range part.Pending.GetEvents() {
				var ev checkinv1.CheckinsRecorded
				if err := proto.Unmarshal(b, &ev); err != nil {
					return fmt.Errorf("decode a pending check-in event: %w", err)
				}
				id, _ := uuid.Parse(ev.GetEventId())
				recs, err := convert.RecordsFromEvent(&ev)
				if err != nil {
					return fmt.Errorf("decode a pending check-in event: %w", err)
				}
				if err := sink.Pending(id, recs); err != nil {
					return err
				}
			}
		case *checkinv1.ExportTallyResponse_Rows:
			rows := make([]domain.LedgerRow, 0, len(part.Rows.GetRows()))
			for _, r := range part.Rows.GetRows() {
				row, err := ledgerRow(r, loc)
				if err != nil {
					return err
				}
				rows = append(rows, row)
			}
			err = sink.Rows(rows)
		case *checkinv1.ExportTallyResponse_Tickets:
			b := part.Tickets.GetTicketIds()
			ids := make([]uuid.UUID, len(b)/16)
			for i := range ids {
				copy(ids[i][:], b[16*i:])
			}
			err = sink.Tickets(part.Tickets.GetEditionId(), part.Tickets.GetCountyCode(), ids)
		}
		if err != nil {
			return err
		}
	}
}

func ledgerRow(r *checkinv1.TallyRow, loc *time.Location) (domain.LedgerRow, error) {
	hour, err := time.ParseInLocation("2006-01-02T15", r.GetLocalHour(), loc)
	if err != nil {
		return domain.LedgerRow{}, fmt.Errorf("check-in's tally: hour %q: %w", r.GetLocalHour(), err)
	}
	venue, err := uuid.Parse(r.GetVenueId())
	if err != nil {
		return domain.LedgerRow{}, fmt.Errorf("check-in's tally: venue: %w", err)
	}
	row := domain.LedgerRow{EditionID: r.GetEditionId(), CountyCode: r.GetCountyCode(), VenueID: venue, Hour: hour,
		Kind: convert.KindFromProto(r.GetKind()), Category: convert.CategoryFromProto(r.GetCategory()),
		Records: r.GetRecords(), Headcount: r.GetHeadcount(), Adults: r.GetAdults()}
	if r.GetOutcome() == checkinv1.Outcome_OUTCOME_REFUSED {
		row.Refused, row.Refusal = true, convert.RefusalFromProto(r.GetRefusalReason())
	}
	if r.GetActivityId() != "" {
		row.ActivityID, _ = uuid.Parse(r.GetActivityId())
	}
	if r.GetOverCapacityTerminalId() != "" {
		row.OverCapacityDoor, _ = uuid.Parse(r.GetOverCapacityTerminalId())
	}
	return row, nil
}

// CheckinStream reads check-in events from the stream by position, for the audit. It
// implements app.StreamRecords.
type CheckinStream struct{ js jetstream.JetStream }

// NewCheckinStream returns the reader.
func NewCheckinStream(js jetstream.JetStream) *CheckinStream { return &CheckinStream{js: js} }

// Each hands the check-in events after one position up to another to fn, in order, each id
// once.
func (s *CheckinStream) Each(ctx context.Context, after, upTo uint64, fn func(uuid.UUID, []domain.CheckinRecord)) error {
	if upTo <= after {
		return nil
	}
	cons, err := s.js.OrderedConsumer(ctx, bus.StreamCheckin, jetstream.OrderedConsumerConfig{
		FilterSubjects: []string{events.CheckinsRecorded.Filter()}, DeliverPolicy: jetstream.DeliverByStartSequencePolicy, OptStartSeq: after + 1})
	if err != nil {
		return fmt.Errorf("read the check-in stream: %w", err)
	}
	seen := map[uuid.UUID]bool{}
	for {
		batch, err := cons.Fetch(500, jetstream.FetchMaxWait(time.Second))
		if err != nil {
			return fmt.Errorf("read the check-in stream: %w", err)
		}
		got := 0
		for m := range batch.Messages() {
			got++
			md, err := m.Metadata()
			if err != nil {
				return err
			}
			if md.Sequence.Stream > upTo {
				return nil
			}
			var ev checkinv1.CheckinsRecorded
			if err := proto.Unmarshal(m.Data(), &ev); err != nil {
				continue // the projection skips it too
			}
			id, _ := uuid.Parse(ev.GetEventId())
			recs, err := convert.RecordsFromEvent(&ev)
			if err != nil {
				continue
			}
			if !seen[id] {
				seen[id] = true
				fn(id, recs)
			}
			if md.Sequence.Stream == upTo {
				return nil
			}
		}
		if err := batch.Error(); err != nil && !errors.Is(err, jetstream.ErrNoMessages) {
			return fmt.Errorf("read the check-in stream: %w", err)
		}
		if got == 0 {
			return nil // nothing more of these kinds up to upTo
		}
	}
}

// CountAnomalies reads the flagged records' counts from check-in. It implements
// app.AnomalyCounter.
func (l *Ledger) CountAnomalies(ctx context.Context, q domain.AnomalyQuery, timeZone string) ([]domain.AnomalyTally, error) {
	req := &checkinv1.CountAnomaliesRequest{EditionId: q.EditionID, CountyCode: q.CountyCode, Day: q.Day, TimeZone: timeZone}
	if q.VenueID != uuid.Nil {
		req.VenueId = q.VenueID.String()
	}
	resp, err := l.client.CountAnomalies(ctx, req, grpc.PerRPCCredentials(l.cred), grpc.MaxCallRecvMsgSize(16<<20))
	if err != nil {
		return nil, rpc.FromStatus(err, "count check-in's anomalies")
	}
	out := make([]domain.AnomalyTally, 0, len(resp.GetTallies()))
	for _, t := range resp.GetTallies() {
		venue, err1 := uuid.Parse(t.GetVenueId())
		door, err2 := uuid.Parse(t.GetTerminalId())
		if err := errors.Join(err1, err2); err != nil {
			return nil, fmt.Errorf("check-in's anomalies: %w", err)
		}
		activity, _ := uuid.Parse(t.GetActivityId()) // empty for checkouts: Nil
		out = append(out, domain.AnomalyTally{CountyCode: t.GetCountyCode(), VenueID: venue, TerminalID: door, TerminalName: t.GetTerminalName(),
			ActivityID: activity, Kind: convert.AnomalyFromProto(t.GetKind()), Records: t.GetRecords(), LastAt: t.GetLastAt().AsTime()})
	}
	return out, nil
}

// CountDoors reads a venue's counts by door, activity and day from check-in. It implements
// app.AnomalyCounter.
func (l *Ledger) CountDoors(ctx context.Context, edition string, venue uuid.UUID, timeZone string) ([]domain.DoorTally, error) {
	resp, err := l.client.CountDoors(ctx, &checkinv1.CountDoorsRequest{EditionId: edition, VenueId: venue.String(), TimeZone: timeZone},
		grpc.PerRPCCredentials(l.cred), grpc.MaxCallRecvMsgSize(16<<20))
	if err != nil {
		return nil, rpc.FromStatus(err, "count check-in's doors")
	}
	out := make([]domain.DoorTally, 0, len(resp.GetTallies()))
	for _, t := range resp.GetTallies() {
		door, err := uuid.Parse(t.GetTerminalId())
		if err != nil {
			return nil, fmt.Errorf("check-in's doors: %w", err)
		}
		activity, _ := uuid.Parse(t.GetActivityId()) // empty for checkouts: Nil
		out = append(out, domain.DoorTally{TerminalID: door, TerminalName: t.GetTerminalName(), ActivityID: activity, Day: t.GetDay(),
			Participations: t.GetParticipations(), Refused: t.GetRefused()})
	}
	return out, nil
}
