package clinic

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/medspa/engine/internal/timeparse"
)

// Days are the keys of Clinic.Hours, in week order starting on Monday.
var Days = []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}

var dayIndex = map[string]int{"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}

// OpenHours is one day's opening time, in minutes after local midnight.
// A closed day has Closed set.
type OpenHours struct {
	Closed      bool
	Open, Close int
}

// parseDayHours parses "HH:MM-HH:MM" or "closed" for a day key.
func parseDayHours(day, v string) (OpenHours, error) {
	if _, ok := dayIndex[day]; !ok {
		return OpenHours{}, fmt.Errorf("unknown day %q, want one of %s", day, strings.Join(Days, ", "))
	}
	v = strings.TrimSpace(v)
	if strings.EqualFold(v, "closed") {
		return OpenHours{Closed: true}, nil
	}
	from, to, ok := strings.Cut(v, "-")
	if !ok {
		return OpenHours{}, fmt.Errorf("%q: want HH:MM-HH:MM or closed", v)
	}
	open, err1 := parseClock(strings.TrimSpace(from))
	closing, err2 := parseClock(strings.TrimSpace(to))
	if err1 != nil || err2 != nil {
		return OpenHours{}, fmt.Errorf("%q: want HH:MM-HH:MM or closed", v)
	}
	if open >= closing {
		return OpenHours{}, fmt.Errorf("%q: opening must be before closing", v)
	}
	return OpenHours{Open: open, Close: closing}, nil
}

// parseClock parses "HH:MM" (24 h, "24:00" allowed as end of day).
func parseClock(s string) (int, error) {
	if len(s) != 5 || s[2] != ':' || !isDigits(s[:2]) || !isDigits(s[3:]) {
		return 0, fmt.Errorf("bad time %q", s)
	}
	h := int(s[0]-'0')*10 + int(s[1]-'0')
	m := int(s[3]-'0')*10 + int(s[4]-'0')
	if m > 59 || h > 24 || h == 24 && m != 0 {
		return 0, fmt.Errorf("bad time %q", s)
	}
	return h*60 + m, nil
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// HoursOn returns the opening hours on a weekday. A day missing from the
// configuration is closed.
func (c *Clinic) HoursOn(d time.Weekday) OpenHours { return hoursOn(c.Hours, d) }

// hoursOn reads one weekday of an hours map; a missing or malformed day is
// closed.
func hoursOn(hours map[string]string, d time.Weekday) OpenHours {
	key := Days[(int(d)+6)%7]
	v, ok := hours[key]
	if !ok {
		return OpenHours{Closed: true}
	}
	h, err := parseDayHours(key, v)
	if err != nil {
		return OpenHours{Closed: true}
	}
	return h
}

// OpeningHoursText describes the week's hours for a text message, grouping
// consecutive days with equal hours: "Mon-Fri 9am-7pm, Sat 10am-4pm, Sun closed".
func (c *Clinic) OpeningHoursText() string {
	type run struct {
		from, to int
		text     string
	}
	var runs []run
	for i := range Days {
		h := c.HoursOn(time.Weekday((i + 1) % 7))
		text := "closed"
		if !h.Closed {
			text = timeparse.Clock12(h.Open) + "-" + timeparse.Clock12(h.Close)
		}
		if n := len(runs); n > 0 && runs[n-1].text == text {
			runs[n-1].to = i
			continue
		}
		runs = append(runs, run{from: i, to: i, text: text})
	}
	parts := make([]string, 0, len(runs))
	for _, r := range runs {
		days := dayTitle(r.from)
		if r.to > r.from {
			days += "-" + dayTitle(r.to)
		}
		parts = append(parts, days+" "+r.text)
	}
	return strings.Join(parts, ", ")
}

func dayTitle(i int) string { return strings.ToUpper(Days[i][:1]) + Days[i][1:] }

// locations caches loaded time zones by name; shared by all clinics.
var locations sync.Map // string -> *time.Location

func loadLocation(name string) (*time.Location, error) {
	if l, ok := locations.Load(name); ok {
		return l.(*time.Location), nil
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	locations.Store(name, l)
	return l, nil
}

// Location returns the clinic's time zone. It is loaded once per zone name
// and cached. A clinic that failed validation gets UTC.
func (c *Clinic) Location() *time.Location {
	l, err := loadLocation(c.Timezone)
	if err != nil {
		return time.UTC
	}
	return l
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
