package conversation

import (
	"errors"
	"time"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/internal/timeparse"
)

// Calendar requests beyond holds: a held appointment becomes a booking
// (BookSlot, once the deposit is paid or at once for a service without
// one), a booking is cancelled (CancelBooking) or moved (MoveBooking). Each
// is a CalendarEffect; the clinic answers through DecideClinic and the
// answer comes back through ApplyHoldResult like a hold's.

// BookSlot asks the clinic to turn a held appointment into a booking. Start
// and End let the clinic book the time again when the hold already ran out.
type BookSlot struct {
	AppointmentID string               `json:"appointment_id"`
	ServiceID     string               `json:"service_id"`
	Start         time.Time            `json:"start"`
	End           time.Time            `json:"end"`
	Want          timeparse.Preference `json:"want"`
	ProviderID    string               `json:"provider_id,omitempty"`
}

// CancelBooking asks the clinic to free a booked appointment.
type CancelBooking struct {
	AppointmentID string `json:"appointment_id"`
}

// MoveBooking asks the clinic to move a booked appointment to Start.
type MoveBooking struct {
	AppointmentID string               `json:"appointment_id"`
	ServiceID     string               `json:"service_id"`
	Start         time.Time            `json:"start"`
	Want          timeparse.Preference `json:"want"`
}

func (BookSlot) isEffect()      {}
func (CancelBooking) isEffect() {}
func (MoveBooking) isEffect()   {}

// Request operations of bookings.
const (
	OpBook   = "book"
	OpCancel = "cancel"
	OpMove   = "move"
)

// Booking results.
const (
	ResultBooked    = "booked"
	ResultCancelled = "cancelled"
	ResultMoved     = "moved"
)

// Request is the clinic request for a BookSlot effect of lead leadID.
func (b BookSlot) Request(leadID string) HoldRequest {
	return HoldRequest{Op: OpBook, LeadID: leadID, AppointmentID: b.AppointmentID, ServiceID: b.ServiceID,
		Start: b.Start, End: b.End, Want: b.Want, ProviderID: b.ProviderID}
}

// Request is the clinic request for a CancelBooking effect of lead leadID.
func (c CancelBooking) Request(leadID string) HoldRequest {
	return HoldRequest{Op: OpCancel, LeadID: leadID, AppointmentID: c.AppointmentID}
}

// Request is the clinic request for a MoveBooking effect of lead leadID.
func (m MoveBooking) Request(leadID string) HoldRequest {
	return HoldRequest{Op: OpMove, LeadID: leadID, AppointmentID: m.AppointmentID, ServiceID: m.ServiceID, Start: m.Start, Want: m.Want}
}

// Every calendar effect implements CalendarEffect.
var (
	_ CalendarEffect = HoldSlot{}
	_ CalendarEffect = ReleaseSlot{}
	_ CalendarEffect = BookSlot{}
	_ CalendarEffect = CancelBooking{}
	_ CalendarEffect = MoveBooking{}
)

// decideBooking applies OpBook, OpCancel and OpMove; cal has its expired
// holds dropped already.
func decideBooking(cal clinic.Calendar, c *clinic.Clinic, req HoldRequest, now time.Time) (clinic.Calendar, HoldResult) {
	res := HoldResult{Request: req}
	svc, known := c.ServiceByID(req.ServiceID)
	var (
		next = cal
		appt clinic.Appointment
		err  error
	)
	switch req.Op {
	case OpCancel:
		next, _ = cal.Cancel(req.LeadID, req.AppointmentID)
		res.Outcome = ResultCancelled
		return next, res
	case OpBook:
		end := req.End
		if end.IsZero() && known {
			end = req.Start.Add(time.Duration(svc.DurationMinutes) * time.Minute)
		}
		next, appt, err = cal.BookWith(c, req.LeadID, req.AppointmentID, req.ServiceID, req.ProviderID, req.Start, end, now)
		res.Outcome = ResultBooked
	case OpMove:
		if !known {
			err = clinic.ErrSlotUnavailable
			break
		}
		next, appt, err = cal.Move(c, req.LeadID, req.AppointmentID, svc, req.Start, now)
		res.Outcome = ResultMoved
	default:
		res.Outcome = ResultUnavailable
		return cal, res
	}
	if err == nil {
		res.Appointment = appt
		return next, res
	}
	res.Outcome = ResultUnavailable
	if errors.Is(err, clinic.ErrSlotTaken) {
		res.Outcome = ResultTaken
	}
	if known {
		res.Alternatives, _ = suggest(cal, c, svc, "", req.Want, now)
		res.Alternatives = utcSlots(res.Alternatives)
	}
	return cal, res
}
