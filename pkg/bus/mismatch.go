package bus

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/nats-io/nats.go/jetstream"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// Mismatch is a projection's checkpoint that no longer fits its stream: the stream was deleted
// and made again (its store lost, a new cluster), lost its tail, or dropped messages the
// projection had not applied yet. Applying on from the checkpoint would skip events without a
// word, so the runner stops applying and calls the projection's Reconcile.
type Mismatch struct {
	// Projection and Stream name the projection and the stream it reads.
	Projection, Stream string
	// Reason says which rule the checkpoint broke, in words for the log.
	Reason string
	// Checkpoint is the last sequence the projection applied; CheckpointCreated is the creation
	// time of the stream it was applied from (zero when it was stored before the time was).
	Checkpoint        uint64
	CheckpointCreated time.Time
	// Created, FirstSeq and LastSeq describe the stream as it is now.
	Created           time.Time
	FirstSeq, LastSeq uint64
}

// Reconciler brings a projection's tables back in line after a Mismatch, from the system of
// record rather than the stream. It runs while the runner holds the projection's lock, and must
// end by storing, in the same transaction as its repairs, a checkpoint in the stream as it is
// now (SetCheckpoint with m.Created): the runner goes on from there.
type Reconciler func(ctx context.Context, m Mismatch) error

// StreamPosition is where a stream is now: which incarnation (its creation time) and its last
// sequence.
type StreamPosition struct {
	Stream  string
	Created time.Time
	LastSeq uint64
}

// Position reads a stream's creation time and last sequence.
func Position(ctx context.Context, js jetstream.JetStream, stream string) (StreamPosition, error) {
	st, err := js.Stream(ctx, stream)
	if err != nil {
		return StreamPosition{}, fmt.Errorf("bus: read stream %s: %w", stream, err)
	}
	info, err := st.Info(ctx)
	if err != nil {
		return StreamPosition{}, fmt.Errorf("bus: read stream %s: %w", stream, err)
	}
	return StreamPosition{Stream: stream, Created: info.Created, LastSeq: info.State.LastSeq}, nil
}

// SetCheckpoint stores a projection's checkpoint, inside tx: the position in the stream
// incarnation created at created (a reconciler's last step).
func SetCheckpoint(ctx context.Context, tx pgx.Tx, projection, stream string, seq uint64, created time.Time) error {
	_, err := tx.Exec(ctx, `INSERT INTO projection_checkpoints (name, stream, last_sequence, stream_created, updated_at) VALUES ($1, $2, $3, $4, now())
		ON CONFLICT (name) DO UPDATE SET stream = EXCLUDED.stream, last_sequence = EXCLUDED.last_sequence,
			stream_created = EXCLUDED.stream_created, updated_at = now()`, projection, stream, int64(seq), sameInstant(created))
	return err
}

// checkpoint is a projection's stored position.
type checkpoint struct {
	seq     uint64
	created time.Time // zero when unknown
	stored  bool
}

// readCheckpoint returns the projection's stored position (seq 0 and not stored before the
// first).
func (r *ProjectionRunner) readCheckpoint(ctx context.Context, name string) (checkpoint, error) {
	var seq int64
	var created *time.Time
	err := r.pool.QueryRow(ctx, `SELECT last_sequence, stream_created FROM projection_checkpoints WHERE name = $1`, name).Scan(&seq, &created)
	if errors.Is(err, pgx.ErrNoRows) {
		return checkpoint{}, nil
	}
	if err != nil {
		return checkpoint{}, fmt.Errorf("read checkpoint: %w", err)
	}
	cp := checkpoint{seq: uint64(seq), stored: true}
	if created != nil {
		cp.created = *created
	}
	return cp, nil
}

// sameInstant drops what PostgreSQL does not keep (it stores microseconds, JetStream gives
// nanoseconds), so a stored creation time compares equal to the one read again.
func sameInstant(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// mismatchOf compares a checkpoint with its stream's state; nil means they fit.
func mismatchOf(p Projection, cp checkpoint, info *jetstream.StreamInfo) *Mismatch {
	m := &Mismatch{Projection: p.Name, Stream: p.Stream, Checkpoint: cp.seq, CheckpointCreated: cp.created,
		Created: info.Created, FirstSeq: info.State.FirstSeq, LastSeq: info.State.LastSeq}
	switch {
	case !cp.created.IsZero() && !cp.created.Equal(sameInstant(info.Created)):
		m.Reason = "the stream was created again since the checkpoint"
	case cp.seq > info.State.LastSeq:
		m.Reason = "the checkpoint is past the stream's last message (its tail was lost)"
	case info.State.FirstSeq > cp.seq+1:
		m.Reason = "the stream no longer holds messages after the checkpoint (lost or aged out)"
	default:
		return nil
	}
	return m
}

// errMismatch stops a runner whose stream no longer fits its checkpoint: the next start
// reconciles.
var errMismatch = errors.New("bus: the projection's checkpoint no longer fits its stream")

// verify compares the stored checkpoint with the stream before the runner applies anything;
// on a mismatch it reconciles once and reads the checkpoint again. A checkpoint stored before
// streams had an identity adopts the stream it fits.
func (r *ProjectionRunner) verify(ctx context.Context, p Projection, stream jetstream.Stream) (checkpoint, error) {
	for attempt := 0; ; attempt++ {
		cp, err := r.readCheckpoint(ctx, p.Name)
		if err != nil {
			return cp, err
		}
		info, err := stream.Info(ctx)
		if err != nil {
			return cp, fmt.Errorf("read stream %s: %w", p.Stream, err)
		}
		m := mismatchOf(p, cp, info)
		if m == nil {
			if cp.created.IsZero() {
				cp.created = sameInstant(info.Created)
				if _, err := r.pool.Exec(ctx, `INSERT INTO projection_checkpoints (name, stream, last_sequence, stream_created, updated_at) VALUES ($1, $2, $3, $4, now())
					ON CONFLICT (name) DO UPDATE SET stream_created = EXCLUDED.stream_created
					WHERE projection_checkpoints.last_sequence = EXCLUDED.last_sequence AND projection_checkpoints.stream_created IS NULL`,
					p.Name, p.Stream, int64(cp.seq), cp.created); err != nil {
					return cp, fmt.Errorf("record the stream's identity: %w", err)
				}
			}
			return cp, nil
		}
		if attempt > 0 {
			return cp, fmt.Errorf("%w even after reconciling: %s (checkpoint %d, stream %d..%d)", errMismatch, m.Reason, m.Checkpoint, m.FirstSeq, m.LastSeq)
		}
		if err := r.reconcile(ctx, p, *m); err != nil {
			return cp, fmt.Errorf("reconcile %s: %w", p.Name, err)
		}
	}
}

// reconcile reports a mismatch loudly (ERROR log, metric) and calls the projection's
// reconciler, or replays what the stream holds when it has none.
func (r *ProjectionRunner) reconcile(ctx context.Context, p Projection, m Mismatch) error {
	r.log.ErrorContext(ctx, "projection stopped applying: its checkpoint does not fit the stream; reconciling from the system of record",
		"projection", m.Projection, "stream", m.Stream, "reason", m.Reason, "checkpoint", m.Checkpoint,
		"checkpoint_stream_created", m.CheckpointCreated, "stream_created", m.Created, "first_seq", m.FirstSeq, "last_seq", m.LastSeq)
	r.mismatches.Add(ctx, 1, metric.WithAttributes(r.tel.ServiceAttr(), attribute.String("projection", m.Projection), attribute.String("stream", m.Stream)))
	if p.Reconcile != nil {
		return p.Reconcile(ctx, m)
	}
	from := uint64(0)
	if m.FirstSeq > 0 {
		from = m.FirstSeq - 1
	}
	tx, err := r.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // rollback after commit is a no-op
	if err := SetCheckpoint(ctx, tx, p.Name, p.Stream, from, m.Created); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return err
	}
	r.log.WarnContext(ctx, "projection replays what its stream still holds; events the stream lost are not applied",
		"projection", m.Projection, "from_seq", from+1, "last_seq", m.LastSeq)
	return nil
}

// check runs every second between batches: it stops the runner when the checkpoint moved
// under it (a rebuild) or the stream no longer fits it. An idle runner whose consumer has
// nothing pending moves its checkpoint towards the stream's end (the messages in between are
// not its kinds), so a stream that ages out old messages is not mistaken for one that lost some.
//
// It moves only as far as the stream's end at the previous check (*seen), never to a message
// stored since: the server stores a message before it tells the consumers, so for a moment the
// stream's last sequence includes a message of this projection's kinds that the consumer
// reports neither pending nor delivered. Moving past it then skipped it for good (the demo's
// history once waited for an approval check-in never applied). A second later the consumer
// has been told. It reports whether it moved the checkpoint.
func (r *ProjectionRunner) check(ctx context.Context, p Projection, stream jetstream.Stream, cons jetstream.Consumer, idle bool, last, seen *uint64, created time.Time) (bool, error) {
	cp, err := r.readCheckpoint(ctx, p.Name)
	if err != nil {
		return false, err
	}
	if cp.seq != *last {
		return false, fmt.Errorf("checkpoint of %s moved from %d to %d: starting again from it", p.Name, *last, cp.seq)
	}
	info, err := stream.Info(ctx)
	if err != nil {
		return false, fmt.Errorf("read stream %s: %w", p.Stream, err)
	}
	if cp.created.IsZero() {
		cp.created = sameInstant(created)
	}
	if m := mismatchOf(p, cp, info); m != nil {
		return false, fmt.Errorf("%w: %s (checkpoint %d, stream %d..%d)", errMismatch, m.Reason, m.Checkpoint, m.FirstSeq, m.LastSeq)
	}
	end := min(info.State.LastSeq, *seen)
	*seen = info.State.LastSeq
	if !idle || end <= *last {
		return false, nil
	}
	ci, err := cons.Info(ctx)
	if err != nil || ci.NumPending > 0 || ci.Delivered.Stream > *last {
		return false, nil //nolint:nilerr // an ordered consumer being recreated answers later; nothing to move now
	}
	tag, err := r.pool.Exec(ctx, `UPDATE projection_checkpoints SET last_sequence = $2, updated_at = now()
		WHERE name = $1 AND last_sequence = $3`, p.Name, int64(end), int64(*last))
	if err != nil {
		return false, err
	}
	if tag.RowsAffected() == 1 {
		*last = end
		return true, nil
	}
	return false, nil
}
