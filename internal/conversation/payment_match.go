package conversation

import (
	"fmt"
	"strings"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/messages"
)

// Reasons a completed checkout does not pay its appointment's deposit
// (the reason of payment.mismatched).
const (
	mismatchSession   = "other session"
	mismatchCurrency  = "other currency"
	mismatchAmount    = "less than the deposit"
	mismatchNoIntent  = "no payment intent"
	mismatchPaidTwice = "already paid"
)

// What became of a payment that paid nothing (the outcome of
// payment.mismatched): refunded, or kept for staff when there is no
// payment intent to refund.
const (
	outcomeRefunding = "refunding"
	outcomeHeld      = "held for staff"
)

// defaultCurrency is the currency of a deposit recorded without one.
const defaultCurrency = "usd"

// depositCurrency is the currency a's deposit was asked in (ISO 4217,
// lowercase).
func depositCurrency(a Appointment) string {
	if a.Currency == "" {
		return defaultCurrency
	}
	return strings.ToLower(a.Currency)
}

// mismatch says why a paid checkout does not pay a's deposit, "" when it
// does: it must be the appointment's own Checkout Session (the one whose
// link was texted), in the deposit's currency, for at least the deposit,
// with a payment intent to refund it by later.
func mismatch(a Appointment, p *messages.Payment) string {
	switch {
	case a.SessionID == "" || p.SessionID != a.SessionID:
		return mismatchSession
	case !strings.EqualFold(p.Currency, depositCurrency(a)):
		return mismatchCurrency
	case p.AmountCents <= 0 || p.AmountCents < a.DepositCents:
		return mismatchAmount
	case p.PaymentIntent == "":
		return mismatchNoIntent
	case a.paid():
		return mismatchPaidTwice
	}
	return ""
}

// paymentRefused handles a payment made for a but not paying its deposit:
// it books nothing. The money goes back (recorded as a closed appointment
// named after the payment intent, so a repeat does not refund twice and
// the refund's outcome has a record to land on) or, without a payment
// intent, is held for staff; either way staff take the conversation over.
func (t *turn) paymentRefused(a Appointment, p *messages.Payment, why string) {
	refundable := p.PaymentIntent != ""
	outcome := outcomeHeld
	if refundable {
		outcome = outcomeRefunding
	}
	t.event(EventPaymentMismatched, "appointment_id", a.ID, "reason", why, "session_id", p.SessionID,
		"amount_cents", fmt.Sprint(p.AmountCents), "currency", strings.ToLower(p.Currency), "outcome", outcome)
	on := serviceName(t.c, a.ServiceID) + " on " + slotText(t.c, a.Start)
	var what string
	switch {
	case a.paid():
		what = "We received a second payment for " + on + ", but your deposit was already paid"
	case why == mismatchNoIntent:
		what = "We received a payment for " + on + " that we couldn't confirm automatically"
	default:
		what = "We received a payment for " + on + " that doesn't match the " + clinic.FormatCents(a.DepositCents) + " deposit"
	}
	if refundable {
		reason := "requested_by_customer"
		if a.paid() {
			reason = "duplicate"
		}
		t.refundPayment(p, reason)
		what += ", so we're refunding it in full."
	} else {
		what += "."
	}
	t.paymentHandoff(what)
}

// paymentUnmatched handles a payment for an appointment the lead does not
// have: it is refunded (held for staff without a payment intent) and staff
// take the conversation over. Its record, named after the appointment (or
// the payment intent), makes a repeat a known, paid appointment.
func (t *turn) paymentUnmatched(p *messages.Payment) {
	if p.PaymentIntent == "" {
		t.event(EventPaymentUnmatched, "appointment_id", p.AppointmentID, "reason", mismatchNoIntent)
		t.paymentHandoff("We received a payment we couldn't match to an appointment.")
		return
	}
	id := p.AppointmentID
	if id == "" {
		id = p.PaymentIntent
	}
	t.event(EventPaymentUnmatched, "appointment_id", id, "reason", "unknown appointment")
	stub := Appointment{ID: id, Status: ApptCancelled, PaymentIntent: p.PaymentIntent, PaidCents: p.AmountCents}
	t.refund(&stub, "requested_by_customer")
	t.s.putAppt(stub)
	t.paymentHandoff("We received a payment we couldn't match to an appointment, so we're refunding it in full.")
}

// refundPayment refunds a payment that paid no appointment, with Stripe's
// refund reason. Its record is named after the payment intent, never after
// the appointment it was made for: the refund's idempotency key and
// outcome belong to this payment, not to the appointment's own deposit.
func (t *turn) refundPayment(p *messages.Payment, reason string) {
	stub := Appointment{ID: p.PaymentIntent, Status: ApptCancelled, PaymentIntent: p.PaymentIntent, PaidCents: p.AmountCents,
		Currency: strings.ToLower(p.Currency)}
	t.refund(&stub, reason)
	t.s.putAppt(stub)
}

// paymentHandoff gives the conversation to staff after a payment that
// paid nothing, telling the lead what happened. An opted-out lead gets no
// text and a conversation staff already have stays theirs: the events
// tell staff.
func (t *turn) paymentHandoff(lead string) {
	if t.quiet() {
		return
	}
	t.handoff(reasonPayment, lead)
}

// refusedPayment reports whether p is a payment already refused: its
// record, named after its payment intent, exists.
func (s *State) refusedPayment(p *messages.Payment) bool {
	a, ok := s.FindAppointment(p.PaymentIntent)
	return ok && a.PaymentIntent == p.PaymentIntent
}

// byIntent returns the appointment record a payment intent paid, so that
// Stripe's report of a refunded charge lands on the payment it refunded
// (a refused payment's record, not the appointment it was meant for).
func (s *State) byIntent(pi string) (Appointment, bool) {
	if pi == "" {
		return Appointment{}, false
	}
	for _, a := range s.Appointments {
		if a.PaymentIntent == pi {
			return a, true
		}
	}
	return Appointment{}, false
}
