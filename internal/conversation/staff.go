package conversation

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/medspa/engine/messages"
)

// Staff actions (messages.KindStaff) come from the staff inbox, ordered
// with the lead's own messages. They are not messages from the lead: they
// do not count as a turn and do not open the reply window. What they send
// the lead follows the same rules as the engine's texts: nothing reaches an
// opted-out lead, and a text the lead did not just ask for (the lead wrote
// more than replyWindow ago, or staff mark it initiated) waits for the
// recipient's window like any initiated text. Such texts carry the author
// "staff:<user>" (Reply.Author), also when the engine words them (the
// notice of a cancellation or a move staff made).
//
//   - take_over: the conversation goes to staff (PhaseHandedToStaff) and
//     the engine stops answering; the phase before is kept in StaffFrom.
//     An opted-out lead stays opted out; an opt-in then returns to staff.
//   - hand_back: back to StaffFrom when that still makes sense, else
//     qualifying (booked when the lead has a booking).
//   - send: staff's text to the lead.
//   - note: an internal note; nothing is sent.
//   - cancel_appointment: the booking is cancelled as if the lead asked,
//     except that a cancellation by the clinic always refunds a paid
//     deposit, whatever the cancellation window; the lead is told.
//   - reschedule_appointment: the booking moves to NewStart (MoveBooking);
//     the lead is told once the clinic confirms. When the time is gone,
//     staff get EventStaffFailed and the lead is told nothing.
//
// A staff action that cannot be carried out changes nothing and returns
// EventStaffFailed for the inbox. An action on a conversation that does
// not exist does nothing.

// Bounds of staff notes.
const (
	// MaxNotes is how many staff notes State.Notes keeps.
	MaxNotes = 20
	// MaxNoteText is how much of one note the state keeps.
	MaxNoteText = 1000
)

// Note is a staff member's internal note on the conversation.
type Note struct {
	UserID string    `json:"user_id"`
	Text   string    `json:"text"`
	At     time.Time `json:"at"`
}

// StaffMove is a move of a booking that staff asked of the clinic.
type StaffMove struct {
	AppointmentID string    `json:"appointment_id"`
	Start         time.Time `json:"start"`
	UserID        string    `json:"user_id"`
}

// Reasons of EventStaffFailed.
const (
	staffNotFound  = "unknown_appointment"
	staffNotBooked = "not_booked"
	staffEmptyText = "empty_text"
	staffTooLong   = "too_long"
	staffNoStart   = "no_new_start"
	staffNotStaff  = "not_with_staff"
)

// StaffAuthor is the author of texts and transcript lines of staff user.
func StaffAuthor(user string) string { return "staff:" + user }

// staffUser is the user of a StaffAuthor.
func staffUser(author string) string { return strings.TrimPrefix(author, "staff:") }

// onStaff applies a staff action.
func onStaff(s State, env Env, in messages.Envelope, now time.Time) (State, []Effect, error) {
	a := in.Staff
	if !messages.ValidStaffAction(a.Type) && a.Type != messages.StaffScheduleConflict && a.Type != messages.StaffAttendance {
		return s, nil, fmt.Errorf("%w: unknown staff action %q", messages.ErrInvalid, a.Type)
	}
	if a.UserID == "" {
		return s, nil, fmt.Errorf("%w: staff action without a user", messages.ErrInvalid)
	}
	if s.Phase == "" {
		return s, nil, nil
	}
	t := &turn{s: s, c: env.Clinic, cal: env.Calendar, now: now}
	t.s.UpdatedAt = now
	switch a.Type {
	case messages.StaffTakeOver:
		t.takeOver(a.UserID)
	case messages.StaffHandBack:
		t.handBack(a.UserID)
	case messages.StaffSend:
		t.staffSend(a)
	case messages.StaffNote:
		t.staffNote(a, now)
	case messages.StaffCancelAppointment:
		t.staffCancel(a)
	case messages.StaffRescheduleAppointment:
		t.staffReschedule(a)
	case messages.StaffScheduleConflict:
		t.scheduleConflict(a, now)
	case messages.StaffAttendance:
		t.attendance(a)
	}
	return t.s, t.effects, nil
}

// takeOver gives the conversation to staff. The engine's deferred texts
// are dropped: nothing automatic interrupts staff.
func (t *turn) takeOver(user string) {
	switch t.s.Phase {
	case PhaseOptedOut:
		if t.s.OptedOutFrom != PhaseHandedToStaff {
			t.s.StaffFrom, t.s.OptedOutFrom = t.s.OptedOutFrom, PhaseHandedToStaff
		}
	case PhaseHandedToStaff:
	default:
		t.s.StaffFrom = t.s.Phase
		t.setPhase(PhaseHandedToStaff)
	}
	t.dropEngineDeferred()
	t.event(EventStaffTookOver, "user", user)
}

// handBack gives the conversation back to the engine.
func (t *turn) handBack(user string) {
	switch {
	case t.s.Phase == PhaseHandedToStaff:
		back := t.resumePhase(t.s.StaffFrom)
		t.s.StaffFrom = ""
		t.setPhase(back)
	case t.s.Phase == PhaseOptedOut && t.s.OptedOutFrom == PhaseHandedToStaff:
		t.s.OptedOutFrom = t.resumePhase(t.s.StaffFrom)
		t.s.StaffFrom = ""
	default:
		t.staffFailed(messages.StaffHandBack, staffNotStaff, user)
		return
	}
	t.s.Urgent = false
	t.event(EventStaffHandedBack, "user", user, "phase", string(t.phaseOrOptedOutFrom()))
}

func (t *turn) phaseOrOptedOutFrom() Phase {
	if t.s.Phase == PhaseOptedOut {
		return t.s.OptedOutFrom
	}
	return t.s.Phase
}

// resumePhase is the phase to go back to from staff: the one before when
// the state still supports it, else booked when the lead has a booking,
// else qualifying.
func (t *turn) resumePhase(from Phase) Phase {
	_, booked := t.s.Booked()
	switch from {
	case PhaseBooked:
		if booked {
			return from
		}
	case PhaseHeld, PhaseDeposit:
		if t.s.Hold != nil {
			return from
		}
	case PhaseOffering:
		if len(t.s.Offers) > 0 {
			return from
		}
	case PhaseLost:
		if !booked {
			return from
		}
	}
	if booked && t.s.Rescheduling == "" {
		return PhaseBooked
	}
	return PhaseQualifying
}

// staffSend sends staff's text to the lead, with the lead's consent and
// the recipient's quiet hours applied.
func (t *turn) staffSend(a *messages.StaffAction) {
	text := strings.TrimSpace(a.Text)
	switch {
	case text == "":
		t.staffFailed(a.Type, staffEmptyText, a.UserID)
		return
	case len([]rune(text)) > MaxReply:
		t.staffFailed(a.Type, staffTooLong, a.UserID)
		return
	case t.s.Phase == PhaseOptedOut:
		t.event(EventStaffSendBlocked, "user", a.UserID, "reason", "opted_out")
		return
	}
	t.deliverAs(text, t.staffPurpose(a.Purpose), StaffAuthor(a.UserID))
	t.s.Urgent = false // a person answered
}

// staffPurpose is the purpose of a staff text: a reply only while the
// lead's latest message is recent; initiated when staff say so, or when
// the lead has not written lately whatever staff say.
func (t *turn) staffPurpose(p string) messages.Purpose {
	if p == messages.StaffPurposeInitiated {
		return messages.PurposeInitiated
	}
	return t.purpose()
}

// staffNote keeps an internal note, the last MaxNotes.
func (t *turn) staffNote(a *messages.StaffAction, now time.Time) {
	text := strings.TrimSpace(a.Text)
	if text == "" {
		t.staffFailed(a.Type, staffEmptyText, a.UserID)
		return
	}
	notes := slices.Clone(t.s.Notes)
	if len(notes) >= MaxNotes {
		notes = notes[len(notes)-MaxNotes+1:]
	}
	t.s.Notes = append(notes, Note{UserID: a.UserID, Text: truncate(text, MaxNoteText), At: now})
	t.event(EventStaffNote, "user", a.UserID, "text", text)
}

// staffFailed reports a staff action that could not be carried out.
func (t *turn) staffFailed(action, reason, user string, kv ...string) {
	t.event(EventStaffFailed, append([]string{"action", action, "reason", reason, "user", user}, kv...)...)
}
