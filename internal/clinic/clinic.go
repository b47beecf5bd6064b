// Package clinic holds a clinic's configuration: identity, numbers, hours and
// service catalog, and the lookups the engine needs on it. It is part of the
// pure core: it parses bytes and never reads a file itself.
package clinic

import (
	"github.com/medspa/engine/messages"
)

// Clinic is one medspa's configuration, as loaded from CLINICS_FILE.
type Clinic struct {
	ID       string `yaml:"id" json:"id"`
	Name     string `yaml:"name" json:"name"`
	Timezone string `yaml:"timezone" json:"timezone"` // IANA, e.g. America/Chicago
	// PhoneNumbers are the clinic's texting numbers, E.164. An inbound
	// message to one of them belongs to this clinic.
	PhoneNumbers []string `yaml:"phone_numbers" json:"phone_numbers"`
	// TwilioNumbers lists which of PhoneNumbers are hosted at Twilio; the
	// others are Telnyx numbers.
	TwilioNumbers []string `yaml:"twilio_numbers,omitempty" json:"twilio_numbers,omitempty"`
	// Hours maps mon..sun to "09:00-18:00" or "closed".
	Hours    map[string]string `yaml:"hours" json:"hours"`
	Services []Service         `yaml:"services" json:"services"`
	// Providers perform the services; none means one implicit provider
	// who performs every service during the clinic's hours.
	Providers []Provider `yaml:"providers,omitempty" json:"providers,omitempty"`
	// Rooms a service may need (see Room).
	Rooms   []Room `yaml:"rooms,omitempty" json:"rooms,omitempty"`
	Address string `yaml:"address,omitempty" json:"address,omitempty"`
	// ReviewLink is where a patient leaves a review (https), sent after a
	// visit.
	ReviewLink string `yaml:"review_link,omitempty" json:"review_link,omitempty"`
	// HoldMinutes is how long a picked slot is held (default 15).
	HoldMinutes int `yaml:"hold_minutes,omitempty" json:"hold_minutes,omitempty"`
	// CancellationWindowHours: a cancellation inside it keeps the deposit
	// (default 24).
	CancellationWindowHours int `yaml:"cancellation_window_hours,omitempty" json:"cancellation_window_hours,omitempty"`
	// LeadTimeMinutes: no slot is offered sooner than this (default 60).
	LeadTimeMinutes int `yaml:"lead_time_minutes,omitempty" json:"lead_time_minutes,omitempty"`
	// Specials is the clinic's current offer in one line, as staff want it
	// told to a lead who asks for a discount ("New clients get $50 off
	// their first HydraFacial"); empty means there is none to tell, and
	// the lead hears that staff can talk about pricing. At most
	// MaxSpecials characters.
	Specials string `yaml:"specials,omitempty" json:"specials,omitempty"`
	// AskNewOrReturning makes the booking ask whether the lead visited
	// before; by default it is not asked.
	AskNewOrReturning bool `yaml:"ask_new_or_returning,omitempty" json:"ask_new_or_returning,omitempty"`
	// WebLeadCountryCodes are the country calling codes, besides US and
	// Canadian numbers, whose numbers the web form accepts ("44" for the
	// United Kingdom); empty means US and Canadian numbers only.
	WebLeadCountryCodes []string `yaml:"web_lead_country_codes,omitempty" json:"web_lead_country_codes,omitempty"`
	// WebForm, when set, makes the web form of this clinic take only
	// submissions that carry its key and come from one of its sites.
	WebForm *WebForm `yaml:"web_form,omitempty" json:"web_form,omitempty"`
	// Assistant tunes the language model that may read this clinic's
	// texts and suggest replies; the zero value lets it answer in the
	// default tone.
	Assistant Assistant `yaml:"assistant,omitempty" json:"assistant,omitzero"`
}

// MaxSpecials is the longest Specials accepted, in characters: it goes
// into a text with a price and the times on offer.
const MaxSpecials = 120

// MaxPersona is the longest Assistant.Persona accepted, in characters.
const MaxPersona = 300

// Assistant is a clinic's setting for the language model.
type Assistant struct {
	// Off keeps the clinic's conversations away from the model: the
	// built-in understanding and templates answer every text.
	Off bool `yaml:"off,omitempty" json:"off,omitempty"`
	// Persona is the tone of suggested replies, e.g. "warm, upbeat,
	// concise"; empty means the default tone. At most MaxPersona
	// characters.
	Persona string `yaml:"persona,omitempty" json:"persona,omitempty"`
}

// Service is one treatment of the catalog.
type Service struct {
	ID              string   `yaml:"id" json:"id"`
	Name            string   `yaml:"name" json:"name"`
	Aliases         []string `yaml:"aliases,omitempty" json:"aliases,omitempty"`
	DurationMinutes int      `yaml:"duration_minutes" json:"duration_minutes"`
	PriceCents      int64    `yaml:"price_cents" json:"price_cents"`
	PriceUnit       string   `yaml:"price_unit,omitempty" json:"price_unit,omitempty"` // "unit", "syringe", ...
	DepositCents    int64    `yaml:"deposit_cents" json:"deposit_cents"`
	// BufferMinutes is the cleanup time after the service during which
	// its provider and room stay busy.
	BufferMinutes int `yaml:"buffer_minutes,omitempty" json:"buffer_minutes,omitempty"`
}

// CarrierFor returns the carrier that hosts one of the clinic's numbers.
func (c *Clinic) CarrierFor(number string) messages.Carrier {
	for _, n := range c.TwilioNumbers {
		if n == number {
			return messages.CarrierTwilio
		}
	}
	return messages.CarrierTelnyx
}
