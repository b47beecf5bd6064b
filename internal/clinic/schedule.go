package clinic

import (
	"cmp"
	"slices"
	"time"

	"github.com/medspa/engine/internal/timeparse"
)

// placement is the provider and room an appointment takes.
type placement struct{ provider, room string }

// busy is one active appointment as the schedule sees it: busy from its
// start until its end plus its service's buffer (Unix nanoseconds).
type busy struct {
	start, until   int64
	provider, room string
	i              int // in the calendar's appointments
}

// schedule indexes a calendar for placing appointments at now: its active
// appointments sorted by start, and the longest time one keeps its
// provider busy, so the appointments that may overlap a time are found by
// binary search instead of a scan of all of them. It is built once per
// decision (Hold, Book, Move, a search for open times) and read only.
type schedule struct {
	c      *Clinic
	appts  []Appointment
	busy   []busy // by start
	span   int64  // the longest start-to-until of any appointment
	blocks []Block
}

func (cal Calendar) schedule(c *Clinic, now time.Time) *schedule {
	s := &schedule{c: c, appts: cal.Appointments, busy: make([]busy, 0, len(cal.Appointments)), blocks: cal.Blocks}
	buffers := make(map[string]time.Duration, len(c.Services))
	for _, svc := range c.Services {
		buffers[svc.ID] = time.Duration(svc.BufferMinutes) * time.Minute
	}
	for i, a := range cal.Appointments {
		if !a.active(now) {
			continue
		}
		b := busy{start: a.Start.UnixNano(), until: a.End.Add(buffers[a.ServiceID]).UnixNano(), provider: a.ProviderID, room: a.RoomID, i: i}
		s.span = max(s.span, b.until-b.start)
		s.busy = append(s.busy, b)
	}
	slices.SortFunc(s.busy, func(x, y busy) int { return cmp.Compare(x.start, y.start) })
	return s
}

// between returns the appointments starting in [from, to).
func (s *schedule) between(from, to int64) []busy {
	lo, _ := slices.BinarySearchFunc(s.busy, from, func(b busy, t int64) int { return cmp.Compare(b.start, t) })
	hi, _ := slices.BinarySearchFunc(s.busy, to, func(b busy, t int64) int { return cmp.Compare(b.start, t) })
	return s.busy[lo:hi]
}

// overlapping returns the appointments busy at some time in [start, end).
func (s *schedule) overlapping(start, end time.Time, skip func(Appointment) bool, f func(busy) bool) bool {
	from, to := start.UnixNano(), end.UnixNano()
	for _, b := range s.between(from-s.span, to) {
		if b.until > from && (skip == nil || !skip(s.appts[b.i])) && f(b) {
			return true
		}
	}
	return false
}

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
func (s *schedule) place(svc Service, start time.Time, want string, skip func(Appointment) bool) (placement, bool) {
	c := s.c
	end := start.Add(time.Duration(svc.DurationMinutes) * time.Minute)
	busyEnd := end.Add(time.Duration(svc.BufferMinutes) * time.Minute)
	overlaps := func(from, to time.Time) bool { return from.Before(busyEnd) && start.Before(to) }
	for _, b := range s.blocks {
		if b.ProviderID == "" && b.RoomID == "" && overlaps(b.Start, b.End) {
			return placement{}, false
		}
	}
	var room string
	if needsRoom(c, svc.ID) {
		for _, r := range c.Rooms {
			if r.Serves(svc.ID) && s.roomFree(r.ID, start, busyEnd, overlaps, skip) {
				room = r.ID
				break
			}
		}
		if room == "" {
			return placement{}, false
		}
	}
	if len(c.Providers) == 0 {
		if want != "" || !s.providerFree("", start, busyEnd, overlaps, skip) {
			return placement{}, false
		}
		return placement{room: room}, true
	}
	loc := c.Location()
	local := start.In(loc)
	date := timeparse.DateOf(local).In(loc)
	best, bestLoad := "", -1
	for _, p := range c.Providers {
		if want != "" && p.ID != want || !p.Performs(svc.ID) {
			continue
		}
		h := p.HoursOn(c, local.Weekday())
		if h.Closed || start.Before(wallClock(date, h.Open)) || end.After(wallClock(date, h.Close)) {
			continue
		}
		if !s.providerFree(p.ID, start, busyEnd, overlaps, skip) {
			continue
		}
		load := s.dayLoad(p.ID, date, date.AddDate(0, 0, 1))
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
// those skip accepts) nor block overlapping [start, end).
func (s *schedule) providerFree(id string, start, end time.Time, overlaps func(from, to time.Time) bool, skip func(Appointment) bool) bool {
	implicit := len(s.c.Providers) == 0
	if s.overlapping(start, end, skip, func(b busy) bool { return implicit || b.provider == "" || b.provider == id }) {
		return false
	}
	if id == "" {
		return true
	}
	for _, b := range s.blocks {
		if b.ProviderID == id && overlaps(b.Start, b.End) {
			return false
		}
	}
	return true
}

// roomFree reports whether room id has no active appointment (but those
// skip accepts) nor block overlapping [start, end).
func (s *schedule) roomFree(id string, start, end time.Time, overlaps func(from, to time.Time) bool, skip func(Appointment) bool) bool {
	if s.overlapping(start, end, skip, func(b busy) bool { return b.room == id }) {
		return false
	}
	for _, b := range s.blocks {
		if b.RoomID == id && overlaps(b.Start, b.End) {
			return false
		}
	}
	return true
}

// dayLoad counts provider id's active appointments starting in [from, to).
func (s *schedule) dayLoad(id string, from, to time.Time) int {
	n := 0
	for _, b := range s.between(from.UnixNano(), to.UnixNano()) {
		if b.provider == id {
			n++
		}
	}
	return n
}

// place is schedule.place on a calendar of its own, for one decision.
func (cal Calendar) place(c *Clinic, svc Service, start, now time.Time, want string, skip func(Appointment) bool) (placement, bool) {
	return cal.schedule(c, now).place(svc, start, want, skip)
}
