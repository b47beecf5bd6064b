// Package clinic holds a clinic's configuration: identity, numbers, hours and
// service catalog, and the lookups the engine needs on it. It is part of the
// pure core: no I/O beyond reading a configuration file's bytes.
package clinic

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/medspa/engine/internal/phone"
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

// Directory finds clinics by id and by number. Readers see an immutable
// index; Put swaps in a new one, so a clinic's settings can change while
// the engine runs. A *Clinic it hands out is never modified. Safe for
// concurrent use.
type Directory struct {
	mu  sync.Mutex // serialises writers
	idx atomic.Pointer[index]
}

type index struct {
	byID     map[string]entry
	byNumber map[string]*Clinic
	all      []*Clinic // in insertion order
}

type entry struct {
	c       *Clinic
	version int64
}

// ErrNumberTaken is returned by Put when one of a clinic's numbers already
// belongs to another clinic.
var ErrNumberTaken = errors.New("phone number belongs to another clinic")

// NewDirectory indexes clinics at version 0. Clinics must have been
// validated.
func NewDirectory(clinics []Clinic) *Directory {
	d := &Directory{}
	idx := &index{byID: map[string]entry{}, byNumber: map[string]*Clinic{}}
	for i := range clinics {
		c := clinics[i]
		idx.byID[c.ID] = entry{c: &c}
		idx.all = append(idx.all, &c)
		for _, n := range c.PhoneNumbers {
			idx.byNumber[n] = &c
		}
	}
	d.idx.Store(idx)
	return d
}

func (d *Directory) load() *index { return d.idx.Load() }

// ByID returns the clinic with the given id.
func (d *Directory) ByID(id string) (*Clinic, bool) {
	e, ok := d.load().byID[id]
	return e.c, ok
}

// Version returns the settings version of a clinic (0 when it has only
// been loaded from the clinics file, or is unknown).
func (d *Directory) Version(id string) int64 { return d.load().byID[id].version }

// ByNumber returns the clinic that owns an E.164 number.
func (d *Directory) ByNumber(e164 string) (*Clinic, bool) {
	c, ok := d.load().byNumber[e164]
	return c, ok
}

// All returns every clinic, in the order they were first added.
func (d *Directory) All() []*Clinic { return d.load().all }

// Owner returns the id of the clinic other than id that owns any of
// numbers, or "" when none does.
func (d *Directory) Owner(id string, numbers []string) (string, string) {
	idx := d.load()
	for _, n := range numbers {
		if c, ok := idx.byNumber[n]; ok && c.ID != id {
			return c.ID, n
		}
	}
	return "", ""
}

// Put adds a clinic or replaces it with settings of a newer version. It
// reports whether the directory changed: a version not newer than the one
// held is ignored. A number held by another clinic fails with
// ErrNumberTaken and changes nothing. c must have been validated.
func (d *Directory) Put(c Clinic, version int64) (bool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	old := d.load()
	if e, ok := old.byID[c.ID]; ok && version <= e.version {
		return false, nil
	}
	if other, n := d.Owner(c.ID, c.PhoneNumbers); other != "" {
		return false, fmt.Errorf("%w: %s is clinic %q's", ErrNumberTaken, phone.Mask(n), other)
	}
	cp := c
	idx := &index{byID: make(map[string]entry, len(old.byID)+1), byNumber: make(map[string]*Clinic, len(old.byNumber)), all: make([]*Clinic, 0, len(old.all)+1)}
	replaced := false
	for _, x := range old.all {
		if x.ID == c.ID {
			x, replaced = &cp, true
		}
		idx.all = append(idx.all, x)
	}
	if !replaced {
		idx.all = append(idx.all, &cp)
	}
	for _, x := range idx.all {
		v := old.byID[x.ID].version
		if x == &cp {
			v = version
		}
		idx.byID[x.ID] = entry{c: x, version: v}
		for _, n := range x.PhoneNumbers {
			idx.byNumber[n] = x
		}
	}
	d.idx.Store(idx)
	return true, nil
}
