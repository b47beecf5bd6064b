package storm

import (
	"math"
	"slices"
	"time"
)

// Latencies keeps every sample of a run (a run's count is bounded by its
// messages) and answers exact percentiles.
type Latencies struct {
	samples []time.Duration
	sorted  bool
}

// Add records one sample.
func (l *Latencies) Add(d time.Duration) {
	l.samples = append(l.samples, d)
	l.sorted = false
}

// Count is the number of samples.
func (l *Latencies) Count() int { return len(l.samples) }

// Percentile returns the nearest-rank p-th percentile (0 < p <= 100): the
// smallest sample such that at least p% of all samples are at most it.
// It is 0 without samples.
func (l *Latencies) Percentile(p float64) time.Duration {
	n := len(l.samples)
	if n == 0 {
		return 0
	}
	if !l.sorted {
		slices.Sort(l.samples)
		l.sorted = true
	}
	rank := int(math.Ceil(p / 100 * float64(n)))
	rank = min(max(rank, 1), n)
	return l.samples[rank-1]
}

// Max is the largest sample.
func (l *Latencies) Max() time.Duration { return l.Percentile(100) }

// Mean is the average sample.
func (l *Latencies) Mean() time.Duration {
	if len(l.samples) == 0 {
		return 0
	}
	var sum time.Duration
	for _, s := range l.samples {
		sum += s
	}
	return sum / time.Duration(len(l.samples))
}
