package testkit

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

// Counter sums the counter name over the series of g whose labels include
// every pair of labels (nil: all series); 0 when none was ever touched.
func Counter(t testing.TB, g prometheus.Gatherer, name string, labels map[string]string) float64 {
	t.Helper()
	fams, err := g.Gather()
	if err != nil {
		t.Fatalf("gather metrics: %v", err)
	}
	sum := 0.0
	for _, f := range fams {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			have := map[string]string{}
			for _, lp := range m.GetLabel() {
				have[lp.GetName()] = lp.GetValue()
			}
			match := true
			for k, v := range labels {
				match = match && have[k] == v
			}
			if match {
				sum += m.GetCounter().GetValue()
			}
		}
	}
	return sum
}
