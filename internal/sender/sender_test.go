package sender_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/medspa/engine/internal/bus"
	"github.com/medspa/engine/internal/carrier"
	"github.com/medspa/engine/internal/sender"
	"github.com/medspa/engine/internal/telnyx"
	"github.com/medspa/engine/internal/testkit"
	"github.com/medspa/engine/messages"
	"github.com/medspa/engine/persistence"
	"github.com/medspa/engine/persistence/sqlite"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m, goleak.IgnoreAnyFunction("github.com/nats-io/nats-server/v2/server.(*Server).Start"),
		goleak.IgnoreTopFunction("database/sql.(*DB).connectionOpener"))
}

type rig struct {
	js     jetstream.JetStream
	store  persistence.Store
	telnyx *testkit.Telnyx
	reg    *prometheus.Registry
}

func newRig(t *testing.T, fail func(n int) (int, string), opts ...func(*sender.Config)) *rig {
	url := testkit.NATS(t)
	nc, err := nats.Connect(url)
	require.NoError(t, err)
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	require.NoError(t, err)
	require.NoError(t, bus.EnsureStreams(context.Background(), js, bus.DefaultTopology()))
	st, err := sqlite.Open(context.Background(), t.TempDir(), sqlite.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	tel := testkit.NewTelnyx(t)
	tel.Fail = fail
	reg := prometheus.NewRegistry()
	cfg := sender.Config{JS: js, Store: st, Metrics: sender.NewMetrics(reg),
		Carrier:     &telnyx.Carrier{BaseURL: tel.URL, APIKey: tel.APIKey, Client: &http.Client{Timeout: 5 * time.Second}},
		BaseBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond, MaxAttempts: 4, RatePerNumber: -1}
	for _, o := range opts {
		o(&cfg)
	}
	s := sender.New(cfg)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	t.Cleanup(func() { cancel(); require.NoError(t, <-done) })
	return &rig{js: js, store: st, telnyx: tel, reg: reg}
}

func (r *rig) publish(t *testing.T, cmd messages.SendSMS) {
	r.ensureLead(t, cmd.ClinicID, cmd.LeadID, cmd.To)
	b, err := json.Marshal(cmd)
	require.NoError(t, err)
	require.NoError(t, bus.Publisher{JS: r.js}.Publish(context.Background(), messages.SendSubject(cmd.ClinicID, cmd.LeadID), cmd.ID, b, time.Time{}))
}

// ensureLead stores the lead's snapshot, as the engine does in the commit
// that writes a send command (the sender checks the recipient against it).
func (r *rig) ensureLead(t *testing.T, clinicID, leadID, phone string) {
	t.Helper()
	res, err := r.store.Apply(context.Background(), []persistence.Commit{{DedupKey: "lead-" + leadID,
		Snapshot: persistence.Snapshot{ClinicID: clinicID, LeadID: leadID, Phone: phone, Phase: "new", State: []byte(`{}`), UpdatedAt: time.Now()}}})
	require.NoError(t, err)
	if res[0] != nil && !errors.Is(res[0], persistence.ErrDuplicate) && !errors.Is(res[0], persistence.ErrVersionConflict) {
		t.Fatalf("store lead: %v", res[0])
	}
}

func command(id, to string) messages.SendSMS {
	return messages.SendSMS{V: messages.Version, ID: id, ClinicID: "glow-chicago", LeadID: messages.LeadID("glow-chicago", to), Carrier: messages.CarrierTelnyx,
		From: "+17735550100", To: to, Text: "Botox is $12 per unit.", Purpose: messages.PurposeReply, Created: time.Now()}
}

func deadLetters(t *testing.T, js jetstream.JetStream) uint64 {
	st, err := js.Stream(context.Background(), messages.StreamDead)
	require.NoError(t, err)
	info, err := st.Info(context.Background())
	require.NoError(t, err)
	return info.State.Msgs
}

func TestRetriesUntilAcceptedAndSendsOnce(t *testing.T) {
	r := newRig(t, func(n int) (int, string) {
		if n <= 2 {
			return http.StatusInternalServerError, "10007"
		}
		return 0, ""
	})
	r.publish(t, command("cmd-1", "+13125550123"))
	got := r.telnyx.WaitFor(t, "+13125550123", 1, 5*time.Second)
	require.Len(t, got, 1)
	require.Eventually(t, func() bool {
		s, err := r.store.LookupSend(context.Background(), "cmd-1")
		return err == nil && s.ProviderID == got[0].ID
	}, 5*time.Second, 10*time.Millisecond, "the carrier's message id is recorded")
	testkit.Drained(t, r.js, messages.StreamOutbound) // acknowledged: no retry is left
	require.Len(t, r.telnyx.Sent(), 1)
}

func TestCommandOnRecordIsNotSentAgain(t *testing.T) {
	r := newRig(t, nil)
	r.publish(t, command("cmd-2", "+13125550124"))
	r.telnyx.WaitFor(t, "+13125550124", 1, 5*time.Second)
	require.Eventually(t, func() bool {
		rec, err := r.store.LookupSend(context.Background(), "cmd-2")
		return err == nil && rec.Status == "sent"
	}, 5*time.Second, 10*time.Millisecond)
	// The same command again, past JetStream's dedup: a new message id.
	cmd := command("cmd-2", "+13125550124")
	b, _ := json.Marshal(cmd)
	require.NoError(t, bus.Publisher{JS: r.js}.Publish(context.Background(), messages.SendSubject(cmd.ClinicID, cmd.LeadID), "other-msg-id", b, time.Time{}))
	testkit.Drained(t, r.js, messages.StreamOutbound) // the copy was taken and acknowledged
	require.Len(t, r.telnyx.Sent(), 1)
}

func TestRejectedAndExhaustedCommandsAreDeadLettered(t *testing.T) {
	r := newRig(t, func(n int) (int, string) {
		if n == 1 {
			return http.StatusBadRequest, "40300" // opted out at the carrier: never retried
		}
		return http.StatusServiceUnavailable, "10007"
	})
	r.publish(t, command("cmd-rejected", "+13125550125"))
	require.Eventually(t, func() bool { return deadLetters(t, r.js) == 1 }, 5*time.Second, 10*time.Millisecond)
	r.publish(t, command("cmd-exhausted", "+13125550126"))
	require.Eventually(t, func() bool { return deadLetters(t, r.js) == 2 }, 5*time.Second, 10*time.Millisecond)
	require.Empty(t, r.telnyx.Sent())
	// The carrier answered both with a refusal: nothing is in doubt.
	for _, id := range []string{"cmd-rejected", "cmd-exhausted"} {
		rec, err := r.store.LookupSend(context.Background(), id)
		require.NoError(t, err)
		require.Equal(t, persistence.SendRefused, rec.Status, id)
	}
}

func TestMalformedCommandIsDeadLettered(t *testing.T) {
	r := newRig(t, nil)
	require.NoError(t, bus.Publisher{JS: r.js}.Publish(context.Background(), messages.SendSubject("c", "l"), "junk", []byte("{not json"), time.Time{}))
	require.Eventually(t, func() bool { return deadLetters(t, r.js) == 1 }, 5*time.Second, 10*time.Millisecond)
}

// TestInDoubtWaitsForItsReceipt: a command found in flight (a crash after
// its carrier call began) is not sent again while its receipt may still
// come; a receipt naming the command settles it without a second text.
func TestInDoubtWaitsForItsReceipt(t *testing.T) {
	r := newRig(t, nil, func(c *sender.Config) { c.InDoubtWait = 300 * time.Millisecond })
	ctx := context.Background()
	cmd := command("cmd-doubt", "+13125550127")
	require.NoError(t, r.store.RecordSend(ctx, persistence.Send{CommandID: cmd.ID, ClinicID: cmd.ClinicID, LeadID: cmd.LeadID,
		Carrier: "telnyx", Status: persistence.SendInFlight, SentAt: time.Now()}))
	// The receipt the carrier posts for the text it did accept.
	_, err := r.store.Apply(ctx, []persistence.Commit{{DedupKey: "receipt-doubt",
		Snapshot:   persistence.Snapshot{ClinicID: cmd.ClinicID, LeadID: cmd.LeadID, Phone: cmd.To, Phase: "new", State: []byte(`{}`), UpdatedAt: time.Now()},
		Deliveries: []persistence.Delivery{{CommandID: "cmd-doubt", ProviderID: "prov-doubt", Status: "delivered"}}}})
	require.NoError(t, err)
	r.publish(t, cmd)
	testkit.Drained(t, r.js, messages.StreamOutbound) // taken again after the wait, found settled, acknowledged
	require.Empty(t, r.telnyx.Sent())
	rec, err := r.store.LookupSend(ctx, "cmd-doubt")
	require.NoError(t, err)
	require.Equal(t, "prov-doubt", rec.ProviderID)
}

// TestInDoubtWithoutReceiptIsSentOnce: without a receipt by the end of the
// wait, the text is sent once more, and recorded.
func TestInDoubtWithoutReceiptIsSentOnce(t *testing.T) {
	r := newRig(t, nil, func(c *sender.Config) { c.InDoubtWait = 300 * time.Millisecond })
	ctx := context.Background()
	require.NoError(t, r.store.RecordSend(ctx, persistence.Send{CommandID: "cmd-lost", ClinicID: "glow-chicago", LeadID: messages.LeadID("glow-chicago", "+13125550128"),
		Carrier: "telnyx", Status: persistence.SendInFlight, SentAt: time.Now()}))
	r.publish(t, command("cmd-lost", "+13125550128"))
	got := r.telnyx.WaitFor(t, "+13125550128", 1, 5*time.Second)
	testkit.Drained(t, r.js, messages.StreamOutbound)
	require.Len(t, r.telnyx.Sent(), 1)
	rec, err := r.store.LookupSend(ctx, "cmd-lost")
	require.NoError(t, err)
	require.Equal(t, "sent", rec.Status)
	require.Equal(t, got[0].ID, rec.ProviderID)
}

// TestCallbackURLNamesTheCommand: each text asks the carrier to post its
// receipts to a URL that names the command.
func TestCallbackURLNamesTheCommand(t *testing.T) {
	require.Equal(t, "https://sms.example.com/webhooks/telnyx/messages?command_id=sms%3Aabc", carrier.CallbackURL("https://sms.example.com/webhooks/telnyx/messages", "sms:abc"))
	require.Empty(t, carrier.CallbackURL("", "sms:abc"))
}

// TestRecipientMustBeTheLead: a command to another number than its lead's
// stored one, or for a lead the store does not hold, is refused and
// dead-lettered; nothing is sent.
func TestRecipientMustBeTheLead(t *testing.T) {
	r := newRig(t, nil)
	forged := command("cmd-forged", "+13125550140")
	r.ensureLead(t, forged.ClinicID, forged.LeadID, "+13125550141") // the lead's number is another
	b, _ := json.Marshal(forged)
	require.NoError(t, bus.Publisher{JS: r.js}.Publish(context.Background(), messages.SendSubject(forged.ClinicID, forged.LeadID), forged.ID, b, time.Time{}))
	stranger := command("cmd-stranger", "+13125550142")
	b, _ = json.Marshal(stranger) // no such lead in the store
	require.NoError(t, bus.Publisher{JS: r.js}.Publish(context.Background(), messages.SendSubject(stranger.ClinicID, stranger.LeadID), stranger.ID, b, time.Time{}))
	require.Eventually(t, func() bool { return deadLetters(t, r.js) == 2 }, 5*time.Second, 10*time.Millisecond)
	// A genuine command after them is sent: the barrier for "nothing else".
	r.publish(t, command("cmd-genuine", "+13125550143"))
	r.telnyx.WaitFor(t, "+13125550143", 1, 5*time.Second)
	require.Len(t, r.telnyx.Sent(), 1)
}
