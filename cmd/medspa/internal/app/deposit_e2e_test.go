package app_test

import (
	"bytes"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/stripe/stripe-go/v85/webhook"

	"github.com/medspa/engine/cmd/medspa/internal/app"
	"github.com/medspa/engine/internal/clock"
	"github.com/medspa/engine/internal/compliance"
	"github.com/medspa/engine/internal/payments"
	"github.com/medspa/engine/internal/testkit"
	"github.com/medspa/engine/messages"
)

const stripeSecret = "whsec_test_medspa"

// lockedBuffer collects what the development checkout prints.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) count(s string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Count(l.b.String(), s)
}

var apptInLink = regexp.MustCompile(`/deposits/[^/\s]+/[^/\s]+/(ap_[0-9a-f]+)`)

// holdWithDeposit takes a lead from a first text to a held slot with its
// deposit link, and returns the appointment id. The day asked for is five
// days ahead, outside the 24 hour cancellation window.
func holdWithDeposit(t *testing.T, sys *system, tel *testkit.Telnyx, lead, prefix string) string {
	day := sys.now().In(chicago).AddDate(0, 0, 5).Weekday().String()
	require.Equal(t, http.StatusOK, first(sys.sms(prefix+"-1", lead, "Hi! Can I get botox "+day+" afternoon?")))
	require.Len(t, tel.WaitFor(t, lead, 1, 10*time.Second), 1)
	require.Equal(t, http.StatusOK, first(sys.sms(prefix+"-2", lead, "1")))
	got := tel.WaitFor(t, lead, 3, 10*time.Second)
	require.Len(t, got, 3)
	m := apptInLink.FindStringSubmatch(got[2].Text)
	require.NotNil(t, m, "deposit link in %q", got[2].Text)
	return m[1]
}

// stripeEvent posts a signed checkout.session.completed as Stripe would,
// paying the deposit through the session the development checkout made
// for appt.
func (s *system) stripeEvent(eventID, lead, appt, intent string) int {
	return s.stripePayment(payments.DevPayment{EventID: eventID, ClinicID: clinicID, LeadID: messages.LeadID(clinicID, lead),
		AppointmentID: appt, SessionID: payments.DevSessionID(appt), AmountCents: 5000, Currency: "usd", PaymentIntent: intent})
}

// stripePayment posts a signed checkout.session.completed for p.
func (s *system) stripePayment(p payments.DevPayment) int {
	payload, err := payments.DevEvent(p, s.now())
	require.NoError(s.t, err)
	signed := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: payload, Secret: stripeSecret, Timestamp: s.now()})
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("Stripe-Signature", signed.Header)
	status, _ := testkit.Post(s.t, s.client, s.baseURL+"/webhooks/stripe", h, payload)
	return status
}

// A paid deposit books the appointment once: the same event again and a
// second event for the same payment change nothing and send nothing. A
// cancellation sent twice asks for one refund.
func TestDepositBooksOnceAndRefundsOnce(t *testing.T) {
	forEachStore(t, func(t *testing.T, dbURL string) {
		cfg, priv, tel := newConfig(t, dbURL)
		cfg.StripeWebhookSecret = stripeSecret
		console := &lockedBuffer{}
		sys := startWith(t, cfg, priv, tel, app.Options{Console: console})
		lead := "+13125550171"
		appt := holdWithDeposit(t, sys, tel, lead, "dep")
		require.Eventually(t, func() bool { return console.count("[stripe dev] checkout") == 1 }, 10*time.Second, 20*time.Millisecond)

		require.Equal(t, http.StatusOK, sys.stripeEvent("evt_paid_1", lead, appt, "pi_1"))
		got := tel.WaitFor(t, lead, 4, 10*time.Second)
		require.Len(t, got, 4)
		require.Contains(t, got[3].Text, "booked")
		require.Equal(t, http.StatusOK, sys.stripeEvent("evt_paid_1", lead, appt, "pi_1")) // Stripe retries the same event
		require.Equal(t, http.StatusOK, sys.stripeEvent("evt_paid_2", lead, appt, "pi_1")) // another event, same payment
		before := sys.barrier(tel, "dep-q", lead, "How much is Botox?", "$12 per unit")
		require.Len(t, before, 4, "confirmed once, texted once")

		require.Equal(t, http.StatusOK, first(sys.sms("dep-cancel-1", lead, "I need to cancel my appointment")))
		require.Equal(t, http.StatusOK, first(sys.sms("dep-cancel-2", lead, "cancel my appointment please")))
		// Both cancellations are answered (the refund commands they asked
		// for were published with the answers), and every command is
		// through its worker.
		require.Len(t, tel.WaitFor(t, lead, 7, 10*time.Second), 7)
		require.Eventually(t, func() bool { return console.count("[stripe dev] refund") >= 1 }, 10*time.Second, 20*time.Millisecond)
		sys.drained(messages.StreamOutbound)
		require.Equal(t, 1, console.count("[stripe dev] refund"), "one refund for one deposit")
	})
}

// depositPath finds the deposit page's path in a deposit link text.
var depositPath = regexp.MustCompile(`/deposits/[^/\s]+/[^/\s]+/ap_[0-9a-f]+`)

// A payment of one cent for a $50 deposit books nothing: it is refunded
// through the development checkout, the lead is told and staff take over,
// and the deposit page does not say the payment was received.
func TestUnderpaidDepositIsRefundedNotBooked(t *testing.T) {
	cfg, priv, tel := newConfig(t, "")
	cfg.StripeWebhookSecret = stripeSecret
	console := &lockedBuffer{}
	sys := startWith(t, cfg, priv, tel, app.Options{Console: console})
	lead := "+13125550175"
	appt := holdWithDeposit(t, sys, tel, lead, "under")
	path := depositPath.FindString(tel.SentTo(lead)[2].Text)
	require.NotEmpty(t, path)

	require.Equal(t, http.StatusOK, sys.stripePayment(payments.DevPayment{EventID: "evt_under_1", ClinicID: clinicID,
		LeadID: messages.LeadID(clinicID, lead), AppointmentID: appt, SessionID: payments.DevSessionID(appt), AmountCents: 1, Currency: "usd",
		PaymentIntent: "pi_under"}))
	got := tel.WaitFor(t, lead, 4, 10*time.Second)
	require.Len(t, got, 4)
	require.Contains(t, got[3].Text, "refunding it in full")
	require.NotContains(t, got[3].Text, "booked")
	require.Eventually(t, func() bool { return console.count("[stripe dev] refund") == 1 }, 10*time.Second, 20*time.Millisecond)
	d, ok := sys.waitDetail(lead, func(d staffDetail) bool { return d.Phase == "handed_to_staff" })
	require.True(t, ok, "handed to staff: %+v", d)

	res, err := sys.client.Get(sys.baseURL + path + "?paid=1")
	require.NoError(t, err)
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Contains(t, string(body), "Payment not confirmed yet")
	require.NotContains(t, string(body), "Payment received")
}

// An unpaid hold that expires frees its time for the next lead, by day
// or by night (TEST_CLOCK); at night the lead is told when the window
// opens.
func TestExpiredHoldFreesTheSlot(t *testing.T) {
	cfg, priv, tel := newConfig(t, "")
	c := testClock(t)
	sys := startWith(t, cfg, priv, tel, app.Options{Now: c.Now, Console: &lockedBuffer{}})
	expiredHoldFreesTheSlot(t, sys, tel, c, "free")
}

// A hold that expires at 02:00 in Chicago frees its slot at once; the
// expiry text goes out at 08:00.
func TestExpiredHoldFreesTheSlotAtNight(t *testing.T) {
	cfg, priv, tel := newConfig(t, "")
	c := clockAt(t, time.Date(2026, time.December, 8, 1, 50, 0, 0, chicago))
	sys := startWith(t, cfg, priv, tel, app.Options{Now: c.Now, Console: &lockedBuffer{}})
	expiredHoldFreesTheSlot(t, sys, tel, c, "night")
}

func expiredHoldFreesTheSlot(t *testing.T, sys *system, tel *testkit.Telnyx, c *clock.Test, prefix string) {
	a, b := "+13125550172", "+13125550173"
	holdWithDeposit(t, sys, tel, a, prefix+"-a")
	offered := firstOffer(tel.SentTo(a)[0].Text)

	day := sys.now().In(chicago).AddDate(0, 0, 5).Weekday().String()
	// A holds with Dr. Kim (the first provider, equally booked); B asks
	// for her.
	require.Equal(t, http.StatusOK, first(sys.sms(prefix+"-b-1", b, "Hi! Can I get botox with Dr. Kim "+day+" afternoon?")))
	require.Len(t, tel.WaitFor(t, b, 1, 10*time.Second), 1)
	require.NotEqual(t, offered, firstOffer(tel.SentTo(b)[0].Text), "a held time is not offered")

	c.Advance(16 * time.Minute)
	night := !compliance.Check(messages.PurposeInitiated, compliance.Recipient{Phone: a}, "America/Chicago", c.Now(), nil).Allowed
	if night {
		sys.waitTimer(a, "deferred-send") // the hold expired; its text waits for the window
	} else {
		expired := tel.WaitFor(t, a, 4, 10*time.Second)
		require.Len(t, expired, 4)
		require.Contains(t, expired[3].Text, "expired")
	}

	cl := "+13125550174" // a new lead asking the same now
	require.Equal(t, http.StatusOK, first(sys.sms(prefix+"-c-1", cl, "Hi! Can I get botox with Dr. Kim "+day+" afternoon?")))
	again := tel.WaitFor(t, cl, 1, 10*time.Second)
	require.Len(t, again, 1)
	require.Equal(t, offered, firstOffer(again[0].Text), "the expired hold's time is open again")

	if night {
		require.Len(t, tel.SentTo(a), 3, "nothing initiated at night")
		require.True(t, toWindow(c, a))
		// The expiry text goes out when the window opens (with any other
		// text held for it, such as a check-in).
		expired := tel.WaitFor(t, a, 4, 10*time.Second)
		require.GreaterOrEqual(t, len(expired), 4)
		require.Contains(t, expired[3].Text, "expired")
	}
}
