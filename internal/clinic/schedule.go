package clinic

import (
	"time"

	"github.com/medspa/engine/internal/timeparse"
)

// placement is the provider and room an appointment takes.
type placement struct{ provider, room string }

// buffer is the cleanup time after an appointment of service id.
func (c *Clinic) buffer(serviceID string) time.Duration {
	if s, ok := c.ServiceByID(serviceID); ok {
		return time.Duration(s.BufferMinutes) * time.Minute
	}
	return 0
}

// busyUntil is when a's provider and room are free again: its end plus
// its service's buffer.
func (c *Clinic) busyUntil(a Appointment) time.Time { return a.End.Add(c.buffer(a.ServiceID)) }

// place finds who and where svc can be given from start: a provider who
// performs svc (want, or any when want is ""), within that provider's
// hours, and, when any room lists svc, one of those rooms, both free from
// start for the duration plus the buffer: clear of active appointments
// (each busy until its own end plus buffer) other than those skip
// accepts, and of blocks. A clinic without providers has one implicit
// provider ("") whom every appointment occupies. An appointment without a
// provider in a clinic with providers (made before they were configured)
// occupies them all. Among free providers the least booked that local day
// wins, ties going to the first in the settings; the first free room in
// the settings is taken.
func (cal Calendar) place(c *Clinic, svc Service, start, now time.Time, want string, skip func(Appointment) bool) (placement, bool) {
	end := start.Add(time.Duration(svc.DurationMinutes) * time.Minute)
	busyEnd := end.Add(time.Duration(svc.BufferMinutes) * time.Minute)
	overlaps := func(s, e time.Time) bool { return s.Before(busyEnd) && start.Before(e) }
	for _, b := range cal.Blocks {
		if b.ProviderID == "" && b.RoomID == "" && overlaps(b.Start, b.End) {
			return placement{}, false
		}
	}
	var room string
	if needsRoom(c, svc.ID) {
		for _, r := range c.Rooms {
			if r.Serves(svc.ID) && cal.roomFree(c, r.ID, overlaps, now, skip) {
				room = r.ID
				break
			}
		}
		if room == "" {
			return placement{}, false
		}
	}
	if len(c.Providers) == 0 {
		if want != "" || !cal.providerFree(c, "", overlaps, now, skip) {
			return placement{}, false
		}
		return placement{room: room}, true
	}
	loc := c.Location()
	local := start.In(loc)
	day := timeparse.DateOf(local).In(loc)
	best, bestLoad := "", -1
	for _, p := range c.Providers {
		if want != "" && p.ID != want || !p.Performs(svc.ID) {
			continue
		}
		h := p.HoursOn(c, local.Weekday())
		if h.Closed || start.Before(wallClock(day, h.Open)) || end.After(wallClock(day, h.Close)) {
			continue
		}
		if !cal.providerFree(c, p.ID, overlaps, now, skip) {
			continue
		}
		load := cal.dayLoad(p.ID, day, day.AddDate(0, 0, 1), now)
		if bestLoad < 0 || load < bestLoad {
			best, bestLoad = p.ID, load
		}
	}
	if bestLoad < 0 {
		return placement{}, false
	}
	return placement{provider: best, room: room}, true
}

// needsRoom reports whether any room lists service id.
func needsRoom(c *Clinic, id string) bool {
	for _, r := range c.Rooms {
		if r.Serves(id) {
			return true
		}
	}
	return false
}

// providerFree reports whether provider id has no active appointment (but
// those skip accepts) nor block overlapping.
func (cal Calendar) providerFree(c *Clinic, id string, overlaps func(s, e time.Time) bool, now time.Time, skip func(Appointment) bool) bool {
	implicit := len(c.Providers) == 0
	for _, a := range cal.Appointments {
		if !a.active(now) || skip != nil && skip(a) {
			continue
		}
		if (implicit || a.ProviderID == "" || a.ProviderID == id) && overlaps(a.Start, c.busyUntil(a)) {
			return false
		}
	}
	if id == "" {
		return true
	}
	for _, b := range cal.Blocks {
		if b.ProviderID == id && overlaps(b.Start, b.End) {
			return false
		}
	}
	return true
}

// roomFree reports whether room id has no active appointment (but those
// skip accepts) nor block overlapping.
func (cal Calendar) roomFree(c *Clinic, id string, overlaps func(s, e time.Time) bool, now time.Time, skip func(Appointment) bool) bool {
	for _, a := range cal.Appointments {
		if a.RoomID == id && a.active(now) && (skip == nil || !skip(a)) && overlaps(a.Start, c.busyUntil(a)) {
			return false
		}
	}
	for _, b := range cal.Blocks {
		if b.RoomID == id && overlaps(b.Start, b.End) {
			return false
		}
	}
	return true
}

// dayLoad counts provider id's active appointments starting in [from, to).
func (cal Calendar) dayLoad(id string, from, to, now time.Time) int {
	n := 0
	for _, a := range cal.Appointments {
		if a.ProviderID == id && a.active(now) && !a.Start.Before(from) && a.Start.Before(to) {
			n++
		}
	}
	return n
}
