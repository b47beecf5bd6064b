package clinic

import (
	"errors"
	"time"
)

// ErrNoAppointment: the appointment is not on the calendar, belongs to
// another lead, or is not in a state the operation applies to.
var ErrNoAppointment = errors.New("no such appointment")

// freeExcept reports whether [start, end) overlaps no active appointment at
// now other than the one with id except.
func (cal Calendar) freeExcept(start, end, now time.Time, except string) bool {
	for _, a := range cal.Appointments {
		if a.ID == except {
			continue
		}
		if a.active(now) && a.Start.Before(end) && start.Before(a.End) {
			return false
		}
	}
	return true
}

// Book turns a lead's held appointment into a booking that never expires.
// When the hold already ran out (and was dropped), the time is booked again
// if it is still free and still ahead. Booking an appointment that is
// already booked for the same lead returns it unchanged. It fails with
// ErrSlotTaken when another active appointment overlaps, with
// ErrSlotUnavailable when start has passed, and with ErrNoAppointment when
// apptID belongs to another lead.
func (cal Calendar) Book(leadID, apptID, serviceID string, start, end, now time.Time) (Calendar, Appointment, error) {
	if a, ok := cal.Find(apptID); ok {
		if a.LeadID != leadID {
			return cal, Appointment{}, ErrNoAppointment
		}
		if a.Status == StatusBooked {
			return cal, a, nil
		}
		start, end, serviceID = a.Start, a.End, a.ServiceID
	}
	if !start.After(now) || !end.After(start) {
		return cal, Appointment{}, ErrSlotUnavailable
	}
	if !cal.freeExcept(start, end, now, apptID) {
		return cal, Appointment{}, ErrSlotTaken
	}
	booked := Appointment{ID: apptID, LeadID: leadID, ServiceID: serviceID, Start: start.UTC(), End: end.UTC(), Status: StatusBooked}
	next := Calendar{Appointments: make([]Appointment, 0, len(cal.Appointments)+1)}
	for _, a := range cal.Appointments {
		if a.ID != apptID {
			next.Appointments = append(next.Appointments, a)
		}
	}
	next.Appointments = append(next.Appointments, booked)
	return next, booked, nil
}

// Cancel frees a lead's booked (or held) appointment. It reports whether
// there was one to free; cancelling twice is harmless.
func (cal Calendar) Cancel(leadID, apptID string) (Calendar, bool) {
	a, ok := cal.Find(apptID)
	if !ok || a.LeadID != leadID || a.Status == StatusCancelled {
		return cal, false
	}
	return cal.Release(apptID), true
}

// Move reschedules a lead's booking to start, keeping its id (and with it
// whatever the lead paid). The new time must be bookable at now and clear
// of every other active appointment. Moving to the time it already has
// returns it unchanged.
func (cal Calendar) Move(c *Clinic, leadID, apptID string, svc Service, start, now time.Time) (Calendar, Appointment, error) {
	a, ok := cal.Find(apptID)
	if !ok || a.LeadID != leadID || a.Status != StatusBooked {
		return cal, Appointment{}, ErrNoAppointment
	}
	if a.Start.Equal(start) {
		return cal, a, nil
	}
	if !bookable(c, svc, start, now) {
		return cal, Appointment{}, ErrSlotUnavailable
	}
	end := start.Add(time.Duration(svc.DurationMinutes) * time.Minute)
	if !cal.freeExcept(start, end, now, apptID) {
		return cal, Appointment{}, ErrSlotTaken
	}
	a.ServiceID, a.Start, a.End = svc.ID, start.UTC(), end.UTC()
	next := Calendar{Appointments: make([]Appointment, 0, len(cal.Appointments))}
	for _, b := range cal.Appointments {
		if b.ID == apptID {
			b = a
		}
		next.Appointments = append(next.Appointments, b)
	}
	return next, a, nil
}
