package gateway

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/medspa/engine/internal/clock"
	"github.com/medspa/engine/internal/stage"
	"github.com/medspa/engine/internal/twilio"
)

// EmptyTwiML is the answer to every accepted Twilio webhook: replies go out
// through the API, never in the webhook's answer.
const EmptyTwiML = `<?xml version="1.0" encoding="UTF-8"?><Response/>`

// twilioHook receives Twilio's form-encoded webhooks. It reads the raw body
// once, parses every parameter (unknown ones included, as they are signed),
// verifies X-Twilio-Signature over the public URL and the parameters, and
// answers the empty TwiML only after the envelope is durable; a failed
// publish is a 503 so Twilio retries.
type twilioHook struct {
	token   string
	baseURL string // PublicBaseURL
	metrics *Metrics
	now     func() time.Time
}

// handle serves one Twilio webhook; toEnvelope maps its parameters. When no
// clinic owns the number the webhook is acknowledged and counted.
func (h twilioHook) handle(toEnvelope twilio.Mapper, pub Publisher) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := clock.Start()
		defer func() {
			took := start.Elapsed()
			h.metrics.webhookDuration.WithLabelValues(ProviderTwilio).Observe(took.Seconds())
			h.metrics.stages.Observe(stage.Gateway, took)
		}()
		outcome := func(o string) { h.metrics.webhook(ProviderTwilio, o) }

		body, ok := readWebhookBody(w, r, outcome)
		if !ok {
			return
		}
		params, err := url.ParseQuery(string(body))
		if err != nil {
			outcome(OutcomeBadRequest)
			Error(w, r, fmt.Errorf("%w: malformed form body", ErrInvalid))
			return
		}
		if h.token == "" || h.baseURL == "" {
			outcome(OutcomeBadSignature)
			Error(w, r, errors.New("verify twilio signature: no auth token or public base URL configured"))
			return
		}
		signedURL := strings.TrimRight(h.baseURL, "/") + r.URL.RequestURI()
		if err := twilio.Verify(h.token, signedURL, params, r.Header.Get(twilio.HeaderSignature)); err != nil {
			outcome(OutcomeBadSignature)
			Error(w, r, fmt.Errorf("%w: %w", ErrForbidden, err))
			return
		}
		at := h.now()
		env, ok, err := toEnvelope(params, at)
		if err != nil {
			outcome(OutcomeBadRequest)
			var fields twilio.FieldErrors
			if errors.As(err, &fields) {
				Error(w, r, &ValidationError{Fields: fields})
				return
			}
			Error(w, r, fmt.Errorf("%w: %w", ErrInvalid, err))
			return
		}
		if !ok {
			outcome(OutcomeUnknownNumber)
			writeTwiML(w)
			return
		}
		if env.Receipt != nil {
			env.Receipt.CommandID = receiptCommand(r)
		}
		if err := publishEnvelope(r.Context(), pub, env, at); err != nil {
			outcome(OutcomePublishFailed)
			Error(w, r, err)
			return
		}
		outcome(OutcomeAccepted)
		writeTwiML(w)
	})
}

func writeTwiML(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(EmptyTwiML))
}
