package storm

import (
	"math/rand/v2"
	"time"
)

// Poisson yields the arrival times of a Poisson process of a given rate:
// independent, exponentially distributed gaps with mean 1/rate. The load
// generator sends on these times whether or not earlier messages were
// answered (open loop), so a slow engine sees the queue it would see in
// production instead of a politely waiting client.
type Poisson struct {
	rate float64 // per second
	r    *rand.Rand
	next time.Duration
}

// NewPoisson returns arrivals at rate per second, starting at offset 0.
func NewPoisson(rate float64, r *rand.Rand) *Poisson {
	return &Poisson{rate: rate, r: r}
}

// Next returns the next arrival's offset from the start.
func (p *Poisson) Next() time.Duration {
	gap := p.r.ExpFloat64() / p.rate
	p.next += time.Duration(gap * float64(time.Second))
	return p.next
}
