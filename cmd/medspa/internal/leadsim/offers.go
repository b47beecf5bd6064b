package leadsim

import (
	"time"

	"github.com/medspa/engine/internal/clinic"
)

// uniqueDay reports whether offer i is the only one on its day.
func uniqueDay(offers []clinic.Slot, i int, loc *time.Location) bool {
	y, m, d := offers[i].Start.In(loc).Date()
	for j, o := range offers {
		if y2, m2, d2 := o.Start.In(loc).Date(); j != i && y2 == y && m2 == m && d2 == d {
			return false
		}
	}
	return true
}

// uniqueClock reports whether offer i is the only one at its time of day.
func uniqueClock(offers []clinic.Slot, i int, loc *time.Location) bool {
	t := offers[i].Start.In(loc)
	for j, o := range offers {
		if u := o.Start.In(loc); j != i && u.Hour() == t.Hour() && u.Minute() == t.Minute() {
			return false
		}
	}
	return true
}

// timeAt is t's day at minute m.
func timeAt(t time.Time, m int) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), m/60, m%60, 0, 0, t.Location())
}
