package conversation

import (
	"time"

	"github.com/medspa/engine/internal/clinic"
)

// applyBook applies the clinic's answer to a BookSlot: the booking is
// confirmed, or, when the time is gone (the hold ran out and someone else
// took it), a paid deposit is refunded and the lead is offered other
// times. An answer for an appointment already booked changes nothing; a
// booking made for an appointment the lead cancelled meanwhile is
// cancelled again.
func applyBook(s State, env Env, r HoldResult, now time.Time) (State, []Effect) {
	t := &turn{s: s, c: env.Clinic, cal: env.Calendar, now: now}
	a, ok := t.s.FindAppointment(r.Request.AppointmentID)
	if !ok || r.Request.LeadID != s.LeadID || a.Status == ApptBooked {
		return s, nil
	}
	if a.Status == ApptCancelled {
		if r.Outcome == ResultBooked {
			t.effects = append(t.effects, CancelBooking{AppointmentID: a.ID})
		}
		return t.s, t.effects
	}
	t.s.UpdatedAt = now
	if t.s.Hold != nil && t.s.Hold.AppointmentID == a.ID {
		t.s.Hold = nil
	}
	if r.Outcome == ResultBooked {
		t.booked(a, r.Appointment)
		return t.s, t.effects
	}
	a.Status = ApptCancelled
	svc := serviceName(t.c, a.ServiceID)
	when := slotText(t.c, a.Start)
	t.event(EventBookingLost, "appointment_id", a.ID, "outcome", r.Outcome)
	text := "Sorry, " + svc + " on " + when + " was just taken."
	if t.refund(&a, "requested_by_customer") {
		text = "Your deposit for " + svc + " on " + when + " came in after your hold ran out, and that time has been taken, so we're refunding your " +
			clinic.FormatCents(a.PaidCents) + " in full."
	}
	t.s.putAppt(a)
	t.offerAgain(text, r.Alternatives)
	return t.s, t.effects
}

// booked records a confirmed booking and texts the confirmation.
func (t *turn) booked(a Appointment, cal clinic.Appointment) {
	if !cal.Start.IsZero() {
		a.Start, a.End, a.ProviderID, a.RoomID = cal.Start.UTC(), cal.End.UTC(), cal.ProviderID, cal.RoomID
	}
	a.Status, a.BookedAt = ApptBooked, t.now
	t.s.putAppt(a)
	if t.s.Hold != nil {
		// A late payment booked an older appointment: the newer hold goes.
		if other, ok := t.s.FindAppointment(t.s.Hold.AppointmentID); ok && !other.paid() {
			other.Status = ApptCancelled
			t.s.putAppt(other)
		}
		t.releaseHold()
	}
	t.s.Pending = nil // a hold answered later is released by ApplyHoldResult
	t.event(EventBooked, seated([]string{"appointment_id", a.ID, "service_id", a.ServiceID, "start", a.Start.Format(time.RFC3339)}, a.ProviderID, a.RoomID)...)
	if t.quiet() {
		return
	}
	t.s.Offers, t.s.Rescheduling = nil, ""
	t.setPhase(PhaseBooked)
	paid := ""
	if a.paid() {
		paid = "We received your " + clinic.FormatCents(a.PaidCents) + " deposit."
	}
	t.reply(join("You're booked! "+serviceName(t.c, a.ServiceID)+" at "+t.c.Name+" on "+slotZone(t.c, a.Start)+withProvider(t.c, a.ProviderID)+where(t.c)+".",
		paid, t.afterBookQuestion()))
}

// afterBookQuestion finishes what the booking needs once booked; a
// question asked twice already is not asked again.
func (t *turn) afterBookQuestion() string {
	switch {
	case t.s.Name == "" && t.mayAsk(AskName):
		return t.ask(AskName, "May I have your name for the booking?")
	case t.needPatient() && t.mayAsk(AskPatient):
		return t.askPatient()
	}
	return "Reply here if you need to cancel or reschedule."
}

// offerAgain tells the lead text and offers alts, or asks for another
// time when there are none. Staff or an opt-out keep the conversation as
// it is.
func (t *turn) offerAgain(text string, alts []clinic.Slot) {
	if t.quiet() {
		return
	}
	if t.s.Phase == PhaseBooked {
		t.reply(text)
		return
	}
	if len(alts) == 0 {
		t.s.Offers = nil
		t.setPhase(PhaseQualifying)
		t.reply(join(text, "What other days or times would work for you?"))
		return
	}
	t.s.Offers = utcSlots(alts)
	t.setPhase(PhaseOffering)
	t.reply(join(text, "Still open: "+offerList(t.c, t.s.Offers), pickPrompt(len(t.s.Offers))))
}

// applyMove applies the clinic's answer to a MoveBooking: the booking is
// moved (the deposit stays with it), or the lead is offered other times
// and keeps the current one.
func applyMove(s State, env Env, r HoldResult, now time.Time) (State, []Effect) {
	t := &turn{s: s, c: env.Clinic, cal: env.Calendar, now: now}
	p := s.Pending
	a, ok := s.FindAppointment(r.Request.AppointmentID)
	if !ok || p == nil || !p.Start.Equal(r.Request.Start) || s.Rescheduling != a.ID || r.Request.LeadID != s.LeadID || a.Status != ApptBooked || t.quiet() {
		return s, nil
	}
	t.s.Pending = nil
	t.s.UpdatedAt = now
	if r.Outcome == ResultMoved {
		from := a.Start
		a.Start, a.End, a.BookedAt = r.Appointment.Start.UTC(), r.Appointment.End.UTC(), now
		a.ProviderID, a.RoomID = r.Appointment.ProviderID, r.Appointment.RoomID
		a.Reminded24, a.Reminded2 = false, false
		t.s.putAppt(a)
		t.s.Offers, t.s.Rescheduling = nil, ""
		t.setPhase(PhaseBooked)
		t.event(EventMoved, "appointment_id", a.ID, "from", from.Format(time.RFC3339), "to", a.Start.Format(time.RFC3339))
		kept := ""
		if a.paid() && !a.RefundRequested {
			kept = "Your " + clinic.FormatCents(a.PaidCents) + " deposit carries over."
		}
		t.reply(join("Done! "+serviceName(t.c, a.ServiceID)+" is moved to "+slotZone(t.c, a.Start)+where(t.c)+".", kept))
		return t.s, t.effects
	}
	t.event(EventSlotTaken, "service_id", r.Request.ServiceID, "start", r.Request.Start.UTC().Format(time.RFC3339), "outcome", r.Outcome)
	t.offerAgain("Sorry, "+slotText(t.c, r.Request.Start)+" was just taken; you're still booked for "+slotText(t.c, a.Start)+".", r.Alternatives)
	return t.s, t.effects
}
