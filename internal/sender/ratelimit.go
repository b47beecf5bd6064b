package sender

import (
	"context"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/medspa/engine/internal/clock"
	"github.com/medspa/engine/internal/wait"
)

// limiter is a token bucket per sending number, shared by all lanes:
// carriers (10DLC campaigns in particular) limit messages per second per
// number. Each call to reserve takes a token now or books the next free
// one, so callers wait in the order they asked.
type limiter struct {
	rate  float64 // tokens per second; <= 0: unlimited
	burst float64
	now   func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

// maxBuckets bounds the map; full buckets are dropped past it (a full
// bucket is the same as none).
const maxBuckets = 10000

func newLimiter(rate float64, burst int) *limiter {
	if burst < 1 {
		burst = 1
	}
	return &limiter{rate: rate, burst: float64(burst), now: clock.Real, buckets: map[string]*bucket{}}
}

// reserve takes a token for key and returns how long to wait before using
// it.
func (l *limiter) reserve(key string) time.Duration {
	if l == nil || l.rate <= 0 {
		return 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) >= maxBuckets {
			l.prune(now)
		}
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[key] = b
	}
	if now.After(b.last) {
		b.tokens = min(l.burst, b.tokens+now.Sub(b.last).Seconds()*l.rate)
		b.last = now
	}
	b.tokens--
	if b.tokens >= 0 {
		return 0
	}
	return time.Duration(-b.tokens / l.rate * float64(time.Second))
}

func (l *limiter) prune(now time.Time) {
	for k, b := range l.buckets {
		if b.tokens+now.Sub(b.last).Seconds()*l.rate >= l.burst {
			delete(l.buckets, k)
		}
	}
}

// wait takes a token for the sending number and waits for it, keeping the
// message in progress meanwhile. It returns false when ctx ends first.
func (l *limiter) wait(ctx context.Context, m jetstream.Msg, from string) bool {
	d := l.reserve(from)
	for d > 0 {
		step := min(d, 5*time.Second)
		if !wait.Sleep(ctx, step) {
			return false
		}
		d -= step
		if d > 0 && m != nil {
			_ = m.InProgress()
		}
	}
	return ctx.Err() == nil
}
