package storm

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Series is a comparison repeated on the same machine: shared machines move
// single runs by tens of percent, so the targets are judged on the medians.
type Series struct {
	Runs    []*Comparison `json:"runs"`
	Summary SeriesSummary `json:"summary"`
}

// SeriesSummary holds each run's key numbers and their medians.
type SeriesSummary struct {
	EngineOverBare         Spread `json:"engine_over_bare"`
	EngineOverConventional Spread `json:"engine_over_conventional"`
	// EngineOpenP99 is the engine's p99 (ms) in the open loop at half of
	// its peak.
	EngineOpenP99 Spread `json:"engine_open_p99_ms"`
	Passed        bool   `json:"passed"`
}

// Spread is one number over the runs.
type Spread struct {
	Values []float64 `json:"values"`
	Median float64   `json:"median"`
	Min    float64   `json:"min"`
	Max    float64   `json:"max"`
}

func spreadOf(vs []float64) Spread {
	s := Spread{Values: vs}
	if len(vs) == 0 {
		return s
	}
	sorted := slices.Sorted(slices.Values(vs))
	s.Min, s.Max = sorted[0], sorted[len(sorted)-1]
	if n := len(sorted); n%2 == 1 {
		s.Median = sorted[n/2]
	} else {
		s.Median = (sorted[n/2-1] + sorted[n/2]) / 2
	}
	return s
}

// CompareSeries runs the comparison n times, each on fresh data, and
// summarises the ratios and the engine's open-loop p99. It stops at the
// first run that fails to complete.
func CompareSeries(ctx context.Context, o CompareOptions, n int) (*Series, error) {
	s := &Series{Summary: SeriesSummary{Passed: true}}
	var bare, conv, p99 []float64
	for i := range n {
		fmt.Fprintf(progress(o), "run %d of %d\n", i+1, n)
		cmp, err := Compare(ctx, o)
		if cmp != nil {
			s.Runs = append(s.Runs, cmp)
			s.Summary.Passed = s.Summary.Passed && cmp.Passed
			if cmp.EngineOverBare > 0 {
				bare = append(bare, cmp.EngineOverBare)
			}
			if cmp.EngineOverConventional > 0 {
				conv = append(conv, cmp.EngineOverConventional)
			}
			if r := cmp.result(SystemEngine); r != nil && r.Open != nil {
				p99 = append(p99, r.Open.Latency.P99)
			}
		}
		if err != nil {
			return s, err
		}
	}
	s.Summary.EngineOverBare, s.Summary.EngineOverConventional, s.Summary.EngineOpenP99 = spreadOf(bare), spreadOf(conv), spreadOf(p99)
	return s, nil
}

func progress(o CompareOptions) io.Writer {
	if o.Progress == nil {
		return io.Discard
	}
	return o.Progress
}

func (c *Comparison) result(system string) *SystemResult {
	for i := range c.Results {
		if c.Results[i].System == system {
			return &c.Results[i]
		}
	}
	return nil
}

func (s *Series) verdict() error {
	if s.Summary.Passed {
		return nil
	}
	return fmt.Errorf("verification failed in at least one run")
}

// WriteTable prints every run's table, then the medians against the
// targets.
func (s *Series) WriteTable(w io.Writer) error {
	for i, c := range s.Runs {
		fmt.Fprintf(w, "--- run %d of %d\n", i+1, len(s.Runs))
		if err := c.WriteTable(w); err != nil {
			return err
		}
	}
	fmt.Fprintf(w, "--- over %d runs\n", len(s.Runs))
	line := func(name string, sp Spread, target string) {
		if len(sp.Values) == 0 {
			return
		}
		vals := make([]string, len(sp.Values))
		for i, v := range sp.Values {
			vals[i] = fmt.Sprintf("%.2f", v)
		}
		fmt.Fprintf(w, "%-28s median %.2f  (runs: %s)  %s\n", name, sp.Median, strings.Join(vals, ", "), target)
	}
	line("engine / bare:", s.Summary.EngineOverBare, targetEngineOverBare)
	line("engine / conventional:", s.Summary.EngineOverConventional, targetEngineOverConventional)
	line("engine open-loop p99 ms:", s.Summary.EngineOpenP99, targetOpenP99)
	if s.Summary.Passed {
		fmt.Fprintln(w, "verification: PASS (every run)")
	} else {
		fmt.Fprintln(w, "verification: FAIL (see the runs above)")
	}
	return nil
}
