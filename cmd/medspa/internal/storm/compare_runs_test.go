package storm

import (
	"strings"
	"testing"
)

func TestSpreadMedian(t *testing.T) {
	for _, tc := range []struct {
		in            []float64
		med, min, max float64
	}{
		{[]float64{1.2, 1.6, 1.5}, 1.5, 1.2, 1.6},
		{[]float64{2, 1}, 1.5, 1, 2},
		{[]float64{0.7}, 0.7, 0.7, 0.7},
	} {
		s := spreadOf(tc.in)
		if s.Median != tc.med || s.Min != tc.min || s.Max != tc.max || len(s.Values) != len(tc.in) {
			t.Errorf("spreadOf(%v) = %+v", tc.in, s)
		}
	}
	if s := spreadOf(nil); s.Median != 0 || s.Values != nil {
		t.Errorf("spreadOf(nil) = %+v", s)
	}
}

func TestSeriesTableJudgesMedians(t *testing.T) {
	run := func(bare, conv, p99 float64) *Comparison {
		return &Comparison{Store: "embedded", CPUs: 2, Passed: true, EngineOverBare: bare, EngineOverConventional: conv,
			Results: []SystemResult{{System: SystemEngine, Peak: &Report{Passed: true}, Open: &Report{Passed: true, Latency: LatencySummary{P99: p99}}}}}
	}
	s := &Series{Runs: []*Comparison{run(0.6, 1.2, 40), run(0.7, 1.6, 30), run(0.5, 1.55, 90)}}
	var bare, conv, p99 []float64
	for _, c := range s.Runs {
		bare, conv, p99 = append(bare, c.EngineOverBare), append(conv, c.EngineOverConventional), append(p99, c.result(SystemEngine).Open.Latency.P99)
	}
	s.Summary = SeriesSummary{Passed: true, EngineOverBare: spreadOf(bare), EngineOverConventional: spreadOf(conv), EngineOpenP99: spreadOf(p99)}
	var b strings.Builder
	if err := s.WriteTable(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"--- run 3 of 3", "engine / conventional:       median 1.55  (runs: 1.20, 1.60, 1.55)", "engine open-loop p99 ms:     median 40.00"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}
