package clinic

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/medspa/engine/internal/timeparse"
)

// glowClinic is the demo clinic as one chair: without providers, rooms or
// buffers, so any appointment takes the whole clinic.
func glowClinic(t testing.TB) *Clinic {
	t.Helper()
	cs := Demo()
	c := cs[0]
	c.Providers, c.Rooms = nil, nil
	c.Services = append([]Service(nil), c.Services...)
	for i := range c.Services {
		c.Services[i].BufferMinutes = 0
	}
	return &c
}

// Friday 20 Nov 2026, 12:10 in Chicago.
var calNow = time.Date(2026, 11, 20, 18, 10, 0, 0, time.UTC)

func TestOpenSlotsRespectHoursLeadTimeAndDuration(t *testing.T) {
	c := glowClinic(t)
	botox, _ := c.ServiceByID("botox")
	var cal Calendar
	slots := cal.OpenSlots(c, botox, timeparse.Preference{}, calNow, 200)
	if len(slots) != 200 {
		t.Fatalf("got %d slots", len(slots))
	}
	loc := c.Location()
	first := slots[0].Start.In(loc)
	if first.Hour() != 13 || first.Minute() != 30 { // 12:10 + 60 min lead, next half hour
		t.Errorf("first slot %s, want 13:30 today", first)
	}
	for _, s := range slots {
		l := s.Start.In(loc)
		h := c.HoursOn(l.Weekday())
		m := l.Hour()*60 + l.Minute()
		if h.Closed || m < h.Open || m+botox.DurationMinutes > h.Close || l.Minute()%30 != 0 {
			t.Fatalf("slot %s outside hours", l)
		}
	}
}

func TestHoldIsExclusiveAndExpires(t *testing.T) {
	c := glowClinic(t)
	lips, _ := c.ServiceByID("lip-filler")
	botox, _ := c.ServiceByID("botox")
	start := time.Date(2026, 11, 23, 10, 0, 0, 0, c.Location())
	var cal Calendar
	cal, a, err := cal.Hold(c, "A", lips, start, calNow)
	if err != nil {
		t.Fatal(err)
	}
	if a.ID != AppointmentID("A", "lip-filler", start) || !a.HoldUntil.Equal(calNow.Add(15*time.Minute)) {
		t.Errorf("appointment %+v", a)
	}
	// Overlapping start (10:30 inside 10:00-10:45) is taken for another lead.
	if _, _, err := cal.Hold(c, "B", botox, start.Add(30*time.Minute), calNow); !errors.Is(err, ErrSlotTaken) {
		t.Errorf("overlapping hold: %v, want ErrSlotTaken", err)
	}
	// Not offered while held; offered again once the hold ran out.
	pref := timeparse.Preference{From: timeparse.DateOf(start), To: timeparse.DateOf(start), Times: []int{600}}
	if got := cal.OpenSlots(c, botox, pref, calNow, 3); len(got) != 0 {
		t.Errorf("held time offered: %v", got)
	}
	later := calNow.Add(15 * time.Minute)
	if got := cal.OpenSlots(c, botox, pref, later, 3); len(got) != 1 {
		t.Errorf("expired hold still blocks: %v", got)
	}
	if _, _, err := cal.Hold(c, "B", botox, start, later); err != nil {
		t.Errorf("hold after expiry: %v", err)
	}
	if n := len(cal.ExpireHolds(later).Appointments); n != 0 {
		t.Errorf("ExpireHolds kept %d", n)
	}
	// One hold per lead: a new one replaces the old.
	cal2, _, err := cal.Hold(c, "A", botox, start.Add(2*time.Hour), calNow)
	if err != nil || len(cal2.Appointments) != 1 {
		t.Errorf("second hold of A: %v, %d appointments", err, len(cal2.Appointments))
	}
	if len(cal.Appointments) != 1 || !cal.Appointments[0].Start.Equal(start) {
		t.Error("Hold modified its receiver")
	}
	if n := len(cal.Release(a.ID).Appointments); n != 0 {
		t.Errorf("Release kept %d", n)
	}
}

func TestHoldRejectsUnbookable(t *testing.T) {
	c := glowClinic(t)
	botox, _ := c.ServiceByID("botox")
	loc := c.Location()
	var cal Calendar
	for name, start := range map[string]time.Time{
		"past":       calNow.Add(-time.Hour),
		"lead time":  calNow.Add(30 * time.Minute),
		"sunday":     time.Date(2026, 11, 22, 10, 0, 0, 0, loc),
		"too late":   time.Date(2026, 11, 23, 18, 45, 0, 0, loc),
		"off grid":   time.Date(2026, 11, 23, 10, 10, 0, 0, loc),
		"before 9am": time.Date(2026, 11, 23, 8, 30, 0, 0, loc),
	} {
		if _, _, err := cal.Hold(c, "A", botox, start, calNow); !errors.Is(err, ErrSlotUnavailable) {
			t.Errorf("%s: %v, want ErrSlotUnavailable", name, err)
		}
	}
}

func TestSuggestNearestAndDST(t *testing.T) {
	c := glowClinic(t)
	botox, _ := c.ServiceByID("botox")
	loc := c.Location()
	sat := time.Date(2026, 11, 21, 0, 0, 0, 0, loc)
	cal := Calendar{Appointments: []Appointment{{ID: "x", LeadID: "staff", Start: sat.Add(15 * time.Hour), End: sat.Add(15*time.Hour + 30*time.Minute), Status: StatusBooked}}}
	pref := timeparse.Preference{From: timeparse.DateOf(sat), To: timeparse.DateOf(sat), Times: []int{15 * 60}}
	got, exact := cal.Suggest(c, botox, pref, calNow, 2)
	if exact || len(got) != 2 || got[0].Start.In(loc).Hour() != 14 || got[1].Start.In(loc).Minute() != 30 {
		t.Errorf("nearest to a booked 3pm: %v exact=%v, want 2:30pm and 3:30pm", got, exact)
	}
	// Across the spring change, 3pm local is still offered as 3pm local.
	before := time.Date(2026, 3, 6, 20, 0, 0, 0, time.UTC)
	mon := timeparse.Date{Year: 2026, Month: time.March, Day: 9}
	slots := Calendar{}.OpenSlots(c, botox, timeparse.Preference{From: mon, To: mon, Times: []int{15 * 60}}, before, 1)
	if len(slots) != 1 || slots[0].Start.In(loc).Hour() != 15 || slots[0].Start.UTC().Hour() != 20 {
		t.Errorf("DST slot %v", slots)
	}
}

func TestCalendarJSON(t *testing.T) {
	c := glowClinic(t)
	botox, _ := c.ServiceByID("botox")
	cal, _, _ := Calendar{}.Hold(c, "A", botox, time.Date(2026, 11, 23, 10, 0, 0, 0, c.Location()), calNow)
	b, err := json.Marshal(cal)
	if err != nil {
		t.Fatal(err)
	}
	var back Calendar
	if err := json.Unmarshal(b, &back); err != nil || len(back.Appointments) != 1 || back.Appointments[0] != cal.Appointments[0] {
		t.Errorf("round trip: %s -> %+v, %v", b, back, err)
	}
}
