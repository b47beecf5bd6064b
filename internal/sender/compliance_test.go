package sender_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"github.com/medspa/engine/internal/sender"
	"github.com/medspa/engine/internal/testkit"
	"github.com/medspa/engine/messages"
	"github.com/medspa/engine/persistence"
)

// night is 11:30 pm in Chicago.
var night = time.Date(2026, 11, 21, 5, 30, 0, 0, time.UTC)

func TestInitiatedTextWaitsForTheWindow(t *testing.T) {
	r := newRig(t, nil, func(c *sender.Config) { c.Now = func() time.Time { return night } })
	late := command("cmd-night", "+13125550131")
	late.Purpose, late.ClinicTZ = messages.PurposeInitiated, "America/Chicago"
	r.publish(t, late)
	require.Eventually(t, func() bool {
		return testkit.Counter(t, r.reg, "medspa_quiet_hours_deferrals_total", nil) == 1
	}, 5*time.Second, 10*time.Millisecond, "the initiated text is put back")
	// A reply at the same moment goes out: quiet hours are for initiated texts.
	r.publish(t, command("cmd-reply", "+13125550132"))
	r.telnyx.WaitFor(t, "+13125550132", 1, 5*time.Second)
	require.Empty(t, sentTo(r, "+13125550131"), "nothing handed to the carrier at night")
	_, err := r.store.LookupSend(context.Background(), "cmd-night")
	require.ErrorIs(t, err, persistence.ErrNotFound)
	require.Zero(t, deadLetters(t, r.js), "a deferred text is not dropped")
}

func TestInitiatedTextInsideTheWindowIsSent(t *testing.T) {
	noon := time.Date(2026, 11, 20, 18, 0, 0, 0, time.UTC)
	r := newRig(t, nil, func(c *sender.Config) { c.Now = func() time.Time { return noon } })
	cmd := command("cmd-noon", "+13125550133")
	cmd.Purpose, cmd.ClinicTZ = messages.PurposeInitiated, "America/Chicago"
	r.publish(t, cmd)
	r.telnyx.WaitFor(t, "+13125550133", 1, 5*time.Second)
	require.Zero(t, testkit.Counter(t, r.reg, "medspa_quiet_hours_deferrals_total", nil))
}

func TestOptedOutNumberGetsNothingButTheConfirmation(t *testing.T) {
	r := newRig(t, nil)
	const to = "+13125550134"
	base := command("x", to)
	_, err := r.store.Apply(context.Background(), []persistence.Commit{{
		DedupKey: "stop-1",
		Snapshot: persistence.Snapshot{ClinicID: base.ClinicID, LeadID: base.LeadID, Phone: to, Phase: "opted_out", State: []byte(`{}`),
			CreatedAt: time.Now(), UpdatedAt: time.Now()},
		Consent: []persistence.ConsentEvent{
			{ClinicID: base.ClinicID, Phone: to, At: time.Now().Add(-time.Hour), Kind: "granted", Source: "inbound_text", Text: "hi"},
			{ClinicID: base.ClinicID, Phone: to, At: time.Now(), Kind: "revoked", Source: "inbound_text", Text: "STOP"},
		},
	}})
	require.NoError(t, err)

	r.publish(t, command("cmd-after-stop", to))
	require.Eventually(t, func() bool {
		return testkit.Counter(t, r.reg, "medspa_sends_suppressed_total", map[string]string{"reason": "opted_out"}) == 1
	}, 5*time.Second, 10*time.Millisecond)

	confirm := command("cmd-confirm", to)
	confirm.Text, confirm.Keyword = "Glow Chicago: You are unsubscribed.", "optout"
	r.publish(t, confirm)
	got := r.telnyx.WaitFor(t, to, 1, 5*time.Second)
	require.Equal(t, confirm.Text, got[0].Text, "only the confirmation reaches the number")
	_, err = r.store.LookupSend(context.Background(), "cmd-after-stop")
	require.ErrorIs(t, err, persistence.ErrNotFound)
	require.Zero(t, deadLetters(t, r.js))
}

func TestCarrierOptOutIsReportedToTheConversation(t *testing.T) {
	r := newRig(t, func(int) (int, string) { return http.StatusBadRequest, "40300" })
	cmd := command("cmd-carrier-stop", "+13125550135")
	r.publish(t, cmd)
	require.Eventually(t, func() bool { return deadLetters(t, r.js) == 1 }, 5*time.Second, 10*time.Millisecond)

	st, err := r.js.Stream(context.Background(), messages.StreamInbound)
	require.NoError(t, err)
	info, err := st.Info(context.Background(), jetstream.WithSubjectFilter("medspa.part.*."+cmd.ClinicID+"."+cmd.LeadID+".receipt"))
	require.NoError(t, err)
	require.Len(t, info.State.Subjects, 1, "one receipt on the lead's inbound subject")
	for subject := range info.State.Subjects {
		raw, err := st.GetLastMsgForSubject(context.Background(), subject)
		require.NoError(t, err)
		env, err := messages.DecodeEnvelope(raw.Data)
		require.NoError(t, err)
		require.Equal(t, "optout:cmd-carrier-stop", env.ID)
		require.Equal(t, "optout:cmd-carrier-stop", raw.Header.Get(jetstream.MsgIDHeader))
		require.Equal(t, messages.KindReceipt, env.Kind)
		require.Equal(t, cmd.To, env.Phone)
		require.Equal(t, messages.DeliveryReceipt{Carrier: messages.CarrierTelnyx, Status: "failed", ErrorCode: "40300"}, *env.Receipt)
	}
	require.Empty(t, r.telnyx.Sent())
}

func sentTo(r *rig, to string) []string {
	var out []string
	for _, s := range r.telnyx.Sent() {
		if s.To == to {
			out = append(out, s.Text)
		}
	}
	return out
}
