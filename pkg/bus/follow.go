package bus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Follow keeps an in-memory table up to date from one kind of event: it reads every retained
// event of the kind from the start of its stream, returns once they are all applied (so a
// service that follows before it serves never answers from a half-loaded table), and keeps
// applying new ones in the background until ctx ends. Unlike a Projection it keeps no
// checkpoint: the table lives only in memory and is rebuilt at every start. It suits small
// tables every replica needs, such as the sessions that ended. apply must be idempotent and
// order-tolerant where it can; an error from it is logged and the event skipped.
func Follow(ctx context.Context, js jetstream.JetStream, streams StreamOptions, kind Kind, log *slog.Logger, apply func(Message) error) error {
	if err := EnsureStreams(ctx, js, streams, kind.Stream); err != nil {
		return err
	}
	cons, err := js.OrderedConsumer(ctx, kind.Stream, jetstream.OrderedConsumerConfig{
		FilterSubjects: []string{kind.Subject},
		DeliverPolicy:  jetstream.DeliverAllPolicy,
	})
	if err != nil {
		return fmt.Errorf("bus: follow %s: %w", kind.Subject, err)
	}
	info, err := cons.Info(ctx)
	if err != nil {
		return fmt.Errorf("bus: follow %s: %w", kind.Subject, err)
	}
	it, err := cons.Messages()
	if err != nil {
		return fmt.Errorf("bus: follow %s: %w", kind.Subject, err)
	}
	handle := func(m jetstream.Msg) (pending uint64) {
		meta, err := m.Metadata()
		if err != nil {
			log.WarnContext(ctx, "followed event without metadata", "subject", kind.Subject, "error", err)
			return 1
		}
		msg := Message{Subject: m.Subject(), Type: m.Headers().Get(HeaderType), Data: m.Data(), Sequence: meta.Sequence.Stream, Header: m.Headers()}
		if msg.Type == kind.Type || msg.Type == "" {
			if err := apply(msg); err != nil {
				log.WarnContext(ctx, "followed event not applied", "subject", kind.Subject, "sequence", meta.Sequence.Stream, "error", err)
			}
		}
		return meta.NumPending
	}
	for pending := info.NumPending; pending > 0; {
		m, err := it.Next()
		if err != nil {
			it.Stop()
			return fmt.Errorf("bus: follow %s: %w", kind.Subject, err)
		}
		pending = handle(m)
	}
	go func() {
		<-ctx.Done()
		it.Stop()
	}()
	go func() {
		for {
			m, err := it.Next()
			if errors.Is(err, jetstream.ErrMsgIteratorClosed) || ctx.Err() != nil {
				return
			}
			if err != nil {
				log.WarnContext(ctx, "following events", "subject", kind.Subject, "error", err)
				select {
				case <-ctx.Done():
					return
				case <-time.After(time.Second):
				}
				continue
			}
			handle(m)
		}
	}()
	return nil
}
