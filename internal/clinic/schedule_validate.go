package clinic

import (
	"fmt"

	"github.com/medspa/engine/messages"
)

// validResourceID reports whether id is a provider's or room's id: 1 to
// MaxResourceIDLen characters of a-z, 0-9 and -.
func validResourceID(id string) bool {
	if id == "" || len(id) > MaxResourceIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// validateSchedule checks providers and rooms: bounded, unique ids of
// a-z 0-9 -, names as texted to leads, services of the catalog, hours
// well formed, external calendars http(s) URLs.
func (c *Clinic) validateSchedule() []error {
	v := &scheduleCheck{c: c, services: map[string]bool{}}
	for _, s := range c.Services {
		v.services[s.ID] = true
	}
	v.providers()
	v.unperformedServices()
	v.rooms()
	return v.errs
}

// scheduleCheck collects the problems of a clinic's providers and rooms.
type scheduleCheck struct {
	c        *Clinic
	services map[string]bool // the ids of the catalog's services
	errs     []error
}

func (v *scheduleCheck) bad(field, format string, args ...any) {
	v.errs = append(v.errs, &FieldError{Clinic: v.c.ID, Field: field, Problem: fmt.Sprintf(format, args...)})
}

func (v *scheduleCheck) providers() {
	if n := len(v.c.Providers); n > MaxProviders {
		v.bad("providers", "%d providers, at most %d", n, MaxProviders)
		return
	}
	seen := map[string]bool{}
	for i, p := range v.c.Providers {
		field := v.resource("providers", "provider", i, p.ID, p.Name, p.Services, seen)
		for _, day := range sortedKeys(p.Hours) {
			if _, err := parseDayHours(day, p.Hours[day]); err != nil {
				v.bad(field+".hours."+day, "%v", err)
			}
		}
		if p.Calendar != nil {
			v.calendar(field+".calendar", *p.Calendar)
		}
	}
}

func (v *scheduleCheck) rooms() {
	if n := len(v.c.Rooms); n > MaxRooms {
		v.bad("rooms", "%d rooms, at most %d", n, MaxRooms)
		return
	}
	seen := map[string]bool{}
	for i, r := range v.c.Rooms {
		v.resource("rooms", "room", i, r.ID, r.Name, r.Services, seen)
	}
}

// resource checks what providers and rooms (kind) have alike: an id of
// a-z 0-9 - that no other one of them (seen) has, a name and the services
// performed. It returns the field of entry i.
func (v *scheduleCheck) resource(kind, noun string, i int, id, name string, services []string, seen map[string]bool) string {
	field := fmt.Sprintf("%s[%d]", kind, i)
	if validResourceID(id) {
		field = fmt.Sprintf("%s[%s]", kind, id)
	}
	switch {
	case !validResourceID(id):
		v.bad(field+".id", "must be 1-%d characters of a-z 0-9 -", MaxResourceIDLen)
	case seen[id]:
		v.bad(field+".id", "duplicate %s id", noun)
	}
	seen[id] = true
	if pr := nameProblem(name); pr != "" {
		v.bad(field+".name", "%s", pr)
	}
	v.serviceList(field+".services", services)
	return field
}

// serviceList checks the services a provider or room lists: one or more,
// at most MaxServices, each of the catalog and listed once.
func (v *scheduleCheck) serviceList(field string, list []string) {
	if len(list) == 0 {
		v.bad(field, "at least one service is required")
	}
	if len(list) > MaxServices {
		v.bad(field, "%d services, at most %d", len(list), MaxServices)
		return
	}
	seen := map[string]bool{}
	for i, id := range list {
		switch {
		case !v.services[id]:
			v.bad(fmt.Sprintf("%s[%d]", field, i), "%q is not a service of the catalog", truncateRunes(id, 64))
		case seen[id]:
			v.bad(fmt.Sprintf("%s[%d]", field, i), "%q is listed twice", id)
		}
		seen[id] = true
	}
}

// calendar checks a provider's external calendar: a caldav or an ics URL,
// not both, and the name of its secret.
func (v *scheduleCheck) calendar(field string, cal ExternalCalendar) {
	if pr := calendarURLProblem(cal.CalDAV); pr != "" {
		v.bad(field+".caldav", "%s", pr)
	}
	if pr := calendarURLProblem(cal.ICS); pr != "" {
		v.bad(field+".ics", "%s", pr)
	}
	if cal.CalDAV != "" && cal.ICS != "" {
		v.bad(field, "either caldav or ics, not both")
	}
	if pr := lineProblem(cal.Secret, MaxSecretNameLen, false); pr != "" {
		v.bad(field+".secret", "%s", pr)
	}
}

// unperformedServices finds the catalog's services that no provider
// performs (when the clinic lists providers, and not too many).
func (v *scheduleCheck) unperformedServices() {
	if len(v.c.Providers) == 0 || len(v.c.Providers) > MaxProviders {
		return
	}
	for i, s := range v.c.Services {
		performed := false
		for _, p := range v.c.Providers {
			performed = performed || p.Performs(s.ID)
		}
		if !performed && messages.ValidToken(s.ID) {
			v.bad(fmt.Sprintf("services[%s]", s.ID), "no provider performs it; list it in a provider's services or remove it")
		} else if !performed {
			v.bad(fmt.Sprintf("services[%d]", i), "no provider performs it")
		}
	}
}
