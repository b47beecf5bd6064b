package storm

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

func TestPoissonArrivalsHaveExponentialGapsAndPoissonCounts(t *testing.T) {
	const rate, n = 200.0, 200_000
	p := NewPoisson(rate, rand.New(rand.NewPCG(1, 2)))
	var prev time.Duration
	gaps := make([]float64, n)
	perSecond := map[int64]int{}
	for i := range gaps {
		at := p.Next()
		if at < prev {
			t.Fatalf("arrival %d goes back in time", i)
		}
		gaps[i] = (at - prev).Seconds()
		prev = at
		perSecond[int64(at/time.Second)]++
	}
	var sum, sumSq float64
	longer := 0
	for _, g := range gaps {
		sum += g
		sumSq += g * g
		if g > 1/rate {
			longer++
		}
	}
	mean := sum / n
	std := math.Sqrt(sumSq/n - mean*mean)
	if math.Abs(mean*rate-1) > 0.01 {
		t.Errorf("mean gap %.6fs, want %.6fs", mean, 1/rate)
	}
	// Exponential: the standard deviation equals the mean, and a gap exceeds
	// the mean with probability 1/e.
	if math.Abs(std/mean-1) > 0.02 {
		t.Errorf("coefficient of variation %.3f, want 1", std/mean)
	}
	if share := float64(longer) / n; math.Abs(share-math.Exp(-1)) > 0.01 {
		t.Errorf("share of gaps above the mean %.4f, want %.4f", share, math.Exp(-1))
	}
	// Counts per second: Poisson, so variance equals mean (dispersion 1).
	last := int64(prev / time.Second)
	var cs, cs2 float64
	for s := int64(0); s < last; s++ { // the last second is partial
		c := float64(perSecond[s])
		cs += c
		cs2 += c * c
	}
	k := float64(last)
	cm := cs / k
	cv := cs2/k - cm*cm
	if math.Abs(cm/rate-1) > 0.02 {
		t.Errorf("mean arrivals per second %.1f, want %.0f", cm, rate)
	}
	if d := cv / cm; d < 0.8 || d > 1.2 {
		t.Errorf("dispersion index %.2f, want about 1", d)
	}
}
