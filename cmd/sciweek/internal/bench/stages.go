package bench

import (
	"context"
	_ "embed"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"golang.org/x/sync/errgroup"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/sciweek/sciweek/pkg/bus"
	"github.com/sciweek/sciweek/pkg/events"
	checkinv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/checkin/v1"
)

//go:embed stage.sql
var stageTable string

// stageSchema is the benchmark's own schema: no service's.
const stageSchema = "bench_stage"

// storeStage measures what PostgreSQL alone takes of rows shaped like check-in's: two writers,
// each committing 2,000-row transactions with one INSERT … SELECT FROM unnest(…) ON CONFLICT DO
// NOTHING RETURNING, as a group commit does, into a table of the same columns, keys and indexes
// in a schema of the benchmark's own, dropped afterwards. Rows per second.
func (e *env) storeStage(ctx context.Context, d time.Duration) (float64, error) {
	const writers, batch = 2, 2000
	e.say("stage: PostgreSQL insert of rows shaped like check-in's, alone (%s)", d)
	pc, err := pgxpool.ParseConfig(e.st.DatabaseURL)
	if err != nil {
		return 0, err
	}
	pc.MaxConns = writers + 1
	pc.ConnConfig.RuntimeParams["search_path"] = stageSchema
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return 0, err
	}
	defer pool.Close()
	schema := pgx.Identifier{stageSchema}.Sanitize()
	if _, err := pool.Exec(ctx, `DROP SCHEMA IF EXISTS `+schema+` CASCADE; CREATE SCHEMA `+schema); err != nil {
		return 0, err
	}
	defer func() { _, _ = pool.Exec(context.WithoutCancel(ctx), `DROP SCHEMA `+schema+` CASCADE`) }()
	if _, err := pool.Exec(ctx, stageTable); err != nil {
		return 0, err
	}
	venue, activity := uuid.New(), uuid.New()
	var rows atomic.Int64
	deadline := time.Now().Add(d)
	start := time.Now()
	g, gctx := errgroup.WithContext(ctx)
	for w := range writers {
		g.Go(func() error {
			terminal := uuid.New()
			var seq int64
			for time.Now().Before(deadline) && gctx.Err() == nil {
				var c stageColumns
				now := time.Now().UTC()
				for i := range batch {
					seq++
					c.add(terminal, seq, venue, activity, int16(1+(i+w)%4), now)
				}
				if err := c.insert(gctx, pool); err != nil {
					return fmt.Errorf("store stage: %w", err)
				}
				rows.Add(batch)
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return 0, err
	}
	rate := float64(rows.Load()) / time.Since(start).Seconds()
	e.say("  %.0f rows/s", rate)
	return rate, nil
}

// stageColumns are a batch of walk-in rows, column by column: every column check-in's group
// commit sends, so the statement costs what the service's does.
type stageColumns struct {
	ids, terminals, venues, activities, tickets []uuid.UUID
	seqs                                        []int64
	editions, counties, groups                  []string
	kinds, categories, outcomes, refusals, anom []int16
	heads, adults                               []int32
	payloads                                    [][]byte
	first, occurred, recorded                   []*time.Time
}

func (c *stageColumns) add(terminal uuid.UUID, seq int64, venue, activity uuid.UUID, category int16, at time.Time) {
	c.ids, c.terminals, c.venues, c.activities = append(c.ids, uuid.New()), append(c.terminals, terminal), append(c.venues, venue), append(c.activities, activity)
	c.tickets, c.seqs = append(c.tickets, uuid.Nil), append(c.seqs, seq)
	c.editions, c.counties, c.groups = append(c.editions, "stage"), append(c.counties, "140105"), append(c.groups, "")
	c.kinds, c.categories, c.outcomes, c.refusals, c.anom = append(c.kinds, 2), append(c.categories, category), append(c.outcomes, 1), append(c.refusals, 0), append(c.anom, 0)
	c.heads, c.adults, c.payloads = append(c.heads, 1), append(c.adults, 0), append(c.payloads, nil)
	c.first, c.occurred, c.recorded = append(c.first, nil), append(c.occurred, &at), append(c.recorded, &at)
}

// insert commits the batch in one transaction and reads back what it wrote, as check-in's group
// commit does.
func (c *stageColumns) insert(ctx context.Context, pool *pgxpool.Pool) error {
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `INSERT INTO records (id, terminal_id, terminal_sequence, edition_id, county_code, venue_id, activity_id,
				kind, category, headcount, adults, group_name, ticket_id, payload_sha, outcome, refusal, first_admitted_at, anomalies,
				occurred_at, recorded_at)
			SELECT id, terminal_id, seq, edition_id, county_code, venue_id, activity_id, kind, category, headcount, adults, group_name,
				NULLIF(ticket_id, '00000000-0000-0000-0000-000000000000'::uuid), payload_sha, outcome, refusal, first_admitted_at, anomalies,
				occurred_at, recorded_at
			FROM unnest($1::uuid[], $2::uuid[], $3::bigint[], $4::text[], $5::text[], $6::uuid[], $7::uuid[], $8::smallint[],
				$9::smallint[], $10::int[], $11::int[], $12::text[], $13::uuid[], $14::bytea[], $15::smallint[], $16::smallint[],
				$17::timestamptz[], $18::smallint[], $19::timestamptz[], $20::timestamptz[])
				AS t(id, terminal_id, seq, edition_id, county_code, venue_id, activity_id, kind, category, headcount, adults, group_name,
				ticket_id, payload_sha, outcome, refusal, first_admitted_at, anomalies, occurred_at, recorded_at)
			ON CONFLICT DO NOTHING RETURNING terminal_id, terminal_sequence`,
			c.ids, c.terminals, c.seqs, c.editions, c.counties, c.venues, c.activities, c.kinds, c.categories, c.heads, c.adults, c.groups,
			c.tickets, c.payloads, c.outcomes, c.refusals, c.first, c.anom, c.occurred, c.recorded)
		n := 0
		for rows.Next() {
			n++
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if n != len(c.ids) {
			return fmt.Errorf("wrote %d of %d rows", n, len(c.ids))
		}
		return nil
	})
}

// publishStage reads how many records the pipeline's events carried on average, then measures
// JetStream alone publishing events of that size to a scratch stream the way the outbox relay
// does (asynchronously, with message ids for deduplication, acknowledgements awaited per batch
// of 500). It returns records per event and events per second.
func (e *env) publishStage(ctx context.Context, d time.Duration) (perEvent, eventsPerSecond float64, err error) {
	nc, err := nats.Connect(e.st.NATSURL)
	if err != nil {
		return 0, 0, err
	}
	defer nc.Close()
	if perEvent, err = recordsPerEvent(ctx, nc); err != nil {
		return 0, 0, err
	}
	e.say("stage: JetStream publish alone, events of %.0f records (%s)", perEvent, d)
	js, err := jetstream.New(nc, jetstream.WithPublishAsyncMaxPending(1000))
	if err != nil {
		return 0, 0, err
	}
	const stream = "SCIWEEK_BENCH_STAGE"
	if _, err := js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{Name: stream, Subjects: []string{"sciweek.bench.>"},
		Storage: jetstream.FileStorage, Duplicates: 2 * time.Minute}); err != nil {
		return 0, 0, err
	}
	defer js.DeleteStream(context.WithoutCancel(ctx), stream) //nolint:errcheck // scratch
	ev := &checkinv1.CheckinsRecorded{CountyCode: "140105"}
	now := timestamppb.Now()
	for i := range max(int(perEvent+0.5), 1) {
		ev.Records = append(ev.Records, &checkinv1.RecordedCheckin{RecordId: uuid.NewString(), EditionId: "stage", VenueId: uuid.NewString(),
			ActivityId: uuid.NewString(), TerminalId: uuid.NewString(), TerminalSequence: uint64(i + 1), Kind: checkinv1.CheckinKind_CHECKIN_KIND_WALK_IN,
			Category: checkinv1.ParticipantCategory_PARTICIPANT_CATEGORY_ADULT, Headcount: 1, Outcome: checkinv1.Outcome_OUTCOME_ADMITTED,
			OccurredAt: now, RecordedAt: now})
	}
	var published int
	start := time.Now()
	for time.Since(start) < d && ctx.Err() == nil {
		futures := make([]jetstream.PubAckFuture, 0, 500)
		for range 500 {
			id := uuid.NewString()
			ev.EventId = id
			data, err := proto.Marshal(ev)
			if err != nil {
				return 0, 0, err
			}
			msg := nats.NewMsg("sciweek.bench.records.140105")
			msg.Data = data
			msg.Header.Set(bus.HeaderType, events.CheckinsRecorded.Type)
			f, err := js.PublishMsgAsync(msg, jetstream.WithMsgID(id))
			if err != nil {
				return 0, 0, err
			}
			futures = append(futures, f)
		}
		for _, f := range futures {
			select {
			case <-f.Ok():
			case err := <-f.Err():
				return 0, 0, err
			}
		}
		published += len(futures)
	}
	eventsPerSecond = float64(published) / time.Since(start).Seconds()
	e.say("  %.0f events/s = %.0f records/s", eventsPerSecond, eventsPerSecond*perEvent)
	return perEvent, eventsPerSecond, nil
}

// recordsPerEvent reads how many records the check-in events carried on average, from the
// stream's first 2,000, as any consumer may.
func recordsPerEvent(ctx context.Context, nc *nats.Conn) (float64, error) {
	js, err := jetstream.New(nc)
	if err != nil {
		return 0, err
	}
	cons, err := js.OrderedConsumer(ctx, bus.StreamCheckin, jetstream.OrderedConsumerConfig{FilterSubjects: []string{events.CheckinsRecorded.Filter()}})
	if err != nil {
		return 0, err
	}
	var n, records int
	for n < 2000 {
		batch, err := cons.Fetch(500, jetstream.FetchMaxWait(time.Second))
		if err != nil {
			return 0, err
		}
		got := 0
		for m := range batch.Messages() {
			var ev checkinv1.CheckinsRecorded
			if err := proto.Unmarshal(m.Data(), &ev); err != nil {
				return 0, err
			}
			n, records, got = n+1, records+len(ev.GetRecords()), got+1
		}
		if got == 0 {
			break
		}
	}
	if n == 0 {
		return 0, fmt.Errorf("no check-in events in the stream")
	}
	return float64(records) / float64(n), nil
}

// unaryStage returns how many bare unary calls (gRPC health checks: no authentication, no
// storage) the check-in process answers a second with 64 callers in flight: the ceiling a
// one-record-a-call door can approach.
func (e *env) unaryStage(ctx context.Context, d time.Duration) (float64, error) {
	const callers = 64
	e.say("stage: bare gRPC unary calls to check-in (health check), %d callers (%s)", callers, d)
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var calls atomic.Int64
	var once sync.Once
	var failed error
	var wg sync.WaitGroup
	start := time.Now()
	for i := range callers {
		h := healthpb.NewHealthClient(e.checkinConns[i%len(e.checkinConns)])
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				if _, err := h.Check(ctx, &healthpb.HealthCheckRequest{}); err != nil {
					// gRPC's own deadline timer may fire a moment before the context's.
					if !isDeadline(ctx, err) {
						once.Do(func() { failed = fmt.Errorf("health check: %w", err) })
					}
					return
				}
				calls.Add(1)
			}
		}()
	}
	wg.Wait()
	rate := float64(calls.Load()) / time.Since(start).Seconds()
	e.say("  %.0f calls/s", rate)
	return rate, failed
}

// commitFloor is the least a durable call can wait: one connection committing a one-row
// transaction at a time (synchronous_commit on, as check-in's), so each commit waits for its own
// WAL flush and nothing else. Its p99 is the disk's flush tail; a call whose answer waits for a
// commit cannot have a p99 below it, so the report states it beside the calls' p99.
type commitFloor struct {
	P50, P99, Max time.Duration
	Commits       int
}

// commitFloorStage measures commitFloor for d in a schema of the benchmark's own.
func (e *env) commitFloorStage(ctx context.Context, d time.Duration) (commitFloor, error) {
	e.say("stage: one-row durable commits one at a time, the flush floor (%s)", d)
	conn, err := pgx.Connect(ctx, e.st.DatabaseURL)
	if err != nil {
		return commitFloor{}, err
	}
	defer func() { _ = conn.Close(context.WithoutCancel(ctx)) }()
	const schema = "bench_floor"
	if _, err := conn.Exec(ctx, `DROP SCHEMA IF EXISTS `+schema+` CASCADE; CREATE SCHEMA `+schema+`;
		CREATE TABLE `+schema+`.commits (n bigint PRIMARY KEY); SET synchronous_commit = on`); err != nil {
		return commitFloor{}, err
	}
	defer func() { _, _ = conn.Exec(context.WithoutCancel(ctx), `DROP SCHEMA `+schema+` CASCADE`) }()
	var took []time.Duration
	for deadline := time.Now().Add(d); time.Now().Before(deadline) && ctx.Err() == nil; {
		start := time.Now()
		if _, err := conn.Exec(ctx, `INSERT INTO `+schema+`.commits VALUES ($1)`, int64(len(took))); err != nil {
			return commitFloor{}, err
		}
		took = append(took, time.Since(start))
	}
	if len(took) == 0 {
		return commitFloor{}, ctx.Err()
	}
	slices.Sort(took)
	f := commitFloor{P50: took[len(took)/2], P99: took[len(took)*99/100], Max: took[len(took)-1], Commits: len(took)}
	e.say("  %d commits: p50 %s, p99 %s, max %s", f.Commits, f.P50, f.P99, f.Max)
	return f, nil
}
