package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/stripe/stripe-go/v85"
	"github.com/stripe/stripe-go/v85/webhook"

	"github.com/medspa/engine/internal/app"
)

// runSimPay plays Stripe: it posts a signed checkout.session.completed (or
// .expired) event for a deposit to the gateway's Stripe webhook route,
// signed with STRIPE_WEBHOOK_SECRET or the development secret in DATA_DIR.
// The development checkout prints the exact command to run.
func runSimPay(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	fs := flag.NewFlagSet("sim pay", flag.ContinueOnError)
	clinicID := fs.String("clinic", "", "clinic id (from the checkout line)")
	leadID := fs.String("lead", "", "lead id (from the checkout line)")
	appt := fs.String("appointment", "", "appointment id")
	session := fs.String("session", "", "checkout session id")
	amount := fs.Int64("amount", 0, "amount paid, in cents")
	expired := fs.Bool("expired", false, "send checkout.session.expired instead of a payment")
	base := fs.String("url", "http://127.0.0.1:"+strconv.Itoa(cfg.Port), "gateway base URL")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *clinicID == "" || *leadID == "" || *appt == "" {
		return fmt.Errorf("--clinic, --lead and --appointment are required (copy them from the [stripe dev] line)")
	}
	secret := cfg.StripeWebhookSecret
	if secret == "" {
		if secret, err = app.DevStripeWebhookSecret(cfg.DataDir); err != nil {
			return err
		}
	}
	now := time.Now()
	typ, status, payStatus, intent := "checkout.session.completed", "complete", "paid", any("pi_dev_"+*appt)
	if *expired {
		typ, status, payStatus, intent = "checkout.session.expired", "expired", "unpaid", nil
	}
	meta := map[string]string{"clinic_id": *clinicID, "lead_id": *leadID, "appointment_id": *appt}
	ev := map[string]any{
		"id": "evt_dev_" + uuid()[:18], "object": "event", "api_version": stripe.APIVersion, "created": now.Unix(),
		"type": typ, "livemode": false, "pending_webhooks": 1, "request": map[string]any{"id": nil, "idempotency_key": nil},
		"data": map[string]any{"object": map[string]any{
			"id": *session, "object": "checkout.session", "amount_total": *amount, "currency": "usd",
			"client_reference_id": *appt, "metadata": meta, "mode": "payment", "payment_intent": intent,
			"payment_status": payStatus, "status": status, "livemode": false,
		}},
	}
	payload, err := json.Marshal(ev)
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
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("post Stripe event (is `make run` running?): %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("gateway answered %s: %s", resp.Status, body)
	}
	fmt.Fprintf(stdout, "posted %s for %s: %s\n", typ, *appt, bytes.TrimSpace(body))
	return nil
}
