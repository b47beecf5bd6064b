package gateway

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/medspa/engine/gateway/telnyx"
	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/messages"
)

// handleTelnyxVoice receives Telnyx call-control webhooks, verified like the
// messaging ones. An incoming call that nobody answered becomes a KindMissed
// envelope, published durably before the 200; every other event is
// acknowledged and counted as ignored. How often a caller is texted back,
// and whether at all, is the conversation's decision.
func handleTelnyxVoice(key ed25519.PublicKey, dir *clinic.Directory, pub Publisher, m *Metrics, now func() time.Time) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		defer func() {
			m.webhookDuration.WithLabelValues(ProviderTelnyx).Observe(time.Since(start).Seconds())
		}()
		outcome := func(o string) { m.webhook(ProviderTelnyx, o) }

		body, ok := readWebhookBody(w, r, outcome)
		if !ok {
			return
		}
		at := now()
		if !verifyTelnyx(w, r, key, body, at, outcome) {
			return
		}
		call, err := telnyx.ParseCall(body)
		if err != nil {
			outcome(OutcomeBadRequest)
			var fields telnyx.FieldErrors
			if errors.As(err, &fields) {
				Error(w, r, &ValidationError{Fields: fields})
				return
			}
			Error(w, r, fmt.Errorf("%w: %w", ErrInvalid, err))
			return
		}
		if call.Missed == nil {
			outcome(OutcomeIgnored)
			writeJSON(w, http.StatusOK, map[string]string{"status": OutcomeIgnored})
			return
		}
		c, found := dir.ByNumber(call.Missed.To)
		if !found {
			outcome(OutcomeUnknownNumber)
			writeJSON(w, http.StatusOK, map[string]string{"status": OutcomeUnknownNumber})
			return
		}
		mc := call.Missed
		env := messages.Envelope{
			V: messages.Version, ID: "telnyx:" + call.ID, Kind: messages.KindMissed,
			ClinicID: c.ID, LeadID: messages.LeadID(c.ID, mc.From), Phone: mc.From, Received: at,
			Missed: &messages.MissedCall{Carrier: messages.CarrierTelnyx, From: mc.From, To: mc.To, Cause: mc.Cause},
		}
		if err := publishEnvelope(r.Context(), pub, env, at); err != nil {
			outcome(OutcomePublishFailed)
			Error(w, r, err)
			return
		}
		outcome(OutcomeAccepted)
		writeJSON(w, http.StatusOK, map[string]string{"status": OutcomeAccepted})
	})
}
