package conversation

import "github.com/medspa/engine/internal/understand"

// Reasons a conversation is handed to staff.
const (
	reasonAsked          = "lead asked for a person"
	reasonMedical        = "medical question"
	reasonUrgent         = "urgent medical"
	reasonComplaint      = "complaint"
	reasonNotUnderstood  = "not understood"
	reasonCancel         = "cancellation request"
	reasonReschedule     = "reschedule request"
	reasonNoAvailability = "no availability"
	reasonDepositFailed  = "deposit link failed"
	reasonPayment        = "payment did not match"
	reasonLanguage       = "another language"
)

// maxMisses is how many messages in a row may go not understood before a
// person takes over.
const maxMisses = 3

// handoff moves the conversation to staff: the lead gets one last message
// saying a person will follow up during opening hours, staff get an event,
// and the engine stops replying.
func (t *turn) handoff(reason, lead string) {
	t.event(EventHandoffRequested, "reason", reason)
	switch t.s.Phase {
	case PhaseHandedToStaff:
	case PhaseNew:
		t.s.StaffFrom = PhaseQualifying
	default:
		t.s.StaffFrom = t.s.Phase
	}
	t.setPhase(PhaseHandedToStaff)
	t.s.Offers = nil
	t.reply(join(t.notice, lead, "Someone from our team at "+t.c.Name+" will text you back during opening hours ("+t.c.OpeningHoursText()+")."))
}

// handoffFor hands the conversation to staff when the message calls for a
// person, and reports whether it did.
func (t *turn) handoffFor(u understand.Understanding) bool {
	switch u.Intent {
	case understand.IntentUrgent:
		t.urgent()
	case understand.IntentMedical:
		t.handoff(reasonMedical, "That's a great question for our clinical team.")
	case understand.IntentComplaint:
		t.handoff(reasonComplaint, "I'm so sorry to hear that.")
	case understand.IntentHuman:
		t.handoff(reasonAsked, "Of course!")
	case understand.IntentCancel, understand.IntentReschedule:
		switch {
		case t.s.Phase == PhaseHeld, t.s.Phase == PhaseDeposit, t.s.Phase == PhaseBooked, t.s.Rescheduling != "",
			t.s.Phase == PhaseOffering && len(t.s.Offers) > 0:
			return false // the booking flow handles its own times
		}
		reason := reasonCancel
		if u.Intent == understand.IntentReschedule {
			reason = reasonReschedule
		}
		t.handoff(reason, "Happy to help with that.")
	default:
		if t.text != "" && t.said().Spanish() {
			t.handoff(reasonLanguage, "¡Gracias por escribirnos! Una persona de nuestro equipo le responderá pronto.")
			return true
		}
		if t.s.Misses < maxMisses {
			return false
		}
		t.handoff(reasonNotUnderstood, "Sorry, I'm not following.")
	}
	return true
}

// urgent hands a possible medical emergency to staff at once: the lead is
// told to call 911 in an emergency and that a clinician will reach them as
// soon as possible, whatever the opening hours; staff get a
// handoff.urgent event and the conversation is marked urgent, first in
// their list until a person answers it.
func (t *turn) urgent() {
	t.event(EventHandoffUrgent, "reason", reasonUrgent)
	t.event(EventHandoffRequested, "reason", reasonUrgent)
	if t.s.Phase != PhaseHandedToStaff {
		t.s.StaffFrom = t.s.Phase
		if t.s.Phase == PhaseNew {
			t.s.StaffFrom = PhaseQualifying
		}
	}
	t.s.Urgent = true
	t.setPhase(PhaseHandedToStaff)
	t.s.Offers = nil
	t.reply(join(t.notice, "I'm sorry you're dealing with this. If it's an emergency, call 911 now. "+
		"I've alerted our clinical team at "+t.c.Name+" and a clinician will contact you as soon as possible."))
}

// understood reports whether a message gave anything to act on.
func understood(u understand.Understanding) bool {
	return u.Intent != understand.IntentUnknown || u.Name != "" || u.ServiceID != "" || u.When != nil || u.Patient != "" ||
		u.Shift != understand.ShiftNone
}
