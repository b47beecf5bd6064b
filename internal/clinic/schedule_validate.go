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
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, &FieldError{Clinic: c.ID, Field: field, Problem: fmt.Sprintf(format, args...)})
	}
	services := map[string]bool{}
	for _, s := range c.Services {
		services[s.ID] = true
	}
	checkServices := func(field string, list []string) {
		if len(list) == 0 {
			bad(field, "at least one service is required")
		}
		if len(list) > MaxServices {
			bad(field, "%d services, at most %d", len(list), MaxServices)
			return
		}
		seen := map[string]bool{}
		for i, id := range list {
			switch {
			case !services[id]:
				bad(fmt.Sprintf("%s[%d]", field, i), "%q is not a service of the catalog", truncateRunes(id, 64))
			case seen[id]:
				bad(fmt.Sprintf("%s[%d]", field, i), "%q is listed twice", id)
			}
			seen[id] = true
		}
	}
	id := func(kind string, i int, id string) string {
		if validResourceID(id) {
			return fmt.Sprintf("%s[%s]", kind, id)
		}
		return fmt.Sprintf("%s[%d]", kind, i)
	}
	if n := len(c.Providers); n > MaxProviders {
		bad("providers", "%d providers, at most %d", n, MaxProviders)
	} else {
		seen := map[string]bool{}
		for i, p := range c.Providers {
			field := id("providers", i, p.ID)
			switch {
			case !validResourceID(p.ID):
				bad(field+".id", "must be 1-%d characters of a-z 0-9 -", MaxResourceIDLen)
			case seen[p.ID]:
				bad(field+".id", "duplicate provider id")
			}
			seen[p.ID] = true
			if pr := nameProblem(p.Name); pr != "" {
				bad(field+".name", "%s", pr)
			}
			checkServices(field+".services", p.Services)
			for _, day := range sortedKeys(p.Hours) {
				if _, err := parseDayHours(day, p.Hours[day]); err != nil {
					bad(field+".hours."+day, "%v", err)
				}
			}
			if cal := p.Calendar; cal != nil {
				if pr := calendarURLProblem(cal.CalDAV); pr != "" {
					bad(field+".calendar.caldav", "%s", pr)
				}
				if pr := calendarURLProblem(cal.ICS); pr != "" {
					bad(field+".calendar.ics", "%s", pr)
				}
				if cal.CalDAV != "" && cal.ICS != "" {
					bad(field+".calendar", "either caldav or ics, not both")
				}
				if pr := lineProblem(cal.Secret, MaxSecretNameLen, false); pr != "" {
					bad(field+".calendar.secret", "%s", pr)
				}
			}
		}
	}
	if len(c.Providers) > 0 && len(c.Providers) <= MaxProviders {
		for i, s := range c.Services {
			performed := false
			for _, p := range c.Providers {
				performed = performed || p.Performs(s.ID)
			}
			if !performed && messages.ValidToken(s.ID) {
				bad(fmt.Sprintf("services[%s]", s.ID), "no provider performs it; list it in a provider's services or remove it")
			} else if !performed {
				bad(fmt.Sprintf("services[%d]", i), "no provider performs it")
			}
		}
	}
	if n := len(c.Rooms); n > MaxRooms {
		bad("rooms", "%d rooms, at most %d", n, MaxRooms)
		return errs
	}
	seen := map[string]bool{}
	for i, r := range c.Rooms {
		field := id("rooms", i, r.ID)
		switch {
		case !validResourceID(r.ID):
			bad(field+".id", "must be 1-%d characters of a-z 0-9 -", MaxResourceIDLen)
		case seen[r.ID]:
			bad(field+".id", "duplicate room id")
		}
		seen[r.ID] = true
		if pr := nameProblem(r.Name); pr != "" {
			bad(field+".name", "%s", pr)
		}
		checkServices(field+".services", r.Services)
	}
	return errs
}
