package adapters

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/sciweek/sciweek/pkg/bus"
	"github.com/sciweek/sciweek/pkg/db"
	"github.com/sciweek/sciweek/pkg/errs"
	"github.com/sciweek/sciweek/services/checkin/internal/app"
	"github.com/sciweek/sciweek/services/checkin/internal/domain"
)

// Records is the PostgreSQL store of check-in records. It writes a batch with a handful of
// statements whatever its size: the rows go in as arrays (unnest) and the unique keys sort out
// replays and tickets admitted before.
type Records struct {
	pool      *pgxpool.Pool
	prop      propagation.TextMapPropagator
	committed func()
}

// NewRecords returns the store; committed is called after each commit, to wake the relay.
func NewRecords(pool *pgxpool.Pool, prop propagation.TextMapPropagator, committed func()) (*Records, error) {
	if pool == nil || prop == nil || committed == nil {
		return nil, errors.New("checkin adapters: pool, propagator and commit hook are required")
	}
	return &Records{pool: pool, prop: prop, committed: committed}, nil
}

type key struct {
	terminal uuid.UUID
	seq      int64
}

func keyOf(r domain.Record) key { return key{r.TerminalID, int64(r.Scan.Sequence)} }

// columns are the arrays one insert of many records takes.
// UUIDs go in as [16]byte, which pgx encodes directly; as uuid.UUID they would go through
// their driver.Valuer as text, which cost a fifth of the service's CPU under load.
type columns struct {
	ids, terminals, venues, activities, tickets [][16]byte
	seqs                                        []int64
	editions, counties, groups                  []string
	kinds, categories, outcomes, refusals, anom []int16
	heads, adults                               []int32
	payloads                                    [][]byte
	first                                       []*time.Time
	occurred, recorded                          []time.Time
}

func (c *columns) add(r domain.Record) {
	var ticket *uuid.UUID
	if r.TicketID != uuid.Nil {
		ticket = &r.TicketID
	}
	var payload []byte
	if r.Scan.Kind == domain.KindTicket {
		payload = r.Scan.PayloadHash[:]
	}
	var first *time.Time
	if !r.FirstAdmittedAt.IsZero() {
		first = &r.FirstAdmittedAt
	}
	c.ids, c.terminals, c.venues, c.activities = append(c.ids, r.ID), append(c.terminals, r.TerminalID), append(c.venues, r.Scan.VenueID), append(c.activities, r.Scan.ActivityID)
	c.tickets = append(c.tickets, [16]byte(nilOr(ticket)))
	c.seqs = append(c.seqs, int64(r.Scan.Sequence))
	c.editions, c.counties, c.groups = append(c.editions, r.EditionID), append(c.counties, r.CountyCode), append(c.groups, r.Scan.GroupName)
	c.kinds, c.categories = append(c.kinds, int16(r.Scan.Kind)), append(c.categories, int16(r.Scan.Category))
	c.outcomes, c.refusals, c.anom = append(c.outcomes, int16(r.Outcome)), append(c.refusals, int16(r.Refusal)), append(c.anom, int16(r.Anomalies))
	c.heads, c.adults = append(c.heads, int32(r.Scan.Headcount)), append(c.adults, int32(r.Scan.Adults))
	c.payloads, c.first = append(c.payloads, payload), append(c.first, first)
	c.occurred, c.recorded = append(c.occurred, r.Scan.OccurredAt), append(c.recorded, r.RecordedAt)
}

func nilOr(p *uuid.UUID) uuid.UUID {
	if p == nil {
		return uuid.Nil
	}
	return *p
}

// querier is what the store's statements run on: the connection holding the transaction.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// insertRecords writes the records that are new and returns the keys of those written; a record
// whose (terminal, sequence) or admitted ticket exists already is left out. It is one statement
// whatever the batch's size: the rows go in as arrays.
const insertRecords = `INSERT INTO checkin_records (id, terminal_id, terminal_sequence, edition_id, county_code, venue_id, activity_id,
		kind, category, headcount, adults, group_name, ticket_id, payload_sha, outcome, refusal, first_admitted_at, anomalies, occurred_at, recorded_at)
		SELECT id, terminal_id, terminal_sequence, edition_id, county_code, venue_id, activity_id, kind, category, headcount, adults, group_name,
			NULLIF(ticket_id, '00000000-0000-0000-0000-000000000000'::uuid), payload_sha, outcome, refusal, first_admitted_at, anomalies, occurred_at, recorded_at
		FROM unnest($1::uuid[], $2::uuid[], $3::bigint[], $4::text[], $5::text[], $6::uuid[], $7::uuid[], $8::smallint[], $9::smallint[],
			$10::int[], $11::int[], $12::text[], $13::uuid[], $14::bytea[], $15::smallint[], $16::smallint[], $17::timestamptz[], $18::smallint[],
			$19::timestamptz[], $20::timestamptz[])
			AS t(id, terminal_id, terminal_sequence, edition_id, county_code, venue_id, activity_id, kind, category, headcount, adults, group_name,
			ticket_id, payload_sha, outcome, refusal, first_admitted_at, anomalies, occurred_at, recorded_at)
		ON CONFLICT DO NOTHING RETURNING terminal_id, terminal_sequence`

// insertArgs are insertRecords' arguments for rs.
func insertArgs(rs []domain.Record) []any {
	var c columns
	for _, r := range rs {
		c.add(r)
	}
	return []any{c.ids, c.terminals, c.seqs, c.editions, c.counties, c.venues, c.activities, c.kinds, c.categories, c.heads, c.adults, c.groups,
		c.tickets, c.payloads, c.outcomes, c.refusals, c.first, c.anom, c.occurred, c.recorded}
}

// insert writes the records that are new and returns the keys it wrote.
func insert(ctx context.Context, q querier, rs []domain.Record) (map[key]bool, error) {
	rows, _ := q.Query(ctx, insertRecords, insertArgs(rs)...)
	return readWritten(rows)
}

// readWritten reads the keys insertRecords returns.
func readWritten(rows pgx.Rows) (map[key]bool, error) {
	written := map[key]bool{}
	_, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (struct{}, error) {
		var k key
		var terminal [16]byte
		err := row.Scan(&terminal, &k.seq)
		k.terminal = terminal
		written[k] = true
		return struct{}{}, err
	})
	return written, err
}

const recordColumns = `id, terminal_id, terminal_sequence, edition_id, county_code, venue_id, activity_id, kind, category, headcount, adults,
	group_name, ticket_id, payload_sha, outcome, refusal, first_admitted_at, anomalies, occurred_at, recorded_at`

func scanRecord(row pgx.CollectableRow) (domain.Record, error) {
	var r domain.Record
	var seq int64
	var ticket *uuid.UUID
	var payload []byte
	var first *time.Time
	err := row.Scan(&r.ID, &r.TerminalID, &seq, &r.EditionID, &r.CountyCode, &r.Scan.VenueID, &r.Scan.ActivityID, &r.Scan.Kind, &r.Scan.Category,
		&r.Scan.Headcount, &r.Scan.Adults, &r.Scan.GroupName, &ticket, &payload, &r.Outcome, &r.Refusal, &first, &r.Anomalies,
		&r.Scan.OccurredAt, &r.RecordedAt)
	r.Scan.Sequence = uint64(seq)
	r.TicketID = nilOr(ticket)
	copy(r.Scan.PayloadHash[:], payload)
	if first != nil {
		r.FirstAdmittedAt = *first
	}
	return r, err
}

// Save stores a batch of judged records in one transaction with their events and returns the
// stored records in the same order; see app.Recorder. The commit is the durability point:
// PostgreSQL has fsynced the WAL when it returns.
//
// On a busy day nearly every record is new, and then the batch and its events go in one
// statement, one round trip, with no BEGIN or COMMIT of their own (a statement is a transaction
// by itself). When fewer rows were written than sent, that statement is undone as a whole and
// the batch takes the transaction that sorts replays and races out (save).
func (s *Records) Save(ctx context.Context, records []domain.Record) ([]app.Stored, error) {
	out, err := s.saveAllNew(ctx, records)
	if errors.Is(err, errNotAllNew) {
		trace.SpanFromContext(ctx).AddEvent("not every record was new: stored by the transaction that resolves replays")
		out, err = s.save(ctx, records)
	}
	if err != nil {
		return nil, db.Unavailable(err, "record check-ins")
	}
	s.committed()
	return out, nil
}

// errNotAllNew is saveAllNew's refusal of a batch holding a record written before.
var errNotAllNew = errors.New("not every record was new")

// allNew stores records and their events in one statement, or fails with SQLSTATE SW001
// (checkin_all_new) when a record was not new, undoing both. Its parameters are the records'
// (insertArgs), the events' (bus.OutboxRows.Args), then how many records were sent; the numbers
// are counted from those lists, so a column added to either cannot shift them.
var allNew = func() string {
	events := len(insertArgs(nil)) + 1
	sent := events + len(bus.OutboxRows{}.Args())
	return fmt.Sprintf(`WITH written AS (%s), events AS (%s) SELECT checkin_all_new((SELECT count(*) FROM written), $%d)`,
		insertRecords, bus.OutboxInsert(events), sent)
}()

// saveAllNew is Save for a batch whose every record is new; errNotAllNew otherwise, with
// nothing written.
func (s *Records) saveAllNew(ctx context.Context, records []domain.Record) ([]app.Stored, error) {
	events, err := bus.NewOutboxRows(ctx, s.prop, recordEvents(records)...)
	if err != nil {
		return nil, err
	}
	args := append(insertArgs(records), events.Args()...)
	var written int64
	err = s.pool.QueryRow(ctx, allNew, append(args, int64(len(records)))...).Scan(&written)
	if pgErr, ok := errors.AsType[*pgconn.PgError](err); ok && pgErr.Code == "SW001" {
		return nil, errNotAllNew
	}
	if err != nil {
		return nil, err
	}
	out := make([]app.Stored, len(records))
	for i, r := range records {
		out[i] = app.Stored{Record: r}
	}
	return out, nil
}

// save is the transaction for a batch that holds records written before: two round trips
// when nothing needs looking up (BEGIN with the insert, the events with the COMMIT), more when
// replays and tickets admitted elsewhere must be resolved.
func (s *Records) save(ctx context.Context, records []domain.Record) (_ []app.Stored, err error) {
	pc, err := s.pool.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer pc.Release() // the pool drops a connection left inside a transaction
	conn := pc.Conn()
	open := false
	defer func() {
		if open {
			_, _ = conn.Exec(context.WithoutCancel(ctx), "ROLLBACK")
		}
	}()
	head := &pgx.Batch{}
	head.Queue("BEGIN")
	head.Queue(insertRecords, insertArgs(records)...)
	br := conn.SendBatch(ctx, head)
	open = true
	_, err = br.Exec()
	var written map[key]bool
	if err == nil {
		rows, _ := br.Query()
		written, err = readWritten(rows)
	}
	if err = errors.Join(err, br.Close()); err != nil {
		return nil, err
	}
	out, fresh, err := s.resolve(ctx, conn, records, written)
	if err != nil {
		return nil, err
	}
	// Events carry what was written now, grouped by county; replays publish nothing again.
	var now []domain.Record
	for i, st := range out {
		if !st.Replayed && written[keyOf(records[i])] && st.Record.Outcome == records[i].Outcome {
			now = append(now, st.Record)
		}
	}
	now = append(now, fresh...)
	tail := &pgx.Batch{}
	if err := bus.QueueEvents(ctx, tail, s.prop, recordEvents(now)...); err != nil {
		return nil, err
	}
	var tag pgconn.CommandTag
	tail.Queue("COMMIT").Exec(func(ct pgconn.CommandTag) error { tag = ct; return nil })
	if err := conn.SendBatch(ctx, tail).Close(); err != nil {
		return nil, err
	}
	open = false
	if tag.String() != "COMMIT" {
		// PostgreSQL answers COMMIT of a transaction it has given up on with ROLLBACK.
		return nil, ErrRolledBack.New()
	}
	return out, nil
}

// resolve gives each record its stored state after the insert: written now, a replay of a
// (terminal, sequence) seen before (answered with the first record), or a ticket admitted before
// (stored as an already-checked-in refusal, returned in fresh).
func (s *Records) resolve(ctx context.Context, q querier, records []domain.Record, written map[key]bool) (out []app.Stored, fresh []domain.Record, err error) {
	out = make([]app.Stored, len(records))
	// What was not written is either a replay of a (terminal, sequence) seen before or a
	// ticket admitted before; look the first ones up in one query.
	var missing []int
	var terms [][16]byte
	var seqs []int64
	firstIn := map[key]int{}
	for i, r := range records {
		k := keyOf(r)
		if j, dup := firstIn[k]; dup && written[k] {
			// The same sequence twice in one batch: the second is a replay of the first.
			if !records[j].SameScan(r.Scan) {
				return nil, nil, ErrSequenceTwiceInBatch.New("sequence", r.Scan.Sequence)
			}
			out[i] = app.Stored{Record: out[j].Record, Replayed: true}
			continue
		}
		firstIn[k] = i
		if written[k] {
			out[i] = app.Stored{Record: r}
			continue
		}
		missing = append(missing, i)
		terms, seqs = append(terms, r.TerminalID), append(seqs, int64(r.Scan.Sequence))
	}
	if len(missing) == 0 {
		return out, nil, nil
	}
	rows, _ := q.Query(ctx, `SELECT `+recordColumns+` FROM checkin_records r
		JOIN unnest($1::uuid[], $2::bigint[]) AS k(terminal_id, terminal_sequence) USING (terminal_id, terminal_sequence)`, terms, seqs)
	prior, err := pgx.CollectRows(rows, scanRecord)
	if err != nil {
		return nil, nil, err
	}
	byKey := make(map[key]domain.Record, len(prior))
	for _, p := range prior {
		byKey[keyOf(p)] = p
	}
	var conflicted []int
	for _, i := range missing {
		r := records[i]
		if p, ok := byKey[keyOf(r)]; ok {
			if !p.SameScan(r.Scan) {
				return nil, nil, ErrSequenceReused.New("sequence", r.Scan.Sequence)
			}
			p.Scan.TicketPayload = r.Scan.TicketPayload
			out[i] = app.Stored{Record: p, Replayed: true}
			continue
		}
		conflicted = append(conflicted, i)
	}
	fresh, err = s.refuseAdmittedBefore(ctx, q, records, conflicted, out)
	return out, fresh, err
}

// refuseAdmittedBefore turns ticket records that lost to an earlier admission into
// already-checked-in refusals, stores them, and returns them.
func (s *Records) refuseAdmittedBefore(ctx context.Context, tx querier, records []domain.Record, idx []int, out []app.Stored) ([]domain.Record, error) {
	if len(idx) == 0 {
		return nil, nil
	}
	tickets := make([][16]byte, 0, len(idx))
	for _, i := range idx {
		if records[i].TicketID == uuid.Nil || records[i].Outcome != domain.Admitted {
			return nil, ErrScanRace.New()
		}
		tickets = append(tickets, records[i].TicketID)
	}
	rows, _ := tx.Query(ctx, `SELECT ticket_id, occurred_at, terminal_id FROM checkin_records WHERE outcome = 1 AND ticket_id = ANY($1)`, tickets)
	type admission struct {
		at       time.Time
		terminal uuid.UUID
	}
	firstAt := map[uuid.UUID]admission{}
	if _, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (struct{}, error) {
		var id, terminal [16]byte
		var at time.Time
		err := row.Scan(&id, &at, &terminal)
		firstAt[id] = admission{at, terminal}
		return struct{}{}, err
	}); err != nil {
		return nil, err
	}
	refused := make([]domain.Record, 0, len(idx))
	for _, i := range idx {
		r := records[i]
		first, ok := firstAt[r.TicketID]
		if !ok {
			return nil, ErrTicketRace.New()
		}
		r.RefuseAsAlreadyCheckedIn(first.at)
		r.FirstTerminalID = first.terminal
		refused = append(refused, r)
		out[i] = app.Stored{Record: r}
	}
	written, err := insert(ctx, tx, refused)
	if err != nil {
		return nil, err
	}
	if len(written) != len(refused) {
		return nil, ErrScanRace.New()
	}
	return refused, nil
}

// What the records' table refuses.
var (
	ErrSequenceTwiceInBatch = errs.Reason{Code: "CHECKIN_SEQUENCE_TWICE_IN_BATCH", Kind: errs.Exists,
		English: "sequence {sequence} appears twice in the batch with different scans",
		Chinese: "同一批记录中流水号 {sequence} 出现了两次且内容不同：请在管理后台重置终端后重新配对"}
	ErrSequenceReused = errs.Reason{Code: "CHECKIN_SEQUENCE_REUSED", Kind: errs.Exists,
		English: "sequence {sequence} of this terminal was already used for a different scan",
		Chinese: "此终端的流水号 {sequence} 已用于另一条记录：请在管理后台重置终端后重新配对"}
	ErrRolledBack = errs.Reason{Code: "CHECKIN_ROLLED_BACK", Kind: errs.Unavailable,
		English: "the transaction was rolled back; send again",
		Chinese: "记录未能保存，设备会自动重新上传"}
	ErrScanRace = errs.Reason{Code: "CHECKIN_SCAN_RACE", Kind: errs.Unavailable,
		English: "the same scan arrived twice at once; send it again",
		Chinese: "同一条记录同时到达了两次，请重新发送"}
	ErrTicketRace = errs.Reason{Code: "CHECKIN_TICKET_RACE", Kind: errs.Unavailable,
		English: "a ticket's first admission changed while it was scanned again; send it again",
		Chinese: "这张票正在另一处验票，请重新发送"}
)
