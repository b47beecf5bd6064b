package gateway

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/internal/directory"

	"github.com/medspa/engine/internal/telnyx"
	"github.com/medspa/engine/messages"
)

// handleTelnyxMessages receives Telnyx messaging webhooks. It reads the raw
// body once, verifies its signature, parses it, and answers 200 only after
// the resulting envelope is durable in JetStream; a failed publish is a 503
// so Telnyx retries. Unknown numbers and other event types are acknowledged
// and counted.
func handleTelnyxMessages(key ed25519.PublicKey, dir *directory.Directory, pub Publisher, m *Metrics, now func() time.Time) http.Handler {
	return telnyxHook(key, pub, m, now, telnyx.ParseMessage, func(ev telnyx.Event, at time.Time) (messages.Envelope, string) {
		env, ok := telnyxEnvelope(ev, dir, at)
		switch {
		case ev.Inbound == nil && ev.Receipt == nil:
			return env, OutcomeIgnored
		case !ok:
			return env, OutcomeUnknownNumber
		}
		return env, ""
	})
}

// telnyxHook is the shape every Telnyx route shares: read the raw body
// once, verify its signature (401), parse it (400 when it does not parse),
// build the envelope, and answer 200 only once it is durable in JetStream
// (503 when the publish fails, so Telnyx retries). build names instead the
// outcome of an event that carries no work (ignored, unknown number),
// which is answered 200 with it. Every answer is counted by outcome.
func telnyxHook[E any](key ed25519.PublicKey, pub Publisher, m *Metrics, now func() time.Time,
	parse func(body []byte) (E, error), build func(ev E, at time.Time) (env messages.Envelope, skip string)) http.Handler {
	route := webhookRoute{provider: ProviderTelnyx, metrics: m, gatewayStage: true}
	return route.rawBody(func(w http.ResponseWriter, r *http.Request, body []byte, outcome func(string)) {
		at := now()
		if !verifyTelnyx(w, r, key, body, at, outcome) {
			return
		}
		ev, err := parse(body)
		if err != nil {
			rejectBody[telnyx.FieldErrors](w, r, err, outcome)
			return
		}
		if env, skip := build(ev, at); skip != "" {
			answerStatus(w, outcome, skip)
		} else {
			deliver(w, r, pub, env, at, outcome, answerAccepted)
		}
	})
}

// telnyxEnvelope turns a message event into an envelope for its clinic;
// ok is false when no clinic owns the event's number, or the event carries
// no message.
func telnyxEnvelope(ev telnyx.Event, dir *directory.Directory, at time.Time) (env messages.Envelope, ok bool) {
	env = messages.Envelope{V: messages.Version, ID: "telnyx:" + ev.ID, Received: at}
	var owner *clinic.Clinic
	switch {
	case ev.Inbound != nil:
		in := ev.Inbound
		var to string
		owner, to, ok = ownerOfAny(dir, in.To)
		env.Kind, env.Phone = messages.KindSMS, in.From
		env.SMS = &messages.InboundSMS{
			Carrier:    messages.CarrierTelnyx,
			ProviderID: in.MessageID,
			From:       in.From,
			To:         to,
			Text:       in.Text,
			Media:      in.Media,
		}
	case ev.Receipt != nil:
		rc := ev.Receipt
		owner, ok = dir.ByNumber(rc.From)
		env.Kind, env.Phone = messages.KindReceipt, rc.To
		env.Receipt = &messages.DeliveryReceipt{
			Carrier:    messages.CarrierTelnyx,
			ProviderID: rc.MessageID,
			Status:     rc.Status,
			ErrorCode:  rc.ErrorCode,
		}
	}
	if !ok {
		return messages.Envelope{}, false
	}
	env.ClinicID = owner.ID
	env.LeadID = messages.LeadID(env.ClinicID, env.Phone)
	return env, true
}

// ownerOfAny is the clinic that owns the first of numbers that a clinic
// owns, and that number.
func ownerOfAny(dir *directory.Directory, numbers []string) (*clinic.Clinic, string, bool) {
	for _, n := range numbers {
		if c, found := dir.ByNumber(n); found {
			return c, n, true
		}
	}
	return nil, "", false
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
