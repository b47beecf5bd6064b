package conversation

import (
	"fmt"
	"time"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/messages"
)

// Attendance: staff record whether a booked patient came (arrived,
// completed) or not (no_show). The review request waits for completed; a
// no-show gets one follow-up offering to rebook, stating the deposit
// policy.

// staffWrongAttendance: the attendance does not follow from the visit's.
const staffWrongAttendance = "wrong_attendance"

// attendanceProblem says why appointment a cannot be recorded as status
// at now, "" when it can.
func attendanceProblem(a Appointment, status string, now time.Time) string {
	if a.Status != ApptBooked {
		return fmt.Sprintf("the appointment is %s, not booked", a.Status)
	}
	return clinic.AttendanceProblem(a.Attendance, status, a.Start, now)
}

// attendance applies staff's record of a visit. A repeated record changes
// nothing; a wrong one is a staff.failed event.
func (t *turn) attendance(act *messages.StaffAction) {
	a, ok := t.s.FindAppointment(act.AppointmentID)
	if !ok {
		t.staffFailed(act.Type, staffNotFound, act.UserID, "appointment_id", act.AppointmentID)
		return
	}
	if a.Attendance == act.Status {
		return
	}
	if p := attendanceProblem(a, act.Status, t.now); p != "" {
		t.staffFailed(act.Type, staffWrongAttendance, act.UserID, "appointment_id", a.ID, "detail", p)
		return
	}
	a.Attendance = act.Status
	t.s.putAppt(a)
	t.event(EventAttendance, "appointment_id", a.ID, "status", act.Status, "user", act.UserID)
	if act.Status == clinic.AttendanceNoShow && !a.NoShowFollowedUp {
		t.noShowFollowUp(a)
	}
}

// noShowFollowUp offers a patient who did not come to rebook, once per
// appointment, and states the deposit policy. The conversation goes back
// to asking for a time, unless staff have it or the lead opted out.
func (t *turn) noShowFollowUp(a Appointment) {
	a.NoShowFollowedUp = true
	t.s.putAppt(a)
	t.event(EventNoShowFollowUp, "appointment_id", a.ID)
	if t.s.Phase == PhaseOptedOut || t.s.Phase == PhaseHandedToStaff {
		return
	}
	svc := serviceName(t.c, a.ServiceID)
	hi := "We missed you at " + t.c.Name + " for your " + svc + " on " + slotText(t.c, a.Start) + "."
	if n := t.s.FirstName(); n != "" {
		hi = "Hi " + n + ", we missed you at " + t.c.Name + " for your " + svc + " on " + slotText(t.c, a.Start) + "."
	}
	policy := ""
	if a.paid() && !a.RefundRequested {
		policy = fmt.Sprintf("As with a cancellation less than %d hours ahead, your %s deposit is kept.", int(cancellationWindow(t.c)/time.Hour),
			clinic.FormatCents(a.PaidCents))
	}
	if s, ok := t.c.ServiceByID(a.ServiceID); ok && s.DepositCents > 0 {
		policy = join(policy, "A new time is confirmed with a "+clinic.FormatCents(s.DepositCents)+" deposit.")
	}
	t.s.ServiceID, t.s.Offers, t.s.Rescheduling, t.s.Want = a.ServiceID, nil, "", nil
	t.setPhase(PhaseQualifying)
	t.replyAs(join(hi, "Would you like to rebook?", policy, t.ask(AskTime, "What day and time work for you?")), purposeInitiated)
}
