// Package timeparse reads when a lead would like to come in from free text
// ("tomorrow at 3", "next Tuesday afternoon", "after 5", "asap") and turns it
// into a Preference: civil dates, weekdays and time-of-day windows in the
// clinic's time zone. It is pure: the caller passes the current time and
// the zone.
package timeparse

import (
	"fmt"
	"strings"
	"time"
)

// Date is a civil date, without a time zone. Its JSON form is "2006-01-02".
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the civil date of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// IsZero reports whether d is unset.
func (d Date) IsZero() bool { return d.Year == 0 && d.Month == 0 && d.Day == 0 }

// In returns local midnight of d in loc (or the first instant of the day
// when midnight does not exist there).
func (d Date) In(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// AddDays returns the date n days later.
func (d Date) AddDays(n int) Date {
	return DateOf(time.Date(d.Year, d.Month, d.Day+n, 12, 0, 0, 0, time.UTC))
}

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday {
	return time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC).Weekday()
}

// Before reports whether d is earlier than e.
func (d Date) Before(e Date) bool {
	if d.Year != e.Year {
		return d.Year < e.Year
	}
	if d.Month != e.Month {
		return d.Month < e.Month
	}
	return d.Day < e.Day
}

func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day) }

// MarshalText encodes d as "2006-01-02"; the zero date as "".
func (d Date) MarshalText() ([]byte, error) {
	if d.IsZero() {
		return []byte{}, nil
	}
	return []byte(d.String()), nil
}

// UnmarshalText decodes "2006-01-02" or "".
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	t, err := time.Parse("2006-01-02", string(b))
	if err != nil {
		return fmt.Errorf("parse date: %w", err)
	}
	*d = DateOf(t)
	return nil
}

// Window is a time-of-day range [From, To) in minutes after local midnight.
type Window struct {
	From int `json:"from"`
	To   int `json:"to"`
}

// Preference is when a lead would like to come in. Every part that is set
// narrows it; an empty Preference matches any time.
type Preference struct {
	// From and To bound the dates (inclusive); a zero bound is open.
	From Date `json:"from,omitzero"`
	To   Date `json:"to,omitzero"`
	// Weekdays, when set, are the only days of the week that match.
	Weekdays []time.Weekday `json:"weekdays,omitempty"`
	// Windows are times of day that match ("afternoon", "after 5").
	Windows []Window `json:"windows,omitempty"`
	// Times are exact clock times named ("at 3", "10am"), in minutes after
	// midnight. When set they take precedence over Windows.
	Times []int `json:"times,omitempty"`
	// ASAP asks for the earliest opening.
	ASAP bool `json:"asap,omitempty"`
}

// IsZero reports whether p names no constraint at all.
func (p Preference) IsZero() bool {
	return p.From.IsZero() && p.To.IsZero() && len(p.Weekdays) == 0 && len(p.Windows) == 0 && len(p.Times) == 0 && !p.ASAP
}

// MatchesDay reports whether a civil date satisfies the date parts of p.
func (p Preference) MatchesDay(d Date) bool {
	if !p.From.IsZero() && d.Before(p.From) {
		return false
	}
	if !p.To.IsZero() && p.To.Before(d) {
		return false
	}
	if len(p.Weekdays) == 0 {
		return true
	}
	wd := d.Weekday()
	for _, w := range p.Weekdays {
		if w == wd {
			return true
		}
	}
	return false
}

// MatchesClock reports whether a time of day (minutes after midnight)
// satisfies the time parts of p.
func (p Preference) MatchesClock(min int) bool {
	if len(p.Times) > 0 {
		for _, t := range p.Times {
			if t == min {
				return true
			}
		}
		return false
	}
	if len(p.Windows) == 0 {
		return true
	}
	for _, w := range p.Windows {
		if min >= w.From && min < w.To {
			return true
		}
	}
	return false
}

// Matches reports whether an appointment starting at t (read in loc)
// satisfies p.
func (p Preference) Matches(t time.Time, loc *time.Location) bool {
	l := t.In(loc)
	return p.MatchesDay(DateOf(l)) && p.MatchesClock(l.Hour()*60+l.Minute())
}

// String is a stable, compact form used in tests and logs:
// "from=2026-11-21 to=2026-11-21 times=15:00".
func (p Preference) String() string {
	var parts []string
	if !p.From.IsZero() {
		parts = append(parts, "from="+p.From.String())
	}
	if !p.To.IsZero() {
		parts = append(parts, "to="+p.To.String())
	}
	if len(p.Weekdays) > 0 {
		var ds []string
		for _, w := range p.Weekdays {
			ds = append(ds, strings.ToLower(w.String()[:3]))
		}
		parts = append(parts, "days="+strings.Join(ds, ","))
	}
	if len(p.Windows) > 0 {
		var ws []string
		for _, w := range p.Windows {
			ws = append(ws, Clock24(w.From)+"-"+Clock24(w.To))
		}
		parts = append(parts, "windows="+strings.Join(ws, ","))
	}
	if len(p.Times) > 0 {
		var ts []string
		for _, t := range p.Times {
			ts = append(ts, Clock24(t))
		}
		parts = append(parts, "times="+strings.Join(ts, ","))
	}
	if p.ASAP {
		parts = append(parts, "asap")
	}
	if len(parts) == 0 {
		return "any"
	}
	return strings.Join(parts, " ")
}

// Clock24 formats minutes after midnight as "15:04".
func Clock24(min int) string { return fmt.Sprintf("%02d:%02d", min/60, min%60) }

// Clock12 formats minutes after midnight for a text: "3pm", "10:30am".
func Clock12(min int) string {
	h, m := min/60%24, min%60
	suffix := "am"
	if h >= 12 {
		suffix = "pm"
	}
	h12 := h % 12
	if h12 == 0 {
		h12 = 12
	}
	if m == 0 {
		return fmt.Sprintf("%d%s", h12, suffix)
	}
	return fmt.Sprintf("%d:%02d%s", h12, m, suffix)
}
