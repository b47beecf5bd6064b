package gateway

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/medspa/engine/internal/directory"

	"github.com/medspa/engine/internal/payments"
)

// handleStripe receives Stripe webhooks: the signature over the raw body is
// checked by stripe-go (a bad one is 400, as Stripe documents), the event
// becomes a payment envelope for its conversation (clinic and lead come from
// the metadata we put on the Checkout Session), deduplicated on the event
// id, and the answer is 200 only once it is durable in JetStream.
func handleStripe(secret string, dir *directory.Directory, pub Publisher, m *Metrics, now func() time.Time) http.Handler {
	known := func(id string) bool { _, ok := dir.ByID(id); return ok }
	route := webhookRoute{provider: ProviderStripe, metrics: m}
	return route.rawBody(func(w http.ResponseWriter, r *http.Request, body []byte, outcome func(string)) {
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
		case errors.Is(err, payments.ErrIgnored):
			answerStatus(w, outcome, OutcomeIgnored)
		case err != nil:
			outcome(OutcomeBadRequest)
			Error(w, r, fmt.Errorf("%w: %w", ErrInvalid, err))
		default:
			env.Received = at
			deliver(w, r, pub, env, at, outcome, answerAccepted)
		}
	})
}
