package conversation

import (
	"time"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/messages"
)

// staffCancel cancels a booked appointment for the clinic: the time is
// freed, a paid deposit refunded in full, and the lead told (by=staff).
func (t *turn) staffCancel(a *messages.StaffAction) {
	appt, ok := t.staffAppt(a)
	if !ok {
		return
	}
	author := StaffAuthor(a.UserID)
	text := t.cancelAppt(appt, "staff", author)
	moving := t.s.Rescheduling == appt.ID
	if moving {
		t.s.Rescheduling, t.s.Offers, t.s.Pending = "", nil, nil
	}
	if t.s.StaffMove != nil && t.s.StaffMove.AppointmentID == appt.ID {
		t.s.StaffMove = nil
	}
	if _, still := t.s.Booked(); !still && (t.s.Phase == PhaseBooked || moving && !t.quiet()) {
		t.setPhase(PhaseLost)
	}
	t.deliverAs(join(text, "Text us anytime to book again."), t.purpose(), author)
}

// staffReschedule asks the clinic to move a booked appointment to the
// time staff chose; applyStaffMove applies the answer. A move the lead
// was making of the same appointment is abandoned.
func (t *turn) staffReschedule(a *messages.StaffAction) {
	appt, ok := t.staffAppt(a)
	if !ok {
		return
	}
	if a.NewStart.IsZero() {
		t.staffFailed(a.Type, staffNoStart, a.UserID, "appointment_id", appt.ID)
		return
	}
	start := a.NewStart.UTC()
	if t.s.Rescheduling == appt.ID {
		t.s.Rescheduling, t.s.Offers, t.s.Pending = "", nil, nil
		if !t.quiet() {
			t.setPhase(PhaseBooked)
		}
	}
	t.s.StaffMove = &StaffMove{AppointmentID: appt.ID, Start: start, UserID: a.UserID}
	t.effects = append(t.effects, MoveBooking{AppointmentID: appt.ID, ServiceID: appt.ServiceID, Start: start})
}

// staffAppt finds the booked appointment a staff action names; when there
// is none it reports the failure.
func (t *turn) staffAppt(a *messages.StaffAction) (Appointment, bool) {
	appt, ok := t.s.FindAppointment(a.AppointmentID)
	switch {
	case !ok:
		t.staffFailed(a.Type, staffNotFound, a.UserID, "appointment_id", a.AppointmentID)
		return Appointment{}, false
	case appt.Status != ApptBooked:
		t.staffFailed(a.Type, staffNotBooked, a.UserID, "appointment_id", appt.ID, "status", appt.Status)
		return Appointment{}, false
	}
	return appt, true
}

// applyStaffMove applies the clinic's answer to a move staff asked for. It
// reports false when the answer is not about the staff move pending. The
// lead is told of a move; a move that failed is reported to staff only.
// An earlier move of the same appointment that the clinic made is
// recorded silently, so the state follows the calendar.
func applyStaffMove(s State, env Env, r HoldResult, now time.Time) (State, []Effect, bool) {
	m := s.StaffMove
	if m == nil || m.AppointmentID != r.Request.AppointmentID || r.Request.LeadID != s.LeadID {
		return s, nil, false
	}
	t := &turn{s: s, c: env.Clinic, cal: env.Calendar, now: now}
	a, booked := s.FindAppointment(m.AppointmentID)
	booked = booked && a.Status == ApptBooked
	if !m.Start.Equal(r.Request.Start) {
		if r.Outcome != ResultMoved || !booked || a.Start.Equal(r.Appointment.Start) {
			return s, nil, true
		}
		t.s.UpdatedAt = now
		t.moveAppt(a, r.Appointment)
		return t.s, t.effects, true
	}
	t.s.StaffMove = nil
	t.s.UpdatedAt = now
	if !booked {
		return t.s, nil, true // cancelled meanwhile; the cancellation follows the move
	}
	if r.Outcome != ResultMoved {
		t.staffFailed(messages.StaffRescheduleAppointment, r.Outcome, m.UserID,
			"appointment_id", a.ID, "start", r.Request.Start.UTC().Format(time.RFC3339))
		return t.s, t.effects, true
	}
	moved := t.moveAppt(a, r.Appointment)
	t.event(EventMoved, "appointment_id", a.ID, "from", a.Start.Format(time.RFC3339), "to", moved.Start.Format(time.RFC3339),
		"by", "staff", "user", m.UserID)
	kept := ""
	if moved.paid() && !moved.RefundRequested {
		kept = "Your " + clinic.FormatCents(moved.PaidCents) + " deposit carries over."
	}
	text := t.c.Name + " has moved your " + serviceName(t.c, moved.ServiceID) + " appointment to " + slotZone(t.c, moved.Start) + where(t.c) + "."
	t.deliverAs(join(text, kept, "Reply here if that time doesn't work for you."), t.purpose(), StaffAuthor(m.UserID))
	return t.s, t.effects, true
}

// moveAppt records a booking's new time; its reminders are due again.
func (t *turn) moveAppt(a Appointment, cal clinic.Appointment) Appointment {
	a.Start, a.End, a.BookedAt = cal.Start.UTC(), cal.End.UTC(), t.now
	a.Reminded24, a.Reminded2 = false, false
	t.s.putAppt(a)
	return a
}
