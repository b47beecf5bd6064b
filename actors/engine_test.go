package actors_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/medspa/engine/internal/directory"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/medspa/engine/actors"
	"github.com/medspa/engine/internal/bus"
	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/internal/conversation"
	"github.com/medspa/engine/internal/testkit"
	"github.com/medspa/engine/messages"
	"github.com/medspa/engine/persistence"
	"github.com/medspa/engine/persistence/sqlite"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m,
		goleak.IgnoreAnyFunction("github.com/nats-io/nats-server/v2/server.(*Server).Start"),
		goleak.IgnoreTopFunction("database/sql.(*DB).connectionOpener"),
		// protoactor's process registry keeps a background goroutine per actor system.
		goleak.IgnoreAnyFunction("github.com/asynkron/protoactor-go/actor.(*ActorSystem).Shutdown"),
		goleak.IgnoreAnyFunction("github.com/asynkron/protoactor-go/actor.NewActorSystemWithConfig.func1"),
		goleak.IgnoreAnyFunction("github.com/lithammer/shortuuid/v4.New"),
		goleak.IgnoreAnyFunction("time.Sleep"),
	)
}

const clinicID, clinicNumber = "glow-chicago", "+17735550100"

type rig struct {
	js    jetstream.JetStream
	store persistence.Store
	topo  bus.Topology
}

func newRig(t *testing.T) *rig {
	nc, err := nats.Connect(testkit.NATS(t))
	require.NoError(t, err)
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	require.NoError(t, err)
	topo := bus.DefaultTopology()
	topo.Partitions = 1
	require.NoError(t, bus.EnsureStreams(context.Background(), js, topo))
	st, err := sqlite.Open(context.Background(), t.TempDir(), sqlite.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	return &rig{js: js, store: st, topo: topo}
}

// ensure applies a changed topology to the streams and consumers.
func (r *rig) ensure() error { return bus.EnsureStreams(context.Background(), r.js, r.topo) }

// run starts an engine until the returned stop is called.
func (r *rig) run(t *testing.T) (stop func()) {
	eng := actors.New(actors.Config{JS: r.js, Store: r.store, Clinics: directory.New(clinic.Demo()), Topology: r.topo,
		Metrics: actors.NewMetrics(prometheus.NewRegistry())})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- eng.Run(ctx) }()
	var stopped bool
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		require.NoError(t, <-done)
	}
	t.Cleanup(stop)
	return stop
}

func (r *rig) publish(t *testing.T, id, from, text string) {
	env := messages.Envelope{V: messages.Version, ID: id, Kind: messages.KindSMS, ClinicID: clinicID, LeadID: messages.LeadID(clinicID, from),
		Phone: from, Received: time.Now(), SMS: &messages.InboundSMS{Carrier: messages.CarrierTelnyx, ProviderID: id, From: from, To: clinicNumber, Text: text}}
	b, err := env.Encode()
	require.NoError(t, err)
	require.NoError(t, bus.Publisher{JS: r.js}.Publish(context.Background(), messages.InboundSubject(clinicID, env.LeadID, env.Kind), id, b, time.Now()))
}

func (r *rig) transcript(t *testing.T, from string) []string {
	entries, err := r.store.Transcript(context.Background(), clinicID, messages.LeadID(clinicID, from), 100)
	require.NoError(t, err)
	var in []string
	for _, e := range entries {
		if e.Direction == "in" {
			in = append(in, e.Text)
		}
	}
	return in
}

// A node took the lead's first message and died before acking it; the
// second message reaches a new owner first. The new owner applies the first
// one before the second, and the first's later redelivery is a duplicate.
func TestEarlierPendingMessageIsAppliedFirst(t *testing.T) {
	r := newRig(t)
	lead := "+13125550151"
	r.publish(t, "m1", lead, "Hi, my name is Ada")
	// The dying node: fetch m1 and never ack it, then lose the pin.
	ctx := context.Background()
	stream, err := r.js.Stream(ctx, messages.StreamInbound)
	require.NoError(t, err)
	cons, err := stream.Consumer(ctx, messages.PartitionConsumer(0))
	require.NoError(t, err)
	batch, err := cons.Fetch(1, jetstream.FetchMaxWait(2*time.Second), jetstream.FetchPriorityGroup(bus.PriorityGroup))
	require.NoError(t, err)
	var got int
	for m := range batch.Messages() {
		got++
		require.Contains(t, string(m.Data()), "Ada")
	}
	require.Equal(t, 1, got)
	require.NoError(t, stream.UnpinConsumer(ctx, messages.PartitionConsumer(0), bus.PriorityGroup))

	r.publish(t, "m2", lead, "How much is Botox?")
	r.run(t)
	require.Eventually(t, func() bool { return len(r.transcript(t, lead)) == 2 }, 10*time.Second, 20*time.Millisecond)
	require.Equal(t, []string{"Hi, my name is Ada", "How much is Botox?"}, r.transcript(t, lead), "applied in the order accepted")

	snap, err := r.store.LoadSnapshot(ctx, clinicID, messages.LeadID(clinicID, lead))
	require.NoError(t, err)
	require.EqualValues(t, 2, snap.Version, "each message applied exactly once")
	require.Equal(t, "Ada", snap.Name)
}

// Another writer changed the conversation behind the actor's back: the
// actor's write fails the version check, it reloads and decides again on top
// of the newer state instead of overwriting it.
func TestStaleVersionReloadsInsteadOfOverwriting(t *testing.T) {
	r := newRig(t)
	lead := "+13125550152"
	leadID := messages.LeadID(clinicID, lead)
	r.run(t)
	r.publish(t, "v1", lead, "Hello")
	require.Eventually(t, func() bool { return len(r.transcript(t, lead)) == 1 }, 10*time.Second, 20*time.Millisecond)

	ctx := context.Background()
	snap, err := r.store.LoadSnapshot(ctx, clinicID, leadID)
	require.NoError(t, err)
	var s conversation.State
	require.NoError(t, json.Unmarshal(snap.State, &s))
	s.Name = "Grace" // written by "another node"
	b, err := json.Marshal(s)
	require.NoError(t, err)
	snap.State, snap.Name = b, "Grace"
	res, err := r.store.Apply(ctx, []persistence.Commit{{DedupKey: "external-1", Snapshot: snap}})
	require.NoError(t, err)
	require.NoError(t, res[0])

	r.publish(t, "v2", lead, "hi again")
	require.Eventually(t, func() bool { return len(r.transcript(t, lead)) == 2 }, 10*time.Second, 20*time.Millisecond)
	snap, err = r.store.LoadSnapshot(ctx, clinicID, leadID)
	require.NoError(t, err)
	require.EqualValues(t, 3, snap.Version)
	require.Equal(t, "Grace", snap.Name, "the other writer's change survives")
}

// Many leads' messages, each applied once and in order per lead, across a
// restart in the middle.
func TestManyLeadsInOrderAcrossRestart(t *testing.T) {
	r := newRig(t)
	stop := r.run(t)
	const leads, per = 20, 6
	for j := range per {
		for i := range leads {
			r.publish(t, fmt.Sprintf("l%d-m%d", i, j), fmt.Sprintf("+131255502%02d", i), fmt.Sprintf("message %d", j))
		}
		if j == per/2 {
			stop()
			stop = r.run(t)
		}
	}
	for i := range leads {
		lead := fmt.Sprintf("+131255502%02d", i)
		require.Eventually(t, func() bool { return len(r.transcript(t, lead)) == per }, 15*time.Second, 20*time.Millisecond, lead)
		want := make([]string, per)
		for j := range per {
			want[j] = fmt.Sprintf("message %d", j)
		}
		require.Equal(t, want, r.transcript(t, lead))
	}
}
