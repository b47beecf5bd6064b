package payments

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"sync"

	"github.com/medspa/engine/messages"
)

// DevCheckout stands in for Stripe when no STRIPE_SECRET_KEY is configured,
// the way the console sender stands in for a carrier: it makes a
// deterministic session id and a local link, prints what it did, and
// `medspa sim pay` completes the payment by posting a signed test event to
// the gateway's real Stripe webhook route. Nothing about verification is
// skipped.
type DevCheckout struct {
	mu      sync.Mutex
	W       io.Writer
	BaseURL string // the gateway's public address
}

// CreateCheckout implements API.
func (d *DevCheckout) CreateCheckout(_ context.Context, cmd messages.CreateCheckout) (string, string, error) {
	h := sha256.Sum256([]byte(CheckoutIdempotencyKey(cmd.AppointmentID)))
	id := "cs_dev_" + hex.EncodeToString(h[:12])
	url := d.BaseURL + "/deposits/" + cmd.AppointmentID
	d.mu.Lock()
	defer d.mu.Unlock()
	fmt.Fprintf(d.W, "[stripe dev] checkout %s: %s deposit $%d.%02d; pay with:\n  medspa sim pay --clinic %s --lead %s --appointment %s --session %s --amount %d\n",
		id, cmd.ServiceName, cmd.AmountCents/100, cmd.AmountCents%100, cmd.ClinicID, cmd.LeadID, cmd.AppointmentID, id, cmd.AmountCents)
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
