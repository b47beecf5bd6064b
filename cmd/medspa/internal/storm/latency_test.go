package storm

import (
	"math/rand/v2"
	"testing"
	"time"
)

func TestPercentilesAreNearestRank(t *testing.T) {
	var l Latencies
	if l.Percentile(50) != 0 || l.Max() != 0 || l.Mean() != 0 {
		t.Fatal("an empty set has zero percentiles")
	}
	// 1..100 ms in shuffled order.
	r := rand.New(rand.NewPCG(3, 4))
	for _, i := range r.Perm(100) {
		l.Add(time.Duration(i+1) * time.Millisecond)
	}
	for _, c := range []struct {
		p    float64
		want time.Duration
	}{{50, 50}, {90, 90}, {99, 99}, {99.9, 100}, {100, 100}, {1, 1}, {0.5, 1}, {0, 1}} {
		if got := l.Percentile(c.p); got != c.want*time.Millisecond {
			t.Errorf("p%v = %v, want %v", c.p, got, c.want*time.Millisecond)
		}
	}
	if l.Mean() != 50500*time.Microsecond {
		t.Errorf("mean %v", l.Mean())
	}
	// Adding after a query sorts again.
	l.Add(time.Second)
	if l.Max() != time.Second || l.Count() != 101 {
		t.Errorf("max %v count %d", l.Max(), l.Count())
	}
	// Ten samples: p90 is the 9th, p99 the 10th.
	var s Latencies
	for i := 10; i >= 1; i-- {
		s.Add(time.Duration(i))
	}
	if s.Percentile(90) != 9 || s.Percentile(99) != 10 || s.Percentile(50) != 5 {
		t.Errorf("p50 %v p90 %v p99 %v", s.Percentile(50), s.Percentile(90), s.Percentile(99))
	}
}
