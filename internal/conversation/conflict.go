package conversation

import (
	"slices"
	"strings"
	"time"

	"github.com/medspa/engine/messages"
)

// reasonScheduleConflict: a blocked time or an external calendar event
// overlaps the lead's held or booked appointment.
const reasonScheduleConflict = "schedule conflict"

// scheduleConflict hands the conversation to staff because a block or a
// calendar event overlaps one of the lead's appointments: a note naming
// both is kept and the handoff.requested event carries it. The
// appointment stays as it is and the lead is not texted: staff decide
// what to offer. A repeated conflict adds nothing.
func (t *turn) scheduleConflict(a *messages.StaffAction, now time.Time) {
	text := truncate(strings.TrimSpace(a.Text), MaxNoteText)
	for _, n := range t.s.Notes {
		if n.UserID == a.UserID && n.Text == text {
			return
		}
	}
	notes := slices.Clone(t.s.Notes)
	if len(notes) >= MaxNotes {
		notes = notes[len(notes)-MaxNotes+1:]
	}
	t.s.Notes = append(notes, Note{UserID: a.UserID, Text: text, At: now})
	t.event(EventHandoffRequested, "reason", reasonScheduleConflict, "appointment_id", a.AppointmentID, "note", text)
	switch t.s.Phase {
	case PhaseHandedToStaff, PhaseOptedOut:
		return
	case PhaseNew:
		t.s.StaffFrom = PhaseQualifying
	default:
		t.s.StaffFrom = t.s.Phase
	}
	t.setPhase(PhaseHandedToStaff)
}
