package payments_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/stripe/stripe-go/v85"
	"github.com/stripe/stripe-go/v85/webhook"

	"github.com/medspa/engine/internal/payments"
	"github.com/medspa/engine/messages"
)

const whsec = "whsec_test_secret"

// fixture reads a test event and gives it the library's API version.
func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "stripe", name))
	require.NoError(t, err)
	return []byte(strings.ReplaceAll(string(b), "REPLACE_WITH_stripe.APIVersion_OF_THE_LIBRARY_IN_USE", stripe.APIVersion))
}

func sign(body []byte, secret string, at time.Time) string {
	return webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: body, Secret: secret, Timestamp: at}).Header
}

func knownClinic(id string) bool { return id == "glow-chicago" }

func TestParseWebhookEvents(t *testing.T) {
	tests := []struct {
		file string
		want messages.Payment
		id   string
	}{
		{"checkout.session.completed.json", messages.Payment{Type: messages.PaymentCheckoutCompleted, AppointmentID: "appt_01JD0EXAMPLE",
			SessionID: "cs_test_a1ExampleSession0001", PaymentIntent: "pi_3QxExampleIntent0001", PaymentStatus: "paid", AmountCents: 5000, Currency: "usd"},
			"stripe:evt_1QxExampleCompleted0001"},
		{"checkout.session.expired.json", messages.Payment{Type: messages.PaymentCheckoutExpired, AppointmentID: "appt_01JD0EXAMPLE",
			SessionID: "cs_test_a1ExampleSession0001", PaymentStatus: "unpaid", AmountCents: 5000, Currency: "usd"},
			"stripe:evt_1QxExampleExpired0002"},
		{"charge.refunded.json", messages.Payment{Type: messages.PaymentChargeRefunded, AppointmentID: "appt_01JD0EXAMPLE",
			PaymentIntent: "pi_3QxExampleIntent0001", AmountCents: 5000, Currency: "usd"},
			"stripe:evt_3QxExampleRefunded0003"},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			body := fixture(t, tc.file)
			env, err := payments.ParseWebhook(body, sign(body, whsec, time.Now()), whsec, time.Now(), knownClinic)
			require.NoError(t, err)
			require.NoError(t, env.Validate())
			require.Equal(t, tc.id, env.ID)
			require.Equal(t, messages.KindPayment, env.Kind)
			require.Equal(t, "glow-chicago", env.ClinicID)
			require.Equal(t, "lead_01JD0EXAMPLE", env.LeadID)
			require.Empty(t, env.Phone)
			require.NotNil(t, env.Payment)
			require.Equal(t, tc.want, *env.Payment)
		})
	}
}

func TestParseWebhookRejects(t *testing.T) {
	good := fixture(t, "checkout.session.completed.json")
	replace := func(old, new string) []byte { return []byte(strings.Replace(string(good), old, new, 1)) }
	now := time.Now()
	tests := []struct {
		name   string
		body   []byte
		header string
		want   error
	}{
		{"other secret", good, sign(good, "whsec_other", now), payments.ErrBadSignature},
		{"body changed after signing", replace(`"amount_total": 5000`, `"amount_total": 1`), sign(good, whsec, now), payments.ErrBadSignature},
		{"no header", good, "", payments.ErrBadSignature},
		{"garbled header", good, "t=abc,v1", payments.ErrBadSignature},
		{"stale", good, sign(good, whsec, now.Add(-10*time.Minute)), payments.ErrBadSignature},
		{"other api version", replace(stripe.APIVersion, "2020-08-27"), "", payments.ErrBadPayload},
		{"other release train", replace(stripe.APIVersion, "2025-01-27.acacia"), "", payments.ErrBadPayload},
		{"not json", []byte("not json"), "", payments.ErrBadPayload},
		{"unknown type", replace("checkout.session.completed", "payment_intent.created"), "", payments.ErrIgnored},
		{"missing metadata", replace(`"metadata": { "clinic_id": "glow-chicago", "lead_id": "lead_01JD0EXAMPLE", "appointment_id": "appt_01JD0EXAMPLE" }`, `"metadata": {}`), "", payments.ErrIgnored},
		{"missing lead", replace(`"lead_id": "lead_01JD0EXAMPLE", `, ``), "", payments.ErrIgnored},
		{"malformed lead", replace(`"lead_id": "lead_01JD0EXAMPLE"`, `"lead_id": "a.b"`), "", payments.ErrIgnored},
		{"unknown clinic", replace(`"clinic_id": "glow-chicago"`, `"clinic_id": "elsewhere"`), "", payments.ErrUnknownClinic},
	}
	all := []error{payments.ErrBadSignature, payments.ErrBadPayload, payments.ErrIgnored}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := tc.header
			if h == "" && tc.name != "no header" {
				h = sign(tc.body, whsec, now)
			}
			_, err := payments.ParseWebhook(tc.body, h, whsec, now, knownClinic)
			require.ErrorIs(t, err, tc.want)
			for _, other := range all {
				if !errors.Is(tc.want, other) {
					require.NotErrorIs(t, err, other, "errors must be distinguishable")
				}
			}
		})
	}
}

func TestParseWebhookStaleWrapsLibraryError(t *testing.T) {
	body := fixture(t, "checkout.session.expired.json")
	_, err := payments.ParseWebhook(body, sign(body, whsec, time.Now().Add(-6*time.Minute)), whsec, time.Now(), nil)
	require.ErrorIs(t, err, webhook.ErrTooOld)
}

func TestParseWebhookNilClinicsAcceptsAny(t *testing.T) {
	body := []byte(strings.Replace(string(fixture(t, "checkout.session.completed.json")), `"clinic_id": "glow-chicago"`, `"clinic_id": "elsewhere"`, 1))
	env, err := payments.ParseWebhook(body, sign(body, whsec, time.Now()), whsec, time.Now(), nil)
	require.NoError(t, err)
	require.Equal(t, "elsewhere", env.ClinicID)
}

func FuzzParseWebhook(f *testing.F) {
	for _, name := range []string{"checkout.session.completed.json", "checkout.session.expired.json", "charge.refunded.json"} {
		f.Add(fixture(f, name), "")
	}
	f.Add([]byte(`{"object":"event","id":"evt_1","api_version":"`+stripe.APIVersion+`","type":"charge.refunded","data":{"object":{"metadata":{"clinic_id":"c","lead_id":"l"}}}}`), "t=1,v1=00")
	f.Add([]byte(`{}`), "t=,v1=zz,v1=")
	f.Fuzz(func(t *testing.T, body []byte, header string) {
		// Whatever the header, an unsigned body is never accepted.
		if _, err := payments.ParseWebhook(body, header, whsec, time.Now(), nil); err == nil {
			t.Fatalf("accepted with header %q", header)
		}
		// A correctly signed body is parsed, refused as bad or ignored.
		env, err := payments.ParseWebhook(body, sign(body, whsec, time.Now()), whsec, time.Now(), knownClinic)
		if err != nil {
			if errors.Is(err, payments.ErrBadSignature) {
				t.Fatalf("signed body refused as badly signed: %v", err)
			}
			if !errors.Is(err, payments.ErrBadPayload) && !errors.Is(err, payments.ErrIgnored) {
				t.Fatalf("unclassified error: %v", err)
			}
			return
		}
		if err := env.Validate(); err != nil {
			t.Fatalf("accepted envelope is invalid: %v", err)
		}
		if !strings.HasPrefix(env.ID, "stripe:") || len(env.ID) == len("stripe:") || env.Payment == nil || env.Kind != messages.KindPayment || !knownClinic(env.ClinicID) {
			t.Fatalf("bad envelope %+v", env)
		}
	})
}

// The tolerance is checked against the clock the caller passes (the
// process's), not the machine's wall clock.
func TestParseWebhookChecksToleranceAgainstTheGivenClock(t *testing.T) {
	body := fixture(t, "checkout.session.completed.json")
	at := time.Date(2026, 3, 8, 2, 30, 0, 0, time.UTC)
	_, err := payments.ParseWebhook(body, sign(body, whsec, at), whsec, at.Add(time.Minute), nil)
	require.NoError(t, err)
	_, err = payments.ParseWebhook(body, sign(body, whsec, at), whsec, at.Add(6*time.Minute), nil)
	require.ErrorIs(t, err, webhook.ErrTooOld)
	require.ErrorIs(t, err, payments.ErrBadSignature)
}
