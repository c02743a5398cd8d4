package bench

import (
	"fmt"
	"math"
	"net/http"
	"sort"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// histograms are cumulative bucket counts of the check-in service's latency histograms, read
// from its /metrics, so the benchmark can tell where a call's time goes server-side.
type histograms map[string]map[float64]float64 // family -> upper bound -> cumulative count

func scrapeHistograms(addr string, names ...string) (histograms, error) {
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		return nil, err
	}
	out := histograms{}
	for _, name := range names {
		f, ok := families[name]
		if !ok || f.GetType() != dto.MetricType_HISTOGRAM {
			continue
		}
		buckets := map[float64]float64{}
		for _, m := range f.GetMetric() {
			for _, b := range m.GetHistogram().GetBucket() {
				if !math.IsInf(b.GetUpperBound(), 1) {
					buckets[b.GetUpperBound()] += float64(b.GetCumulativeCount())
				}
			}
			buckets[math.Inf(1)] += float64(m.GetHistogram().GetSampleCount())
		}
		out[name] = buckets
	}
	return out, nil
}

// quantile estimates the q-quantile of what a histogram gained between two scrapes, by linear
// interpolation within the bucket, as Prometheus's histogram_quantile does.
func (after histograms) quantile(before histograms, name string, q float64) (time.Duration, bool) {
	a, b := after[name], before[name]
	if a == nil {
		return 0, false
	}
	bounds := make([]float64, 0, len(a))
	for ub := range a {
		bounds = append(bounds, ub)
	}
	sort.Float64s(bounds)
	total := a[math.Inf(1)] - b[math.Inf(1)]
	if total <= 0 {
		return 0, false
	}
	rank := q * total
	prevBound, prevCount := 0.0, 0.0
	for _, ub := range bounds {
		c := a[ub] - b[ub]
		if c >= rank {
			if math.IsInf(ub, 1) {
				return time.Duration(prevBound * float64(time.Second)), true
			}
			frac := 0.0
			if c > prevCount {
				frac = (rank - prevCount) / (c - prevCount)
			}
			return time.Duration((prevBound + (ub-prevBound)*frac) * float64(time.Second)), true
		}
		prevBound, prevCount = ub, c
	}
	return 0, false
}

func (after histograms) describe(before histograms, name string) string {
	p50, ok := after.quantile(before, name, 0.5)
	if !ok {
		return "not measured"
	}
	p99, _ := after.quantile(before, name, 0.99)
	return fmt.Sprintf("p50 %.1f ms · p99 %.1f ms", float64(p50.Microseconds())/1000, float64(p99.Microseconds())/1000)
}
