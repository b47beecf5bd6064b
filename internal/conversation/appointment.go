package conversation

import (
	"slices"
	"time"

	"github.com/medspa/engine/internal/clinic"
)

// Appointment statuses of the conversation's record (Appointment.Status).
const (
	// ApptHeld: held for a service without a deposit, booking asked.
	ApptHeld = "held"
	// ApptPendingDeposit: held, waiting for the deposit; once PaymentIntent
	// is set the lead has paid and the booking is asked.
	ApptPendingDeposit = "pending_deposit"
	ApptBooked         = "booked"
	ApptCancelled      = "cancelled"
	// ApptExpired: the hold ran out before the deposit came in.
	ApptExpired = "expired"
)

// MaxAppointments bounds State.Appointments.
const MaxAppointments = 5

// defaultCancellationWindow applies when the clinic sets none.
const defaultCancellationWindow = 24

// Appointment is the conversation's record of one appointment: the time,
// the deposit asked for and paid, and what was done about it.
type Appointment struct {
	ID           string    `json:"id"`
	ServiceID    string    `json:"service_id"`
	Start        time.Time `json:"start"`
	End          time.Time `json:"end"`
	Status       string    `json:"status"`
	DepositCents int64     `json:"deposit_cents,omitempty"`
	Currency     string    `json:"currency,omitempty"`
	// SessionID and LinkSent: the Checkout Session whose link was texted.
	SessionID string `json:"session_id,omitempty"`
	LinkSent  bool   `json:"link_sent,omitempty"`
	// PaymentIntent and PaidCents are set when the deposit is paid.
	PaymentIntent string `json:"payment_intent,omitempty"`
	PaidCents     int64  `json:"paid_cents,omitempty"`
	// RefundRequested: a RefundDeposit was issued (at most one per
	// appointment); Refunded: Stripe reported the charge refunded.
	RefundRequested bool   `json:"refund_requested,omitempty"`
	RefundID        string `json:"refund_id,omitempty"`
	RefundFailed    bool   `json:"refund_failed,omitempty"`
	Refunded        bool   `json:"refunded,omitempty"`
	// BookedAt is when the booking was made or last moved; reminders due
	// before it are skipped.
	BookedAt   time.Time `json:"booked_at,omitzero"`
	Reminded24 bool      `json:"reminded_24h,omitempty"`
	Reminded2  bool      `json:"reminded_2h,omitempty"`
	// ReviewAsked: the visit is over and the review timer fired (a text
	// with the clinic's review link went out if it has one).
	ReviewAsked bool `json:"review_asked,omitempty"`
	// ProviderID and RoomID are who gives it and where, as the clinic
	// placed it ("" in a clinic without providers or rooms).
	ProviderID string `json:"provider_id,omitempty"`
	RoomID     string `json:"room_id,omitempty"`
	// Attendance is what staff recorded of a booked visit:
	// clinic.AttendanceArrived, AttendanceCompleted or AttendanceNoShow.
	Attendance string `json:"attendance,omitempty"`
	// NoShowFollowedUp: the follow-up after a no-show went out (once).
	NoShowFollowedUp bool `json:"no_show_followed_up,omitempty"`
}

// paid reports whether the lead paid a deposit for a.
func (a Appointment) paid() bool { return a.PaymentIntent != "" }

// FindAppointment returns the lead's appointment with the given id.
func (s *State) FindAppointment(id string) (Appointment, bool) {
	for _, a := range s.Appointments {
		if a.ID == id && id != "" {
			return a, true
		}
	}
	return Appointment{}, false
}

// Booked returns the lead's latest booked appointment.
func (s *State) Booked() (Appointment, bool) {
	for i := len(s.Appointments) - 1; i >= 0; i-- {
		if s.Appointments[i].Status == ApptBooked {
			return s.Appointments[i], true
		}
	}
	return Appointment{}, false
}

// putAppt records a, replacing the appointment with its id. The slice is
// copied so a caller's earlier state is never modified; past the bound the
// oldest closed appointment goes first.
func (s *State) putAppt(a Appointment) {
	next := slices.Clone(s.Appointments)
	if i := slices.IndexFunc(next, func(b Appointment) bool { return b.ID == a.ID }); i >= 0 {
		next[i] = a
		s.Appointments = next
		return
	}
	next = append(next, a)
	for len(next) > MaxAppointments {
		i := slices.IndexFunc(next, func(b Appointment) bool { return b.Status == ApptCancelled || b.Status == ApptExpired })
		if i < 0 {
			i = 0
		}
		next = slices.Delete(next, i, i+1)
	}
	s.Appointments = next
}

// cancellationWindow is how long before the start a cancellation still
// gets the deposit back.
func cancellationWindow(c *clinic.Clinic) time.Duration {
	h := c.CancellationWindowHours
	if h <= 0 {
		h = defaultCancellationWindow
	}
	return time.Duration(h) * time.Hour
}

// refund asks for a's deposit back, once; it reports whether it did.
// reason is Stripe's refund reason.
func (t *turn) refund(a *Appointment, reason string) bool { return t.refundFor(a, reason, reason) }

// refundFor is refund with the reason Stripe gets ("" for none) and the
// one the event names.
func (t *turn) refundFor(a *Appointment, reason, why string) bool {
	if !a.paid() || a.RefundRequested || a.Refunded {
		return false
	}
	a.RefundRequested = true
	t.effects = append(t.effects, RefundDeposit{AppointmentID: a.ID, PaymentIntent: a.PaymentIntent, AmountCents: a.PaidCents, Reason: reason})
	t.event(EventDepositRefunding, "appointment_id", a.ID, "reason", why)
	return true
}

// quiet reports whether nothing automatic may be texted: the lead opted
// out or staff have the conversation.
func (t *turn) quiet() bool {
	return t.s.Phase == PhaseOptedOut || t.s.Phase == PhaseHandedToStaff
}

// slotZone names a time with the clinic's zone: "Sat Nov 21 at 3pm CST".
func slotZone(c *clinic.Clinic, at time.Time) string {
	return slotText(c, at) + " " + at.In(c.Location()).Format("MST")
}

// serviceName is the catalog name of a service id.
func serviceName(c *clinic.Clinic, id string) string {
	if s, ok := c.ServiceByID(id); ok {
		return s.Name
	}
	return "your appointment"
}

// where is ", at <address>" when the clinic has one.
func where(c *clinic.Clinic) string {
	if c.Address == "" {
		return ""
	}
	return ", " + c.Address
}
