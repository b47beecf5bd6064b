package clinic

import (
	"fmt"
	"testing"
	"time"

	"github.com/medspa/engine/internal/timeparse"
)

// benchClinic is a clinic with 10 providers and 4 rooms, and a calendar
// with 2,000 booked appointments over the 60 days ahead of now.
func benchClinic(b *testing.B) (*Clinic, Calendar, time.Time) {
	b.Helper()
	c := *glowClinic(b)
	c.Services = append([]Service(nil), c.Services...)
	for i := range c.Services {
		c.Services[i].BufferMinutes = 10
	}
	all := []string{"botox", "dysport", "lip-filler", "hydrafacial", "laser-hair-removal", "consultation"}
	for i := 0; i < 10; i++ {
		services := []string{"botox"}
		for k := 0; k < 3; k++ {
			if s := all[(i+k)%6]; s != "botox" {
				services = append(services, s)
			}
		}
		c.Providers = append(c.Providers, Provider{ID: fmt.Sprintf("p-%d", i), Name: fmt.Sprintf("Provider %d", i), Services: services})
	}
	c.Providers[0].Services = all[:3]
	for i := 0; i < 4; i++ {
		svc := "hydrafacial"
		if i >= 2 {
			svc = "laser-hair-removal"
		}
		c.Rooms = append(c.Rooms, Room{ID: fmt.Sprintf("room-%d", i), Name: fmt.Sprintf("Room %d", i), Services: []string{svc}})
	}
	if err := c.Validate(); err != nil {
		b.Fatal(err)
	}
	now := time.Date(2026, 12, 3, 15, 0, 0, 0, time.UTC) // Thursday 9am in Chicago
	var cal Calendar
	n := 0
	loc := c.Location()
	for d := 1; d <= 60 && n < 2000; d++ {
		day := timeparse.DateOf(now.In(loc)).AddDays(d).In(loc)
		for slot := 0; slot < 18 && n < 2000; slot++ {
			for k := 0; k < 3 && n < 2000; k++ {
				svc := c.Services[(n*7+k)%len(all)]
				start := day.Add(time.Duration(9*60+slot*30) * time.Minute)
				next, _, err := cal.Hold(&c, fmt.Sprintf("ld_%d", n), svc, start, now)
				if err != nil {
					continue
				}
				next.Appointments[len(next.Appointments)-1].Status = StatusBooked
				cal, n = next, n+1
			}
		}
	}
	if n != 2000 {
		b.Fatalf("placed %d appointments", n)
	}
	return &c, cal, now
}

// BenchmarkScheduleOffer: "offer 3 times next Tuesday afternoon" at a
// clinic with 10 providers, 4 rooms and 2,000 booked appointments.
func BenchmarkScheduleOffer(b *testing.B) {
	c, cal, now := benchClinic(b)
	botox, _ := c.ServiceByID("botox")
	tue := timeparse.DateOf(now.In(c.Location())).AddDays(5) // Tuesday 8 December
	pref := timeparse.Preference{From: tue, To: tue, Windows: []timeparse.Window{{From: 12 * 60, To: 17 * 60}}}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		slots, exact := cal.Suggest(c, botox, pref, now, 3)
		if len(slots) != 3 || !exact {
			b.Fatalf("%d slots, exact %v", len(slots), exact)
		}
	}
}

// BenchmarkScheduleHold: a hold on that calendar.
func BenchmarkScheduleHold(b *testing.B) {
	c, cal, now := benchClinic(b)
	botox, _ := c.ServiceByID("botox")
	start := time.Date(2026, 12, 8, 14, 0, 0, 0, c.Location())
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, _, err := cal.Hold(c, "ld_new", botox, start, now); err != nil {
			b.Fatal(err)
		}
	}
}
