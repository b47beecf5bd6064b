package gateway

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

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
	route := webhookRoute{provider: ProviderTwilio, metrics: h.metrics, gatewayStage: true}
	return route.rawBody(func(w http.ResponseWriter, r *http.Request, body []byte, outcome func(string)) {
		params, ok := h.verify(w, r, body, outcome)
		if !ok {
			return
		}
		at := h.now()
		env, ok, err := toEnvelope(params, at)
		switch {
		case err != nil:
			rejectBody[twilio.FieldErrors](w, r, err, outcome)
		case !ok:
			outcome(OutcomeUnknownNumber)
			writeTwiML(w)
		default:
			deliver(w, r, pub, env, at, outcome, writeTwiML)
		}
	})
}

// verify parses a webhook's form body and checks X-Twilio-Signature over
// the public URL and every parameter; on failure it answers the request,
// counts it and returns false.
func (h twilioHook) verify(w http.ResponseWriter, r *http.Request, body []byte, outcome func(string)) (url.Values, bool) {
	params, err := url.ParseQuery(string(body))
	if err != nil {
		outcome(OutcomeBadRequest)
		Error(w, r, fmt.Errorf("%w: malformed form body", ErrInvalid))
		return nil, false
	}
	if h.token == "" || h.baseURL == "" {
		outcome(OutcomeBadSignature)
		Error(w, r, errors.New("verify twilio signature: no auth token or public base URL configured"))
		return nil, false
	}
	signedURL := strings.TrimRight(h.baseURL, "/") + r.URL.RequestURI()
	if err := twilio.Verify(h.token, signedURL, params, r.Header.Get(twilio.HeaderSignature)); err != nil {
		outcome(OutcomeBadSignature)
		Error(w, r, fmt.Errorf("%w: %w", ErrForbidden, err))
		return nil, false
	}
	return params, true
}

func writeTwiML(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(EmptyTwiML))
}
