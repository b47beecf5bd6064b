package stage

import (
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

func TestRolesShareOneHistogram(t *testing.T) {
	reg := prometheus.NewRegistry()
	a, b := New(reg), New(reg)
	a.Observe(Commit, time.Millisecond)
	b.Observe(Carrier, 2*time.Millisecond)
	b.Observe(Carrier, -time.Millisecond) // dropped
	var nilTimer *Timer
	nilTimer.Observe(Commit, time.Second) // no panic, nothing recorded
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]uint64{}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			counts[m.GetLabel()[0].GetValue()] = m.GetHistogram().GetSampleCount()
		}
	}
	if len(counts) != 2 || counts[Commit] != 1 || counts[Carrier] != 1 {
		t.Fatalf("counts = %v, want one commit and one carrier", counts)
	}
}
