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
