package gateway

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/medspa/engine/internal/directory"

	"github.com/medspa/engine/internal/clock"
	"github.com/medspa/engine/internal/payments"
)

// handleStripe receives Stripe webhooks: the signature over the raw body is
// checked by stripe-go (a bad one is 400, as Stripe documents), the event
// becomes a payment envelope for its conversation (clinic and lead come from
// the metadata we put on the Checkout Session), deduplicated on the event
// id, and the answer is 200 only once it is durable in JetStream.
func handleStripe(secret string, dir *directory.Directory, pub Publisher, m *Metrics, now func() time.Time) http.Handler {
	known := func(id string) bool { _, ok := dir.ByID(id); return ok }
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := clock.Start()
		defer func() { m.webhookDuration.WithLabelValues(ProviderStripe).Observe(start.Elapsed().Seconds()) }()
		outcome := func(o string) { m.webhook(ProviderStripe, o) }
		body, ok := readWebhookBody(w, r, outcome)
		if !ok {
			return
		}
		if secret == "" {
			outcome(OutcomeBadSignature)
			Error(w, r, errors.New("stripe webhook secret is not configured"))
			return
		}
		at := now()
		env, err := payments.ParseWebhook(body, r.Header.Get("Stripe-Signature"), secret, at, known)
		switch {
		case errors.Is(err, payments.ErrBadSignature):
			outcome(OutcomeBadSignature)
			Error(w, r, fmt.Errorf("%w: %w", ErrInvalid, err))
			return
		case errors.Is(err, payments.ErrIgnored):
			outcome(OutcomeIgnored)
			writeJSON(w, http.StatusOK, map[string]string{"status": OutcomeIgnored})
			return
		case err != nil:
			outcome(OutcomeBadRequest)
			Error(w, r, fmt.Errorf("%w: %w", ErrInvalid, err))
			return
		}
		env.Received = at
		if err := publishEnvelope(r.Context(), pub, env, at); err != nil {
			outcome(OutcomePublishFailed)
			Error(w, r, err)
			return
		}
		outcome(OutcomeAccepted)
		writeJSON(w, http.StatusOK, map[string]string{"status": OutcomeAccepted})
	})
}
