package calsync

import (
	"time"

	"github.com/emersion/go-ical"
)

// PropOwner names the clinic and provider ("clinic/provider") an event the
// engine wrote belongs to, so a calendar shared by several providers keeps
// each one's events apart.
const PropOwner = "X-MEDSPA-OWNER"

// Entry is an appointment as the engine writes it to a provider's
// calendar: a hold is a tentative event, a booking a confirmed one.
type Entry struct {
	AppointmentID string
	Owner         string // "clinic/provider"
	Summary       string
	Start, End    time.Time
	Tentative     bool
	Stamp         time.Time // DTSTAMP: when the engine wrote it
}

// Written is an event the engine wrote, as read back from the server.
type Written struct {
	AppointmentID string
	Path          string
	Summary       string
	Start, End    time.Time
	Tentative     bool
}

func (e Entry) status() string {
	if e.Tentative {
		return "TENTATIVE"
	}
	return "CONFIRMED"
}

// Calendar is the calendar object of e: one VEVENT whose UID is the
// appointment id.
func (e Entry) Calendar() *ical.Calendar {
	cal := ical.NewCalendar()
	cal.Props.SetText(ical.PropVersion, "2.0")
	cal.Props.SetText(ical.PropProductID, "-//medspa//engine//EN")
	ev := ical.NewEvent()
	ev.Props.SetText(ical.PropUID, e.AppointmentID)
	ev.Props.SetDateTime(ical.PropDateTimeStamp, e.Stamp.UTC())
	ev.Props.SetDateTime(ical.PropDateTimeStart, e.Start.UTC())
	ev.Props.SetDateTime(ical.PropDateTimeEnd, e.End.UTC())
	ev.Props.SetText(ical.PropSummary, e.Summary)
	st := ical.NewProp(ical.PropStatus)
	st.Value = e.status()
	ev.Props.Set(st)
	own := ical.NewProp(PropAppointment)
	own.Value = e.AppointmentID
	ev.Props.Set(own)
	who := ical.NewProp(PropOwner)
	who.Value = e.Owner
	ev.Props.Set(who)
	cal.Children = append(cal.Children, ev.Component)
	return cal
}

// readWritten reads an object back as an event the engine wrote for owner.
func readWritten(o Object, owner string) (Written, bool) {
	if o.Cal == nil {
		return Written{}, false
	}
	for _, c := range o.Cal.Children {
		if c.Name != ical.CompEvent {
			continue
		}
		id := c.Props.Get(PropAppointment)
		if id == nil || id.Value == "" {
			continue
		}
		if p := c.Props.Get(PropOwner); p == nil || p.Value != owner {
			return Written{}, false
		}
		w := Written{AppointmentID: id.Value, Path: o.Path}
		w.Summary, _ = c.Props.Text(ical.PropSummary)
		if p := c.Props.Get(ical.PropStatus); p != nil {
			w.Tentative = p.Value == "TENTATIVE"
		}
		if p := c.Props.Get(ical.PropDateTimeStart); p != nil {
			w.Start, _ = propTime(p, time.UTC)
		}
		if p := c.Props.Get(ical.PropDateTimeEnd); p != nil {
			w.End, _ = propTime(p, time.UTC)
		}
		return w, true
	}
	return Written{}, false
}

// Plan compares the entries the engine wants on a calendar with the events
// it finds it wrote there: the entries to put (missing or different) and
// the paths to delete (appointments cancelled, expired or moved to another
// provider). Applying it twice changes nothing the second time.
func Plan(want []Entry, have map[string]Written) (put []Entry, del []string) {
	seen := map[string]bool{}
	for _, e := range want {
		seen[e.AppointmentID] = true
		w, ok := have[e.AppointmentID]
		if ok && w.Start.Equal(e.Start) && w.End.Equal(e.End) && w.Tentative == e.Tentative && w.Summary == e.Summary {
			continue
		}
		put = append(put, e)
	}
	for id, w := range have {
		if !seen[id] {
			del = append(del, w.Path)
		}
	}
	return put, del
}
