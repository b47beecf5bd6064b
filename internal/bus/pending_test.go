package bus_test

import (
	"context"
	"strings"
	"testing"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/medspa/engine/internal/bus"
	"github.com/medspa/engine/internal/testkit"
	"github.com/medspa/engine/messages"
)

func TestPendingCollectorReportsEachConsumer(t *testing.T) {
	nc, err := nats.Connect(testkit.NATS(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	topo := bus.DefaultTopology()
	if err := bus.EnsureStreams(ctx, js, topo); err != nil {
		t.Fatal(err)
	}
	for _, lead := range []string{"ld_a", "ld_b", "ld_c"} {
		if _, err := js.Publish(ctx, messages.InboundSubject("glow-chicago", lead, messages.KindSMS), []byte(`{}`)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := js.Publish(ctx, messages.SendSubject("glow-chicago", "ld_a"), []byte(`{}`)); err != nil {
		t.Fatal(err)
	}

	reg := prometheus.NewRegistry()
	c := bus.NewPendingCollector(js, reg, nil)
	if err := c.Poll(ctx); err != nil {
		t.Fatal(err)
	}
	fams, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, f := range fams {
		if f.GetName() != "medspa_jetstream_pending" {
			continue
		}
		for _, m := range f.GetMetric() {
			got[m.GetLabel()[0].GetValue()] = m.GetGauge().GetValue()
		}
	}
	var partitions, inbound float64
	for name, n := range got {
		if strings.HasPrefix(name, "engine-p") {
			partitions++
			inbound += n
		}
	}
	if partitions != float64(topo.Partitions) || inbound != 3 {
		t.Errorf("partition consumers: %v series holding %v messages, want %d holding 3 (%v)", partitions, inbound, topo.Partitions, got)
	}
	if got[bus.SenderConsumer] != 1 || got[bus.PaymentsConsumer] != 0 {
		t.Errorf("sender %v, payments %v; want 1 and 0 (%v)", got[bus.SenderConsumer], got[bus.PaymentsConsumer], got)
	}
	if _, ok := got[bus.PaymentsConsumer]; !ok {
		t.Errorf("no series for the payments consumer: %v", got)
	}
}

// medspa_dead_letters is the dead-letter stream's count by source, every
// source listed; it goes down when dead letters are removed.
func TestPendingCollectorCountsDeadLetters(t *testing.T) {
	nc, err := nats.Connect(testkit.NATS(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := bus.EnsureStreams(ctx, js, bus.DefaultTopology()); err != nil {
		t.Fatal(err)
	}
	var last uint64
	for _, source := range []string{"inbound", "inbound", "sms"} {
		ack, err := js.Publish(ctx, messages.DeadSubject(source), []byte(`{}`))
		if err != nil {
			t.Fatal(err)
		}
		last = ack.Sequence
	}
	reg := prometheus.NewRegistry()
	c := bus.NewPendingCollector(js, reg, nil)
	dead := func() map[string]float64 {
		t.Helper()
		if err := c.Poll(ctx); err != nil {
			t.Fatal(err)
		}
		fams, err := reg.Gather()
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]float64{}
		for _, f := range fams {
			if f.GetName() == "medspa_dead_letters" {
				for _, m := range f.GetMetric() {
					got[m.GetLabel()[0].GetValue()] = m.GetGauge().GetValue()
				}
			}
		}
		return got
	}
	if got := dead(); got["inbound"] != 2 || got["sms"] != 1 || len(got) != 3 {
		t.Errorf("dead letters = %v, want inbound 2, sms 1, payment 0", got)
	}
	st, err := js.Stream(ctx, messages.StreamDead)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.DeleteMsg(ctx, last); err != nil {
		t.Fatal(err)
	}
	if got := dead(); got["sms"] != 0 || got["inbound"] != 2 {
		t.Errorf("after removing the sms dead letter: %v", got)
	}
}
