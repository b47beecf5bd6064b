package clinic

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"slices"
	"time"

	"github.com/medspa/engine/internal/timeparse"
)

// Appointment statuses.
const (
	StatusHeld      = "held"
	StatusBooked    = "booked"
	StatusCancelled = "cancelled"
)

// SlotStep is the spacing of appointment starts.
const SlotStep = 30 * time.Minute

// searchDays is how far ahead OpenSlots looks.
const searchDays = 60

// Sentinel errors of Hold.
var (
	// ErrSlotTaken: another lead holds or has booked a time that overlaps.
	ErrSlotTaken = errors.New("slot taken")
	// ErrSlotUnavailable: the time is outside opening hours, misaligned,
	// in the past or inside the lead time.
	ErrSlotUnavailable = errors.New("slot unavailable")
)

// Appointment is one held or booked time on a clinic's calendar.
type Appointment struct {
	ID        string    `json:"id"`
	LeadID    string    `json:"lead_id"`
	ServiceID string    `json:"service_id"`
	Start     time.Time `json:"start"`
	End       time.Time `json:"end"`
	Status    string    `json:"status"`
	HoldUntil time.Time `json:"hold_until,omitzero"`
	// ProviderID performs it ("" in a clinic without providers); RoomID
	// is the room it takes ("" when its service needs none).
	ProviderID string `json:"provider_id,omitempty"`
	RoomID     string `json:"room_id,omitempty"`
	// Attendance is what staff recorded of the visit: one of
	// AttendanceArrived, AttendanceCompleted, AttendanceNoShow; "" before.
	Attendance string `json:"attendance,omitempty"`
}

// Attendance of a booked appointment.
const (
	AttendanceArrived   = "arrived"
	AttendanceCompleted = "completed"
	AttendanceNoShow    = "no_show"
)

// Slot is an open time for one service.
type Slot struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// Calendar is a clinic's appointments. It is a value owned by the clinic's
// actor, which applies one request at a time; every method returns a new
// Calendar and leaves its receiver unchanged. It is persisted as JSON.
type Calendar struct {
	Appointments []Appointment `json:"appointments,omitempty"`
	// Blocks are times a provider, a room or the whole clinic is not
	// available (see Block).
	Blocks []Block `json:"blocks,omitempty"`
}

// withAppointments is cal with its appointments replaced.
func (cal Calendar) withAppointments(appts []Appointment) Calendar {
	return Calendar{Appointments: appts, Blocks: cal.Blocks}
}

// active reports whether a blocks its time at now.
func (a Appointment) active(now time.Time) bool {
	switch a.Status {
	case StatusBooked:
		return true
	case StatusHeld:
		return now.Before(a.HoldUntil)
	}
	return false
}

// AppointmentID derives an appointment's id from the lead, the service and
// the start, so deciding the same request again gives the same id.
func AppointmentID(leadID, serviceID string, start time.Time) string {
	h := sha256.Sum256([]byte(leadID + "|" + serviceID + "|" + start.UTC().Format(time.RFC3339)))
	return "ap_" + hex.EncodeToString(h[:8])
}

// bookable reports whether start is a valid start for svc at now: inside
// opening hours in the clinic's zone, on the slot grid, fitted to the
// duration and not sooner than the lead time.
func bookable(c *Clinic, svc Service, start, now time.Time) bool {
	if svc.DurationMinutes <= 0 || start.Before(now.Add(time.Duration(c.LeadTimeMinutes)*time.Minute)) {
		return false
	}
	l := start.In(c.Location())
	h := c.HoursOn(l.Weekday())
	if h.Closed {
		return false
	}
	day := timeparse.DateOf(l).In(c.Location())
	open := wallClock(day, h.Open)
	closing := wallClock(day, h.Close)
	end := start.Add(time.Duration(svc.DurationMinutes) * time.Minute)
	if start.Before(open) || end.After(closing) {
		return false
	}
	return start.Sub(open)%SlotStep == 0
}

// wallClock is the instant of a wall-clock time (minutes after midnight)
// on a local day.
func wallClock(day time.Time, min int) time.Time {
	return time.Date(day.Year(), day.Month(), day.Day(), min/60, min%60, 0, 0, day.Location())
}

// OpenSlots returns up to n open starts for svc that match pref, earliest
// first: inside opening hours in the clinic's zone, clear of booked and
// unexpired held appointments, fitted to the duration, on a 30-minute grid
// and no sooner than now plus the clinic's lead time.
func (cal Calendar) OpenSlots(c *Clinic, svc Service, pref timeparse.Preference, now time.Time, n int) []Slot {
	return cal.OpenSlotsWith(c, svc, "", pref, now, n)
}

// OpenSlotsWith is OpenSlots for one provider, or any when providerID is
// "".
func (cal Calendar) OpenSlotsWith(c *Clinic, svc Service, providerID string, pref timeparse.Preference, now time.Time, n int) []Slot {
	var out []Slot
	loc := c.Location()
	cal.each(c, svc, providerID, now, func(t time.Time) bool { return pref.Matches(t, loc) }, func(s Slot, _ int) bool {
		out = append(out, s)
		return len(out) < n
	})
	return out
}

// each calls f with every open slot in time order, with its day index,
// until f returns false.
func (cal Calendar) each(c *Clinic, svc Service, want string, now time.Time, keep func(time.Time) bool, f func(Slot, int) bool) {
	if c == nil || svc.DurationMinutes <= 0 {
		return
	}
	sched := cal.schedule(c, now)
	loc := c.Location()
	dur := time.Duration(svc.DurationMinutes) * time.Minute
	today := timeparse.DateOf(now.In(loc))
	for d := 0; d < searchDays; d++ {
		day := today.AddDays(d).In(loc)
		h := c.HoursOn(day.Weekday())
		if h.Closed {
			continue
		}
		for m := h.Open; m+svc.DurationMinutes <= h.Close; m += int(SlotStep / time.Minute) {
			start := wallClock(day, m)
			if keep != nil && !keep(start) || !bookable(c, svc, start, now) {
				continue
			}
			if _, ok := sched.place(svc, start, want, nil); !ok {
				continue
			}
			if !f(Slot{Start: start, End: start.Add(dur)}, d) {
				return
			}
		}
	}
}

// Suggest offers up to n slots for a preference. When some match, it
// returns them with exact set. Otherwise it returns the nearest: on the
// days asked for, those closest to a time named; else the first openings
// from the first day asked for on.
func (cal Calendar) Suggest(c *Clinic, svc Service, pref timeparse.Preference, now time.Time, n int) (slots []Slot, exact bool) {
	return cal.SuggestWith(c, svc, "", pref, now, n)
}

// SuggestWith is Suggest for one provider, or any when providerID is "".
func (cal Calendar) SuggestWith(c *Clinic, svc Service, providerID string, pref timeparse.Preference, now time.Time, n int) (slots []Slot, exact bool) {
	if got := cal.OpenSlotsWith(c, svc, providerID, pref, now, suggestPool); len(got) > 0 {
		return spread(got, n), true
	}
	loc := c.Location()
	if len(pref.Times) > 0 || len(pref.Windows) > 0 {
		dayOnly := timeparse.Preference{From: pref.From, To: pref.To, Weekdays: pref.Weekdays}
		var cands []Slot
		cal.each(c, svc, providerID, now, func(t time.Time) bool { return dayOnly.Matches(t, loc) }, func(s Slot, _ int) bool {
			cands = append(cands, s)
			return len(cands) < 200
		})
		if len(cands) > 0 && (!pref.From.IsZero() || len(pref.Weekdays) > 0) {
			return nearest(cands, pref, loc, n), false
		}
	}
	from := timeparse.Preference{From: pref.From}
	return spread(cal.OpenSlotsWith(c, svc, providerID, from, now, suggestPool), n), false
}

// suggestPool is how many open times Suggest chooses from.
const suggestPool = 60

// spreadGap is the least time between two suggested starts when there is
// a choice, so three offers are not three neighbouring half hours.
const spreadGap = 2 * time.Hour

// spread picks n of the time-ordered slots: the earliest, then each next
// one at least spreadGap after the last, then fills up in time order.
func spread(slots []Slot, n int) []Slot {
	if len(slots) <= n {
		return slots
	}
	picked := make([]bool, len(slots))
	var out []Slot
	var last time.Time
	for i, s := range slots {
		if len(out) == n {
			break
		}
		if len(out) == 0 || !s.Start.Before(last.Add(spreadGap)) {
			out, last, picked[i] = append(out, s), s.Start, true
		}
	}
	for i, s := range slots {
		if len(out) == n {
			break
		}
		if !picked[i] {
			out = append(out, s)
		}
	}
	slices.SortFunc(out, func(a, b Slot) int { return a.Start.Compare(b.Start) })
	return out
}

// nearest picks the n candidates closest in time of day to what pref asks
// for, returned in time order.
func nearest(cands []Slot, pref timeparse.Preference, loc *time.Location, n int) []Slot {
	dist := func(s Slot) int {
		l := s.Start.In(loc)
		m := l.Hour()*60 + l.Minute()
		best := 24 * 60
		for _, t := range pref.Times {
			best = min(best, abs(m-t))
		}
		for _, w := range pref.Windows {
			switch {
			case m < w.From:
				best = min(best, w.From-m)
			case m >= w.To:
				best = min(best, m-w.To+1)
			default:
				best = 0
			}
		}
		return best
	}
	sorted := slices.Clone(cands)
	slices.SortStableFunc(sorted, func(a, b Slot) int { return dist(a) - dist(b) })
	// Keep the nearest day first: among equal distances the earlier day wins
	// because the sort is stable over time-ordered candidates.
	if len(sorted) > n {
		sorted = sorted[:n]
	}
	slices.SortFunc(sorted, func(a, b Slot) int { return a.Start.Compare(b.Start) })
	return sorted
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// Hold holds start for svc for a lead until now plus the clinic's hold
// minutes, with a provider who performs svc and, when svc needs a room, a
// room (see place). A lead has at most one hold: holding another time
// releases the previous one. Holding the same time again renews it. It
// fails with ErrSlotTaken when no provider (or room) is free, and with
// ErrSlotUnavailable when the time is not bookable at now.
func (cal Calendar) Hold(c *Clinic, leadID string, svc Service, start, now time.Time) (Calendar, Appointment, error) {
	return cal.HoldWith(c, leadID, svc, "", start, now)
}

// HoldWith is Hold with provider providerID, or any when it is "".
func (cal Calendar) HoldWith(c *Clinic, leadID string, svc Service, providerID string, start, now time.Time) (Calendar, Appointment, error) {
	if !bookable(c, svc, start, now) {
		return cal, Appointment{}, ErrSlotUnavailable
	}
	end := start.Add(time.Duration(svc.DurationMinutes) * time.Minute)
	got, ok := cal.place(c, svc, start, now, providerID, func(a Appointment) bool { return a.LeadID == leadID })
	if !ok {
		return cal, Appointment{}, ErrSlotTaken
	}
	appts := make([]Appointment, 0, len(cal.Appointments)+1)
	for _, a := range cal.Appointments {
		if a.LeadID == leadID && a.Status == StatusHeld {
			continue // one hold per lead: the new one replaces it
		}
		appts = append(appts, a)
	}
	hold := time.Duration(c.HoldMinutes) * time.Minute
	if hold <= 0 {
		hold = DefaultHoldMinutes * time.Minute
	}
	a := Appointment{
		ID: AppointmentID(leadID, svc.ID, start), LeadID: leadID, ServiceID: svc.ID,
		Start: start.UTC(), End: end.UTC(), Status: StatusHeld, HoldUntil: now.Add(hold).UTC(),
		ProviderID: got.provider, RoomID: got.room,
	}
	appts = append(appts, a)
	return cal.withAppointments(appts), a, nil
}

// Release removes a held appointment and cancels a booked one. An unknown
// id changes nothing.
func (cal Calendar) Release(apptID string) Calendar {
	appts := make([]Appointment, 0, len(cal.Appointments))
	for _, a := range cal.Appointments {
		if a.ID == apptID {
			if a.Status != StatusBooked {
				continue
			}
			a.Status = StatusCancelled
		}
		appts = append(appts, a)
	}
	return cal.withAppointments(appts)
}

// KeepAfterEnd is how long a booked appointment stays on the calendar
// after it ended, so staff can still record whether the patient came.
const KeepAfterEnd = 7 * 24 * time.Hour

// ExpireHolds drops holds that ran out at now, cancelled appointments,
// booked ones that ended more than KeepAfterEnd before now and blocks that
// ended, keeping the calendar small.
func (cal Calendar) ExpireHolds(now time.Time) Calendar {
	next := Calendar{Appointments: make([]Appointment, 0, len(cal.Appointments))}
	for _, a := range cal.Appointments {
		if a.Status == StatusHeld && !now.Before(a.HoldUntil) || a.Status == StatusCancelled || !a.End.Add(KeepAfterEnd).After(now) {
			continue
		}
		next.Appointments = append(next.Appointments, a)
	}
	for _, b := range cal.Blocks {
		if b.End.After(now) {
			next.Blocks = append(next.Blocks, b)
		}
	}
	return next
}

// Find returns the appointment with the given id.
func (cal Calendar) Find(apptID string) (Appointment, bool) {
	for _, a := range cal.Appointments {
		if a.ID == apptID {
			return a, true
		}
	}
	return Appointment{}, false
}
