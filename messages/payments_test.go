package messages_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/medspa/engine/messages"
)

func TestPaymentCommandsRoundTrip(t *testing.T) {
	c := messages.CreateCheckout{V: 1, ID: "o1", ClinicID: "glow", LeadID: "ld_1", AppointmentID: "appt_1", ServiceName: "Botox",
		AmountCents: 5000, Currency: "usd", ExpiresAt: time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC), SuccessURL: "https://s", CancelURL: "https://c"}
	b, err := json.Marshal(c)
	require.NoError(t, err)
	require.Contains(t, string(b), `"type":"checkout.create"`)
	got, err := messages.DecodePaymentCommand(b)
	require.NoError(t, err)
	require.Nil(t, got.Refund)
	require.Equal(t, c, *got.Checkout)

	r := messages.Refund{V: 1, ID: "o2", ClinicID: "glow", LeadID: "ld_1", AppointmentID: "appt_1", PaymentIntent: "pi_1"}
	b, err = json.Marshal(r)
	require.NoError(t, err)
	got, err = messages.DecodePaymentCommand(b)
	require.NoError(t, err)
	require.Nil(t, got.Checkout)
	require.Equal(t, r, *got.Refund)
}

func TestDecodePaymentCommandRejects(t *testing.T) {
	for name, body := range map[string]string{
		"not json":       `nope`,
		"no type":        `{"v":1,"id":"o1"}`,
		"unknown type":   `{"type":"payout.create","v":1,"id":"o1"}`,
		"old version":    `{"type":"refund.create","v":0,"id":"o1","clinic_id":"g","lead_id":"l","appointment_id":"a","payment_intent":"pi"}`,
		"no intent":      `{"type":"refund.create","v":1,"id":"o1","clinic_id":"g","lead_id":"l","appointment_id":"a"}`,
		"bad clinic":     `{"type":"refund.create","v":1,"id":"o1","clinic_id":"g.x","lead_id":"l","appointment_id":"a","payment_intent":"pi"}`,
		"zero amount":    `{"type":"checkout.create","v":1,"id":"o1","clinic_id":"g","lead_id":"l","appointment_id":"a","service_name":"B","success_url":"s","cancel_url":"c"}`,
		"no appointment": `{"type":"checkout.create","v":1,"id":"o1","clinic_id":"g","lead_id":"l","service_name":"B","amount_cents":1,"success_url":"s","cancel_url":"c"}`,
	} {
		_, err := messages.DecodePaymentCommand([]byte(body))
		require.True(t, errors.Is(err, messages.ErrInvalid), "%s: %v", name, err)
	}
}

func TestPaymentEnvelopeNeedsPayload(t *testing.T) {
	e := messages.Envelope{V: 1, ID: "stripe:evt_1", Kind: messages.KindPayment, ClinicID: "glow", LeadID: "ld_1"}
	require.ErrorIs(t, e.Validate(), messages.ErrInvalid)
	e.Payment = &messages.Payment{Type: messages.PaymentCheckoutCompleted}
	require.NoError(t, e.Validate())
	require.Equal(t, "medspa.cmd.payment.glow.ld_1", messages.PaymentSubject("glow", "ld_1"))
}
