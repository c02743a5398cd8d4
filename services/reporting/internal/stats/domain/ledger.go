package domain

import (
	"sort"
	"time"

	"github.com/google/uuid"
)

// LedgerCut is where check-in's table stood when it was read: the check-in stream's identity
// (its creation time) and last sequence. Everything in the stream up to LastSeq was in the
// table, and so were the records of the pending events (not yet published).
type LedgerCut struct {
	Created time.Time
	LastSeq uint64
}

// LedgerRow is check-in's count of the stored records that share everything the statistics
// count by: the system of record, folded, as check-in exports it.
type LedgerRow struct {
	EditionID  string
	CountyCode string
	VenueID    uuid.UUID
	ActivityID uuid.UUID
	// Hour is the start of the local hour they count in.
	Hour     time.Time
	Kind     RecordKind
	Category Category
	Refused  bool
	Refusal  RefusalReason
	// OverCapacityDoor is the door, for admissions its staff confirmed at the alarm level.
	OverCapacityDoor uuid.UUID
	Records          int64
	Headcount        int64
	Adults           int64
}

// FoldRow counts a ledger row as Fold counts its records one by one, except the distinct
// people: the admitted tickets come separately.
func (t *Tally) FoldRow(r LedgerRow) {
	if r.Refused {
		t.Refusals[RefusalKey{EditionID: r.EditionID, CountyCode: r.CountyCode, Day: Day(r.Hour, t.loc), VenueID: r.VenueID, Reason: r.Refusal}] += r.Records
		return
	}
	if r.Kind == RecordCheckout {
		t.Leave(Exit{CountyCode: r.CountyCode, VenueID: r.VenueID, Headcount: r.Headcount, OccurredAt: r.Hour})
		return
	}
	a := Admission{EditionID: r.EditionID, CountyCode: r.CountyCode, VenueID: r.VenueID, ActivityID: r.ActivityID, OccurredAt: r.Hour}
	if r.OverCapacityDoor != uuid.Nil {
		a.OverCapacity, a.TerminalID = true, r.OverCapacityDoor
	}
	switch r.Kind {
	case RecordTicket:
		a.Ticketed = true
		a.People = PeopleOf(r.Category, r.Records)
	case RecordGroup:
		a.People = People{YoungPeople: r.Headcount, Adults: r.Adults}
	default:
		a.People = PeopleOf(r.Category, r.Headcount)
	}
	t.Admit(a)
}

// DayCounty is one county's day of one edition: the grain the audit compares.
type DayCounty struct {
	EditionID  string
	CountyCode string
	Day        string
}

// DayTotals are the figures the audit compares.
type DayTotals struct {
	Participations int64
	Refused        int64
}

// DayTotals sums the tally per edition, county and day.
func (t *Tally) DayTotals() map[DayCounty]DayTotals {
	out := map[DayCounty]DayTotals{}
	for k, c := range t.Counts {
		dc := DayCounty{EditionID: k.EditionID, CountyCode: k.CountyCode, Day: k.Day}
		v := out[dc]
		v.Participations += c.Ticketed + c.WalkIns
		out[dc] = v
	}
	for k, n := range t.Refusals {
		dc := DayCounty{EditionID: k.EditionID, CountyCode: k.CountyCode, Day: k.Day}
		v := out[dc]
		v.Refused += n
		out[dc] = v
	}
	return out
}

// Drift is one county's day whose aggregates differ from the system of record.
type Drift struct {
	DayCounty
	Expected, Actual DayTotals
}

// Drifts compares what the system of record says (expected) with the aggregates (actual),
// cell by cell, in a stable order.
func Drifts(expected, actual map[DayCounty]DayTotals) []Drift {
	var out []Drift
	seen := map[DayCounty]bool{}
	for k, e := range expected {
		seen[k] = true
		if a := actual[k]; a != e {
			out = append(out, Drift{DayCounty: k, Expected: e, Actual: a})
		}
	}
	for k, a := range actual {
		if !seen[k] && a != (DayTotals{}) {
			out = append(out, Drift{DayCounty: k, Actual: a})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i].DayCounty, out[j].DayCounty
		if a.EditionID != b.EditionID {
			return a.EditionID < b.EditionID
		}
		if a.CountyCode != b.CountyCode {
			return a.CountyCode < b.CountyCode
		}
		return a.Day < b.Day
	})
	return out
}

// Subtract takes another tally's day totals away from these.
func Subtract(from, minus map[DayCounty]DayTotals) map[DayCounty]DayTotals {
	out := make(map[DayCounty]DayTotals, len(from))
	for k, v := range from {
		out[k] = v
	}
	for k, v := range minus {
		o := out[k]
		o.Participations -= v.Participations
		o.Refused -= v.Refused
		if o == (DayTotals{}) {
			delete(out, k)
			continue
		}
		out[k] = o
	}
	return out
}
