package events

import (
	"context"
	"log/slog"

	"github.com/nats-io/nats.go/jetstream"
	"google.golang.org/protobuf/proto"

	"github.com/sciweek/sciweek/pkg/auth"
	"github.com/sciweek/sciweek/pkg/bus"
	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
)

// FollowSessionsEnded fills rev with every AccountSessionsEnded event retained in the stream,
// returns when it holds them all, and keeps it up to date until ctx ends. A part that verifies
// access tokens calls it before it serves, so a token whose session ended is refused there too.
func FollowSessionsEnded(ctx context.Context, js jetstream.JetStream, streams bus.StreamOptions, log *slog.Logger, rev *auth.Revocations) error {
	return bus.Follow(ctx, js, streams, AccountSessionsEnded, log, func(m bus.Message) error {
		var ev registrationv1.AccountSessionsEnded
		if err := proto.Unmarshal(m.Data, &ev); err != nil {
			return ErrUndecodable.Wrap(err, "type", m.Type)
		}
		rev.End(ev.GetUsername(), ev.GetTokenVersion())
		return nil
	})
}
