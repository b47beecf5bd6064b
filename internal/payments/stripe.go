// Package payments connects the engine to Stripe: a client that opens
// Checkout Sessions for deposits and issues refunds, a worker that turns
// payment commands from JetStream into Stripe calls and reports each outcome
// to the conversation, and the parser of Stripe's webhook events.
package payments

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/stripe/stripe-go/v85"

	"github.com/medspa/engine/internal/clock"
	"github.com/medspa/engine/messages"
)

// Stripe accepts a session's expires_at between 30 minutes and 24 hours
// after its creation. expiryMargin keeps our value inside that range despite
// clock skew and request latency.
const (
	minExpiry    = 30 * time.Minute
	maxExpiry    = 24 * time.Hour
	expiryMargin = 2 * time.Minute
	// expiryCushion widens the lower bound computed from the command's
	// origin, so a command processed a few minutes late still gets the
	// same expires_at on every try (see expiresAt).
	expiryCushion = 10 * time.Minute
)

// API is what the worker needs from Stripe; *Client implements it.
type API interface {
	CreateCheckout(ctx context.Context, cmd messages.CreateCheckout) (sessionID, url string, err error)
	Refund(ctx context.Context, cmd messages.Refund) (refundID string, err error)
}

// Client calls Stripe's API.
type Client struct {
	sc *stripe.Client
	// Now is the clock; clock.Real when nil.
	Now func() time.Time
}

// New returns a client for the given secret key. baseURL, when not empty,
// replaces https://api.stripe.com (stripe-mock in tests). httpClient may be
// nil. The library's own retries are off: the worker retries, with the same
// idempotency key.
func New(secretKey, baseURL string, httpClient *http.Client) *Client {
	cfg := &stripe.BackendConfig{
		HTTPClient:        httpClient,
		MaxNetworkRetries: stripe.Int64(0),
		LeveledLogger:     &stripe.LeveledLogger{Level: stripe.LevelNull},
	}
	if baseURL != "" {
		cfg.URL = stripe.String(strings.TrimRight(baseURL, "/"))
	}
	return &Client{sc: stripe.NewClient(secretKey, stripe.WithBackends(stripe.NewBackendsWithConfig(cfg)))}
}

func (c *Client) now() time.Time {
	return clock.Or(c.Now)()
}

// CheckoutIdempotencyKey is the Idempotency-Key of an appointment's Checkout
// Session: every command for the same appointment gets the same session
// (for as long as Stripe keeps the key, 24 hours).
func CheckoutIdempotencyKey(appointmentID string) string { return "checkout-" + appointmentID }

// RefundIdempotencyKey is the Idempotency-Key of a refund: one refund per
// appointment (per command when the appointment is unknown).
func RefundIdempotencyKey(cmd messages.Refund) string {
	if cmd.AppointmentID != "" {
		return "refund-" + cmd.AppointmentID
	}
	return "refund-" + cmd.ID
}

// CreateCheckout opens a Checkout Session (mode payment) for the deposit and
// returns its id and the page to send the lead.
func (c *Client) CreateCheckout(ctx context.Context, cmd messages.CreateCheckout) (string, string, error) {
	if cmd.AppointmentID == "" || cmd.AmountCents <= 0 {
		return "", "", &Error{Err: errors.New("checkout needs an appointment and a positive amount")}
	}
	currency := strings.ToLower(cmd.Currency)
	if currency == "" {
		currency = "usd"
	}
	meta := metadata(cmd.ClinicID, cmd.LeadID, cmd.AppointmentID)
	params := &stripe.CheckoutSessionCreateParams{
		Mode: stripe.String(string(stripe.CheckoutSessionModePayment)),
		LineItems: []*stripe.CheckoutSessionCreateLineItemParams{{
			Quantity: stripe.Int64(1),
			PriceData: &stripe.CheckoutSessionCreateLineItemPriceDataParams{
				Currency:    stripe.String(currency),
				UnitAmount:  stripe.Int64(cmd.AmountCents),
				ProductData: &stripe.CheckoutSessionCreateLineItemPriceDataProductDataParams{Name: stripe.String(cmd.ServiceName + " deposit")},
			},
		}},
		ClientReferenceID: stripe.String(cmd.AppointmentID),
		Metadata:          meta,
		// Session metadata is not copied to the PaymentIntent; the
		// PaymentIntent's is copied to its charge, which charge.refunded
		// events carry.
		PaymentIntentData: &stripe.CheckoutSessionCreatePaymentIntentDataParams{Metadata: metadata(cmd.ClinicID, cmd.LeadID, cmd.AppointmentID)},
		ExpiresAt:         stripe.Int64(expiresAt(cmd.ExpiresAt, cmd.Origin, c.now()).Unix()),
		SuccessURL:        stripe.String(cmd.SuccessURL),
		CancelURL:         stripe.String(cmd.CancelURL),
	}
	params.SetIdempotencyKey(CheckoutIdempotencyKey(cmd.AppointmentID))
	s, err := c.sc.V1CheckoutSessions.Create(ctx, params)
	if err != nil {
		return "", "", classify(ctx, fmt.Errorf("create checkout session: %w", err))
	}
	return s.ID, s.URL, nil
}

// Refund refunds a PaymentIntent (the whole charge when AmountCents is 0).
func (c *Client) Refund(ctx context.Context, cmd messages.Refund) (string, error) {
	if cmd.PaymentIntent == "" {
		return "", &Error{Err: errors.New("refund needs a payment intent")}
	}
	params := &stripe.RefundCreateParams{
		PaymentIntent: stripe.String(cmd.PaymentIntent),
		Metadata:      metadata(cmd.ClinicID, cmd.LeadID, cmd.AppointmentID),
	}
	if cmd.AmountCents > 0 {
		params.Amount = stripe.Int64(cmd.AmountCents)
	}
	if cmd.Reason != "" {
		params.Reason = stripe.String(cmd.Reason)
	}
	params.SetIdempotencyKey(RefundIdempotencyKey(cmd))
	r, err := c.sc.V1Refunds.Create(ctx, params)
	if err != nil {
		return "", classify(ctx, fmt.Errorf("create refund: %w", err))
	}
	return r.ID, nil
}

func metadata(clinicID, leadID, appointmentID string) map[string]string {
	return map[string]string{"clinic_id": clinicID, "lead_id": leadID, "appointment_id": appointmentID}
}

// expiresAt chooses a session's expiry: the hold's expiry, but at least 30
// minutes and at most 24 hours after creation (with a margin each side).
//
// A retried command must send the same parameters: Stripe answers a reused
// Idempotency-Key with different parameters with an error. So the bounds
// are computed from the command's origin when that gives a value Stripe
// accepts now, and from the clock only when the command is processed too
// late for that (or has no origin).
func expiresAt(want, origin, now time.Time) time.Time {
	lo, hi := now.Add(minExpiry+expiryMargin), now.Add(maxExpiry-expiryMargin)
	if !origin.IsZero() {
		e := clamp(want, origin.Add(minExpiry+expiryCushion), origin.Add(maxExpiry-expiryCushion))
		if !e.Before(lo) && !e.After(hi) {
			return e.Truncate(time.Second)
		}
	}
	return clamp(want, lo, hi).Truncate(time.Second)
}

func clamp(t, lo, hi time.Time) time.Time {
	if t.Before(lo) {
		return lo
	}
	if t.After(hi) {
		return hi
	}
	return t
}
