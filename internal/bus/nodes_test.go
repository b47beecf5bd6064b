package bus_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/medspa/engine/internal/bus"
	"github.com/medspa/engine/internal/testkit"
)

// view records the member lists a membership reports.
type view struct {
	mu   sync.Mutex
	last []string
}

func (v *view) set(m []string) { v.mu.Lock(); v.last = m; v.mu.Unlock() }
func (v *view) get() []string  { v.mu.Lock(); defer v.mu.Unlock(); return v.last }

func waitView(t *testing.T, v *view, want []string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !slices.Equal(v.get(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("members %v, want %v", v.get(), want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func jsFor(t *testing.T) jetstream.JetStream {
	t.Helper()
	nc, err := nats.Connect(testkit.NATS(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return js
}

func TestMembershipSeesJoinsLeavesAndExpiries(t *testing.T) {
	js := jsFor(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg := func(id string) bus.MembershipConfig {
		return bus.MembershipConfig{NodeID: id, TTL: 1500 * time.Millisecond, Heartbeat: 300 * time.Millisecond}
	}
	a, err := bus.OpenMembership(ctx, js, cfg("node-a"))
	if err != nil {
		t.Fatal(err)
	}
	var va view
	doneA := make(chan struct{})
	go func() { defer close(doneA); _ = a.Run(ctx, va.set) }()
	waitView(t, &va, []string{"node-a"}, 5*time.Second)

	// A second node joins and leaves on purpose: its key is deleted.
	b, err := bus.OpenMembership(ctx, js, cfg("node-b"))
	if err != nil {
		t.Fatal(err)
	}
	bctx, stopB := context.WithCancel(ctx)
	var vb view
	doneB := make(chan struct{})
	go func() { defer close(doneB); _ = b.Run(bctx, vb.set) }()
	waitView(t, &va, []string{"node-a", "node-b"}, 5*time.Second)
	waitView(t, &vb, []string{"node-a", "node-b"}, 5*time.Second)
	stopB()
	<-doneB
	// Deleting the key is seen well before the key would have expired.
	waitView(t, &va, []string{"node-a"}, time.Second)

	// A node that stops refreshing (a crash) drops out once its key expires.
	kv, err := js.KeyValue(ctx, bus.NodesBucket)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := kv.PutString(ctx, "node-c", "x"); err != nil {
		t.Fatal(err)
	}
	waitView(t, &va, []string{"node-a", "node-c"}, 5*time.Second)
	waitView(t, &va, []string{"node-a"}, 5*time.Second)

	cancel()
	<-doneA
	if _, err := kv.Get(context.Background(), "node-a"); err == nil {
		t.Fatal("node-a's key is still there after it stopped")
	}
}

func TestMembershipRejectsBadNodeIDs(t *testing.T) {
	js := jsFor(t)
	for _, id := range []string{"", "a b", "a*", "a>", ".a", "a."} {
		if _, err := bus.OpenMembership(context.Background(), js, bus.MembershipConfig{NodeID: id}); err == nil {
			t.Errorf("node id %q accepted", id)
		}
	}
}
