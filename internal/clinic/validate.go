package clinic

import (
	"errors"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/medspa/engine/internal/phone"
	"github.com/medspa/engine/internal/safetext"
	"github.com/medspa/engine/messages"
)

// FieldError is one problem Validate found: which field, and what is wrong.
type FieldError struct {
	Clinic  string
	Field   string // e.g. "hours.mon", "services[botox].price_cents"
	Problem string
}

func (e *FieldError) Error() string {
	return fmt.Sprintf("clinic %q: %s: %s", e.Clinic, e.Field, e.Problem)
}

// FieldErrors lists the field problems in an error from Validate (or one
// wrapping it), keyed by field; nil when it holds none.
func FieldErrors(err error) map[string]string {
	var out map[string]string
	var walk func(error)
	walk = func(err error) {
		var fe *FieldError
		switch x := err.(type) {
		case interface{ Unwrap() []error }:
			for _, e := range x.Unwrap() {
				walk(e)
			}
			return
		}
		if errors.As(err, &fe) {
			if out == nil {
				out = map[string]string{}
			}
			if prev, ok := out[fe.Field]; ok {
				out[fe.Field] = prev + "; " + fe.Problem
			} else {
				out[fe.Field] = fe.Problem
			}
		}
	}
	walk(err)
	return out
}

// FieldNames lists, sorted, the fields FieldErrors would name: safe to log,
// unlike the problems, which quote the values (phone numbers among them).
func FieldNames(err error) []string {
	return slices.Sorted(maps.Keys(FieldErrors(err)))
}

// Validate checks one clinic. Every error names the clinic and the field;
// all problems found are reported together.
func (c *Clinic) Validate() error {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, &FieldError{Clinic: c.ID, Field: field, Problem: fmt.Sprintf(format, args...)})
	}
	if !messages.ValidToken(c.ID) {
		bad("id", "must be 1-64 characters of A-Z a-z 0-9 _ -")
	}
	if c.Timezone == "" || c.Timezone == "Local" || !safetext.Line(c.Timezone) {
		bad("timezone", "must be an IANA zone such as America/Chicago")
	} else if _, err := loadLocation(c.Timezone); err != nil {
		bad("timezone", "%q: %v", c.Timezone, err)
	}
	if len(c.PhoneNumbers) == 0 {
		bad("phone_numbers", "at least one number is required")
	}
	own := map[string]bool{}
	for i, n := range c.PhoneNumbers {
		field := fmt.Sprintf("phone_numbers[%d]", i)
		if norm, err := phone.Normalize(n); err != nil {
			bad(field, "%q: %v", n, err)
		} else if norm != n {
			bad(field, "%q is not E.164, write %q", n, norm)
		}
		if own[n] {
			bad(field, "%q is listed twice", n)
		}
		own[n] = true
	}
	for i, n := range c.TwilioNumbers {
		if !own[n] {
			bad(fmt.Sprintf("twilio_numbers[%d]", i), "%q is not one of phone_numbers", n)
		}
	}
	for _, day := range sortedKeys(c.Hours) {
		if _, err := parseDayHours(day, c.Hours[day]); err != nil {
			bad("hours."+day, "%v", err)
		}
	}
	c.validateBounds(bad)
	errs = append(errs, c.validateServices()...)
	errs = append(errs, c.validateSchedule()...)
	if c.ReviewLink != "" {
		if u, err := url.Parse(c.ReviewLink); err != nil || u.Scheme != "https" || u.Host == "" || len(c.ReviewLink) > 300 {
			bad("review_link", "must be an https URL of at most 300 characters")
		}
	}
	if n := utf8.RuneCountInString(c.Specials); n > MaxSpecials {
		bad("specials", "%d characters, at most %d", n, MaxSpecials)
	}
	if !safetext.Line(c.Specials) {
		bad("specials", "must be one line without control characters")
	}
	if n := utf8.RuneCountInString(c.Assistant.Persona); n > MaxPersona {
		bad("assistant.persona", "%d characters, at most %d", n, MaxPersona)
	}
	if !safetext.Line(c.Assistant.Persona) {
		bad("assistant.persona", "must be one line without control characters")
	}
	return errors.Join(errs...)
}

func (c *Clinic) validateServices() []error {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, &FieldError{Clinic: c.ID, Field: field, Problem: fmt.Sprintf(format, args...)})
	}
	if n := len(c.Services); n > MaxServices {
		bad("services", "%d services, at most %d", n, MaxServices)
	}
	ids := map[string]bool{}
	phrases := map[string]string{} // normalized name or alias -> service id
	for i, s := range c.Services {
		field := fmt.Sprintf("services[%d]", i)
		if messages.ValidToken(s.ID) {
			field = fmt.Sprintf("services[%s]", s.ID)
		}
		switch {
		case !messages.ValidToken(s.ID):
			bad(field+".id", "must be 1-64 characters of A-Z a-z 0-9 _ -")
		case ids[s.ID]:
			bad(field+".id", "duplicate service id")
		}
		ids[s.ID] = true
		validateServiceBounds(s, field, bad)
		for _, p := range append([]string{s.Name}, s.Aliases...) {
			key := strings.Join(words(p), " ")
			if key == "" {
				bad(field+".aliases", "empty alias")
				continue
			}
			if other, dup := phrases[key]; dup && other != s.ID {
				bad(field+".aliases", "%q also names service %q", p, other)
			}
			phrases[key] = s.ID
		}
	}
	return errs
}
