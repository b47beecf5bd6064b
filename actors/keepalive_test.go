package actors_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/medspa/engine/internal/directory"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"

	"github.com/medspa/engine/actors"
	"github.com/medspa/engine/internal/bus"
	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/internal/conversation"
	"github.com/medspa/engine/internal/llm"
	"github.com/medspa/engine/internal/testkit"
	"github.com/medspa/engine/internal/understand"
	"github.com/medspa/engine/messages"
	"github.com/medspa/engine/persistence"
)

// slowAssistant takes longer than the inbound ack wait on its first call.
type slowAssistant struct {
	calls atomic.Int32
	delay time.Duration
}

func (s *slowAssistant) Understand(ctx context.Context, req llm.Request, builtin understand.Understanding) llm.Result {
	if s.calls.Add(1) == 1 {
		select {
		case <-time.After(s.delay):
		case <-ctx.Done():
		}
	}
	return (&llm.Fallback{}).Understand(ctx, req, builtin)
}

// A message whose processing outlasts the inbound ack wait, and the one
// queued behind it, are kept alive with in-progress acks: JetStream does
// not redeliver them while this node works on them.
func TestSlowMessagesAreKeptAliveNotRedelivered(t *testing.T) {
	r := newRig(t)
	r.topo.InboundAckWait = 600 * time.Millisecond
	require.NoError(t, r.ensure())
	reg := prometheus.NewRegistry()
	slow := &slowAssistant{delay: 2 * time.Second}
	eng := actors.New(actors.Config{JS: r.js, Store: r.store, Clinics: directory.New(clinic.Demo()), Topology: r.topo,
		Metrics: actors.NewMetrics(reg), Assistant: slow})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- eng.Run(ctx) }()
	t.Cleanup(func() { cancel(); require.NoError(t, <-done) })

	lead := "+13125550161"
	r.publish(t, "slow-1", lead, "Hi, I'm Kim. How much is botox?")
	r.publish(t, "slow-2", lead, "and lip filler?")
	require.Eventually(t, func() bool { return len(r.transcript(t, lead)) == 2 }, 15*time.Second, 50*time.Millisecond)

	cons, err := r.js.Consumer(context.Background(), messages.StreamInbound, messages.PartitionConsumer(0))
	require.NoError(t, err)
	info, err := cons.Info(context.Background())
	require.NoError(t, err)
	require.Equal(t, r.topo.InboundAckWait, info.Config.AckWait)
	// Once both are acknowledged nothing can be redelivered any more, and
	// the consumer's delivery count says whether anything was: every
	// redelivery is a delivery of its own.
	require.Eventually(t, func() bool {
		info, err = cons.Info(context.Background())
		return err == nil && info.NumAckPending == 0 && info.NumPending == 0
	}, 10*time.Second, 10*time.Millisecond, "both messages acknowledged")
	require.EqualValues(t, 2, info.Delivered.Consumer, "two messages, delivered once each")
	require.Zero(t, testkit.Counter(t, reg, "medspa_messages_processed_total", map[string]string{"outcome": "duplicate"}), "a message was redelivered while this node worked on it")
	require.Equal(t, 2.0, testkit.Counter(t, reg, "medspa_messages_processed_total", map[string]string{"outcome": "applied"}))
	require.Positive(t, testkit.Counter(t, reg, "medspa_inbound_kept_alive_total", nil))
}

// A timer or a payment for a conversation that does not exist creates
// nothing: the timer is acknowledged and dropped, the payment goes to the
// dead-letter subject for a person to look at.
func TestNoConversationFromTimerOrPayment(t *testing.T) {
	r := newRig(t)
	reg := prometheus.NewRegistry()
	eng := actors.New(actors.Config{JS: r.js, Store: r.store, Clinics: directory.New(clinic.Demo()), Topology: r.topo, Metrics: actors.NewMetrics(reg)})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- eng.Run(ctx) }()
	t.Cleanup(func() { cancel(); require.NoError(t, <-done) })

	ghost := messages.LeadID(clinicID, "+13125550199")
	now := time.Now()
	for _, env := range []messages.Envelope{
		{V: messages.Version, ID: "timer:ghost", Kind: messages.KindTimer, ClinicID: clinicID, LeadID: ghost, Received: now,
			Timer: &messages.TimerFired{Name: conversation.TimerFollowUp, Due: now}},
		{V: messages.Version, ID: "stripe:evt_ghost", Kind: messages.KindPayment, ClinicID: clinicID, LeadID: ghost, Received: now,
			Payment: &messages.Payment{Type: messages.PaymentCheckoutCompleted, AppointmentID: "ap_x", PaymentStatus: "paid", AmountCents: 5000}},
	} {
		b, err := env.Encode()
		require.NoError(t, err)
		require.NoError(t, bus.Publisher{JS: r.js}.Publish(ctx, messages.InboundSubject(clinicID, ghost, env.Kind), env.ID, b, now))
	}
	require.Eventually(t, func() bool {
		return testkit.Counter(t, reg, "medspa_messages_processed_total", map[string]string{"outcome": "no_conversation"}) == 1 &&
			testkit.Counter(t, reg, "medspa_messages_processed_total", map[string]string{"outcome": "dead_letter"}) == 1
	}, 10*time.Second, 20*time.Millisecond)
	_, err := r.store.LoadSnapshot(ctx, clinicID, ghost)
	require.ErrorIs(t, err, persistence.ErrNotFound, "no conversation was created")
	dlq, err := r.js.Stream(ctx, messages.StreamDead)
	require.NoError(t, err)
	m, err := dlq.GetLastMsgForSubject(ctx, messages.DeadSubject("inbound"))
	require.NoError(t, err)
	require.Contains(t, string(m.Data), "does not exist")
}
