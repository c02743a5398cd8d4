// Package loadgen simulates check-in terminals: many terminals at many venues scanning tickets,
// counting walk-ins, admitting school classes and counting people out; some go offline for a
// while and upload what they scanned when they are back, some send what they already sent. It
// keeps the books a person needs to check the dashboard against: what was acknowledged, how
// many people that admitted, what was refused and why.
package loadgen

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	checkinv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/checkin/v1"
	"github.com/sciweek/sciweek/pkg/rpc"
)

// Terminal is one simulated device.
type Terminal struct {
	// Credential is the terminal's credential.
	Credential string
	// VenueID is the terminal's venue.
	VenueID string
	// Activities are approved activities at the venue today, for walk-ins and groups.
	Activities []string
	// Tickets are ticket payloads this terminal will scan, each once (a few again, by mistake).
	Tickets []string
	// Sequence is the last sequence number the terminal used, and TicketsShown how many of its
	// tickets it has scanned; Run advances both, so a second run goes on where the first
	// stopped, as a real terminal would.
	Sequence     uint64
	TicketsShown int
}

// Mix is the share of each kind of record; walk-ins make up the rest.
type Mix struct {
	Ticket, Group, Checkout float64
}

// Config describes a run.
type Config struct {
	// Conns are connections to the check-in service; terminals are spread over them.
	Conns []grpc.ClientConnInterface
	// Terminals are the devices to simulate.
	Terminals []Terminal
	// Duration is how long terminals scan.
	Duration time.Duration
	// Stop, if set, ends the run once closed, whichever comes first with Duration; unlike
	// cancelling the context, calls in flight are still delivered. A test that waits for an event
	// (a process killed and restarted) runs until then, not for a time guessed to be long enough.
	Stop <-chan struct{}
	// Rate is the records per second over all terminals; 0 sends each call as soon as the
	// previous one of the terminal is acknowledged.
	Rate float64
	// Batch is the records per call: 1 sends RecordCheckin, more send UploadCheckins as a gate
	// does.
	Batch int
	// Mix is the kinds of records.
	Mix Mix
	// Offline is the share of terminals that lose their connection once, for OfflineFor, and
	// upload what they scanned meanwhile when they are back.
	Offline float64
	// OfflineFor is how long an offline terminal stays offline.
	OfflineFor time.Duration
	// Duplicates is the share of acknowledged calls a terminal sends again, as a flaky network
	// makes it do; every record of such a call must come back replayed.
	Duplicates float64
	// Progress, if set, receives a live line every second.
	Progress io.Writer
	// OnAck, if set, hears of every acknowledged call: when, and how many people its new
	// admitted records let in. The benchmark measures dashboard visibility with it.
	OnAck func(at time.Time, people int64)
	// Seed makes the run repeatable; 0 picks one.
	Seed uint64
	// Records, if positive, ends the run once that many records have been made, whichever
	// comes first with Duration: a backfill of a set size.
	Records int64
	// At, if set, gives each record the time it happened, for a backfill of earlier days (an
	// edition's history uploaded by doors that were offline); nil records everything now.
	At func(rng *rand.Rand) time.Time
	// GiveUpAfter is how long a terminal keeps retrying one call; 0 is DefaultGiveUpAfter. A
	// backfill sets it long: a door's offline queue (the door app's IndexedDB) keeps trying
	// until its records are uploaded, however busy the server is.
	GiveUpAfter time.Duration
}

// Summary is what a run did.
type Summary struct {
	Elapsed time.Duration
	// Calls counts calls acknowledged, duplicates included.
	Calls int64
	// Records counts distinct records acknowledged.
	Records int64
	// Unacknowledged counts records given up on after a non-retryable error.
	Unacknowledged int64
	// Admitted counts admitted records by kind.
	Admitted map[checkinv1.CheckinKind]int64
	// Ticketed, WalkIns (with groups' young people and teachers) and Exits count people.
	Ticketed, WalkIns, Exits int64
	// Refused counts refused records by reason.
	Refused map[checkinv1.RefusalReason]int64
	// Anomalies counts records flagged, by anomaly.
	Anomalies map[checkinv1.Anomaly]int64
	// Replayed counts records answered as replays: duplicate sends, and retries of calls whose
	// first answer was lost.
	Replayed int64
	// DuplicateSends counts calls sent a second time on purpose.
	DuplicateSends int64
	// DuplicateMismatches counts records of a duplicate send that did not come back replayed
	// with the first result: each one is a bug.
	DuplicateMismatches int64
	// Retries counts calls sent again after a retryable error, and Overloaded those of them
	// answered RESOURCE_EXHAUSTED.
	Retries, Overloaded int64
	// Unhinted counts UNAVAILABLE and RESOURCE_EXHAUSTED answers that came without a RetryInfo
	// delay: the server must always say when to come back.
	Unhinted int64
	// Errors are the first few non-retryable errors.
	Errors []string
	// Latencies are the acknowledged calls' latencies, sorted.
	Latencies []time.Duration
	// LongestDelivery is the longest time from a call's first sending to its acknowledgement,
	// retries included: how long the unluckiest terminal waited to be let in.
	LongestDelivery time.Duration
}

// People is the participations the run added: ticket holders and walk-ins.
func (s Summary) People() int64 { return s.Ticketed + s.WalkIns }

// RefusedTotal counts refused records.
func (s Summary) RefusedTotal() int64 {
	var n int64
	for _, c := range s.Refused {
		n += c
	}
	return n
}

// Rate is acknowledged records per second.
func (s Summary) Rate() float64 { return float64(s.Records) / s.Elapsed.Seconds() }

// Latency returns the q-quantile (0 to 1) of call latency.
func (s Summary) Latency(q float64) time.Duration {
	if len(s.Latencies) == 0 {
		return 0
	}
	return s.Latencies[min(int(q*float64(len(s.Latencies))), len(s.Latencies)-1)]
}

// counters are the live totals the progress line shows.
type counters struct {
	records, refused, replayed, retries, overloaded, failed atomic.Int64
	// made counts the records the terminals have made, for Config.Records.
	made atomic.Int64
}

// Run simulates the terminals until Duration has passed and every terminal has uploaded what
// it scanned, or ctx ends.
func Run(ctx context.Context, cfg Config) (Summary, error) {
	if len(cfg.Conns) == 0 || len(cfg.Terminals) == 0 {
		return Summary{}, errors.New("loadgen: no connection or no terminal")
	}
	if cfg.Batch < 1 {
		cfg.Batch = 1
	}
	if cfg.Batch > 1000 {
		return Summary{}, errors.New("loadgen: a call carries at most 1,000 records")
	}
	if cfg.Seed == 0 {
		cfg.Seed = rand.Uint64()
	}
	if cfg.OfflineFor <= 0 {
		cfg.OfflineFor = cfg.Duration / 3
	}
	var live counters
	start := time.Now()
	stopProgress := progress(cfg.Progress, start, &live)
	results := make([]*terminalRun, len(cfg.Terminals))
	offline := int(cfg.Offline * float64(len(cfg.Terminals)))
	var wg sync.WaitGroup
	for i, t := range cfg.Terminals {
		rng := rand.New(rand.NewPCG(cfg.Seed, uint64(i)))
		tr := &terminalRun{cfg: &cfg, t: t, rng: rng, live: &live, start: start, seq: t.Sequence, tickets: t.TicketsShown,
			client: checkinv1.NewCheckinServiceClient(cfg.Conns[i%len(cfg.Conns)]),
			auth:   grpc.PerRPCCredentials(rpc.BearerCredential(t.Credential)),
			sum:    newSummary()}
		if i < offline {
			tr.offlineAt = start.Add(time.Duration(rng.Int64N(int64(cfg.Duration/2) + 1)))
		}
		results[i] = tr
		wg.Add(1)
		go func() {
			defer wg.Done()
			tr.run(ctx)
		}()
	}
	wg.Wait()
	stopProgress()
	sum := newSummary()
	for i, tr := range results {
		sum.merge(tr.sum)
		cfg.Terminals[i].Sequence, cfg.Terminals[i].TicketsShown = tr.seq, tr.tickets
	}
	sum.Elapsed = time.Since(start)
	slices.Sort(sum.Latencies)
	return sum, ctx.Err()
}

func newSummary() Summary {
	return Summary{Admitted: map[checkinv1.CheckinKind]int64{}, Refused: map[checkinv1.RefusalReason]int64{}, Anomalies: map[checkinv1.Anomaly]int64{}}
}

func (s *Summary) merge(o Summary) {
	s.Calls += o.Calls
	s.Records += o.Records
	s.Unacknowledged += o.Unacknowledged
	for k, v := range o.Admitted {
		s.Admitted[k] += v
	}
	s.Ticketed, s.WalkIns, s.Exits = s.Ticketed+o.Ticketed, s.WalkIns+o.WalkIns, s.Exits+o.Exits
	for k, v := range o.Refused {
		s.Refused[k] += v
	}
	for k, v := range o.Anomalies {
		s.Anomalies[k] += v
	}
	s.Replayed += o.Replayed
	s.DuplicateSends += o.DuplicateSends
	s.DuplicateMismatches += o.DuplicateMismatches
	s.Retries += o.Retries
	s.Overloaded += o.Overloaded
	s.Unhinted += o.Unhinted
	s.LongestDelivery = max(s.LongestDelivery, o.LongestDelivery)
	if len(s.Errors) < 10 {
		s.Errors = append(s.Errors, o.Errors[:min(len(o.Errors), 10-len(s.Errors))]...)
	}
	s.Latencies = append(s.Latencies, o.Latencies...)
}

func progress(w io.Writer, start time.Time, c *counters) (stop func()) {
	if w == nil {
		return func() {}
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		var last int64
		lastAt := start
		for {
			select {
			case <-done:
				fmt.Fprintln(w)
				return
			case now := <-tick.C:
				n := c.records.Load()
				rate := float64(n-last) / now.Sub(lastAt).Seconds()
				last, lastAt = n, now
				fmt.Fprintf(w, "\r%5.0fs  %8.0f records/s  acknowledged %10d  refused %8d  replayed %7d  retries %6d (overloaded %d)  failed %d   ",
					now.Sub(start).Seconds(), rate, n, c.refused.Load(), c.replayed.Load(), c.retries.Load(), c.overloaded.Load(), c.failed.Load())
			}
		}
	}()
	return func() { close(done); <-finished }
}

// terminalRun is one terminal's loop and its books.
type terminalRun struct {
	cfg       *Config
	t         Terminal
	rng       *rand.Rand
	live      *counters
	start     time.Time
	client    checkinv1.CheckinServiceClient
	auth      grpc.CallOption
	sum       Summary
	seq       uint64
	offlineAt time.Time // zero: stays online
	tickets   int       // tickets scanned so far
}

func (tr *terminalRun) run(ctx context.Context) {
	end := tr.start.Add(tr.cfg.Duration)
	var interval time.Duration
	if tr.cfg.Rate > 0 {
		perTerminal := tr.cfg.Rate / float64(len(tr.cfg.Terminals))
		interval = time.Duration(float64(tr.cfg.Batch) / perTerminal * float64(time.Second))
	}
	// Terminals start spread over one interval, not all at once.
	next := tr.start
	if interval > 0 {
		next = next.Add(time.Duration(tr.rng.Int64N(int64(interval))))
	}
	var buffered []*checkinv1.CheckinRecord
	for ctx.Err() == nil {
		if interval > 0 {
			if d := time.Until(next); d > 0 {
				select {
				case <-ctx.Done():
					return
				case <-tr.cfg.Stop:
				case <-time.After(d):
				}
			}
			next = next.Add(interval)
		}
		now := time.Now()
		if !now.Before(end) || tr.stopped() {
			break
		}
		size := tr.cfg.Batch
		if tr.cfg.Records > 0 {
			made := tr.live.made.Add(int64(size))
			if left := tr.cfg.Records - (made - int64(size)); left < int64(size) {
				size = int(max(left, 0))
			}
			if size == 0 {
				break
			}
		}
		batch := make([]*checkinv1.CheckinRecord, size)
		for i := range batch {
			at := now
			if tr.cfg.At != nil {
				at = tr.cfg.At(tr.rng)
			}
			batch[i] = tr.record(at)
		}
		if offline := !tr.offlineAt.IsZero() && !now.Before(tr.offlineAt) && now.Before(tr.offlineAt.Add(tr.cfg.OfflineFor)); offline {
			buffered = append(buffered, batch...)
			if interval == 0 {
				// An offline terminal scans at the pace of people, not of a network.
				time.Sleep(time.Duration(tr.cfg.Batch) * 50 * time.Millisecond)
			}
			continue
		}
		if len(buffered) > 0 {
			tr.upload(ctx, buffered)
			buffered = nil
		}
		tr.send(ctx, batch, true)
	}
	if len(buffered) > 0 {
		tr.upload(context.WithoutCancel(ctx), buffered)
	}
}

// stopped tells whether Stop is closed.
func (tr *terminalRun) stopped() bool {
	select {
	case <-tr.cfg.Stop:
		return true
	default:
		return false
	}
}

// upload sends records kept while offline, a thousand at a time.
func (tr *terminalRun) upload(ctx context.Context, records []*checkinv1.CheckinRecord) {
	for len(records) > 0 {
		n := min(1000, len(records))
		tr.send(ctx, records[:n], false)
		records = records[n:]
	}
}

var categories = []checkinv1.ParticipantCategory{
	checkinv1.ParticipantCategory_PARTICIPANT_CATEGORY_YOUNG_PERSON, checkinv1.ParticipantCategory_PARTICIPANT_CATEGORY_ADULT,
}

// record makes the terminal's next record.
func (tr *terminalRun) record(at time.Time) *checkinv1.CheckinRecord {
	tr.seq++
	r := &checkinv1.CheckinRecord{Sequence: tr.seq, OccurredAt: timestamppb.New(at), VenueId: tr.t.VenueID}
	activity := ""
	if len(tr.t.Activities) > 0 {
		activity = tr.t.Activities[tr.rng.IntN(len(tr.t.Activities))]
	}
	x := tr.rng.Float64()
	m := tr.cfg.Mix
	if x < m.Ticket && len(tr.t.Tickets) > 0 {
		// Each ticket is shown once; now and then someone shows one already used, which must be
		// refused. When the terminal's tickets run out, people walk in instead.
		if tr.tickets < len(tr.t.Tickets) && (tr.tickets == 0 || tr.rng.IntN(50) != 0) {
			r.Kind = &checkinv1.CheckinRecord_Ticket{Ticket: &checkinv1.TicketScan{Payload: tr.t.Tickets[tr.tickets]}}
			tr.tickets++
			return r
		}
		if tr.tickets > 0 && tr.rng.IntN(50) == 0 {
			r.Kind = &checkinv1.CheckinRecord_Ticket{Ticket: &checkinv1.TicketScan{Payload: tr.t.Tickets[tr.rng.IntN(tr.tickets)]}}
			return r
		}
		x = 1 // a walk-in
	}
	switch {
	case x < m.Ticket+m.Group:
		r.ActivityId = activity
		r.Kind = &checkinv1.CheckinRecord_Group{Group: &checkinv1.GroupCheckin{
			YoungPeople: uint32(20 + tr.rng.IntN(26)), Teachers: uint32(1 + tr.rng.IntN(3)),
			GroupName: fmt.Sprintf("%d年级%d班", 1+tr.rng.IntN(6), 1+tr.rng.IntN(8))}}
	case x < m.Ticket+m.Group+m.Checkout:
		r.ActivityId = activity
		r.Kind = &checkinv1.CheckinRecord_Checkout{Checkout: &checkinv1.Checkout{Headcount: uint32(1 + tr.rng.IntN(2))}}
	default:
		r.ActivityId = activity
		category := categories[tr.rng.IntN(len(categories))]
		if tr.rng.IntN(20) == 0 {
			category = checkinv1.ParticipantCategory_PARTICIPANT_CATEGORY_SCIENCE_WORKER
		} else if tr.rng.IntN(20) == 0 {
			category = checkinv1.ParticipantCategory_PARTICIPANT_CATEGORY_VOLUNTEER
		}
		headcount := uint32(1)
		if tr.rng.IntN(10) == 0 {
			headcount = uint32(2 + tr.rng.IntN(4)) // a family
		}
		r.Kind = &checkinv1.CheckinRecord_WalkIn{WalkIn: &checkinv1.WalkIn{Category: category, Headcount: headcount}}
	}
	return r
}

// send delivers records until they are acknowledged, retrying what may be retried, and books
// the results. A live send may be followed by a deliberate duplicate.
func (tr *terminalRun) send(ctx context.Context, records []*checkinv1.CheckinRecord, live bool) {
	results, latency, err := tr.deliver(ctx, records)
	if err != nil {
		tr.sum.Unacknowledged += int64(len(records))
		tr.live.failed.Add(int64(len(records)))
		if len(tr.sum.Errors) < 10 {
			tr.sum.Errors = append(tr.sum.Errors, err.Error())
		}
		return
	}
	tr.sum.Calls++
	tr.sum.Latencies = append(tr.sum.Latencies, latency)
	var people, refused, replayed int64
	for i, res := range results {
		r := records[i]
		if res.GetReplayed() {
			replayed++
		}
		for _, a := range res.GetAnomalies() {
			tr.sum.Anomalies[a]++
		}
		if res.GetOutcome() == checkinv1.Outcome_OUTCOME_REFUSED {
			tr.sum.Refused[res.GetRefusalReason()]++
			refused++
			continue
		}
		tr.sum.Admitted[kindOf(r)]++
		switch k := r.GetKind().(type) {
		case *checkinv1.CheckinRecord_Ticket:
			tr.sum.Ticketed++
			people++
		case *checkinv1.CheckinRecord_WalkIn:
			tr.sum.WalkIns += int64(k.WalkIn.GetHeadcount())
			people += int64(k.WalkIn.GetHeadcount())
		case *checkinv1.CheckinRecord_Group:
			n := int64(k.Group.GetYoungPeople() + k.Group.GetTeachers())
			tr.sum.WalkIns += n
			people += n
		case *checkinv1.CheckinRecord_Checkout:
			tr.sum.Exits += int64(k.Checkout.GetHeadcount())
		}
	}
	tr.sum.Records += int64(len(records))
	tr.sum.Replayed += replayed
	tr.live.records.Add(int64(len(records)))
	tr.live.refused.Add(refused)
	tr.live.replayed.Add(replayed)
	if tr.cfg.OnAck != nil {
		tr.cfg.OnAck(time.Now(), people)
	}
	if live && tr.cfg.Duplicates > 0 && tr.rng.Float64() < tr.cfg.Duplicates {
		again, _, err := tr.deliver(ctx, records)
		if err != nil {
			return
		}
		tr.sum.DuplicateSends++
		tr.sum.Calls++
		for i, res := range again {
			if !res.GetReplayed() || res.GetRecordId() != results[i].GetRecordId() || res.GetOutcome() != results[i].GetOutcome() {
				tr.sum.DuplicateMismatches++
			}
		}
		tr.sum.Replayed += int64(len(again))
		tr.live.replayed.Add(int64(len(again)))
	}
}

func kindOf(r *checkinv1.CheckinRecord) checkinv1.CheckinKind {
	switch r.GetKind().(type) {
	case *checkinv1.CheckinRecord_Ticket:
		return checkinv1.CheckinKind_CHECKIN_KIND_TICKET
	case *checkinv1.CheckinRecord_Group:
		return checkinv1.CheckinKind_CHECKIN_KIND_GROUP
	case *checkinv1.CheckinRecord_Checkout:
		return checkinv1.CheckinKind_CHECKIN_KIND_CHECKOUT
	}
	return checkinv1.CheckinKind_CHECKIN_KIND_WALK_IN
}

// deliver makes one call, again and again while the error says to try again, as a terminal
// does; it returns the results and the latency of the call that succeeded.
func (tr *terminalRun) deliver(ctx context.Context, records []*checkinv1.CheckinRecord) ([]*checkinv1.CheckinResult, time.Duration, error) {
	backoff := 50 * time.Millisecond
	first := time.Now()
	giveUp := first.Add(cmp.Or(tr.cfg.GiveUpAfter, DefaultGiveUpAfter))
	for {
		sent := time.Now()
		var results []*checkinv1.CheckinResult
		var err error
		cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		if len(records) == 1 && tr.cfg.Batch == 1 {
			var resp *checkinv1.RecordCheckinResponse
			resp, err = tr.client.RecordCheckin(cctx, &checkinv1.RecordCheckinRequest{Record: records[0], SentAt: timestamppb.New(sent)}, tr.auth)
			if err == nil {
				results = []*checkinv1.CheckinResult{resp.GetResult()}
			}
		} else {
			var resp *checkinv1.UploadCheckinsResponse
			resp, err = tr.client.UploadCheckins(cctx, &checkinv1.UploadCheckinsRequest{Records: records, SentAt: timestamppb.New(sent)}, tr.auth)
			results = resp.GetResults()
		}
		cancel()
		if err == nil {
			tr.sum.LongestDelivery = max(tr.sum.LongestDelivery, time.Since(first))
			return results, time.Since(sent), nil
		}
		wait, hinted, retry := retryable(err, backoff)
		if c := status.Code(err); !hinted && (c == codes.Unavailable || c == codes.ResourceExhausted) {
			tr.sum.Unhinted++
		}
		if !retry || time.Now().After(giveUp) {
			return nil, 0, err
		}
		if ctx.Err() != nil {
			return nil, 0, ctx.Err()
		}
		tr.sum.Retries++
		tr.live.retries.Add(1)
		if status.Code(err) == codes.ResourceExhausted {
			tr.sum.Overloaded++
			tr.live.overloaded.Add(1)
		}
		// Jitter keeps a thousand terminals from coming back in step.
		wait += time.Duration(tr.rng.Int64N(int64(wait/2) + 1))
		select {
		case <-ctx.Done():
			return nil, 0, ctx.Err()
		case <-time.After(wait):
		}
		backoff = min(backoff*2, 2*time.Second)
	}
}

// DefaultGiveUpAfter is how long a terminal keeps retrying one call unless Config says
// otherwise.
const DefaultGiveUpAfter = time.Minute

// retryable says whether a terminal should send a call again, and after how long: the
// server's RetryInfo when it gives one (hinted), else the terminal's own backoff.
func retryable(err error, backoff time.Duration) (wait time.Duration, hinted, retry bool) {
	st := status.Convert(err)
	switch st.Code() {
	case codes.Unavailable, codes.ResourceExhausted, codes.DeadlineExceeded, codes.Aborted:
	case codes.Unauthenticated:
		// A terminal just provisioned is recognised within seconds; one revoked never is, and
		// the loop gives up when the run's context ends.
	default:
		return 0, false, false
	}
	for _, d := range st.Details() {
		if ri, ok := d.(*errdetails.RetryInfo); ok && ri.GetRetryDelay() != nil {
			return ri.GetRetryDelay().AsDuration(), true, true
		}
	}
	return backoff, false, true
}
