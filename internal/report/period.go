package report

import (
	"fmt"
	"time"
)

// Bounds of a report's period.
const (
	// MaxDays is the longest period, in days.
	MaxDays = 366
	// DefaultDays is the period when neither end is given: the last 30
	// days, today included.
	DefaultDays = 30
)

// ParsePeriod reads the from and to query values (YYYY-MM-DD, days in
// loc, both included). Without to the period ends today; without from it
// starts DefaultDays-1 days before its end. Problems are returned by field.
func ParsePeriod(from, to string, now time.Time, loc *time.Location) (Period, map[string]string) {
	bad := map[string]string{}
	day := func(field, v string) time.Time {
		d, err := time.ParseInLocation(time.DateOnly, v, loc)
		if err != nil {
			bad[field] = "a date YYYY-MM-DD"
		}
		return d
	}
	local := now.In(loc)
	p := Period{To: time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, loc)}
	if to != "" {
		p.To = day("to", to)
	}
	if from != "" {
		p.From = day("from", from)
	} else {
		p.From = p.To.AddDate(0, 0, 1-DefaultDays)
	}
	if len(bad) > 0 {
		return Period{}, bad
	}
	switch {
	case p.From.After(p.To):
		bad["from"] = "must not be after to"
	case p.From.AddDate(0, 0, MaxDays-1).Before(p.To):
		bad["to"] = fmt.Sprintf("the period is at most %d days, both ends included", MaxDays)
	}
	if len(bad) > 0 {
		return Period{}, bad
	}
	return p, nil
}
