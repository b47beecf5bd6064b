package bus_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/medspa/engine/internal/bus"
	"github.com/medspa/engine/internal/testkit"
)

// BenchmarkDurablePublish measures the gateway's publish: one message stored
// in MEDSPA_IN and acknowledged, from 64 concurrent publishers.
func BenchmarkDurablePublish(b *testing.B) {
	nc, err := nats.Connect(testkit.NATS(b))
	if err != nil {
		b.Fatal(err)
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	if err := bus.EnsureStreams(context.Background(), js, bus.DefaultTopology()); err != nil {
		b.Fatal(err)
	}
	p := bus.Publisher{JS: js}
	b.ResetTimer()
	var wg sync.WaitGroup
	per := b.N/64 + 1
	start := time.Now()
	for w := range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range per {
				if err := p.Publish(context.Background(), fmt.Sprintf("medspa.in.c%d.l%d.sms", w%7, w), fmt.Sprintf("%d-%d-%d", b.N, w, i), []byte(`{"v":1}`), time.Now()); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	b.ReportMetric(float64(per*64)/time.Since(start).Seconds(), "msgs/s")
}
