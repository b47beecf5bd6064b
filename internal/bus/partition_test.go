package bus_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/medspa/engine/internal/bus"
	"github.com/medspa/engine/internal/testkit"
	"github.com/medspa/engine/messages"
)

// The engine finds which node owns a clinic with messages.PartitionOf; it
// must agree with the partition the server's subject transform stores the
// clinic's work under.
func TestPartitionOfMatchesServerTransform(t *testing.T) {
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
	topo.Partitions = 7
	if err := bus.EnsureStreams(ctx, js, topo); err != nil {
		t.Fatal(err)
	}
	stream, err := js.Stream(ctx, messages.StreamInbound)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int]bool{}
	for i := 0; i < 40; i++ {
		clinicID := fmt.Sprintf("clinic-%d", i)
		ack, err := js.Publish(ctx, messages.InboundSubject(clinicID, "ld_x", messages.KindSMS), []byte(`{}`))
		if err != nil {
			t.Fatal(err)
		}
		m, err := stream.GetMsg(ctx, ack.Sequence)
		if err != nil {
			t.Fatal(err)
		}
		p, gotClinic, _, _, ok := messages.ParsePartitioned(m.Subject)
		if !ok || gotClinic != clinicID {
			t.Fatalf("stored subject %q", m.Subject)
		}
		want := messages.PartitionOf(clinicID, topo.Partitions)
		if p != fmt.Sprint(want) {
			t.Errorf("clinic %s: server partition %s, PartitionOf %d", clinicID, p, want)
		}
		seen[want] = true
	}
	if len(seen) < 2 {
		t.Errorf("40 clinics landed in %d partitions; the check needs several", len(seen))
	}
}
