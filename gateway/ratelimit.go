package gateway

import (
	"math"
	"sync"
	"time"
)

// RateLimit is Burst requests per Per: a token bucket in one process
// (Burst at once, refilled at Burst per Per), a fixed window of Per in the
// store.
type RateLimit struct {
	Burst int
	Per   time.Duration
}

// maxBuckets bounds a limiter's memory; past it, full buckets are dropped.
const maxBuckets = 100_000

// limiter holds one token bucket per key, in memory.
type limiter struct {
	burst   float64
	perTok  time.Duration // time to earn one token
	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

func newLimiter(l RateLimit) *limiter {
	return &limiter{
		burst:   float64(l.Burst),
		perTok:  l.Per / time.Duration(l.Burst),
		buckets: map[string]*bucket{},
	}
}

// allow takes a token from key's bucket. When there is none it returns
// false and how long until there is one.
func (l *limiter) allow(key string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) >= maxBuckets {
			l.prune(now)
		}
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[key] = b
	}
	l.refill(b, now)
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := time.Duration(math.Ceil((1 - b.tokens) * float64(l.perTok)))
	return false, wait
}

func (l *limiter) refill(b *bucket, now time.Time) {
	if elapsed := now.Sub(b.at); elapsed > 0 {
		b.tokens = math.Min(l.burst, b.tokens+float64(elapsed)/float64(l.perTok))
		b.at = now
	}
}

// prune drops the buckets that are full again: forgetting them changes
// nothing.
func (l *limiter) prune(now time.Time) {
	for k, b := range l.buckets {
		l.refill(b, now)
		if b.tokens >= l.burst {
			delete(l.buckets, k)
		}
	}
}
