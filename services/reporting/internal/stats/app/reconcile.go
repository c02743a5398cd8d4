package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/google/uuid"

	"github.com/sciweek/sciweek/services/reporting/internal/stats/domain"
)

// LedgerSink receives check-in's export in order: the cut, the pending events, the counts in
// pages, then (when asked) the admitted tickets in pages.
type LedgerSink struct {
	Cut     func(domain.LedgerCut) error
	Pending func(eventID uuid.UUID, records []domain.CheckinRecord) error
	Rows    func([]domain.LedgerRow) error
	Tickets func(edition, county string, ids []uuid.UUID) error
}

// Ledger is check-in's system of record for attendance, as its AttendanceService exports it:
// reporting never reads check-in's tables.
type Ledger interface {
	Export(ctx context.Context, loc *time.Location, read LedgerRead, sink LedgerSink) error
}

// LedgerRead says what an export of the system of record holds.
type LedgerRead struct {
	// Tickets asks for the admitted tickets, which a rebuild counts distinct people by.
	Tickets bool
	// ByDay asks for the counts folded by local day only: the audit compares county-days,
	// and the full grain is hundreds of thousands of rows to send and fold where this is a few
	// hundred. Folded into a tally they give the full grain's DayTotals, and nothing finer.
	ByDay bool
	// Incremental lets check-in serve ByDay from the days it kept at an earlier export and the
	// records stored since, not from its whole table: the screen beside the projection asks for
	// it, the confirmation that may repair does not.
	Incremental bool
}

// Fill reads the system of record into a rebuild: it hands the admitted tickets to tickets as
// they come and returns the counts, the cut they match and the pending events' ids.
type Fill func(ctx context.Context, tickets func(edition, county string, ids []uuid.UUID) error) (*domain.Tally, domain.LedgerCut, []uuid.UUID, error)

// ReconcileStore is where the aggregates are replaced and read back for the audit.
type ReconcileStore interface {
	// ReplaceAggregates empties the check-in aggregates, fills them from fill and sets the
	// check-in projection's checkpoint to the cut, all in one transaction; the pending events
	// are remembered, to be skipped when they arrive.
	ReplaceAggregates(ctx context.Context, fill Fill, today string, now time.Time) error
	// Applied returns the aggregates per edition, county and day with the checkpoint they are
	// complete up to and the events to be skipped when they arrive, read in one snapshot.
	Applied(ctx context.Context) (Applied, error)
}

// Applied is what the check-in aggregates hold, as of one snapshot.
type Applied struct {
	// Totals are the participations and refusals per edition, county and day.
	Totals map[domain.DayCounty]domain.DayTotals
	// Checkpoint is the last check-in stream position applied.
	Checkpoint uint64
	// Skipping are the events a rebuild counted before they arrived.
	Skipping map[uuid.UUID]bool
}

// StreamRecords reads the check-in events after one stream position up to another.
type StreamRecords interface {
	// Each hands each event's id and records to fn, in the stream's order, each id once (a
	// republished event counts once, as the projection counts it). The records are fn's only
	// while it runs: an audit beside a busy projection reads thousands of events, and folds
	// them as they come rather than holding them all.
	Each(ctx context.Context, after, upTo uint64, fn func(id uuid.UUID, records []domain.CheckinRecord)) error
}

// ReconcilerConfig wires a Reconciler.
type ReconcilerConfig struct {
	Ledger   Ledger
	Store    ReconcileStore
	Stream   StreamRecords
	Location *time.Location
	Now      func() time.Time
	Log      *slog.Logger
	// Drifted is told how many county-days an audit found drifting (for the metric).
	Drifted func(ctx context.Context, cells int)
	// MaxBehind is the most check-in events the projection may be behind for an audit to run;
	// 0 means 20,000. Further behind, the audit waits for the next round.
	MaxBehind uint64
}

// Reconciler keeps the statistics equal to check-in's table, the system of record: it rebuilds
// them from it when the check-in stream no longer fits the projection, and audits them now and
// then.
type Reconciler struct{ cfg ReconcilerConfig }

// NewReconciler returns the reconciler.
func NewReconciler(cfg ReconcilerConfig) (*Reconciler, error) {
	if cfg.Ledger == nil || cfg.Store == nil || cfg.Stream == nil || cfg.Location == nil || cfg.Log == nil {
		return nil, errors.New("reporting app: the reconciler needs check-in's ledger, a store, the stream, the location and a logger")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Drifted == nil {
		cfg.Drifted = func(context.Context, int) {}
	}
	if cfg.MaxBehind == 0 {
		cfg.MaxBehind = 20000
	}
	return &Reconciler{cfg: cfg}, nil
}

// Rebuild replaces the check-in aggregates with check-in's table folded, in one transaction,
// and moves the projection to the cut they match.
func (r *Reconciler) Rebuild(ctx context.Context) (domain.LedgerCut, time.Duration, error) {
	start := time.Now()
	var cut domain.LedgerCut
	now := r.cfg.Now()
	err := r.cfg.Store.ReplaceAggregates(ctx, func(ctx context.Context, tickets func(edition, county string, ids []uuid.UUID) error) (*domain.Tally, domain.LedgerCut, []uuid.UUID, error) {
		t := domain.NewTally(r.cfg.Location)
		var pending []uuid.UUID
		err := r.cfg.Ledger.Export(ctx, r.cfg.Location, LedgerRead{Tickets: true}, LedgerSink{
			Cut:     func(c domain.LedgerCut) error { cut = c; return nil },
			Pending: func(id uuid.UUID, _ []domain.CheckinRecord) error { pending = append(pending, id); return nil },
			Rows: func(rows []domain.LedgerRow) error {
				for _, row := range rows {
					t.FoldRow(row)
				}
				return nil
			},
			Tickets: tickets,
		})
		return t, cut, pending, err
	}, domain.Day(now, r.cfg.Location), now)
	if err != nil {
		return cut, 0, err
	}
	took := time.Since(start)
	r.cfg.Log.InfoContext(ctx, "statistics rebuilt from check-in's table", "stream_created", cut.Created, "last_seq", cut.LastSeq, "took_ms", took.Milliseconds())
	return cut, took, nil
}

// Screen compares, per edition, county and day, the participations and refusals in the
// aggregates with check-in's table while the projection goes on applying: it reads the
// aggregates in one snapshot, then the table (seconds at a week's volume), and accounts for the
// events between the two positions. It returns the drifts it found (none when the two are too
// far apart to compare) and changes nothing: a drift it finds may be one a rebuild has mended
// since (a city admin's runs outside the projection), so it is for Audit to confirm and repair.
// It reads check-in's table incrementally (LedgerRead.Incremental): a record check-in kept
// days without would show as a drift here, and Audit, reading whole, would find none.
func (r *Reconciler) Screen(ctx context.Context) ([]domain.Drift, error) {
	drifts, at, err := r.compare(ctx, true)
	if len(drifts) > 0 {
		// Not ERROR yet: a rebuild may have mended it since the aggregates were read.
		// The confirmation between batches costs the live views a pause, so say why.
		d := drifts[0]
		r.cfg.Log.WarnContext(ctx, "statistics differ from check-in's table beside the projection; confirming between batches",
			"county_days", len(drifts), "edition", d.EditionID, "county", d.CountyCode, "day", d.Day,
			"participations_table", d.Expected.Participations, "participations_counted", d.Actual.Participations,
			"checkpoint", at.checkpoint, "cut", at.cut)
	}
	return drifts, err
}

// Audit compares as Screen does, reading check-in's whole table, so that a repair never rests
// on days check-in kept; on any difference it logs the figures at ERROR, counts the drifting
// county-days and rebuilds. It runs between the projection's batches (nothing being applied
// meanwhile) and returns the drifts it found.
func (r *Reconciler) Audit(ctx context.Context) ([]domain.Drift, error) {
	drifts, at, err := r.compare(ctx, false)
	if err != nil || len(drifts) == 0 {
		return nil, err
	}
	for _, d := range drifts {
		r.cfg.Log.ErrorContext(ctx, "statistics drifted from check-in's table; rebuilding",
			"edition", d.EditionID, "county", d.CountyCode, "day", d.Day,
			"participations_table", d.Expected.Participations, "participations_counted", d.Actual.Participations,
			"refused_table", d.Expected.Refused, "refused_counted", d.Actual.Refused, "checkpoint", at.checkpoint, "cut", at.cut)
	}
	r.cfg.Drifted(ctx, len(drifts))
	if _, _, err := r.Rebuild(ctx); err != nil {
		return drifts, fmt.Errorf("repair the drift: %w", err)
	}
	return drifts, nil
}

// compared is where a comparison stood: the projection's checkpoint and the table's cut.
type compared struct{ checkpoint, cut uint64 }

// compare reads the aggregates, then check-in's table (incrementally when asked), and returns
// where they differ.
//
// The aggregates are read first, in one snapshot with their checkpoint and the events still to
// skip: the projection goes on applying while the table is read (seconds at a week's volume),
// and the table's cut, taken after, is then at or past the checkpoint by no more than what the
// projection had yet to apply, whatever the load. The table holds every event up to the cut and
// the events pending at it; the aggregates hold every event up to the checkpoint that a rebuild
// did not count before it arrived, and the events a rebuild counted (the skipping set). So
// what the aggregates should hold is the table less the events after the checkpoint, in the
// stream up to the cut or pending, that no rebuild counted.
func (r *Reconciler) compare(ctx context.Context, incremental bool) ([]domain.Drift, compared, error) {
	start := time.Now()
	applied, err := r.cfg.Store.Applied(ctx)
	if err != nil {
		return nil, compared{}, err
	}
	expected := domain.NewTally(r.cfg.Location)
	var cut domain.LedgerCut
	pending := map[uuid.UUID][]domain.CheckinRecord{}
	if err := r.cfg.Ledger.Export(ctx, r.cfg.Location, LedgerRead{ByDay: true, Incremental: incremental}, LedgerSink{
		Cut:     func(c domain.LedgerCut) error { cut = c; return nil },
		Pending: func(id uuid.UUID, recs []domain.CheckinRecord) error { pending[id] = recs; return nil },
		Rows: func(rows []domain.LedgerRow) error {
			for _, row := range rows {
				expected.FoldRow(row)
			}
			return nil
		},
		Tickets: func(string, string, []uuid.UUID) error { return nil },
	}); err != nil {
		return nil, compared{}, err
	}
	at := compared{checkpoint: applied.Checkpoint, cut: cut.LastSeq}
	// A checkpoint past the cut means a stream made anew (the runner reconciles that); far
	// behind it, a projection catching up, whose events would be read back in their thousands.
	if at.checkpoint > at.cut || at.cut-at.checkpoint > r.cfg.MaxBehind {
		r.cfg.Log.InfoContext(ctx, "statistics audit waits: the projection is not comparable with the cut", "checkpoint", at.checkpoint, "cut", at.cut)
		return nil, at, nil
	}
	notApplied := domain.NewTally(r.cfg.Location)
	unapplied := func(id uuid.UUID, recs []domain.CheckinRecord) {
		if applied.Skipping[id] {
			return // a rebuild counted it already
		}
		for _, rec := range recs {
			notApplied.Fold(rec)
		}
	}
	if err := r.cfg.Stream.Each(ctx, at.checkpoint, at.cut, unapplied); err != nil {
		return nil, at, err
	}
	for id, recs := range pending {
		unapplied(id, recs)
	}
	drifts := domain.Drifts(domain.Subtract(expected.DayTotals(), notApplied.DayTotals()), applied.Totals)
	if len(drifts) == 0 {
		r.cfg.Log.InfoContext(ctx, "statistics audit: equal to check-in's table", "checkpoint", at.checkpoint, "cut", at.cut,
			"incremental", incremental, "took_ms", time.Since(start).Milliseconds())
	}
	return drifts, at, nil
}
