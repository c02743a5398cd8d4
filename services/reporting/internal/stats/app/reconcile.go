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
	Export(ctx context.Context, loc *time.Location, tickets bool, sink LedgerSink) error
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
	// DayTotals returns the aggregates per edition, county and day, and the checkpoint they
	// are complete up to.
	DayTotals(ctx context.Context) (map[domain.DayCounty]domain.DayTotals, uint64, error)
	// Skipping returns which of the events are to be skipped when they arrive.
	Skipping(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]bool, error)
}

// StreamRecords reads the check-in events after one stream position up to another, by event id.
type StreamRecords interface {
	Between(ctx context.Context, after, upTo uint64) (map[uuid.UUID][]domain.CheckinRecord, error)
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
		err := r.cfg.Ledger.Export(ctx, r.cfg.Location, true, LedgerSink{
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

// Audit compares, per edition, county and day, the participations and refusals in the
// aggregates with check-in's table; on any difference it logs the figures at ERROR, counts the
// drifting county-days and rebuilds. It runs between the projection's batches (nothing being
// applied), and accounts for what the table holds that the projection has not applied yet:
// the stream's events after the checkpoint and the events not yet published. It returns the
// drifts it found (none when the projection is too far behind to compare).
func (r *Reconciler) Audit(ctx context.Context) ([]domain.Drift, error) {
	actual, checkpoint, err := r.cfg.Store.DayTotals(ctx)
	if err != nil {
		return nil, err
	}
	ledger := domain.NewTally(r.cfg.Location)
	notApplied := domain.NewTally(r.cfg.Location)
	var cut domain.LedgerCut
	pending := map[uuid.UUID][]domain.CheckinRecord{}
	if err := r.cfg.Ledger.Export(ctx, r.cfg.Location, false, LedgerSink{
		Cut:     func(c domain.LedgerCut) error { cut = c; return nil },
		Pending: func(id uuid.UUID, recs []domain.CheckinRecord) error { pending[id] = recs; return nil },
		Rows: func(rows []domain.LedgerRow) error {
			for _, row := range rows {
				ledger.FoldRow(row)
			}
			return nil
		},
		Tickets: func(string, string, []uuid.UUID) error { return nil },
	}); err != nil {
		return nil, err
	}
	if checkpoint > cut.LastSeq || cut.LastSeq-checkpoint > r.cfg.MaxBehind {
		r.cfg.Log.InfoContext(ctx, "statistics audit waits: the projection is not comparable with the cut", "checkpoint", checkpoint, "cut", cut.LastSeq)
		return nil, nil
	}
	inStream, err := r.cfg.Stream.Between(ctx, checkpoint, cut.LastSeq)
	if err != nil {
		return nil, err
	}
	ids := make([]uuid.UUID, 0, len(inStream)+len(pending))
	for id := range inStream {
		ids = append(ids, id)
	}
	for id := range pending {
		ids = append(ids, id)
	}
	skip, err := r.cfg.Store.Skipping(ctx, ids)
	if err != nil {
		return nil, err
	}
	// Events a rebuild counted already (skip) are in the aggregates; the others are not yet.
	for _, batch := range []map[uuid.UUID][]domain.CheckinRecord{inStream, pending} {
		for id, recs := range batch {
			if skip[id] {
				continue
			}
			for _, rec := range recs {
				notApplied.Fold(rec)
			}
		}
	}
	expected := domain.Subtract(ledger.DayTotals(), notApplied.DayTotals())
	drifts := domain.Drifts(expected, actual)
	if len(drifts) == 0 {
		return nil, nil
	}
	for _, d := range drifts {
		r.cfg.Log.ErrorContext(ctx, "statistics drifted from check-in's table; rebuilding",
			"edition", d.EditionID, "county", d.CountyCode, "day", d.Day,
			"participations_table", d.Expected.Participations, "participations_counted", d.Actual.Participations,
			"refused_table", d.Expected.Refused, "refused_counted", d.Actual.Refused, "checkpoint", checkpoint, "cut", cut.LastSeq)
	}
	r.cfg.Drifted(ctx, len(drifts))
	if _, _, err := r.Rebuild(ctx); err != nil {
		return drifts, fmt.Errorf("repair the drift: %w", err)
	}
	return drifts, nil
}
