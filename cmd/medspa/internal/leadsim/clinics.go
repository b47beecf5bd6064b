package leadsim

import (
	_ "embed"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/internal/timeparse"
)

//go:embed clinics.yaml
var extraClinics []byte

// Clinics returns the clinics conversations run against: the demo clinics
// and the simulator's own (clinics.yaml).
func Clinics() ([]*clinic.Clinic, error) {
	extra, err := clinic.Parse("leadsim/clinics.yaml", extraClinics)
	if err != nil {
		return nil, err
	}
	all := append(clinic.Demo(), extra...)
	out := make([]*clinic.Clinic, len(all))
	for i := range all {
		out[i] = &all[i]
		for _, s := range all[i].Services {
			if !knownService(s.ID) {
				return nil, fmt.Errorf("leadsim: clinic %s offers %q, which the grammar does not name", all[i].ID, s.ID)
			}
		}
	}
	return out, nil
}

func knownService(id string) bool {
	for _, s := range ServiceIDs {
		if s == id {
			return true
		}
	}
	return false
}

// busyDays is how many days ahead the busy fill reaches.
const busyDays = 21

// busyCalendar fills a clinic's next busyDays days with booked
// appointments: some days empty, most partly booked, some nearly full and
// some fully booked.
func busyCalendar(rng *rand.Rand, c *clinic.Clinic, now time.Time) clinic.Calendar {
	var cal clinic.Calendar
	loc := c.Location()
	today := timeparse.DateOf(now.In(loc))
	for d := 0; d < busyDays; d++ {
		day := today.AddDays(d)
		h := c.HoursOn(day.Weekday())
		if h.Closed {
			continue
		}
		at := func(m int) time.Time { return time.Date(day.Year, day.Month, day.Day, m/60, m%60, 0, 0, loc) }
		add := func(from, to int) {
			cal.Appointments = append(cal.Appointments, clinic.Appointment{
				ID: fmt.Sprintf("busy-%d-%d", d, from), LeadID: "busy", ServiceID: "busy",
				Start: at(from).UTC(), End: at(to).UTC(), Status: clinic.StatusBooked,
			})
		}
		var p int // chance in 100 that a half hour is booked
		switch r := rng.IntN(100); {
		case r < 15:
			continue // empty
		case r < 25:
			add(h.Open, h.Close) // fully booked
			continue
		case r < 50:
			p = 75
		default:
			p = 35
		}
		for m := h.Open; m < h.Close; m += 30 {
			if rng.IntN(100) >= p {
				continue
			}
			end := min(m+30*(1+rng.IntN(3)), h.Close)
			add(m, end)
			m = end - 30
		}
	}
	return cal
}
