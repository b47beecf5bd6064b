package bus

import (
	"context"
	"hash/fnv"
	"sync"

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
