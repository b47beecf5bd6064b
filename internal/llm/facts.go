package llm

import (
	"github.com/medspa/engine/internal/clinic"
)

// Facts are the clinic's data a suggested reply may use. Everything a reply
// states as a price, a time, a link or a phone number must appear here; the
// model is shown these facts and nothing else about the clinic.
type Facts struct {
	ClinicName string        `json:"clinic_name"`
	Services   []ServiceFact `json:"services,omitempty"`
	Hours      string        `json:"hours,omitempty"`   // "Mon-Fri 9am-7pm, Sat 10am-4pm, Sun closed"
	Address    string        `json:"address,omitempty"` // street address
	// Slots are the times the state machine offers right now, as the lead
	// sees them ("Sat Nov 21 at 10:30am").
	Slots []string `json:"slots,omitempty"`
	// Links and Phones a reply may repeat (a deposit link, the clinic's
	// number). Usually empty: links are added by the state machine.
	Links  []string `json:"links,omitempty"`
	Phones []string `json:"phones,omitempty"`
}

// ServiceFact is one service as the model may mention it.
type ServiceFact struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Price   string `json:"price"`             // "$12 per unit", "free"
	Deposit string `json:"deposit,omitempty"` // "$50"
}

// FactsFromClinic gathers the facts of a clinic, with the slots on offer.
func FactsFromClinic(c *clinic.Clinic, slots []string) Facts {
	if c == nil {
		return Facts{Slots: slots}
	}
	f := Facts{ClinicName: c.Name, Hours: c.OpeningHoursText(), Address: c.Address, Slots: slots}
	for _, s := range c.Services {
		sf := ServiceFact{ID: s.ID, Name: s.Name, Price: clinic.FormatPrice(s)}
		if s.DepositCents > 0 {
			sf.Deposit = clinic.FormatCents(s.DepositCents)
		}
		f.Services = append(f.Services, sf)
	}
	return f
}

// texts lists every fact as text, for the guardrails to search.
func (f Facts) texts() []string {
	out := []string{f.ClinicName, f.Hours, f.Address}
	for _, s := range f.Services {
		out = append(out, s.Name, s.Price, s.Deposit)
	}
	out = append(out, f.Slots...)
	out = append(out, f.Links...)
	out = append(out, f.Phones...)
	return out
}

// serviceIDs is the set of service ids the model may name.
func (f Facts) serviceIDs() map[string]bool {
	ids := make(map[string]bool, len(f.Services))
	for _, s := range f.Services {
		ids[s.ID] = true
	}
	return ids
}
