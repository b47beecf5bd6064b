package conversation

import (
	"fmt"
	"time"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/messages"
)

// onPayment applies a payment fact (messages.KindPayment) to the
// appointment it names: the deposit link is texted, a paid deposit books
// the appointment, an expired session frees the time, refunds are
// recorded. Money is never kept silently: a payment for an appointment the
// lead no longer has is refunded. Payment facts are not messages from the
// lead: texts they cause are replies only while the lead's own last text
// is recent, and initiated (quiet hours apply) otherwise. A fact that
// changes nothing returns the state unchanged and no effects, so a second
// event for the same session does nothing.
func onPayment(s State, env Env, in messages.Envelope, now time.Time) (State, []Effect, error) {
	if s.Phase == "" {
		return s, nil, nil // no conversation: nothing was asked of this lead
	}
	p := in.Payment
	t := &turn{s: s, c: env.Clinic, cal: env.Calendar, now: now}
	a, ok := t.s.FindAppointment(p.AppointmentID)
	switch p.Type {
	case messages.PaymentCheckoutCompleted:
		if p.PaymentStatus == "paid" {
			t.depositPaid(a, ok, p)
		}
	case messages.PaymentCheckoutCreated:
		if ok {
			t.depositLink(a, p)
		}
	case messages.PaymentCheckoutFailed:
		if ok {
			t.depositFailed(a)
		}
	case messages.PaymentCheckoutExpired:
		if ok {
			t.depositExpired(a)
		}
	case messages.PaymentChargeRefunded:
		if p.PaymentIntent != "" {
			// The charge names the appointment the payment was made for;
			// the refunded payment is the one with its intent.
			a, ok = t.s.byIntent(p.PaymentIntent)
		}
		if ok && !a.Refunded {
			a.Refunded, a.RefundRequested = true, true
			t.s.putAppt(a)
			t.event(EventChargeRefunded, "appointment_id", a.ID, "amount_cents", fmt.Sprint(p.AmountCents))
		}
	case messages.PaymentRefundCreated:
		if ok && a.RefundID != p.RefundID {
			a.RefundID, a.RefundFailed = p.RefundID, false
			t.s.putAppt(a)
			t.event(EventRefundCreated, "appointment_id", a.ID, "refund_id", p.RefundID)
		}
	case messages.PaymentRefundFailed:
		if ok && !a.RefundFailed {
			a.RefundFailed = true
			t.s.putAppt(a)
			t.event(EventRefundFailed, "appointment_id", a.ID, "error", p.Error)
		}
	}
	if len(t.effects) == 0 {
		return s, nil, nil
	}
	t.s.UpdatedAt = now
	return t.s, t.effects, nil
}

// depositLink texts the Checkout link of a held appointment, once.
func (t *turn) depositLink(a Appointment, p *messages.Payment) {
	if a.Status != ApptPendingDeposit || a.LinkSent || a.paid() || p.URL == "" {
		return
	}
	a.SessionID, a.LinkSent = p.SessionID, true
	t.s.putAppt(a)
	t.event(EventDepositLinkSent, "appointment_id", a.ID, "session_id", p.SessionID)
	until := ""
	if t.s.Hold != nil && t.s.Hold.AppointmentID == a.ID {
		until = " by " + clockOf(t.c, t.s.Hold.Until)
	}
	prose := "To confirm " + serviceName(t.c, a.ServiceID) + " on " + slotText(t.c, a.Start) + ", please pay the " +
		clinic.FormatCents(a.DepositCents) + " deposit" + until + ". It's refundable if you cancel more than " +
		fmt.Sprint(int(cancellationWindow(t.c)/time.Hour)) + " hours before. Pay here:"
	if t.quiet() {
		return
	}
	t.replyLink(prose, p.URL, t.purpose())
}

// depositFailed: no link could be made; the time is given back and staff
// take over.
func (t *turn) depositFailed(a Appointment) {
	if a.Status != ApptPendingDeposit || a.paid() {
		return
	}
	a.Status = ApptCancelled
	t.s.putAppt(a)
	t.event(EventDepositFailed, "appointment_id", a.ID)
	if t.s.Hold != nil && t.s.Hold.AppointmentID == a.ID {
		t.releaseHold()
	}
	if t.s.Phase == PhaseDeposit {
		t.handoff(reasonDepositFailed, "Sorry, I couldn't create the deposit link for "+serviceName(t.c, a.ServiceID)+" on "+slotText(t.c, a.Start)+".")
	}
}

// depositExpired: the Checkout Session ran out unpaid; the time is freed
// and the lead may pick again. An appointment already expired or cancelled
// (the hold's own timer came first) changes nothing.
func (t *turn) depositExpired(a Appointment) {
	if a.Status != ApptPendingDeposit || a.paid() {
		return
	}
	a.Status = ApptExpired
	t.s.putAppt(a)
	t.event(EventDepositExpired, "appointment_id", a.ID)
	current := t.s.Hold != nil && t.s.Hold.AppointmentID == a.ID
	if current {
		t.releaseHold()
	}
	if !current || t.s.Phase != PhaseDeposit {
		return
	}
	t.s.Offers = nil
	t.setPhase(PhaseQualifying)
	t.reply("The deposit link for " + serviceName(t.c, a.ServiceID) + " on " + slotText(t.c, a.Start) + " at " + t.c.Name +
		" has expired, so that time is released. Would you like to pick another? Reply with a day and time that suits you.")
}

// depositPaid records a paid deposit and asks the clinic to book its
// appointment. Only the appointment's own checkout pays it: the session
// whose link was texted, in the deposit's currency, for at least the
// deposit (payment_match.go). Any other payment books nothing: it is
// refunded, or held for staff when it cannot be, and staff take the
// conversation over. A second event for the same payment does nothing; a
// payment for an appointment that is cancelled is refunded.
func (t *turn) depositPaid(a Appointment, known bool, p *messages.Payment) {
	if (known && a.paid() && a.PaymentIntent == p.PaymentIntent) || t.s.refusedPayment(p) {
		return // the same payment again
	}
	if !known {
		t.paymentUnmatched(p)
		return
	}
	if why := mismatch(a, p); why != "" {
		t.paymentRefused(a, p, why)
		return
	}
	a.PaymentIntent, a.PaidCents = p.PaymentIntent, p.AmountCents
	t.event(EventDepositPaid, "appointment_id", a.ID, "amount_cents", fmt.Sprint(a.PaidCents))
	switch a.Status {
	case ApptHeld, ApptPendingDeposit, ApptExpired:
		t.s.putAppt(a)
		b := BookSlot{AppointmentID: a.ID, ServiceID: a.ServiceID, Start: a.Start, End: a.End}
		if t.s.Want != nil {
			b.Want = *t.s.Want
		}
		t.effects = append(t.effects, b)
	case ApptCancelled:
		t.refund(&a, "requested_by_customer")
		t.s.putAppt(a)
		if !t.quiet() {
			t.reply("We received a " + clinic.FormatCents(a.PaidCents) + " deposit for " + serviceName(t.c, a.ServiceID) + " on " +
				slotText(t.c, a.Start) + ", but that appointment was cancelled, so we're refunding it in full.")
		}
	default:
		t.s.putAppt(a) // booked before its deposit came in (by staff): keep the record
	}
}
