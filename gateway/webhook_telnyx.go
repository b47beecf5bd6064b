package gateway

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/medspa/engine/internal/directory"

	"github.com/medspa/engine/internal/clock"
	"github.com/medspa/engine/internal/stage"
	"github.com/medspa/engine/internal/telnyx"
	"github.com/medspa/engine/messages"
)

// Limits of a webhook request.
const (
	maxWebhookBody = 1 << 20
	publishTimeout = 5 * time.Second
)

// handleTelnyxMessages receives Telnyx messaging webhooks. It reads the raw
// body once, verifies its signature, parses it, and answers 200 only after
// the resulting envelope is durable in JetStream; a failed publish is a 503
// so Telnyx retries. Unknown numbers and other event types are acknowledged
// and counted.
func handleTelnyxMessages(key ed25519.PublicKey, dir *directory.Directory, pub Publisher, m *Metrics, now func() time.Time) http.Handler {
	return telnyxHook(key, pub, m, now, func(body []byte, at time.Time) (messages.Envelope, string, error) {
		ev, err := telnyx.ParseMessage(body)
		if err != nil {
			return messages.Envelope{}, "", err
		}
		env, ok := telnyxEnvelope(ev, dir, at)
		switch {
		case ev.Inbound == nil && ev.Receipt == nil:
			return env, OutcomeIgnored, nil
		case !ok:
			return env, OutcomeUnknownNumber, nil
		}
		return env, "", nil
	})
}

// telnyxBuild turns a verified Telnyx body into the envelope to publish, or
// names the outcome of a body that carries no work (ignored, unknown
// number), or fails to parse it (400).
type telnyxBuild func(body []byte, at time.Time) (env messages.Envelope, skip string, err error)

// telnyxHook is the shape every Telnyx route shares: read the raw body
// once, verify its signature (401), build the envelope (400 when it does not
// parse), and answer 200 only once it is durable in JetStream (503 when the
// publish fails, so Telnyx retries). Every answer is counted by outcome.
func telnyxHook(key ed25519.PublicKey, pub Publisher, m *Metrics, now func() time.Time, build telnyxBuild) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := clock.Start()
		defer func() {
			took := start.Elapsed()
			m.webhookDuration.WithLabelValues(ProviderTelnyx).Observe(took.Seconds())
			m.stages.Observe(stage.Gateway, took)
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
		env, skip, err := build(body, at)
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
		if skip != "" {
			outcome(skip)
			writeJSON(w, http.StatusOK, map[string]string{"status": skip})
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
		writeJSON(w, http.StatusOK, map[string]string{"status": OutcomeAccepted})
	})
}

// telnyxEnvelope turns a message event into an envelope for its clinic;
// ok is false when no clinic owns the event's number, or the event carries
// no message.
func telnyxEnvelope(ev telnyx.Event, dir *directory.Directory, at time.Time) (env messages.Envelope, ok bool) {
	env = messages.Envelope{V: messages.Version, ID: "telnyx:" + ev.ID, Received: at}
	switch {
	case ev.Inbound != nil:
		in := ev.Inbound
		for _, to := range in.To {
			c, found := dir.ByNumber(to)
			if !found {
				continue
			}
			env.Kind = messages.KindSMS
			env.ClinicID = c.ID
			env.Phone = in.From
			env.SMS = &messages.InboundSMS{
				Carrier:    messages.CarrierTelnyx,
				ProviderID: in.MessageID,
				From:       in.From,
				To:         to,
				Text:       in.Text,
				Media:      in.Media,
			}
			break
		}
	case ev.Receipt != nil:
		rc := ev.Receipt
		c, found := dir.ByNumber(rc.From)
		if !found {
			break
		}
		env.Kind = messages.KindReceipt
		env.ClinicID = c.ID
		env.Phone = rc.To
		env.Receipt = &messages.DeliveryReceipt{
			Carrier:    messages.CarrierTelnyx,
			ProviderID: rc.MessageID,
			Status:     rc.Status,
			ErrorCode:  rc.ErrorCode,
		}
	}
	if env.ClinicID == "" {
		return messages.Envelope{}, false
	}
	env.LeadID = messages.LeadID(env.ClinicID, env.Phone)
	return env, true
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

// verifyTelnyx checks a Telnyx webhook's signature over its raw body; on
// failure it answers the request, counts it and returns false.
func verifyTelnyx(w http.ResponseWriter, r *http.Request, key ed25519.PublicKey, body []byte, at time.Time, outcome func(string)) bool {
	err := telnyx.Verify(key, r.Header.Get(telnyx.HeaderSignature), r.Header.Get(telnyx.HeaderTimestamp), body, at, telnyx.DefaultTolerance)
	if err == nil {
		return true
	}
	outcome(OutcomeBadSignature)
	if errors.Is(err, telnyx.ErrBadPublicKey) {
		Error(w, r, fmt.Errorf("verify telnyx signature: %w", err))
		return false
	}
	Error(w, r, fmt.Errorf("%w: %w", ErrUnauthorized, err))
	return false
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
