package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/stripe/stripe-go/v85/webhook"

	"github.com/medspa/engine/cmd/medspa/internal/app"
	"github.com/medspa/engine/internal/payments"
)

// runSimPay plays Stripe: it posts a signed checkout.session.completed (or
// .expired) event for a deposit to the gateway's Stripe webhook route,
// signed with STRIPE_WEBHOOK_SECRET or the development secret in DATA_DIR.
// The development checkout prints the exact command to run. The
// conversation books only a payment of the appointment's own session, in
// its currency, for at least the deposit: change --amount, --currency or
// --session to see any other payment refunded and handed to staff.
func runSimPay(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	cfg, fs, base, err := simFlags("sim pay", getenv)
	if err != nil {
		return err
	}
	clinicID := fs.String("clinic", "", "clinic id (from the checkout line)")
	leadID := fs.String("lead", "", "lead id (from the checkout line)")
	appt := fs.String("appointment", "", "appointment id")
	session := fs.String("session", "", "checkout session id")
	amount := fs.Int64("amount", 0, "amount paid, in cents (amount_total)")
	currency := fs.String("currency", "usd", "currency paid (ISO 4217)")
	expired := fs.Bool("expired", false, "send checkout.session.expired instead of a payment")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *clinicID == "" || *leadID == "" || *appt == "" || *session == "" {
		return fmt.Errorf("--clinic, --lead, --appointment and --session are required (copy them from the [stripe dev] line)")
	}
	secret := cfg.StripeWebhookSecret
	if secret == "" {
		if secret, err = app.DevStripeWebhookSecret(cfg.DataDir); err != nil {
			return err
		}
	}
	now := time.Now()
	payload, err := payments.DevEvent(payments.DevPayment{EventID: "evt_dev_" + uuid()[:18], ClinicID: *clinicID, LeadID: *leadID,
		AppointmentID: *appt, SessionID: *session, AmountCents: *amount, Currency: *currency, Expired: *expired}, now)
	if err != nil {
		return err
	}
	signed := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: payload, Secret: secret, Timestamp: now})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, *base+"/webhooks/stripe", bytes.NewReader(payload))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Stripe-Signature", signed.Header)
	body, err := postToGateway(req, "Stripe event")
	if err != nil {
		return err
	}
	typ := payments.EventCheckoutCompleted
	if *expired {
		typ = payments.EventCheckoutExpired
	}
	fmt.Fprintf(stdout, "posted %s for %s: %s\n", typ, *appt, bytes.TrimSpace(body))
	return nil
}
