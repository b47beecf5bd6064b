package payments

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/stripe/stripe-go/v85"
	"github.com/stripe/stripe-go/v85/webhook"

	"github.com/medspa/engine/messages"
)

// Errors of ParseWebhook, told apart with errors.Is. The gateway answers a
// bad signature with 401, a bad payload with 400, and an ignored event with
// 200 (so Stripe stops sending it) and a counter.
var (
	ErrBadSignature = errors.New("stripe webhook: bad signature")
	ErrBadPayload   = errors.New("stripe webhook: bad payload")
	ErrIgnored      = errors.New("stripe webhook: event ignored")
	// ErrUnknownClinic is an ignored event whose clinic is not ours.
	ErrUnknownClinic = fmt.Errorf("%w: unknown clinic", ErrIgnored)
)

// Stripe event types the engine handles.
const (
	EventCheckoutCompleted = "checkout.session.completed"
	EventCheckoutExpired   = "checkout.session.expired"
	EventChargeRefunded    = "charge.refunded"
)

// ParseWebhook verifies a Stripe webhook over the raw body (signature, then
// the signature's timestamp against now with Stripe's 5-minute tolerance,
// then the event's API version) and turns the events we
// handle into a payment envelope for the conversation named by the object's
// metadata: ID "stripe:<event id>", Phone empty, Received the event's
// creation time (the gateway may replace it with its own clock). clinics,
// when not nil, says whether a clinic id is known.
//
// Events of other types, and objects without our clinic and lead metadata
// (payments that did not come from a checkout we created), are ErrIgnored.
func ParseWebhook(payload []byte, sigHeader, secret string, now time.Time, clinics func(id string) bool) (messages.Envelope, error) {
	err := verifySignature(payload, sigHeader, secret, now)
	var ev stripe.Event
	if err == nil {
		ev, err = webhook.ConstructEventWithOptions(payload, sigHeader, secret, webhook.ConstructEventOptions{IgnoreTolerance: true})
	}
	switch {
	case errors.Is(err, webhook.ErrNotSigned), errors.Is(err, webhook.ErrInvalidHeader),
		errors.Is(err, webhook.ErrNoValidSignature), errors.Is(err, webhook.ErrTooOld):
		return messages.Envelope{}, fmt.Errorf("%w: %w", ErrBadSignature, err)
	case err != nil: // signed by Stripe, but not JSON, not an event, or another API version
		return messages.Envelope{}, fmt.Errorf("%w: %w", ErrBadPayload, err)
	}
	if ev.ID == "" || ev.Data == nil {
		return messages.Envelope{}, fmt.Errorf("%w: event without id or data", ErrBadPayload)
	}
	var (
		meta map[string]string
		p    messages.Payment
	)
	switch ev.Type {
	case EventCheckoutCompleted, EventCheckoutExpired:
		var s stripe.CheckoutSession
		if err := json.Unmarshal(ev.Data.Raw, &s); err != nil {
			return messages.Envelope{}, fmt.Errorf("%w: checkout session: %w", ErrBadPayload, err)
		}
		meta = s.Metadata
		p = messages.Payment{Type: messages.PaymentCheckoutCompleted, AppointmentID: s.ClientReferenceID, SessionID: s.ID,
			PaymentStatus: string(s.PaymentStatus), AmountCents: s.AmountTotal, Currency: string(s.Currency)}
		if ev.Type == EventCheckoutExpired {
			p.Type = messages.PaymentCheckoutExpired
		}
		if s.PaymentIntent != nil {
			p.PaymentIntent = s.PaymentIntent.ID
		}
	case EventChargeRefunded:
		// A charge carries a copy of its PaymentIntent's metadata, which
		// CreateCheckout sets through payment_intent_data.metadata.
		var ch stripe.Charge
		if err := json.Unmarshal(ev.Data.Raw, &ch); err != nil {
			return messages.Envelope{}, fmt.Errorf("%w: charge: %w", ErrBadPayload, err)
		}
		meta = ch.Metadata
		p = messages.Payment{Type: messages.PaymentChargeRefunded, AmountCents: ch.AmountRefunded, Currency: string(ch.Currency)}
		if ch.PaymentIntent != nil {
			p.PaymentIntent = ch.PaymentIntent.ID
		}
		if ch.Refunds != nil && len(ch.Refunds.Data) > 0 && ch.Refunds.Data[0] != nil {
			p.RefundID = ch.Refunds.Data[0].ID
		}
	default:
		return messages.Envelope{}, fmt.Errorf("%w: type %q", ErrIgnored, ev.Type)
	}
	clinicID, leadID := meta["clinic_id"], meta["lead_id"]
	if clinicID == "" || leadID == "" {
		return messages.Envelope{}, fmt.Errorf("%w: %s without clinic and lead metadata", ErrIgnored, ev.Type)
	}
	if !messages.ValidToken(clinicID) || !messages.ValidToken(leadID) {
		return messages.Envelope{}, fmt.Errorf("%w: %s with malformed clinic or lead metadata", ErrIgnored, ev.Type)
	}
	if clinics != nil && !clinics(clinicID) {
		return messages.Envelope{}, ErrUnknownClinic
	}
	if a := meta["appointment_id"]; a != "" {
		p.AppointmentID = a
	}
	env := messages.Envelope{V: messages.Version, ID: "stripe:" + ev.ID, Kind: messages.KindPayment,
		ClinicID: clinicID, LeadID: leadID, Received: time.Unix(ev.Created, 0).UTC(), Payment: &p}
	if err := env.Validate(); err != nil {
		return messages.Envelope{}, fmt.Errorf("%w: %w", ErrBadPayload, err)
	}
	return env, nil
}

// Tolerance is how old a webhook's signature may be: Stripe's own default.
const Tolerance = webhook.DefaultTolerance

// verifySignature checks the signature over the raw body, then its
// timestamp against now, the process's clock. (The library's own tolerance
// check reads the machine's wall clock, so it is turned off.)
func verifySignature(payload []byte, header, secret string, now time.Time) error {
	if err := webhook.ValidatePayloadIgnoringTolerance(payload, header, secret); err != nil {
		return err
	}
	signed, ok := signatureTime(header)
	if !ok {
		return webhook.ErrInvalidHeader
	}
	if now.Sub(signed) > Tolerance {
		return webhook.ErrTooOld
	}
	return nil
}

// signatureTime is the t= timestamp of a Stripe-Signature header
// ("t=1495999758,v1=ABC,v1=DEF").
func signatureTime(header string) (time.Time, bool) {
	for pair := range strings.SplitSeq(header, ",") {
		if v, ok := strings.CutPrefix(pair, "t="); ok {
			sec, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return time.Time{}, false
			}
			return time.Unix(sec, 0), true
		}
	}
	return time.Time{}, false
}
