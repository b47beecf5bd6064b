// Package wait holds the three ways the engine's loops wait: Sleep (a
// pause that ends with its context), Backoff (how long a retry waits) and
// Gather (what is waiting on a channel, taken as one batch).
package wait

import (
	"context"
	"math/rand/v2"
	"time"
)

// Sleep waits d, or less if ctx ends first; it reports whether it waited
// the whole time.
func Sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// Backoff is exponential backoff: attempt k (0-based) waits d = Base·2^k,
// capped at Max, or with Jitter a random time in [d/2, d].
type Backoff struct {
	Base, Max time.Duration
	Jitter    bool
}

// Delay is the wait before retry number attempt (0-based).
func (b Backoff) Delay(attempt int) time.Duration {
	d := b.Base << min(max(attempt, 0), 16)
	if d > b.Max || d <= 0 {
		d = b.Max
	}
	if !b.Jitter {
		return d
	}
	return d/2 + rand.N(d/2+1)
}

// Gather appends to batch what is waiting in ch, without waiting for
// more: until batch holds limit items, ch is empty or ch is closed. A loop
// that received one item and gathers the rest writes them together (group
// commit), so the batch is as large as the load and never waits for one.
func Gather[T any](ch <-chan T, batch []T, limit int) []T {
	for len(batch) < limit {
		select {
		case v, ok := <-ch:
			if !ok {
				return batch
			}
			batch = append(batch, v)
		default:
			return batch
		}
	}
	return batch
}
