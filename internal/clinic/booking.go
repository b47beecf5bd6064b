package clinic

import (
	"errors"
	"time"
)

// ErrNoAppointment: the appointment is not on the calendar, belongs to
// another lead, or is not in a state the operation applies to.
var ErrNoAppointment = errors.New("no such appointment")

// placeExcept is place for an appointment of serviceID over [start, end),
// ignoring the appointment with id except; want keeps its provider.
func (cal Calendar) placeExcept(c *Clinic, serviceID string, start, end, now time.Time, want, except string) (placement, bool) {
	svc, ok := c.ServiceByID(serviceID)
	if !ok {
		svc = Service{ID: serviceID}
	}
	svc.DurationMinutes = int(end.Sub(start) / time.Minute)
	return cal.place(c, svc, start, now, want, func(a Appointment) bool { return a.ID == except })
}

// Book turns a lead's held appointment into a booking that never expires.
// When the hold already ran out (and was dropped), the time is booked again
// if it is still free and still ahead. Booking an appointment that is
// already booked for the same lead returns it unchanged. It fails with
// ErrSlotTaken when another active appointment overlaps, with
// ErrSlotUnavailable when start has passed, and with ErrNoAppointment when
// apptID belongs to another lead.
func (cal Calendar) Book(c *Clinic, leadID, apptID, serviceID string, start, end, now time.Time) (Calendar, Appointment, error) {
	return cal.BookWith(c, leadID, apptID, serviceID, "", start, end, now)
}

// BookWith is Book asking for provider providerID when the hold has to be
// placed again ("" for any); a hold still on the calendar keeps its
// provider.
func (cal Calendar) BookWith(c *Clinic, leadID, apptID, serviceID, providerID string, start, end, now time.Time) (Calendar, Appointment, error) {
	if a, ok := cal.Find(apptID); ok {
		if a.LeadID != leadID {
			return cal, Appointment{}, ErrNoAppointment
		}
		if a.Status == StatusBooked {
			return cal, a, nil
		}
		start, end, serviceID, providerID = a.Start, a.End, a.ServiceID, a.ProviderID
	}
	if !start.After(now) || !end.After(start) {
		return cal, Appointment{}, ErrSlotUnavailable
	}
	got, ok := cal.placeExcept(c, serviceID, start, end, now, providerID, apptID)
	if !ok {
		return cal, Appointment{}, ErrSlotTaken
	}
	booked := Appointment{ID: apptID, LeadID: leadID, ServiceID: serviceID, Start: start.UTC(), End: end.UTC(), Status: StatusBooked,
		ProviderID: got.provider, RoomID: got.room}
	appts := make([]Appointment, 0, len(cal.Appointments)+1)
	for _, a := range cal.Appointments {
		if a.ID != apptID {
			appts = append(appts, a)
		}
	}
	appts = append(appts, booked)
	return cal.withAppointments(appts), booked, nil
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
// of every other active appointment; it keeps its provider when free then,
// and takes another otherwise. Moving to the time it already has
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
	skip := func(x Appointment) bool { return x.ID == apptID }
	got, ok := cal.place(c, svc, start, now, a.ProviderID, skip)
	if !ok && a.ProviderID != "" {
		got, ok = cal.place(c, svc, start, now, "", skip)
	}
	if !ok {
		return cal, Appointment{}, ErrSlotTaken
	}
	a.ServiceID, a.Start, a.End, a.ProviderID, a.RoomID = svc.ID, start.UTC(), end.UTC(), got.provider, got.room
	appts := make([]Appointment, 0, len(cal.Appointments))
	for _, b := range cal.Appointments {
		if b.ID == apptID {
			b = a
		}
		appts = append(appts, b)
	}
	return cal.withAppointments(appts), a, nil
}
