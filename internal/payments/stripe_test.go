package payments_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/stripe/stripe-go/v85"

	"github.com/medspa/engine/internal/payments"
	"github.com/medspa/engine/messages"
)

var testNow = time.Date(2025, 11, 20, 18, 0, 0, 0, time.UTC)

func checkoutCmd(id string) messages.CreateCheckout {
	return messages.CreateCheckout{V: messages.Version, ID: id, ClinicID: "glow-chicago", LeadID: "ld_test", AppointmentID: "appt_" + id,
		ServiceName: "Botox", AmountCents: 5000, Currency: "usd", ExpiresAt: testNow.Add(3 * time.Hour),
		SuccessURL: "https://glow.example/paid", CancelURL: "https://glow.example/cancel", Origin: testNow}
}

func TestClientAgainstStripeMock(t *testing.T) {
	base := stripeMockURL(t)
	c := payments.New("sk_test_123", base, &http.Client{Timeout: 10 * time.Second})
	ctx := context.Background()

	sid, u, err := c.CreateCheckout(ctx, checkoutCmd("cmd-1")) // stripe-mock checks every parameter against the API spec
	require.NoError(t, err)
	require.NotEmpty(t, sid)
	require.NotEmpty(t, u)

	rid, err := c.Refund(ctx, messages.Refund{V: 1, ID: "cmd-2", ClinicID: "glow-chicago", LeadID: "ld_test", AppointmentID: "appt_1",
		PaymentIntent: "pi_123", AmountCents: 5000, Reason: "requested_by_customer"})
	require.NoError(t, err)
	require.NotEmpty(t, rid)

	// A parameter the API refuses is a permanent error.
	_, err = c.Refund(ctx, messages.Refund{V: 1, ID: "cmd-3", ClinicID: "glow-chicago", LeadID: "ld_test", AppointmentID: "appt_2",
		PaymentIntent: "pi_123", Reason: "changed_my_mind"})
	require.Error(t, err)
	require.False(t, payments.IsRetryable(err), "%v", err)
	var pe *payments.Error
	require.ErrorAs(t, err, &pe)
	require.Equal(t, http.StatusBadRequest, pe.Status)
}

// capture is a stand-in for Stripe that records raw requests.
type capture struct {
	mu   sync.Mutex
	reqs []captured
	// status answers request n (1-based) with an error when non-zero.
	status func(n int) int
}

type captured struct {
	path   string
	form   url.Values
	header http.Header
}

func (c *capture) start(t *testing.T) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(body))
		c.mu.Lock()
		c.reqs = append(c.reqs, captured{path: r.URL.Path, form: form, header: r.Header.Clone()})
		n := len(c.reqs)
		c.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if c.status != nil {
			if s := c.status(n); s != 0 {
				typ := "invalid_request_error"
				if s >= 500 {
					typ = "api_error"
				}
				w.WriteHeader(s)
				_, _ = io.WriteString(w, `{"error":{"type":"`+typ+`","message":"refused"}}`)
				return
			}
		}
		switch r.URL.Path {
		case "/v1/checkout/sessions":
			key := r.Header.Get("Idempotency-Key")
			_, _ = io.WriteString(w, `{"id":"cs_`+key+`","object":"checkout.session","url":"https://checkout.stripe.com/c/pay/cs_`+key+`"}`)
		case "/v1/refunds":
			_, _ = io.WriteString(w, `{"id":"re_1","object":"refund"}`)
		default:
			w.WriteHeader(http.StatusNotFound)
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func (c *capture) requests() []captured {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]captured(nil), c.reqs...)
}

func TestCreateCheckoutSendsEveryParameter(t *testing.T) {
	var cp capture
	c := payments.New("sk_test_123", cp.start(t), nil)
	c.Now = func() time.Time { return testNow }
	sid, u, err := c.CreateCheckout(context.Background(), checkoutCmd("cmd-1"))
	require.NoError(t, err)
	require.Equal(t, "cs_checkout-appt_cmd-1", sid)
	require.Equal(t, "https://checkout.stripe.com/c/pay/cs_checkout-appt_cmd-1", u)

	reqs := cp.requests()
	require.Len(t, reqs, 1)
	r := reqs[0]
	require.Equal(t, "/v1/checkout/sessions", r.path)
	require.Equal(t, "checkout-appt_cmd-1", r.header.Get("Idempotency-Key"))
	require.Equal(t, "Bearer sk_test_123", r.header.Get("Authorization"))
	require.Equal(t, stripe.APIVersion, r.header.Get("Stripe-Version"))
	want := map[string]string{
		"mode":                                          "payment",
		"line_items[0][quantity]":                       "1",
		"line_items[0][price_data][currency]":           "usd",
		"line_items[0][price_data][unit_amount]":        "5000",
		"line_items[0][price_data][product_data][name]": "Botox deposit",
		"client_reference_id":                           "appt_cmd-1",
		"metadata[clinic_id]":                           "glow-chicago",
		"metadata[lead_id]":                             "ld_test",
		"metadata[appointment_id]":                      "appt_cmd-1",
		"payment_intent_data[metadata][clinic_id]":      "glow-chicago",
		"payment_intent_data[metadata][lead_id]":        "ld_test",
		"payment_intent_data[metadata][appointment_id]": "appt_cmd-1",
		"success_url":                                   "https://glow.example/paid",
		"cancel_url":                                    "https://glow.example/cancel",
		"expires_at":                                    strconv.FormatInt(testNow.Add(3*time.Hour).Unix(), 10),
	}
	for k, v := range want {
		require.Equal(t, v, r.form.Get(k), k)
	}
}

func TestCheckoutExpiryBounds(t *testing.T) {
	tests := []struct {
		name         string
		want, origin time.Time
		now          time.Time
		min, max     time.Duration // from now
	}{
		{"hold expires too soon: at least 30 min", testNow.Add(5 * time.Minute), testNow, testNow, 31 * time.Minute, 45 * time.Minute},
		{"hold beyond a day: at most 24 h", testNow.Add(48 * time.Hour), testNow, testNow, 23 * time.Hour, 24 * time.Hour},
		{"command processed late", testNow.Add(-time.Hour), testNow.Add(-2 * time.Hour), testNow, 31 * time.Minute, 35 * time.Minute},
		{"no origin", testNow.Add(time.Minute), time.Time{}, testNow, 31 * time.Minute, 35 * time.Minute},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var cp capture
			c := payments.New("sk_test_123", cp.start(t), nil)
			c.Now = func() time.Time { return tc.now }
			cmd := checkoutCmd("cmd-x")
			cmd.ExpiresAt, cmd.Origin = tc.want, tc.origin
			_, _, err := c.CreateCheckout(context.Background(), cmd)
			require.NoError(t, err)
			got, err := strconv.ParseInt(cp.requests()[0].form.Get("expires_at"), 10, 64)
			require.NoError(t, err)
			require.GreaterOrEqual(t, got, tc.now.Add(tc.min).Unix())
			require.LessOrEqual(t, got, tc.now.Add(tc.max).Unix())
		})
	}
}

// A retried command must send the same parameters under the same
// Idempotency-Key, or Stripe refuses it.
func TestRetriedCheckoutSendsTheSameRequest(t *testing.T) {
	var cp capture
	c := payments.New("sk_test_123", cp.start(t), nil)
	cmd := checkoutCmd("cmd-r")
	cmd.ExpiresAt = testNow.Add(10 * time.Minute) // raised to the 30-minute floor
	for _, now := range []time.Time{testNow, testNow.Add(3 * time.Minute), testNow.Add(7 * time.Minute)} {
		c.Now = func() time.Time { return now }
		_, _, err := c.CreateCheckout(context.Background(), cmd)
		require.NoError(t, err)
	}
	reqs := cp.requests()
	require.Len(t, reqs, 3)
	for _, r := range reqs[1:] {
		require.Equal(t, reqs[0].form, r.form)
		require.Equal(t, reqs[0].header.Get("Idempotency-Key"), r.header.Get("Idempotency-Key"))
	}
}

func TestRefundSendsEveryParameter(t *testing.T) {
	var cp capture
	c := payments.New("sk_test_123", cp.start(t), nil)
	id, err := c.Refund(context.Background(), messages.Refund{V: 1, ID: "cmd-9", ClinicID: "glow-chicago", LeadID: "ld_test",
		AppointmentID: "appt_9", PaymentIntent: "pi_9", AmountCents: 2500, Reason: "requested_by_customer"})
	require.NoError(t, err)
	require.Equal(t, "re_1", id)
	r := cp.requests()[0]
	require.Equal(t, "/v1/refunds", r.path)
	require.Equal(t, "refund-appt_9", r.header.Get("Idempotency-Key"))
	require.Equal(t, "pi_9", r.form.Get("payment_intent"))
	require.Equal(t, "2500", r.form.Get("amount"))
	require.Equal(t, "requested_by_customer", r.form.Get("reason"))
	require.Equal(t, "appt_9", r.form.Get("metadata[appointment_id]"))
	require.Equal(t, "ld_test", r.form.Get("metadata[lead_id]"))
}

func TestErrorClassification(t *testing.T) {
	for _, tc := range []struct {
		status    int
		retryable bool
	}{{429, true}, {500, true}, {503, true}, {409, true}, {400, false}, {401, false}, {402, false}, {404, false}} {
		t.Run(strconv.Itoa(tc.status), func(t *testing.T) {
			cp := capture{status: func(int) int { return tc.status }}
			c := payments.New("sk_test_123", cp.start(t), nil)
			_, _, err := c.CreateCheckout(context.Background(), checkoutCmd("cmd-e"))
			require.Error(t, err)
			require.Equal(t, tc.retryable, payments.IsRetryable(err), "%v", err)
			require.Len(t, cp.requests(), 1, "the library does not retry on its own")
		})
	}
	t.Run("network", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		srv.Close()
		c := payments.New("sk_test_123", srv.URL, nil)
		_, _, err := c.CreateCheckout(context.Background(), checkoutCmd("cmd-n"))
		require.True(t, payments.IsRetryable(err), "%v", err)
		var pe *payments.Error
		require.True(t, errors.As(err, &pe))
		require.Zero(t, pe.Status)
	})
}
