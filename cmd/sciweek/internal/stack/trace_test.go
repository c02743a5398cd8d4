package stack_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/encoding/protojson"

	"github.com/sciweek/sciweek/cmd/sciweek/internal/stack"
	"github.com/sciweek/sciweek/pkg/testkit"
)

// An operator opens one check-in in Jaeger (the real binary, OTLP in, as `make traces` runs it)
// and follows it from the door's call through the gateway to check-in, its group commit, the
// outbox relay's publish, reporting's projection and the push to the screens: the test asks
// Jaeger's query API, not the process's own span recorder.
func TestCheckinTraceInJaeger(t *testing.T) {
	t.Parallel()
	j := testkit.Jaeger(t)
	w := startWorld(t, func(o *stack.Options) { o.OTLPEndpoint = j.OTLP })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	venue, activity, credential := w.setupTerminal(t, "140110")
	w.loginHTTP(t)
	screen := w.sse(t, ctx) // a screen to push to
	<-screen

	// The door app's call: POST /api/v1/checkins through the gateway with the terminal's credential.
	// Its first call may come before check-in has applied the terminal's and the activity's
	// events; the terminal retries with the same sequence number.
	body, err := protojson.Marshal(walkIn(1, venue, activity, 7))
	if err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 10*time.Second, func() error {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, w.base+"/api/v1/checkins", strings.NewReader(string(body)))
		req.Header.Set("Authorization", "Bearer "+credential)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("POST /api/v1/checkins: %s", resp.Status)
		}
		return nil
	})
	select {
	case ov := <-screen:
		if ov.GetCity().GetParticipations() != 7 {
			t.Fatalf("screen shows %d participations, want 7", ov.GetCity().GetParticipations())
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no push to the screen")
	}

	want := []struct{ service, operation string }{
		{"sciweek-gateway", "POST /api/v1/checkins"},
		{"sciweek-checkin", "sciweek.checkin.v1.CheckinService/RecordCheckin"},
		{"sciweek-checkin", "checkin.commit_batch"},
		{"sciweek-checkin", "publish sciweek.checkin.v1.CheckinsRecorded"},
		{"sciweek-reporting", "apply sciweek.checkin.v1.CheckinsRecorded"},
		{"sciweek-reporting", "overview.push"},
	}
	// The services export in batches every few seconds; Jaeger shows a trace as its spans come.
	testkit.Eventually(t, 30*time.Second, func() error {
		traces, err := j.Traces(t, "sciweek-gateway", "POST /api/v1/checkins")
		if err != nil {
			return err
		}
		var missing []string
		for id, spans := range traces {
			missing = missing[:0]
			for _, w := range want {
				found := false
				for _, s := range spans {
					found = found || (s.Service == w.service && s.Operation == w.operation)
				}
				if !found {
					missing = append(missing, w.service+" "+w.operation)
				}
			}
			if len(missing) == 0 {
				t.Logf("Jaeger's trace %s of the check-in has %d spans: %s/trace/%s", id, len(spans), j.UI, id)
				return nil
			}
		}
		return fmt.Errorf("no trace of %d in Jaeger has every step; the last lacks %v", len(traces), missing)
	})
}
