package gateway

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/medspa/engine/internal/clock"
	"github.com/medspa/engine/internal/stage"
	"github.com/medspa/engine/messages"
)

// Limits of a webhook request.
const (
	maxWebhookBody = 1 << 20
	publishTimeout = 5 * time.Second
)

// webhookRoute is what every webhook route (and the web form) shares: the
// time to answer is observed under its provider, and every answer is
// counted by provider and outcome.
type webhookRoute struct {
	provider string
	metrics  *Metrics
	// gatewayStage also counts the time as the gateway stage of a
	// message's way through the engine.
	gatewayStage bool
}

// handler times each request and hands serve the function that counts its
// outcome.
func (h webhookRoute) handler(serve func(w http.ResponseWriter, r *http.Request, outcome func(string))) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := clock.Start()
		defer func() {
			took := start.Elapsed()
			h.metrics.webhookDuration.WithLabelValues(h.provider).Observe(took.Seconds())
			if h.gatewayStage {
				h.metrics.stages.Observe(stage.Gateway, took)
			}
		}()
		serve(w, r, func(o string) { h.metrics.webhook(h.provider, o) })
	})
}

// rawBody is handler for a signed webhook: the raw body is read once
// (readWebhookBody) before serve sees it, since the signature covers it.
func (h webhookRoute) rawBody(serve func(w http.ResponseWriter, r *http.Request, body []byte, outcome func(string))) http.Handler {
	return h.handler(func(w http.ResponseWriter, r *http.Request, outcome func(string)) {
		body, ok := readWebhookBody(w, r, outcome)
		if !ok {
			return
		}
		serve(w, r, body, outcome)
	})
}

// readWebhookBody reads a webhook's raw body once, up to maxWebhookBody; on
// failure it answers the request, counts it and returns false.
func readWebhookBody(w http.ResponseWriter, r *http.Request, outcome func(string)) ([]byte, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxWebhookBody))
	if err == nil {
		return body, true
	}
	outcome(OutcomeBadRequest)
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		Error(w, r, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, maxWebhookBody))
		return nil, false
	}
	Error(w, r, fmt.Errorf("%w: read body: %v", ErrInvalid, err))
	return nil, false
}

// carrierFields is a carrier package's error naming the fields of a webhook
// that are wrong (telnyx.FieldErrors, twilio.FieldErrors).
type carrierFields interface {
	~map[string]string
	error
}

// rejectBody answers a webhook whose body does not make an envelope: 400,
// with the fields named when err names them (F).
func rejectBody[F carrierFields](w http.ResponseWriter, r *http.Request, err error, outcome func(string)) {
	outcome(OutcomeBadRequest)
	var fields F
	if errors.As(err, &fields) {
		Error(w, r, &ValidationError{Fields: fields})
		return
	}
	Error(w, r, fmt.Errorf("%w: %w", ErrInvalid, err))
}

// answerStatus counts a webhook's outcome and answers 200 with it as the
// status.
func answerStatus(w http.ResponseWriter, outcome func(string), o string) {
	outcome(o)
	writeJSON(w, http.StatusOK, map[string]string{"status": o})
}

// answerAccepted is the 200 of a webhook whose envelope is durable.
func answerAccepted(w http.ResponseWriter) {
	writeJSON(w, http.StatusOK, map[string]string{"status": OutcomeAccepted})
}

// deliver publishes env durably and answers the webhook: 503 when the
// publish fails, so the provider retries; otherwise the webhook is counted
// accepted and answered by accepted. A receipt gets the send command its
// callback URL names.
func deliver(w http.ResponseWriter, r *http.Request, pub Publisher, env messages.Envelope, at time.Time, outcome func(string), accepted func(http.ResponseWriter)) {
	if env.Receipt != nil {
		env.Receipt.CommandID = receiptCommand(r)
	}
	if err := publishEnvelope(r.Context(), pub, env, at); err != nil {
		outcome(OutcomePublishFailed)
		Error(w, r, err)
		return
	}
	outcome(OutcomeAccepted)
	accepted(w)
}

// publishEnvelope makes env durable: nil only after the PubAck. Any failure
// is ErrUnavailable, so the provider retries.
func publishEnvelope(ctx context.Context, pub Publisher, env messages.Envelope, origin time.Time) error {
	if err := env.Validate(); err != nil {
		return fmt.Errorf("build envelope: %w", err)
	}
	data, err := env.Encode()
	if err != nil {
		return fmt.Errorf("encode envelope: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, publishTimeout)
	defer cancel()
	subject := messages.InboundSubject(env.ClinicID, env.LeadID, env.Kind)
	if err := pub.Publish(ctx, subject, env.ID, data, origin); err != nil {
		return fmt.Errorf("%w: publish %s: %w", ErrUnavailable, subject, err)
	}
	return nil
}
