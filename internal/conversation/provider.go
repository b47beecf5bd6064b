package conversation

import (
	"strings"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/internal/understand"
)

// noteProvider records a provider asked for. An unknown name or a "same
// person" without an earlier visit leaves any provider, and the reply
// says so (providerNotice).
func (t *turn) noteProvider(u understand.Understanding) {
	id := u.ProviderID
	switch {
	case u.SameProvider:
		id = t.s.lastProvider()
		if id == "" {
			t.providerNotice = "I don't see an earlier visit with a provider here, so any of our team can see you."
			return
		}
	case u.ProviderAsked != "":
		t.providerNotice = "We don't have a " + u.ProviderAsked + " here."
		if t.s.ProviderID != "" {
			t.s.ProviderID, t.providerChanged = "", true
		}
		return
	case id == "":
		return
	}
	if id != t.s.ProviderID {
		t.s.ProviderID, t.providerChanged = id, true
		t.event(EventProviderNoted, "provider_id", id)
	} else {
		t.providerChanged = true // asked again: offer again
	}
}

// lastProvider is the provider of the lead's latest booked (or else held)
// appointment that has one.
func (s *State) lastProvider() string {
	for _, st := range []string{ApptBooked, ""} {
		for i := len(s.Appointments) - 1; i >= 0; i-- {
			a := s.Appointments[i]
			if a.ProviderID != "" && (st == "" || a.Status == st) {
				return a.ProviderID
			}
		}
	}
	return ""
}

// offerProvider is the provider offers for svc are restricted to: the one
// asked for when they perform svc, else "" (any), with a note saying why
// and who does.
func (t *turn) offerProvider(svc clinic.Service) (id, note string) {
	id = t.s.ProviderID
	if id == "" {
		if t.providerNotice != "" {
			note = join(t.providerNotice, whoPerforms(t.c, svc))
			t.providerNotice = ""
		}
		return "", note
	}
	p, ok := t.c.ProviderByID(id)
	if !ok || !p.Performs(svc.ID) {
		if ok {
			note = join(p.Name+" doesn't do "+svc.Name+".", whoPerforms(t.c, svc))
		}
		return "", note
	}
	return id, ""
}

// whoPerforms says who performs svc: "Botox is with Dr. Sarah Kim or Ali
// Moreno RN."
func whoPerforms(c *clinic.Clinic, svc clinic.Service) string {
	var names []string
	for _, p := range c.Providers {
		if p.Performs(svc.ID) {
			names = append(names, p.Name)
		}
	}
	switch len(names) {
	case 0:
		return ""
	case 1:
		return svc.Name + " is with " + names[0] + "."
	}
	return svc.Name + " is with " + strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1] + "."
}

// withProvider is " with <name>" for an appointment's provider, "" when
// the clinic has none by that id.
func withProvider(c *clinic.Clinic, id string) string {
	if n := c.ProviderName(id); n != "" {
		return " with " + n
	}
	return ""
}
