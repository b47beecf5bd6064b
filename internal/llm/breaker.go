package llm

import (
	"sync"
	"time"

	"github.com/medspa/engine/internal/clock"
)

// BreakerState is the state of a circuit breaker.
type BreakerState int

// Breaker states.
const (
	// Closed: calls go through; consecutive failures are counted.
	BreakerClosed BreakerState = iota
	// Open: calls are refused until the cool-down has passed.
	BreakerOpen
	// HalfOpen: one trial call goes through; its outcome closes or reopens.
	BreakerHalfOpen
)

func (s BreakerState) String() string {
	switch s {
	case BreakerOpen:
		return "open"
	case BreakerHalfOpen:
		return "half-open"
	}
	return "closed"
}

// Breaker stops calling a model that keeps failing, so a lead does not wait
// for a timeout on every message. After Threshold consecutive failures it
// opens for Cooldown, then lets one trial call through.
type Breaker struct {
	threshold int
	cooldown  time.Duration
	now       func() time.Time

	mu       sync.Mutex
	state    BreakerState
	failures int
	openedAt time.Time
	trial    bool // a half-open trial call is in flight
}

// NewBreaker returns a closed breaker. now is the clock (clock.Real if nil).
func NewBreaker(threshold int, cooldown time.Duration, now func() time.Time) *Breaker {
	if threshold < 1 {
		threshold = 1
	}
	if now == nil {
		now = clock.Real
	}
	return &Breaker{threshold: threshold, cooldown: cooldown, now: now}
}

// Allow reports whether a call may go out now. A true answer must be
// followed by exactly one Done.
func (b *Breaker) Allow() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch b.state {
	case BreakerOpen:
		if b.now().Sub(b.openedAt) < b.cooldown {
			return false
		}
		b.state = BreakerHalfOpen
		b.trial = true
		return true
	case BreakerHalfOpen:
		if b.trial {
			return false
		}
		b.trial = true
		return true
	}
	return true
}

// Done records the outcome of an allowed call.
func (b *Breaker) Done(ok bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if ok {
		b.state, b.failures, b.trial = BreakerClosed, 0, false
		return
	}
	b.failures++
	if b.state == BreakerHalfOpen || b.failures >= b.threshold {
		b.state, b.openedAt, b.trial = BreakerOpen, b.now(), false
	}
}

// State returns the breaker's state as of now.
func (b *Breaker) State() BreakerState {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.state == BreakerOpen && b.now().Sub(b.openedAt) >= b.cooldown {
		return BreakerHalfOpen
	}
	return b.state
}
