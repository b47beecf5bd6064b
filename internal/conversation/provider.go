package conversation

import (
	"strings"

	"github.com/medspa/engine/internal/clinic"
)

// Provider requests: "with Dr. Kim", "can I see Ali", "same person as last
// time". A provider is named after a cue (with, see, prefer, by, book) or
// a title (Dr., doctor, nurse); the name matches any word of a provider's
// name but titles and credentials.

// providerCues are words after which a name asks for a provider.
var providerCues = map[string]bool{"with": true, "see": true, "prefer": true, "by": true, "book": true, "want": true}

// providerTitles are words before a provider's name, and words of a
// provider's name that do not identify them.
var providerTitles = map[string]bool{"dr": true, "doctor": true, "nurse": true, "rn": true, "np": true, "pa": true, "md": true,
	"injector": true, "aesthetician": true, "esthetician": true, "ms": true, "mr": true, "mrs": true, "miss": true}

// sameProviderPhrases ask for the provider of the lead's last visit.
var sameProviderPhrases = []string{" same person ", " same provider ", " same injector ", " same nurse ", " same doctor ",
	" same one as last time ", " same lady ", " same guy ", " same as last time "}

// extractProvider finds a provider asked for: its id, or the name asked
// for when no provider of the clinic has it ("Dr. Smith"), or same when
// the lead asks for the provider of their last visit.
func extractProvider(u *utterance, c *clinic.Clinic) (id, unknown string, same bool) {
	if c == nil || len(c.Providers) == 0 {
		return "", "", false
	}
	for _, p := range sameProviderPhrases {
		if strings.Contains(u.padded, p) {
			return "", "", true
		}
	}
	for i, w := range u.words {
		cue := providerCues[w]
		title := providerTitles[w] && (w == "dr" || w == "doctor" || w == "nurse")
		if !cue && !title {
			continue
		}
		j := i + 1
		for j < len(u.words) && providerTitles[u.words[j]] {
			j++
			title = true
		}
		if j >= len(u.words) {
			continue
		}
		if p, ok := providerNamed(c, u.words[j]); ok {
			return p.ID, "", false
		}
		if title && j < len(u.tokens) {
			name := u.tokens[j].orig
			if w == "dr" || w == "doctor" || u.words[i+1] == "dr" {
				name = "Dr. " + name
			}
			return "", name, false
		}
	}
	return "", "", false
}

// providerNamed is the provider one of whose name's words (titles aside)
// is word.
func providerNamed(c *clinic.Clinic, word string) (clinic.Provider, bool) {
	for _, p := range c.Providers {
		for _, w := range newUtterance(p.Name).words {
			if !providerTitles[w] && w == word && len(w) > 1 {
				return p, true
			}
		}
	}
	return clinic.Provider{}, false
}

// noteProvider records a provider asked for. An unknown name or a "same
// person" without an earlier visit leaves any provider, and the reply
// says so (providerNotice).
func (t *turn) noteProvider(u Understanding) {
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
