package adapters

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/sciweek/sciweek/pkg/bus"
	"github.com/sciweek/sciweek/pkg/events"
	checkinv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/checkin/v1"
)

// SeenReporter tells the venue registry when terminals call, at most once a minute per
// terminal. It publishes straight to JetStream rather than through the outbox: the fact is
// not written to check-in's database, so there is no dual write to avoid, and a lost report is
// replaced by the next one a minute later.
type SeenReporter struct {
	js    jetstream.JetStream
	log   *slog.Logger
	every time.Duration
	mu    sync.Mutex
	last  map[uuid.UUID]time.Time
}

// NewSeenReporter returns a reporter publishing through js.
func NewSeenReporter(js jetstream.JetStream, log *slog.Logger) *SeenReporter {
	return &SeenReporter{js: js, log: log, every: time.Minute, last: map[uuid.UUID]time.Time{}}
}

// Seen notes a call from terminal id at venue; it publishes when the last report is older than
// a minute. It never blocks the call it is noting.
func (r *SeenReporter) Seen(ctx context.Context, id, venue uuid.UUID, at time.Time) {
	r.mu.Lock()
	if at.Sub(r.last[id]) < r.every {
		r.mu.Unlock()
		return
	}
	r.last[id] = at
	r.mu.Unlock()
	msg := nats.NewMsg(events.TerminalSeen.Subject)
	msg.Data, _ = proto.Marshal(&checkinv1.TerminalSeen{EventId: bus.NewEventID().String(), SeenAt: timestamppb.New(at),
		TerminalId: id.String(), VenueId: venue.String()})
	msg.Header.Set(bus.HeaderType, events.TerminalSeen.Type)
	// Replicas that see the same terminal in the same minute publish the same message id.
	if _, err := r.js.PublishMsgAsync(msg, jetstream.WithMsgID("seen-"+id.String()+"-"+at.Truncate(r.every).Format("200601021504"))); err != nil {
		r.log.WarnContext(ctx, "terminal seen report not published", "terminal", id, "error", err)
	}
}
