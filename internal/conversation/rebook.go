package conversation

import (
	"fmt"
	"time"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/internal/understand"
)

// holding reports whether a time is held for the lead (with or without a
// deposit asked).
func (t *turn) holding() bool {
	return (t.s.Phase == PhaseHeld || t.s.Phase == PhaseDeposit) && t.s.Hold != nil
}

// changeBooking handles a message from a booked lead: cancelling, or
// moving the booking (times picked then move it; the deposit stays).
func (t *turn) changeBooking(u understand.Understanding, learned bool) bool {
	a, ok := t.s.Booked()
	if !ok || !a.Start.After(t.now) {
		return false // a visit that took place is no booking to change: a new one is
	}
	if u.ServiceID != "" && u.ServiceID != a.ServiceID && u.Intent != understand.IntentCancel && u.Intent != understand.IntentReschedule {
		return false // another treatment asked for is a booking of its own
	}
	if s, ok := t.repick(u); ok && t.justBooked(a) && !s.Start.Equal(a.Start) {
		// "oops, I meant the third one" right after a booking that needed
		// no deposit: the booking moves to the time meant.
		t.s.Rescheduling, t.s.ServiceID = a.ID, a.ServiceID
		t.requestHold(s)
		return true
	}
	switch {
	case u.Intent == understand.IntentCancel:
		t.cancelBooking(a, learned)
		return true
	case u.Intent == understand.IntentReschedule || u.Intent == understand.IntentBook && u.When != nil:
		t.s.Rescheduling = a.ID
		svc, ok := t.c.ServiceByID(a.ServiceID)
		if u.When == nil || !ok {
			t.s.Want = nil
			t.setPhase(PhaseQualifying)
			t.reply(join(t.opener(learned), "Sure! What day and time would suit you better? You keep "+slotText(t.c, a.Start)+" until we find one."))
			return true
		}
		t.s.ServiceID = svc.ID
		t.offer(svc, u, learned)
		return true
	}
	return false
}

// justBooked reports whether a was booked from the times last offered, a
// moment ago: a pick by number then still corrects the pick instead of
// meaning something else.
func (t *turn) justBooked(a Appointment) bool {
	if t.now.Sub(a.BookedAt) > correctionWindow {
		return false
	}
	for _, o := range t.s.Offered {
		if o.Start.Equal(a.Start) {
			return true
		}
	}
	return false
}

// correctionWindow is how long after a booking "I meant the other one"
// still corrects the pick.
const correctionWindow = time.Hour

// rescheduling handles cancelling, or changing one's mind, while a booking
// is being moved.
func (t *turn) rescheduling(u understand.Understanding, learned bool) bool {
	if t.s.Rescheduling == "" {
		return false
	}
	a, ok := t.s.FindAppointment(t.s.Rescheduling)
	if !ok || a.Status != ApptBooked {
		t.s.Rescheduling = ""
		return false
	}
	switch {
	case u.Intent == understand.IntentCancel:
		t.cancelBooking(a, learned)
		return true
	case u.Intent == understand.IntentNo && t.s.Pending == nil:
		t.s.Rescheduling, t.s.Offers = "", nil
		t.setPhase(PhaseBooked)
		t.reply(join(t.opener(learned), "No problem, you're still booked for "+serviceName(t.c, a.ServiceID)+" on "+slotText(t.c, a.Start)+"."))
		return true
	}
	return false
}

// cancelBooking cancels a booked appointment at the lead's request. The
// slot is freed either way; a deposit is refunded when the cancellation
// comes more than the clinic's cancellation window before the start, and
// kept inside it.
func (t *turn) cancelBooking(a Appointment, learned bool) {
	text := t.cancelAppt(a, "lead", "")
	t.s.Rescheduling, t.s.Offers, t.s.Pending, t.s.Want = "", nil, nil, nil
	t.setPhase(PhaseLost)
	t.reply(join(t.opener(learned), text, "Text us anytime to book again."))
}

// cancelAppt cancels a booked appointment and returns what to tell the
// lead about it. by is "lead" or "staff" (author names the staff member).
// A cancellation by the lead keeps a paid deposit inside the cancellation
// window; a cancellation by the clinic always refunds it.
func (t *turn) cancelAppt(a Appointment, by, author string) string {
	a.Status = ApptCancelled
	t.effects = append(t.effects, CancelBooking{AppointmentID: a.ID})
	text := "Your " + serviceName(t.c, a.ServiceID) + " appointment on " + slotText(t.c, a.Start) + " is cancelled."
	if by == "staff" {
		text = t.c.Name + " has cancelled your " + serviceName(t.c, a.ServiceID) + " appointment on " + slotText(t.c, a.Start) + "."
	}
	refund := "none"
	if a.paid() && !a.RefundRequested && !a.Refunded {
		window := cancellationWindow(t.c)
		amount := clinic.FormatCents(a.PaidCents)
		switch {
		case by == "staff":
			// Stripe has no reason for a merchant's cancellation: none is sent.
			t.refundFor(&a, "", "clinic_cancelled")
			refund = "refunded"
			text += " Your " + amount + " deposit will be refunded to your card in full."
		case a.Start.Sub(t.now) > window:
			t.refund(&a, "requested_by_customer")
			refund = "refunded"
			text += " Your " + amount + " deposit will be refunded to your card."
		default:
			refund = "kept"
			t.event(EventDepositKept, "appointment_id", a.ID)
			text += fmt.Sprintf(" As it's within %d hours of the appointment, the %s deposit is kept per our cancellation policy.", int(window/time.Hour), amount)
		}
	}
	t.s.putAppt(a)
	kv := []string{"appointment_id", a.ID, "by", by, "deposit", refund}
	if author != "" {
		kv = append(kv, "user", staffUser(author))
	}
	t.event(EventCancelled, kv...)
	return text
}
