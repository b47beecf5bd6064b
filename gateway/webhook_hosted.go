package gateway

import (
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/medspa/engine/persistence"
)

// ProviderTelnyxHosted labels the hosted-messaging order webhooks in
// medspa_webhooks_total.
const ProviderTelnyxHosted = "telnyx_hosted"

// hostedEventPrefix starts the event types of hosted number orders, e.g.
// messaging_hosted_number_order.updated.
const hostedEventPrefix = "messaging_hosted_number_order"

// hostedEvent is the part of a Telnyx webhook this handler reads.
type hostedEvent struct {
	Data hostedEventData `json:"data"`
}

// hostedEventData is the event itself: which order, in which status.
type hostedEventData struct {
	EventType  string `json:"event_type"`
	ID         string `json:"id"`
	OccurredAt string `json:"occurred_at"`
	Payload    struct {
		ID     string `json:"id"`
		Status string `json:"status"`
	} `json:"payload"`
}

// handleTelnyxHosted receives Telnyx's status updates of hosted-messaging
// orders: verified over the raw body (401), parsed (400), then the stored
// order's status is updated. Other events and unknown orders are
// acknowledged and counted as ignored; a store failure is 503 so Telnyx
// retries. Updates older than the stored one are ignored by the store.
func handleTelnyxHosted(key ed25519.PublicKey, store persistence.Store, m *Metrics, now func() time.Time) http.Handler {
	route := webhookRoute{provider: ProviderTelnyxHosted, metrics: m}
	return route.rawBody(func(w http.ResponseWriter, r *http.Request, body []byte, outcome func(string)) {
		at := now()
		if !verifyTelnyx(w, r, key, body, at, outcome) {
			return
		}
		var ev hostedEvent
		if err := json.Unmarshal(body, &ev); err != nil {
			outcome(OutcomeBadRequest)
			Error(w, r, fmt.Errorf("%w: malformed JSON body", ErrInvalid))
			return
		}
		d := ev.Data
		if !strings.HasPrefix(d.EventType, hostedEventPrefix) {
			answerStatus(w, outcome, OutcomeIgnored)
			return
		}
		if d.ID == "" || d.Payload.ID == "" || d.Payload.Status == "" {
			outcome(OutcomeBadRequest)
			Error(w, r, &ValidationError{Fields: map[string]string{"data": "id, payload.id and payload.status are required"}})
			return
		}
		if t, err := time.Parse(time.RFC3339Nano, d.OccurredAt); err == nil {
			at = t
		}
		updateHostedOrder(w, r, store, d, at, outcome)
	})
}

// updateHostedOrder sets the stored order's status from a verified event
// and answers the webhook: an unknown order is ignored, a store failure is
// 503.
func updateHostedOrder(w http.ResponseWriter, r *http.Request, store persistence.Store, d hostedEventData, at time.Time, outcome func(string)) {
	if store == nil {
		outcome(OutcomePublishFailed)
		Error(w, r, fmt.Errorf("%w: no store configured", ErrUnavailable))
		return
	}
	detail := d.EventType + " " + d.ID
	err := store.UpdateAdminRecordStatus(r.Context(), persistence.AdminKindHostedOrder, d.Payload.ID, d.Payload.Status, detail, at)
	switch {
	case errors.Is(err, persistence.ErrNotFound):
		outcome(OutcomeIgnored)
		writeJSON(w, http.StatusOK, map[string]string{"status": "unknown_order"})
	case err != nil:
		outcome(OutcomePublishFailed)
		Error(w, r, fmt.Errorf("%w: update hosted order: %w", ErrUnavailable, err))
	default:
		answerStatus(w, outcome, OutcomeAccepted)
	}
}
