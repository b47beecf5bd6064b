// Package understand is the engine's built-in language understanding: it
// reads one text from a lead into an intent and the entities it names (a
// name, a treatment, a day or time, a pick among offered times, the kind of
// patient, a provider). It is pure and deterministic: no I/O, and the clock
// is passed in. It reads; package conversation decides what to do.
package understand

import (
	"strings"
	"time"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/internal/timeparse"
)

// Intent is what a lead's message asks for.
type Intent string

// Intents the built-in understanding recognises.
const (
	IntentGreeting Intent = "greeting"
	IntentPrice    Intent = "price"
	IntentHours    Intent = "hours"
	IntentServices Intent = "services"
	IntentBook     Intent = "book"
	IntentHuman    Intent = "human"
	IntentYes      Intent = "yes"
	IntentNo       Intent = "no"
	IntentThanks   Intent = "thanks"
	IntentUnknown  Intent = "unknown"
	// IntentPick picks one of the offered times by number ("2", "the first one").
	IntentPick Intent = "pick"
	// IntentCancel cancels an appointment or a held time.
	IntentCancel Intent = "cancel"
	// IntentReschedule moves an appointment or a held time.
	IntentReschedule Intent = "reschedule"
	// IntentMedical is a medical question for the clinical team ("is it
	// safe while pregnant?"); it hands the conversation to staff.
	IntentMedical Intent = "medical"
	// IntentComplaint is a complaint; it hands the conversation to staff.
	IntentComplaint Intent = "complaint"
	// IntentUrgent is a possibly urgent medical problem ("my lip is swollen
	// after my filler"): an urgent hand-off that points to 911 first.
	IntentUrgent Intent = "urgent"
)

// HandsOff reports whether the intent always hands the conversation to
// staff: an urgent or medical matter, a complaint, a wish for a person.
func (i Intent) HandsOff() bool {
	return i == IntentUrgent || i == IntentMedical || i == IntentComplaint || i == IntentHuman
}

// Intents lists every intent the understanding gives, IntentUnknown last.
func Intents() []Intent {
	out := make([]Intent, 0, len(classifiers)+1)
	for _, c := range classifiers {
		out = append(out, c.intent)
	}
	return append(out, IntentUnknown)
}

// Patient kinds.
const (
	PatientNew       = "new"
	PatientReturning = "returning"
)

// Understanding is what the built-in language understanding reads in one
// message: one intent and the entities it found.
type Understanding struct {
	Intent    Intent `json:"intent"`
	Name      string `json:"name,omitempty"`       // the name the lead gave for themself
	ServiceID string `json:"service_id,omitempty"` // a catalog service mentioned
	// When is the day or time the lead asks for, in the clinic's zone.
	When *timeparse.Preference `json:"when,omitempty"`
	// Option is the offered time picked by number, 1-based.
	Option int `json:"option,omitempty"`
	// Patient is PatientNew or PatientReturning when the lead says so.
	Patient string `json:"patient,omitempty"`
	// ForOther: Name is the patient's, someone the lead books for ("it's
	// for my mom, Linda Park").
	ForOther bool `json:"for_other,omitempty"`
	// Shift asks for other times than those offered: later, earlier, or
	// none of them.
	Shift Shift `json:"shift,omitempty"`
	// ProviderID is a provider of the clinic the lead asks for ("with Dr.
	// Kim"); ProviderAsked a provider's name the clinic has none of ("with
	// Dr. Smith"); SameProvider asks for the provider of the last visit.
	ProviderID    string `json:"provider_id,omitempty"`
	ProviderAsked string `json:"provider_asked,omitempty"`
	SameProvider  bool   `json:"same_provider,omitempty"`
}

// Text reads one message from a lead at now, reading days and times in
// the clinic's zone (UTC without a clinic). It is deterministic and cheap,
// so it always answers, with or without a language model configured.
func Text(text string, c *clinic.Clinic, now time.Time) Understanding {
	return read(text, NewUtterance(text), c.Matcher(), c, now)
}

// read is Text on a text already prepared as u, with m the clinic's
// catalogue matcher (nil without a clinic), so that Answer prepares each
// once.
func read(text string, u *Utterance, m *clinic.Matcher, c *clinic.Clinic, now time.Time) Understanding {
	var out Understanding
	loc := time.UTC
	if c != nil {
		loc = c.Location()
		if s, ok := m.Match(beforeInstead(text)); ok {
			out.ServiceID = s.ID
		} else if s, ok := m.Match(text); ok {
			out.ServiceID = s.ID
		}
	}
	out.Name = extractName(u, m)
	out.ProviderID, out.ProviderAsked, out.SameProvider = extractProvider(u, c)
	if out.ProviderID != "" && c != nil && strings.EqualFold(out.Name, c.ProviderName(out.ProviderID)) {
		out.Name = ""
	}
	out.Option = extractOption(u)
	if out.Option == 0 && out.Name != "" {
		out.Option = extractOption(withoutName(u, out.Name)) // "1 please, my name is Zoë"
	}
	out.Patient = extractPatient(u)
	if out.Option == 0 {
		if p, ok := timeparse.Parse(text, now, loc); ok {
			out.When = &p
		}
	}
	out.Intent = classify(u, out)
	return out
}

// withoutName is u without the clauses that give the name: "1 please, my
// name is Zoë" is "1 please".
func withoutName(u *Utterance, name string) *Utterance {
	first := strings.ToLower(strings.Fields(name)[0])
	var keep, clause []string
	named := false
	for _, tk := range u.tokens {
		clause = append(clause, tk.orig)
		if strings.ToLower(tk.orig) == first {
			named = true
		}
		if tk.end {
			if !named {
				keep = append(keep, strings.Join(clause, " "))
			}
			clause, named = nil, false
		}
	}
	return NewUtterance(strings.Join(keep, ". "))
}

// beforeInstead is the part of a text before "instead of": "lips instead
// of botox" asks for lips.
func beforeInstead(text string) string {
	if i := strings.Index(strings.ToLower(text), "instead of"); i > 0 {
		return text[:i]
	}
	return text
}
