package messages

import "time"

// Staff action types: what a staff member asks of a conversation.
const (
	StaffTakeOver              = "take_over"              // staff answer the lead from now on; the engine stops replying
	StaffHandBack              = "hand_back"              // the engine answers again
	StaffSend                  = "send"                   // send Text to the lead as the staff member
	StaffNote                  = "note"                   // an internal note on the conversation; nothing is sent
	StaffCancelAppointment     = "cancel_appointment"     // cancel AppointmentID
	StaffRescheduleAppointment = "reschedule_appointment" // move AppointmentID to NewStart
)

// StaffScheduleConflict is sent by the engine, not by staff: a blocked
// time or an external calendar event overlaps AppointmentID; Text names
// both. The conversation goes to staff with that note. The staff API does
// not accept it.
const StaffScheduleConflict = "schedule_conflict"

// StaffAttendance records whether the patient of AppointmentID came:
// Status is arrived, completed or no_show. It comes from the attendance
// route of the staff API, not from the actions route.
const StaffAttendance = "attendance"

// StaffActionTypes lists every staff action type.
var StaffActionTypes = []string{
	StaffTakeOver, StaffHandBack, StaffSend, StaffNote, StaffCancelAppointment, StaffRescheduleAppointment,
}

// ValidStaffAction reports whether typ is a known staff action type.
func ValidStaffAction(typ string) bool {
	for _, t := range StaffActionTypes {
		if t == typ {
			return true
		}
	}
	return false
}

// StaffAction is what a staff member did in the inbox. It reaches the
// conversation as an inbound envelope of KindStaff, ordered with the lead's
// own messages.
type StaffAction struct {
	Type string `json:"type"`
	// UserID is the staff member (the token's subject); transcript lines
	// written for the action carry the author "staff:<UserID>".
	UserID string `json:"user_id"`
	// UserName is the staff member's name when known (a signed-in user's),
	// recorded with the action for display.
	UserName string `json:"user_name,omitempty"`
	// Text is the message of send and note.
	Text string `json:"text,omitempty"`
	// AppointmentID names the appointment of cancel_appointment and
	// reschedule_appointment.
	AppointmentID string `json:"appointment_id,omitempty"`
	// NewStart is the new start of reschedule_appointment.
	NewStart time.Time `json:"new_start,omitzero"`
	// Status is the attendance of StaffAttendance.
	Status string `json:"status,omitempty"`
	// Purpose of a send: StaffPurposeReply (answering the lead) or
	// StaffPurposeInitiated (the clinic starts the exchange); empty means
	// reply. Opt-out applies to both, quiet hours to initiated texts.
	Purpose string `json:"purpose,omitempty"`
}

// Purposes of a staff send.
const (
	StaffPurposeReply     = "reply"
	StaffPurposeInitiated = "initiated"
)
