package clinic

import (
	"fmt"
	"net/url"
	"time"
)

// Provider is a person who performs services: an injector, a nurse. A
// clinic without providers has one implicit provider who performs every
// service during the clinic's hours.
type Provider struct {
	ID       string   `yaml:"id" json:"id"`
	Name     string   `yaml:"name" json:"name"`
	Services []string `yaml:"services" json:"services"`
	// Hours maps mon..sun to "09:00-17:00" or "closed", as the clinic's
	// hours do; empty means the clinic's hours. A day missing from a
	// non-empty map is closed.
	Hours map[string]string `yaml:"hours,omitempty" json:"hours,omitempty"`
	// Calendar is the provider's external calendar, if any.
	Calendar *ExternalCalendar `yaml:"calendar,omitempty" json:"calendar,omitempty"`
}

// ExternalCalendar is where a provider's calendar lives outside the
// engine: a CalDAV calendar collection (read and written) or an ICS feed
// (read only).
type ExternalCalendar struct {
	// CalDAV is the calendar collection URL.
	CalDAV string `yaml:"caldav,omitempty" json:"caldav,omitempty"`
	// ICS is a read-only feed URL.
	ICS string `yaml:"ics,omitempty" json:"ics,omitempty"`
	// Secret is the NAME of a credential the process resolves from its
	// environment or secrets file, never the credential itself.
	Secret string `yaml:"secret,omitempty" json:"secret,omitempty"`
}

// Room is a treatment room. A service listed by any room needs one of
// those rooms free; other services need no room.
type Room struct {
	ID       string   `yaml:"id" json:"id"`
	Name     string   `yaml:"name" json:"name"`
	Services []string `yaml:"services" json:"services"`
}

// ProviderByID returns the provider with the given id.
func (c *Clinic) ProviderByID(id string) (Provider, bool) {
	for _, p := range c.Providers {
		if p.ID == id {
			return p, true
		}
	}
	return Provider{}, false
}

// RoomByID returns the room with the given id.
func (c *Clinic) RoomByID(id string) (Room, bool) {
	for _, r := range c.Rooms {
		if r.ID == id {
			return r, true
		}
	}
	return Room{}, false
}

// ProviderName is the name of provider id, "" when the clinic has none of
// that id (the implicit provider among them).
func (c *Clinic) ProviderName(id string) string {
	if p, ok := c.ProviderByID(id); ok {
		return p.Name
	}
	return ""
}

// Performs reports whether p performs service id.
func (p Provider) Performs(id string) bool { return contains(p.Services, id) }

// Serves reports whether room r is equipped for service id.
func (r Room) Serves(id string) bool { return contains(r.Services, id) }

// HoursOn returns the provider's hours on a weekday: its own when it has
// any, the clinic's otherwise.
func (p Provider) HoursOn(c *Clinic, d time.Weekday) OpenHours {
	if len(p.Hours) == 0 {
		return c.HoursOn(d)
	}
	return hoursOn(p.Hours, d)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// calendarURLProblem says what is wrong with an external calendar URL, ""
// when nothing is.
func calendarURLProblem(s string) string {
	if s == "" {
		return ""
	}
	u, err := url.Parse(s)
	switch {
	case len(s) > MaxCalendarURLLen:
		return fmt.Sprintf("at most %d characters", MaxCalendarURLLen)
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return "must be an http or https URL"
	case u.User != nil:
		return "must not carry credentials; name them in secret"
	}
	return ""
}
