package actors

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/medspa/engine/internal/bus"
	"github.com/medspa/engine/internal/testkit"
	"github.com/medspa/engine/messages"
	"github.com/medspa/engine/persistence"
	"github.com/medspa/engine/persistence/sqlite"
)

// BenchmarkTimersFire measures how fast durable timers are delivered: the
// store holds 100,000 timers, 10,000 of them due; the timer loop's step
// (read due timers, publish each as an inbound message to JetStream, delete
// the fired ones) runs until all due timers are out. Reported: timers fired
// per second, with the held count alongside.
//
//	go test ./actors -run '^$' -bench TimersFire -benchtime 1x
func BenchmarkTimersFire(b *testing.B) {
	const held, due = 100_000, 10_000
	ctx := context.Background()
	nc, err := nats.Connect(testkit.NATS(b))
	if err != nil {
		b.Fatal(err)
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	topo := bus.DefaultTopology()
	if err := bus.EnsureStreams(ctx, js, topo); err != nil {
		b.Fatal(err)
	}
	for it := 0; it < b.N; it++ {
		st, err := sqlite.Open(ctx, b.TempDir(), sqlite.Options{})
		if err != nil {
			b.Fatal(err)
		}
		now := time.Now()
		var batch []persistence.Commit
		for i := range held {
			lead := fmt.Sprintf("ld_bench%06d", i)
			at := now.Add(time.Hour)
			if i < due {
				at = now.Add(-time.Second)
			}
			batch = append(batch, persistence.Commit{DedupKey: fmt.Sprintf("seed-%d-%d", it, i),
				Snapshot: persistence.Snapshot{ClinicID: "glow-chicago", LeadID: lead, Phone: "+13125550100", Phase: "held", State: []byte(`{}`), UpdatedAt: now},
				Timers:   []persistence.Timer{{ID: "hold-expiry", ClinicID: "glow-chicago", LeadID: lead, Kind: "hold-expiry", DueAt: at}}})
			if len(batch) == 1000 {
				if _, err := st.Apply(ctx, batch); err != nil {
					b.Fatal(err)
				}
				batch = batch[:0]
			}
		}
		e := New(Config{JS: js, Store: st, Topology: topo, Metrics: NewMetrics(prometheus.NewRegistry())})
		e.ctx = ctx
		pub := bus.Publisher{JS: js}
		b.StartTimer()
		began := time.Now()
		fired := 0
		for fired < due {
			n, err := e.fireDue(ctx, pub)
			if err != nil {
				b.Fatal(err)
			}
			if n == 0 {
				b.Fatalf("stalled after %d timers", fired)
			}
			fired += n
		}
		elapsed := time.Since(began)
		b.StopTimer()
		b.ReportMetric(float64(fired)/elapsed.Seconds(), "timers/s")
		b.ReportMetric(held, "held")
		left, err := st.DueTimers(ctx, time.Now(), 10)
		if err != nil || len(left) != 0 {
			b.Fatalf("due timers left: %d (%v)", len(left), err)
		}
		st.Close()
		// Empty the stream for the next iteration.
		s, _ := js.Stream(ctx, messages.StreamInbound)
		_ = s.Purge(ctx)
	}
}
