package bus

import (
	"context"
	"hash/fnv"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// ConsumeInLanes consumes cons until ctx ends, handing each message to one
// of n lanes chosen by its subject: messages of one subject (one lead) are
// handled one at a time and in order, different subjects in parallel. It
// returns once the consumer is drained and every lane has finished.
func ConsumeInLanes(ctx context.Context, cons jetstream.Consumer, n, maxMessages int, handle func(jetstream.Msg)) error {
	lanes := make([]chan jetstream.Msg, n)
	var wg sync.WaitGroup
	for i := range lanes {
		lanes[i] = make(chan jetstream.Msg, 32)
		wg.Add(1)
		go func(in <-chan jetstream.Msg) {
			defer wg.Done()
			for m := range in {
				handle(m)
			}
		}(lanes[i])
	}
	closeLanes := func() {
		for _, l := range lanes {
			close(l)
		}
		wg.Wait()
	}
	cc, err := cons.Consume(func(m jetstream.Msg) {
		h := fnv.New32a()
		h.Write([]byte(m.Subject()))
		select {
		case lanes[h.Sum32()%uint32(len(lanes))] <- m:
		case <-ctx.Done():
		}
	}, jetstream.PullMaxMessages(maxMessages))
	if err != nil {
		closeLanes()
		return err
	}
	<-ctx.Done()
	cc.Drain()
	<-cc.Closed()
	closeLanes()
	return nil
}

// Backoff is exponential backoff with jitter: attempt k waits a random time
// in [d/2, d] where d = Base·2^k, capped at Max.
type Backoff struct {
	Base, Max time.Duration
}

// Delay is the wait before retry number attempt (0-based).
func (b Backoff) Delay(attempt int) time.Duration {
	d := b.Base << min(attempt, 16)
	if d > b.Max || d <= 0 {
		d = b.Max
	}
	return d/2 + rand.N(d/2+1)
}

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
