// Package conversation is the pure core of a lead conversation: its state
// and the decision function that moves it on one inbound message at a time,
// reading texts through package understand. It does no I/O and reads no
// clock: Decide(state, clinic, message, now) returns the next state and the
// effects (texts, domain events), and Apply the whole Step (state, effects,
// transcript lines, timers to set and cancel) for the caller to persist and
// then run.
package conversation

import (
	"time"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/internal/timeparse"
	"github.com/medspa/engine/messages"
)

// Phase is where a conversation stands.
type Phase string

// Phases.
const (
	PhaseNew           Phase = "new"
	PhaseQualifying    Phase = "qualifying"
	PhaseOffering      Phase = "offering"
	PhaseHeld          Phase = "held"
	PhaseDeposit       Phase = "deposit_requested"
	PhaseBooked        Phase = "booked"
	PhaseHandedToStaff Phase = "handed_to_staff"
	PhaseOptedOut      Phase = "opted_out"
	PhaseLost          Phase = "lost"
)

// Phases returns every phase: those of the booking flow in order, then
// the side ones.
func Phases() []Phase {
	return []Phase{PhaseNew, PhaseQualifying, PhaseOffering, PhaseHeld, PhaseDeposit, PhaseBooked,
		PhaseHandedToStaff, PhaseOptedOut, PhaseLost}
}

// Directions of a transcript line.
const (
	DirIn  = "in"
	DirOut = "out"
)

// Bounds that keep a state small whatever the conversation's length.
const (
	// MaxRecent is how many transcript lines State.Recent keeps.
	MaxRecent = 10
	// MaxLineText is how much of one message a transcript line keeps.
	MaxLineText = 320
	// MaxReply is the longest text Decide sends (two SMS segments).
	MaxReply = 320
)

// Line is one message of the recent transcript, kept as context for
// understanding and phrasing. The full transcript lives in the store.
type Line struct {
	Dir  string    `json:"dir"` // DirIn or DirOut
	Text string    `json:"text"`
	At   time.Time `json:"at"`
}

// State is one lead conversation. It is persisted as JSON in the snapshot.
type State struct {
	ClinicID string `json:"clinic_id"`
	LeadID   string `json:"lead_id"`
	Phone    string `json:"phone"` // the lead, E.164
	// ClinicNumber is the clinic number the lead writes to; replies go out
	// from it, through Carrier.
	ClinicNumber string           `json:"clinic_number"`
	Carrier      messages.Carrier `json:"carrier"`
	Phase        Phase            `json:"phase"`
	Name         string           `json:"name,omitempty"`
	// Email is the address a web form gave, the first one kept.
	Email string `json:"email,omitempty"`
	// UTM are the campaign parameters of the first web form that had any.
	UTM           *messages.UTM `json:"utm,omitempty"`
	ServiceID     string        `json:"service_id,omitempty"`
	Turns         int           `json:"turns"` // messages from the lead
	LastInboundAt time.Time     `json:"last_inbound_at"`
	CreatedAt     time.Time     `json:"created_at"`
	UpdatedAt     time.Time     `json:"updated_at"`
	Recent        []Line        `json:"recent,omitempty"`

	// Patient is PatientNew or PatientReturning once the lead says.
	Patient string `json:"patient,omitempty"`
	// ProviderID is the provider the lead asked for; offers and holds are
	// with them. "" lets the clinic pick.
	ProviderID string `json:"provider_id,omitempty"`
	// Want is when the lead would like to come in, as last said.
	Want *timeparse.Preference `json:"want,omitempty"`
	// Offers are the times last offered, in order (PhaseOffering).
	Offers []clinic.Slot `json:"offers,omitempty"`
	// Pending is a hold asked of the clinic and not answered yet.
	Pending *HoldSlot `json:"pending,omitempty"`
	// Hold is the time the clinic holds for this lead (PhaseHeld).
	Hold *Hold `json:"hold,omitempty"`
	// Asked is the question the last reply ended with; the next text is
	// read first as its answer (question.go).
	Asked Question `json:"asked,omitempty"`
	// Asks counts how often each question was asked, so none is asked
	// more than maxAsks times.
	Asks map[Question]int `json:"asks,omitempty"`
	// Offered are the times a hold was picked from, kept while the time is
	// held so "actually make it the first one" can move it.
	Offered []clinic.Slot `json:"offered,omitempty"`
	// ForOther: Name is the patient's, someone the lead books for.
	ForOther bool `json:"for_other,omitempty"`
	// Misses counts messages in a row that were not understood.
	Misses int `json:"misses,omitempty"`

	// Deposits and bookings (see appointment.go and payment.go).

	// Appointments are the lead's appointments, oldest first, at most
	// MaxAppointments: held, waiting for a deposit, booked, cancelled or
	// expired. Payments find theirs by id.
	Appointments []Appointment `json:"appointments,omitempty"`
	// Rescheduling is the booked appointment the lead is moving; times
	// picked meanwhile move it (MoveBooking) instead of holding a new one.
	Rescheduling string `json:"rescheduling,omitempty"`
	// FollowedUp is the LastInboundAt that the follow-up after silence
	// was sent for: one follow-up per silence.
	FollowedUp time.Time `json:"followed_up,omitzero"`

	// Compliance (see compliance.go and quiet.go).

	// OptedOutFrom is the phase the lead opted out of (PhaseOptedOut); an
	// opt-in goes back to it when that still makes sense.
	OptedOutFrom Phase `json:"opted_out_from,omitempty"`
	// Consent is how the lead first agreed to texts
	// (compliance.SourceWebForm, SourceInboundText); "" until then.
	Consent string `json:"consent,omitempty"`
	// RecipientState and RecipientTZ are where the lead's record says they
	// are (US state code, IANA zone); empty when unknown, in which case the
	// area code decides. Quiet hours are checked against them.
	RecipientState string `json:"recipient_state,omitempty"`
	RecipientTZ    string `json:"recipient_tz,omitempty"`
	// LastTextBackAt is when a missed call was last answered by text.
	LastTextBackAt time.Time `json:"last_text_back_at,omitzero"`
	// Initiated are the times of initiated texts sent in the last 24 hours,
	// for the states' daily caps.
	Initiated []time.Time `json:"initiated,omitempty"`
	// Deferred are initiated texts decided outside the recipient's window,
	// waiting for it to open (TimerDeferredSend).
	Deferred []Deferred `json:"deferred,omitempty"`

	// Staff (see staff.go).

	// Urgent: the lead wrote about a possible medical emergency and no
	// person has answered yet; staff see it first.
	Urgent bool `json:"urgent,omitempty"`
	// StaffFrom is the phase the conversation was in when it went to
	// staff; handing it back returns there when that still makes sense.
	StaffFrom Phase `json:"staff_from,omitempty"`
	// Notes are staff's internal notes, the last MaxNotes.
	Notes []Note `json:"notes,omitempty"`
	// StaffMove is a reschedule staff asked of the clinic and not answered
	// yet.
	StaffMove *StaffMove `json:"staff_move,omitempty"`
}

// Deferred is an initiated text waiting for the recipient's window.
type Deferred struct {
	Text      string    `json:"text"`
	NotBefore time.Time `json:"not_before"`
	Reason    string    `json:"reason,omitempty"`
	Decided   time.Time `json:"decided"`
	// Author is "" for the engine's texts, "staff:<user>" for staff's.
	Author string `json:"author,omitempty"`
}

// Hold is a time the clinic holds for the lead until Until.
type Hold struct {
	AppointmentID string    `json:"appointment_id"`
	ServiceID     string    `json:"service_id"`
	Start         time.Time `json:"start"`
	End           time.Time `json:"end"`
	Until         time.Time `json:"until"`
}

// New creates the state of a lead's first message. Replies go out from the
// number the lead texted or called, or from the clinic's first number for a
// web lead.
func New(in messages.Envelope, c *clinic.Clinic, now time.Time) State {
	s := State{
		ClinicID:  c.ID,
		LeadID:    in.LeadID,
		Phone:     in.Phone,
		Phase:     PhaseNew,
		CreatedAt: now,
		UpdatedAt: now,
	}
	switch {
	case in.SMS != nil:
		s.ClinicNumber = in.SMS.To
		if s.Phone == "" {
			s.Phone = in.SMS.From
		}
	case in.Missed != nil:
		s.ClinicNumber = in.Missed.To
		if s.Phone == "" {
			s.Phone = in.Missed.From
		}
	}
	if s.ClinicNumber == "" && len(c.PhoneNumbers) > 0 {
		s.ClinicNumber = c.PhoneNumbers[0]
	}
	s.Carrier = c.CarrierFor(s.ClinicNumber)
	return s
}

// FirstName is the first word of the lead's name, or "".
func (s *State) FirstName() string {
	for i, r := range s.Name {
		if r == ' ' {
			return s.Name[:i]
		}
	}
	return s.Name
}

// record appends a transcript line, keeping the last MaxRecent. It copies
// the slice so a caller's earlier state is never modified.
func (s *State) record(dir, text string, at time.Time) {
	line := Line{Dir: dir, Text: truncate(text, MaxLineText), At: at}
	keep := s.Recent
	if len(keep) >= MaxRecent {
		keep = keep[len(keep)-MaxRecent+1:]
	}
	recent := make([]Line, 0, len(keep)+1)
	recent = append(recent, keep...)
	s.Recent = append(recent, line)
}
