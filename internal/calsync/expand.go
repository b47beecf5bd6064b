// Package calsync reads busy time from a provider's external calendar
// (CalDAV, or a read-only ICS feed) and writes the engine's holds and
// bookings to it. Expansion of iCalendar events into busy intervals is pure
// (expand.go); the CalDAV and feed clients are thin adapters around
// github.com/emersion/go-webdav and github.com/emersion/go-ical.
package calsync

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/emersion/go-ical"
	"github.com/teambition/rrule-go"
)

// PropAppointment marks an event the engine wrote: its value is the
// appointment id (also the event's UID). Such events are never read back as
// external busy time.
const PropAppointment = "X-MEDSPA-APPOINTMENT"

// Busy is one busy interval of an external calendar.
type Busy struct {
	UID     string
	Summary string
	Start   time.Time
	End     time.Time
}

// maxInstances bounds the instances one recurring event may produce in a
// window, so a rule like FREQ=SECONDLY cannot exhaust memory.
const maxInstances = 5000

// maxSteps bounds the instances walked from DTSTART to the window's end.
const maxSteps = 200000

// Own reports whether a calendar object was written by the engine, and for
// which appointment.
func Own(cal *ical.Calendar) (appointmentID string, ok bool) {
	for _, c := range cal.Children {
		if c.Name != ical.CompEvent {
			continue
		}
		if p := c.Props.Get(PropAppointment); p != nil && p.Value != "" {
			return p.Value, true
		}
	}
	return "", false
}

// Expand returns the busy intervals of the events in cals that overlap
// [from, to), sorted by start. Recurring events are expanded (RRULE, RDATE,
// EXDATE, and RECURRENCE-ID exceptions that move or cancel one instance);
// times with a TZID are read in that zone and floating times and all-day
// (DATE) events in loc, the clinic's zone. Transparent and cancelled events
// and events the engine wrote are skipped. An event that cannot be read is
// skipped and reported in the returned error list; the others still count.
func Expand(cals []*ical.Calendar, from, to time.Time, loc *time.Location) ([]Busy, []error) {
	if loc == nil {
		loc = time.UTC
	}
	var out []Busy
	var errs []error
	for _, cal := range cals {
		if cal == nil {
			continue
		}
		if _, own := Own(cal); own {
			continue
		}
		b, e := expandObject(cal, from, to, loc)
		out = append(out, b...)
		errs = append(errs, e...)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].Start.Equal(out[j].Start) {
			return out[i].Start.Before(out[j].Start)
		}
		return out[i].UID < out[j].UID
	})
	return out, errs
}

// expandObject expands one calendar object (or feed): its events grouped by
// UID, each group a master and its overridden instances.
func expandObject(cal *ical.Calendar, from, to time.Time, loc *time.Location) ([]Busy, []error) {
	type group struct {
		master    *ical.Component
		overrides []*ical.Component
	}
	groups := map[string]*group{}
	var order []string
	for _, c := range cal.Children {
		if c.Name != ical.CompEvent {
			continue
		}
		uid, _ := c.Props.Text(ical.PropUID)
		g, ok := groups[uid]
		if !ok {
			g = &group{}
			groups[uid] = g
			order = append(order, uid)
		}
		if c.Props.Get(ical.PropRecurrenceID) != nil {
			g.overrides = append(g.overrides, c)
		} else {
			g.master = c
		}
	}
	var out []Busy
	var errs []error
	for _, uid := range order {
		g := groups[uid]
		replaced := map[int64]bool{} // original starts (Unix) of overridden instances
		for _, o := range g.overrides {
			rid, err := o.Props.Get(ical.PropRecurrenceID).DateTime(loc)
			if err != nil {
				errs = append(errs, fmt.Errorf("event %q: recurrence-id: %w", uid, err))
				continue
			}
			replaced[rid.Unix()] = true
			ev, err := readEvent(o, loc)
			if err != nil {
				errs = append(errs, fmt.Errorf("event %q: %w", uid, err))
				continue
			}
			if ev.busy() && ev.start.Before(to) && ev.end().After(from) {
				out = append(out, Busy{UID: uid, Summary: ev.summary, Start: ev.start, End: ev.end()})
			}
		}
		if g.master == nil {
			continue
		}
		ev, err := readEvent(g.master, loc)
		if err != nil {
			errs = append(errs, fmt.Errorf("event %q: %w", uid, err))
			continue
		}
		if !ev.busy() {
			continue
		}
		starts, err := ev.starts(from, to, loc)
		if err != nil {
			errs = append(errs, fmt.Errorf("event %q: %w", uid, err))
			continue
		}
		for _, s := range starts {
			if replaced[s.Unix()] {
				continue
			}
			e := ev.endFrom(s)
			if s.Before(to) && e.After(from) {
				out = append(out, Busy{UID: uid, Summary: ev.summary, Start: s, End: e})
			}
		}
	}
	return out, errs
}

// event is what expansion needs of one VEVENT.
type event struct {
	comp    *ical.Component
	summary string
	start   time.Time
	allDay  bool
	days    int           // all-day length in days (DATE end - DATE start)
	dur     time.Duration // timed length
	status  string
	transp  string
}

func (ev event) busy() bool {
	return !strings.EqualFold(ev.status, "CANCELLED") && !strings.EqualFold(ev.transp, "TRANSPARENT")
}

func (ev event) end() time.Time { return ev.endFrom(ev.start) }

// endFrom is the end of the instance starting at s: all-day events last
// whole days of the clinic's zone (23 or 25 hours across a DST change).
func (ev event) endFrom(s time.Time) time.Time {
	if ev.allDay {
		return s.AddDate(0, 0, ev.days)
	}
	return s.Add(ev.dur)
}

func readEvent(c *ical.Component, loc *time.Location) (event, error) {
	ev := event{comp: c}
	ev.summary, _ = c.Props.Text(ical.PropSummary)
	if p := c.Props.Get(ical.PropStatus); p != nil {
		ev.status = p.Value
	}
	if p := c.Props.Get(ical.PropTransparency); p != nil {
		ev.transp = p.Value
	}
	sp := c.Props.Get(ical.PropDateTimeStart)
	if sp == nil {
		return ev, fmt.Errorf("no DTSTART")
	}
	start, err := propTime(sp, loc)
	if err != nil {
		return ev, fmt.Errorf("DTSTART: %w", err)
	}
	ev.start = start
	ev.allDay = isDate(sp)
	switch ep, dp := c.Props.Get(ical.PropDateTimeEnd), c.Props.Get(ical.PropDuration); {
	case ep != nil:
		end, err := propTime(ep, loc)
		if err != nil {
			return ev, fmt.Errorf("DTEND: %w", err)
		}
		if end.Before(start) {
			return ev, fmt.Errorf("DTEND before DTSTART")
		}
		if ev.allDay {
			ev.days = daysBetween(start, end)
		} else {
			ev.dur = end.Sub(start)
		}
	case dp != nil:
		d, err := dp.Duration()
		if err != nil {
			return ev, fmt.Errorf("DURATION: %w", err)
		}
		if d < 0 {
			return ev, fmt.Errorf("negative DURATION")
		}
		if ev.allDay {
			ev.days = int((d + 23*time.Hour) / (24 * time.Hour))
		} else {
			ev.dur = d
		}
	case ev.allDay:
		ev.days = 1 // RFC 5545 3.6.1: a DATE start without end lasts one day
	}
	if ev.allDay && ev.days < 1 {
		ev.days = 1
	}
	return ev, nil
}

// starts lists the instance starts of ev that may overlap [from, to).
func (ev event) starts(from, to time.Time, loc *time.Location) ([]time.Time, error) {
	c := ev.comp
	rp := c.Props.Get(ical.PropRecurrenceRule)
	rdates := c.Props.Values(ical.PropRecurrenceDates)
	if rp == nil && len(rdates) == 0 {
		return []time.Time{ev.start}, nil
	}
	set := rrule.Set{}
	set.DTStart(ev.start)
	if rp != nil {
		opt, err := rrule.StrToROptionInLocation(rp.Value, ev.start.Location())
		if err != nil {
			return nil, fmt.Errorf("RRULE: %w", err)
		}
		opt.Dtstart = ev.start
		r, err := rrule.NewRRule(*opt)
		if err != nil {
			return nil, fmt.Errorf("RRULE: %w", err)
		}
		set.RRule(r)
	} else {
		set.RDate(ev.start)
	}
	for _, p := range rdates {
		ts, err := propTimes(&p, loc)
		if err != nil {
			return nil, fmt.Errorf("RDATE: %w", err)
		}
		for _, t := range ts {
			set.RDate(t)
		}
	}
	for _, p := range c.Props.Values(ical.PropExceptionDates) {
		ts, err := propTimes(&p, loc)
		if err != nil {
			return nil, fmt.Errorf("EXDATE: %w", err)
		}
		for _, t := range ts {
			set.ExDate(t)
		}
	}
	// An instance starting before from may still reach into the window.
	span := ev.dur
	if ev.allDay {
		span = time.Duration(ev.days+1) * 24 * time.Hour
	}
	var out []time.Time
	it := set.Iterator()
	steps := 0
	for t, ok := it(); ok; t, ok = it() {
		if steps++; steps > maxSteps {
			return out, fmt.Errorf("RRULE: more than %d instances before the window ends", maxSteps)
		}
		if !t.Before(to) {
			break
		}
		if t.Add(span).After(from) || t.Equal(from) {
			out = append(out, t)
			if len(out) >= maxInstances {
				break
			}
		}
	}
	return out, nil
}

// isDate reports whether a property holds a DATE (all day) rather than a
// DATE-TIME.
func isDate(p *ical.Prop) bool {
	if p.ValueType() == ical.ValueDate {
		return true
	}
	return p.Params.Get(ical.ParamValue) == "" && len(p.Value) == len("20060102")
}

// propTime reads a DATE or DATE-TIME: UTC as such, TZID in that zone (an
// unknown zone name falls back to loc), floating times and dates in loc.
func propTime(p *ical.Prop, loc *time.Location) (time.Time, error) {
	ts, err := propTimes(p, loc)
	if err != nil {
		return time.Time{}, err
	}
	if len(ts) != 1 {
		return time.Time{}, fmt.Errorf("want one value, have %d", len(ts))
	}
	return ts[0], nil
}

// propTimes reads a property holding one or more comma-separated DATE or
// DATE-TIME values (EXDATE, RDATE).
func propTimes(p *ical.Prop, loc *time.Location) ([]time.Time, error) {
	zone := loc
	if tzid := p.Params.Get(ical.PropTimezoneID); tzid != "" {
		if z, err := time.LoadLocation(strings.Trim(tzid, "/")); err == nil {
			zone = z
		}
	}
	var out []time.Time
	for _, v := range strings.Split(p.Value, ",") {
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		var t time.Time
		var err error
		switch {
		case len(v) == len("20060102"):
			t, err = time.ParseInLocation("20060102", v, loc)
		case strings.HasSuffix(v, "Z"):
			t, err = time.ParseInLocation("20060102T150405Z", v, time.UTC)
		default:
			t, err = time.ParseInLocation("20060102T150405", v, zone)
		}
		if err != nil {
			return nil, fmt.Errorf("%q: %w", v, err)
		}
		out = append(out, t)
	}
	return out, nil
}

// daysBetween counts calendar days from a to b (both midnights of one zone).
func daysBetween(a, b time.Time) int {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return int(time.Date(by, bm, bd, 0, 0, 0, 0, time.UTC).Sub(time.Date(ay, am, ad, 0, 0, 0, 0, time.UTC)) / (24 * time.Hour))
}
