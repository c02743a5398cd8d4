package ports

import (
	"context"

	"google.golang.org/protobuf/proto"

	"github.com/sciweek/sciweek/pkg/bus"
	"github.com/sciweek/sciweek/pkg/events"
	checkinv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/checkin/v1"
	"github.com/sciweek/sciweek/pkg/rpc"
	"github.com/sciweek/sciweek/services/venue/internal/app"
)

// TerminalsSeen records when each terminal last called check-in, for the console's list.
func TerminalsSeen(uc *app.Service) bus.Projection {
	return bus.Projection{
		Name: "venue.terminals-seen", Stream: bus.StreamCheckin,
		Routes: []bus.Route{{Kind: events.TerminalSeen, Apply: func(ctx context.Context, m bus.Message) error {
			var ev checkinv1.TerminalSeen
			if err := proto.Unmarshal(m.Data, &ev); err != nil {
				return events.ErrUndecodable.Wrap(err, "type", "TerminalSeen")
			}
			id, err := rpc.ParseUUID(ev.GetTerminalId(), "terminal id")
			if err != nil {
				return err
			}
			return uc.TerminalSeen(ctx, id, ev.GetSeenAt().AsTime())
		}}},
	}
}
