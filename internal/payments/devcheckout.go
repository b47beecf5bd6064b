package payments

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/stripe/stripe-go/v85"

	"github.com/medspa/engine/messages"
)

// DevCheckout stands in for Stripe when no STRIPE_SECRET_KEY is configured,
// the way the console sender stands in for a carrier: it makes a
// deterministic session id and a local link, prints what it did, and
// `medspa sim pay` completes the payment by posting a signed test event
// (DevEvent) to the gateway's real Stripe webhook route. Nothing about
// verification or matching is skipped: the event is parsed like Stripe's,
// and the conversation books only a payment of the appointment's own
// session, in its currency, for at least the deposit; any other payment is
// refunded through Refund and handed to staff.
type DevCheckout struct {
	mu      sync.Mutex
	W       io.Writer
	BaseURL string // the gateway's public address
}

// DevSessionID is the id of the development Checkout Session of an
// appointment: the same for every command about it, like Stripe's answer
// to a repeated idempotency key.
func DevSessionID(appointmentID string) string {
	h := sha256.Sum256([]byte(CheckoutIdempotencyKey(appointmentID)))
	return "cs_dev_" + hex.EncodeToString(h[:12])
}

// CreateCheckout implements API.
func (d *DevCheckout) CreateCheckout(_ context.Context, cmd messages.CreateCheckout) (string, string, error) {
	id := DevSessionID(cmd.AppointmentID)
	url := d.BaseURL + messages.DepositPath(cmd.ClinicID, cmd.LeadID, cmd.AppointmentID)
	d.mu.Lock()
	defer d.mu.Unlock()
	fmt.Fprintf(d.W, "[stripe dev] checkout %s: %s deposit $%d.%02d; pay with:\n  medspa sim pay --clinic %s --lead %s --appointment %s --session %s --amount %d --currency %s\n",
		id, cmd.ServiceName, cmd.AmountCents/100, cmd.AmountCents%100, cmd.ClinicID, cmd.LeadID, cmd.AppointmentID, id, cmd.AmountCents,
		devCurrency(cmd.Currency))
	return id, url, nil
}

// Refund implements API.
func (d *DevCheckout) Refund(_ context.Context, cmd messages.Refund) (string, error) {
	h := sha256.Sum256([]byte(RefundIdempotencyKey(cmd)))
	id := "re_dev_" + hex.EncodeToString(h[:12])
	d.mu.Lock()
	defer d.mu.Unlock()
	fmt.Fprintf(d.W, "[stripe dev] refund %s for %s\n", id, cmd.AppointmentID)
	return id, nil
}

// DevPayment is what `medspa sim pay` reports about a development
// checkout, as Stripe would.
type DevPayment struct {
	EventID       string // evt_...
	ClinicID      string
	LeadID        string
	AppointmentID string
	SessionID     string // the session the lead paid (DevSessionID)
	AmountCents   int64  // amount_total
	Currency      string // "usd" when empty
	// PaymentIntent is the intent of the payment; "pi_dev_<appointment>"
	// when empty.
	PaymentIntent string
	// Expired reports checkout.session.expired (unpaid) instead of a
	// payment.
	Expired bool
}

// DevEvent is the Stripe event `medspa sim pay` posts for a development
// checkout: checkout.session.completed (paid) or checkout.session.expired,
// shaped like Stripe's, with the metadata CreateCheckout puts on a real
// session. The caller signs it.
func DevEvent(p DevPayment, now time.Time) ([]byte, error) {
	if p.EventID == "" || p.ClinicID == "" || p.LeadID == "" || p.AppointmentID == "" || p.SessionID == "" {
		return nil, errors.New("a development payment needs an event, clinic, lead, appointment and session id")
	}
	typ, status, payStatus, intent := EventCheckoutCompleted, "complete", "paid", any(p.PaymentIntent)
	if p.PaymentIntent == "" {
		intent = "pi_dev_" + p.AppointmentID
	}
	if p.Expired {
		typ, status, payStatus, intent = EventCheckoutExpired, "expired", "unpaid", nil
	}
	ev := map[string]any{
		"id": p.EventID, "object": "event", "api_version": stripe.APIVersion, "created": now.Unix(),
		"type": typ, "livemode": false, "pending_webhooks": 1, "request": map[string]any{"id": nil, "idempotency_key": nil},
		"data": map[string]any{"object": map[string]any{
			"id": p.SessionID, "object": "checkout.session", "amount_total": p.AmountCents, "currency": devCurrency(p.Currency),
			"client_reference_id": p.AppointmentID, "metadata": metadata(p.ClinicID, p.LeadID, p.AppointmentID),
			"mode": "payment", "payment_intent": intent, "payment_status": payStatus, "status": status, "livemode": false,
		}},
	}
	return json.Marshal(ev)
}

// devCurrency is a currency as Stripe writes it: lowercase, "usd" when
// not given.
func devCurrency(c string) string {
	if c == "" {
		return "usd"
	}
	return strings.ToLower(c)
}
