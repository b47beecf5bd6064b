package payments_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"

	"github.com/medspa/engine/internal/bus"
	"github.com/medspa/engine/internal/payments"
	"github.com/medspa/engine/internal/testkit"
	"github.com/medspa/engine/messages"
)

func startWorker(t *testing.T, stripeURL string) jetstream.JetStream {
	t.Helper()
	nc, err := nats.Connect(testkit.NATS(t))
	require.NoError(t, err)
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	require.NoError(t, err)
	require.NoError(t, bus.EnsureStreams(context.Background(), js, bus.DefaultTopology()))
	w := payments.NewWorker(payments.WorkerConfig{JS: js, Stripe: payments.New("sk_test_123", stripeURL, &http.Client{Timeout: 5 * time.Second}),
		Metrics: payments.NewMetrics(prometheus.NewRegistry()), BaseBackoff: 5 * time.Millisecond, MaxBackoff: 20 * time.Millisecond, MaxAttempts: 4})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	t.Cleanup(func() { cancel(); require.NoError(t, <-done) })
	return js
}

func publishCmd(t *testing.T, js jetstream.JetStream, msgID string, cmd any) {
	t.Helper()
	b, err := json.Marshal(cmd)
	require.NoError(t, err)
	require.NoError(t, bus.Publisher{JS: js}.Publish(context.Background(), messages.PaymentSubject("glow-chicago", "ld_test"), msgID, b, time.Time{}))
}

func streamMsgs(t *testing.T, js jetstream.JetStream, stream string) uint64 {
	t.Helper()
	st, err := js.Stream(context.Background(), stream)
	require.NoError(t, err)
	info, err := st.Info(context.Background())
	require.NoError(t, err)
	return info.State.Msgs
}

// inbound waits for n envelopes on the inbound stream and returns the last.
func inbound(t *testing.T, js jetstream.JetStream, n uint64) (messages.Envelope, string) {
	t.Helper()
	require.Eventually(t, func() bool { return streamMsgs(t, js, messages.StreamInbound) >= n }, 10*time.Second, 10*time.Millisecond)
	st, err := js.Stream(context.Background(), messages.StreamInbound)
	require.NoError(t, err)
	info, err := st.Info(context.Background())
	require.NoError(t, err)
	m, err := st.GetMsg(context.Background(), info.State.LastSeq)
	require.NoError(t, err)
	env, err := messages.DecodeEnvelope(m.Data)
	require.NoError(t, err)
	return env, m.Subject
}

func TestWorkerCreatesCheckoutWithStripeMock(t *testing.T) {
	js := startWorker(t, stripeMockURL(t))
	cmd := checkoutCmd("cmd-w1")
	cmd.ExpiresAt = time.Now().Add(2 * time.Hour)
	cmd.Origin = time.Now()
	publishCmd(t, js, cmd.ID, cmd)
	env, subject := inbound(t, js, 1)
	require.Equal(t, "stripe-cmd:cmd-w1", env.ID)
	require.Equal(t, messages.KindPayment, env.Kind)
	require.Equal(t, "glow-chicago", env.ClinicID)
	require.Equal(t, "ld_test", env.LeadID)
	require.Contains(t, subject, ".glow-chicago.ld_test.payment")
	require.Equal(t, messages.PaymentCheckoutCreated, env.Payment.Type, env.Payment.Error)
	require.NotEmpty(t, env.Payment.SessionID)
	require.NotEmpty(t, env.Payment.URL)
	require.Equal(t, "appt_cmd-w1", env.Payment.AppointmentID)
	require.Eventually(t, func() bool { return streamMsgs(t, js, messages.StreamOutbound) == 0 }, 5*time.Second, 10*time.Millisecond, "the command is acked")
}

func TestWorkerRefundWithStripeMock(t *testing.T) {
	js := startWorker(t, stripeMockURL(t))
	publishCmd(t, js, "cmd-w2", messages.Refund{V: 1, ID: "cmd-w2", ClinicID: "glow-chicago", LeadID: "ld_test", AppointmentID: "appt_w2", PaymentIntent: "pi_1"})
	env, _ := inbound(t, js, 1)
	require.Equal(t, messages.PaymentRefundCreated, env.Payment.Type, env.Payment.Error)
	require.NotEmpty(t, env.Payment.RefundID)
	require.Equal(t, "pi_1", env.Payment.PaymentIntent)
}

// A command delivered twice (past JetStream's dedup) makes the same Stripe
// request, gets the same session and yields one envelope.
func TestWorkerRepeatedCommandYieldsOneOutcome(t *testing.T) {
	cp := capture{status: func(n int) int {
		if n <= 2 {
			return http.StatusServiceUnavailable
		}
		return 0
	}}
	js := startWorker(t, cp.start(t))
	cmd := checkoutCmd("cmd-w3")
	cmd.ExpiresAt, cmd.Origin = time.Now().Add(2*time.Hour), time.Now()
	publishCmd(t, js, "msg-a", cmd)
	env, _ := inbound(t, js, 1)
	require.Equal(t, messages.PaymentCheckoutCreated, env.Payment.Type, env.Payment.Error)
	require.Equal(t, "cs_checkout-appt_cmd-w3", env.Payment.SessionID)
	publishCmd(t, js, "msg-b", cmd)
	require.Eventually(t, func() bool { return len(cp.requests()) == 4 }, 5*time.Second, 10*time.Millisecond)
	require.Eventually(t, func() bool { return streamMsgs(t, js, messages.StreamOutbound) == 0 }, 5*time.Second, 10*time.Millisecond)
	require.Equal(t, uint64(1), streamMsgs(t, js, messages.StreamInbound), "the repeated outcome is deduplicated")
	reqs := cp.requests()
	for _, r := range reqs[1:] {
		require.Equal(t, reqs[0].form, r.form)
		require.Equal(t, "checkout-appt_cmd-w3", r.header.Get("Idempotency-Key"))
	}
}

func TestWorkerReportsRefusedCheckout(t *testing.T) {
	cp := capture{status: func(int) int { return http.StatusBadRequest }}
	js := startWorker(t, cp.start(t))
	publishCmd(t, js, "cmd-w4", checkoutCmd("cmd-w4"))
	env, _ := inbound(t, js, 1)
	require.Equal(t, messages.PaymentCheckoutFailed, env.Payment.Type)
	require.NotEmpty(t, env.Payment.Error)
	require.Len(t, cp.requests(), 1, "a refusal is not retried")
}

func TestWorkerDeadLettersMalformedCommand(t *testing.T) {
	var cp capture
	js := startWorker(t, cp.start(t))
	require.NoError(t, bus.Publisher{JS: js}.Publish(context.Background(), messages.PaymentSubject("glow-chicago", "ld_test"), "bad-1", []byte(`{"type":"checkout.create","v":1}`), time.Time{}))
	require.Eventually(t, func() bool { return streamMsgs(t, js, messages.StreamDead) == 1 }, 5*time.Second, 10*time.Millisecond)
	st, err := js.Stream(context.Background(), messages.StreamDead)
	require.NoError(t, err)
	m, err := st.GetLastMsgForSubject(context.Background(), messages.DeadSubject("payment"))
	require.NoError(t, err)
	var dl messages.DeadLetter
	require.NoError(t, json.Unmarshal(m.Data, &dl))
	require.Equal(t, "bad-1", dl.MsgID)
	require.Contains(t, dl.Error, "invalid envelope")
	require.Eventually(t, func() bool { return streamMsgs(t, js, messages.StreamOutbound) == 0 }, 5*time.Second, 10*time.Millisecond)
	require.Zero(t, streamMsgs(t, js, messages.StreamInbound))
	require.Empty(t, cp.requests())
}
