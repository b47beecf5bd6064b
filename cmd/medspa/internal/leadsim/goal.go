package leadsim

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/medspa/engine/internal/timeparse"
)

// WhenKind is a way a lead says when they would like to come in; the
// grammar has a [when:KIND] section for each.
type WhenKind string

// Kinds of when.
const (
	WhenDayWindow      WhenKind = "day_window"      // "next tuesday afternoon"
	WhenDay            WhenKind = "day"             // "thursday"
	WhenDayAt          WhenKind = "day_at"          // "friday at 3"
	WhenTomorrow       WhenKind = "tomorrow"        // "tomorrow"
	WhenTomorrowWindow WhenKind = "tomorrow_window" // "tomorrow morning"
	WhenWeekdaysAfter  WhenKind = "weekdays_after"  // "after 5 on weekdays"
	WhenThisWeek       WhenKind = "this_week"       // "any time this week"
	WhenNextWeek       WhenKind = "next_week"       // "sometime next week"
	WhenASAP           WhenKind = "asap"            // "asap"
	WhenAnytime        WhenKind = "anytime"         // "whenever"
	WhenDate           WhenKind = "date"            // "nov 24", "the 24th"
)

// WhenKinds lists every kind, with how often a persona says it.
var WhenKinds = []WhenKind{
	WhenDayWindow, WhenDay, WhenDayAt, WhenTomorrow, WhenTomorrowWindow, WhenWeekdaysAfter,
	WhenThisWeek, WhenNextWeek, WhenASAP, WhenAnytime, WhenDate,
}

var whenWeights = map[WhenKind]int{
	WhenDayWindow: 20, WhenDay: 10, WhenDayAt: 10, WhenTomorrow: 7, WhenTomorrowWindow: 6, WhenWeekdaysAfter: 10,
	WhenThisWeek: 8, WhenNextWeek: 8, WhenASAP: 8, WhenAnytime: 6, WhenDate: 7,
}

// horizon is how far ahead an open-ended wish ("asap", "any time",
// "weekdays after 5") reaches.
const horizon = 14 * 24 * time.Hour

// Goal is when a persona would like to come in, read as a person means it,
// independently of how the engine parses it: the days it accepts and the
// times of day, in the clinic's zone.
type Goal struct {
	Kind WhenKind
	// Days are the days accepted; none: any day before Until.
	Days []timeparse.Date
	// Alt is also accepted once the lead said "next <weekday>", which
	// people use for this coming one and for the one after.
	Alt      timeparse.Date
	NextSaid bool
	// WeekdaysOnly accepts Monday to Friday only.
	WeekdaysOnly bool
	// From and To bound the start's time of day, [From, To) in minutes.
	From, To int
	// Until is the latest start accepted.
	Until time.Time

	weekday time.Weekday
	window  string // morning, afternoon, evening
	clock   int    // minutes, WhenDayAt
	hour    int    // WhenWeekdaysAfter, 12-hour clock
	date    timeparse.Date
}

// windows are the times of day a person means by a part of the day.
var windows = map[string][2]int{"morning": {0, 12 * 60}, "afternoon": {12 * 60, 17 * 60}, "evening": {17 * 60, 24 * 60}}

var windowNames = []string{"morning", "afternoon", "evening"}

var dayAtClocks = []int{10 * 60, 10*60 + 30, 11 * 60, 13 * 60, 14 * 60, 14*60 + 30, 15 * 60, 16 * 60, 17 * 60}

// newGoal draws a goal of kind at now, given in the clinic's zone.
func newGoal(rng *rand.Rand, kind WhenKind, now time.Time) Goal {
	today := timeparse.DateOf(now)
	g := Goal{Kind: kind, From: 0, To: 24 * 60, Until: now.Add(horizon)}
	day := today.AddDays(1 + rng.IntN(6))
	win := windowNames[rng.IntN(len(windowNames))]
	switch kind {
	case WhenDayWindow, WhenDay, WhenDayAt:
		g.Days, g.Alt, g.weekday = []timeparse.Date{day}, day.AddDays(7), day.Weekday()
		switch kind {
		case WhenDayWindow:
			g.window = win
			g.From, g.To = windows[win][0], windows[win][1]
		case WhenDayAt:
			g.clock = dayAtClocks[rng.IntN(len(dayAtClocks))]
			g.From, g.To = g.clock-60, g.clock+61
		}
	case WhenTomorrow, WhenTomorrowWindow:
		g.Days = []timeparse.Date{today.AddDays(1)}
		if kind == WhenTomorrowWindow {
			g.window = win
			g.From, g.To = windows[win][0], windows[win][1]
		}
	case WhenWeekdaysAfter:
		g.hour = 4 + rng.IntN(3)
		g.WeekdaysOnly, g.From = true, (g.hour+12)*60
	case WhenThisWeek, WhenNextWeek:
		first, last := today, today.AddDays((7-int(today.Weekday()))%7) // to Sunday
		if kind == WhenNextWeek {
			first = last.AddDays(1)
			last = first.AddDays(6)
		}
		for d := first; !last.Before(d); d = d.AddDays(1) {
			g.Days = append(g.Days, d)
		}
	case WhenDate:
		g.date = today.AddDays(2 + rng.IntN(12))
		g.Days = []timeparse.Date{g.date}
	}
	return g
}

// Contains reports whether a start, read in loc, is what the goal asks for.
func (g *Goal) Contains(start time.Time, loc *time.Location) bool {
	if start.After(g.Until) {
		return false
	}
	l := start.In(loc)
	d := timeparse.DateOf(l)
	if len(g.Days) > 0 {
		ok := g.NextSaid && d == g.Alt
		for _, x := range g.Days {
			ok = ok || x == d
		}
		if !ok {
			return false
		}
	}
	if g.WeekdaysOnly && (l.Weekday() == time.Saturday || l.Weekday() == time.Sunday) {
		return false
	}
	m := l.Hour()*60 + l.Minute()
	return m >= g.From && m < g.To
}

// NamesDay reports whether saying the goal names a day.
func (g *Goal) NamesDay() bool {
	switch g.Kind {
	case WhenDayWindow, WhenDay, WhenDayAt, WhenTomorrow, WhenTomorrowWindow, WhenDate:
		return true
	}
	return false
}

// vars are the placeholders of the goal's [when:KIND] templates, in one of
// the ways people write them.
func (g *Goal) vars(rng *rand.Rand) map[string]string {
	v := map[string]string{
		"weekday": dayWord(rng, g.weekday),
		"window":  g.window,
		"clock":   clockWord(rng, g.clock),
		"hour":    strconv.Itoa(g.hour),
	}
	if !g.date.IsZero() {
		months := []string{g.date.Month.String(), g.date.Month.String()[:3], strings.ToLower(g.date.Month.String()[:3])}
		v["month"] = months[rng.IntN(len(months))]
		v["dom"] = strconv.Itoa(g.date.Day)
		v["domth"] = strconv.Itoa(g.date.Day) + ordSuffix(g.date.Day)
	}
	return v
}

// say renders the goal with a template of the grammar; saying "next
// <weekday>" widens the goal to the week after.
func (g *Goal) say(rng *rand.Rand, gr *Grammar) string {
	text := fill(gr.pick(rng, "when:"+string(g.Kind)), g.vars(rng))
	switch g.Kind {
	case WhenDayWindow, WhenDay, WhenDayAt:
		if strings.Contains(strings.ToLower(text), "next ") {
			g.NextSaid = true
		}
	}
	return text
}

func ordSuffix(n int) string {
	switch {
	case n%100 >= 11 && n%100 <= 13:
		return "th"
	case n%10 == 1:
		return "st"
	case n%10 == 2:
		return "nd"
	case n%10 == 3:
		return "rd"
	}
	return "th"
}

var shortDays = map[time.Weekday][]string{
	time.Monday: {"mon"}, time.Tuesday: {"tues", "tue"}, time.Wednesday: {"wed", "weds"},
	time.Thursday: {"thurs", "thu"}, time.Friday: {"fri"}, time.Saturday: {"sat"}, time.Sunday: {"sun"},
}

// dayWord writes a weekday as people do: "thursday", "Thursday", "thurs".
func dayWord(rng *rand.Rand, d time.Weekday) string {
	switch r := rng.IntN(20); {
	case r < 11:
		return strings.ToLower(d.String())
	case r < 17:
		return d.String()
	default:
		s := shortDays[d]
		return s[rng.IntN(len(s))]
	}
}

// clockWord writes a time of day as people do: "3", "3pm", "3:30", "330",
// "10am", "10:30am".
func clockWord(rng *rand.Rand, m int) string {
	h, min := m/60, m%60
	h12 := h % 12
	if h12 == 0 {
		h12 = 12
	}
	suffix := "am"
	if h >= 12 {
		suffix = "pm"
	}
	base := strconv.Itoa(h12)
	if min != 0 {
		base += ":" + strconv.Itoa(min/10) + strconv.Itoa(min%10)
		if rng.IntN(6) == 0 {
			base = strings.Replace(base, ":", "", 1)
		}
	}
	switch rng.IntN(4) {
	case 0:
		return base
	case 1:
		return base + " " + suffix
	}
	return base + suffix
}
