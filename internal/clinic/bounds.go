package clinic

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/medspa/engine/internal/phone"
	"github.com/medspa/engine/internal/safetext"
)

// Bounds of a clinic's settings. A value outside them is refused field by
// field (FieldError), from the clinics file and from the settings API
// alike: they keep arithmetic on durations and amounts far from overflow
// and keep what the engine texts short and plain.
const (
	// MaxNameLen bounds the clinic's and each service's name, in
	// characters; both are texted to leads.
	MaxNameLen = 100
	// MaxServices bounds the catalog.
	MaxServices = 200
	// MaxAliases bounds the aliases of one service; MaxAliasLen each.
	MaxAliases  = 30
	MaxAliasLen = 100
	// MaxPriceUnitLen bounds a price unit ("unit", "syringe").
	MaxPriceUnitLen = 30
	// MaxAddressLen bounds the address.
	MaxAddressLen = 200
	// MaxPhoneNumbers bounds the clinic's texting numbers.
	MaxPhoneNumbers = 20
	// MaxDurationMinutes bounds a service's duration (10 hours).
	MaxDurationMinutes = 600
	// MaxHoldMinutes bounds how long a picked time is held (a day).
	MaxHoldMinutes = 24 * 60
	// MaxLeadTimeMinutes bounds the notice before the first offered time
	// (30 days).
	MaxLeadTimeMinutes = 30 * 24 * 60
	// MaxCancellationWindowHours bounds the cancellation window (30 days).
	MaxCancellationWindowHours = 30 * 24
	// MaxPriceCents bounds a price ($100,000).
	MaxPriceCents = 100_000_00
	// MaxDepositCents bounds a deposit ($10,000).
	MaxDepositCents = 10_000_00
	// MaxWebLeadCountryCodes bounds WebLeadCountryCodes.
	MaxWebLeadCountryCodes = 20
	// MaxProviders and MaxRooms bound the schedule's resources.
	MaxProviders = 50
	MaxRooms     = 50
	// MaxResourceIDLen bounds a provider's or room's id.
	MaxResourceIDLen = 64
	// MaxBufferMinutes bounds a service's cleanup time (4 hours).
	MaxBufferMinutes = 240
	// MaxCalendarURLLen bounds an external calendar's URL.
	MaxCalendarURLLen = 500
	// MaxSecretNameLen bounds the name of a calendar credential.
	MaxSecretNameLen = 100
)

// AcceptsWebLeadNumber reports whether the web form may start a
// conversation with an E.164 number for this clinic: a US or Canadian
// number, or one whose country code the clinic lists in
// WebLeadCountryCodes.
func (c *Clinic) AcceptsWebLeadNumber(e164 string) bool {
	if phone.USOrCanada(e164) {
		return true
	}
	cc := phone.CountryCode(e164)
	return cc != "" && cc != "1" && slices.Contains(c.WebLeadCountryCodes, cc)
}

// lineProblem says what is wrong with a one-line text field of at most max
// characters, "" when nothing is: empty when required, too long, or with
// control characters (a newline among them).
func lineProblem(s string, max int, required bool) string {
	n := utf8.RuneCountInString(s)
	switch {
	case required && strings.TrimSpace(s) == "":
		return "must not be empty"
	case n > max:
		return fmt.Sprintf("%d characters, at most %d", n, max)
	case !safetext.Line(s):
		return "must be one line without control characters"
	}
	return ""
}

// nameProblem is lineProblem for a name the engine texts to leads, which
// must not carry a link either.
func nameProblem(s string) string {
	if p := lineProblem(s, MaxNameLen, true); p != "" {
		return p
	}
	if l := strings.ToLower(s); strings.Contains(l, "://") || strings.Contains(l, "www.") {
		return "must not contain a link"
	}
	return ""
}

// validateBounds checks the clinic-wide settings against their bounds.
func (c *Clinic) validateBounds(bad func(field, format string, args ...any)) {
	if p := nameProblem(c.Name); p != "" {
		bad("name", "%s", p)
	}
	if p := lineProblem(c.Address, MaxAddressLen, false); p != "" {
		bad("address", "%s", p)
	}
	if n := len(c.PhoneNumbers); n > MaxPhoneNumbers {
		bad("phone_numbers", "%d numbers, at most %d", n, MaxPhoneNumbers)
	}
	seen := map[string]bool{}
	for i, n := range c.TwilioNumbers {
		if seen[n] {
			bad(fmt.Sprintf("twilio_numbers[%d]", i), "%q is listed twice", n)
		}
		seen[n] = true
	}
	for _, f := range []struct {
		name string
		v    int
		max  int
		unit string
	}{
		{"hold_minutes", c.HoldMinutes, MaxHoldMinutes, "minutes (a day)"},
		{"cancellation_window_hours", c.CancellationWindowHours, MaxCancellationWindowHours, "hours (30 days)"},
		{"lead_time_minutes", c.LeadTimeMinutes, MaxLeadTimeMinutes, "minutes (30 days)"},
	} {
		switch {
		case f.v < 0:
			bad(f.name, "must not be negative")
		case f.v > f.max:
			bad(f.name, "at most %d %s", f.max, f.unit)
		}
	}
	if n := len(c.WebLeadCountryCodes); n > MaxWebLeadCountryCodes {
		bad("web_lead_country_codes", "%d codes, at most %d", n, MaxWebLeadCountryCodes)
	}
	if c.WebForm != nil {
		c.WebForm.validate(bad)
	}
	codes := map[string]bool{}
	for i, cc := range c.WebLeadCountryCodes {
		field := fmt.Sprintf("web_lead_country_codes[%d]", i)
		switch {
		case cc == "1":
			bad(field, `US and Canadian numbers are always accepted; list other countries' codes only`)
		case !phone.IsCountryCode(cc):
			bad(field, "%q is not a country calling code: 1 to 3 digits without + (e.g. 44), of a country, not an international service", truncateRunes(cc, 8))
		case codes[cc]:
			bad(field, "%q is listed twice", cc)
		}
		codes[cc] = true
	}
}

// validateServiceBounds checks one service against the bounds.
func validateServiceBounds(s Service, field string, bad func(field, format string, args ...any)) {
	if p := nameProblem(s.Name); p != "" {
		bad(field+".name", "%s", p)
	}
	switch {
	case s.DurationMinutes <= 0:
		bad(field+".duration_minutes", "must be positive")
	case s.DurationMinutes > MaxDurationMinutes:
		bad(field+".duration_minutes", "at most %d minutes", MaxDurationMinutes)
	}
	switch {
	case s.PriceCents < 0:
		bad(field+".price_cents", "must not be negative")
	case s.PriceCents > MaxPriceCents:
		bad(field+".price_cents", "at most %d cents (%s)", MaxPriceCents, FormatCents(MaxPriceCents))
	}
	switch {
	case s.DepositCents < 0:
		bad(field+".deposit_cents", "must not be negative")
	case s.DepositCents > MaxDepositCents:
		bad(field+".deposit_cents", "at most %d cents (%s)", MaxDepositCents, FormatCents(MaxDepositCents))
	case s.PriceUnit == "" && s.DepositCents > s.PriceCents && s.PriceCents >= 0:
		// A price per unit (per syringe, per unit of Botox) is what one
		// unit costs; a visit buys several, so only a fixed price bounds
		// the deposit.
		bad(field+".deposit_cents", "more than the price; a deposit may exceed the price only when the price is per unit (price_unit)")
	}
	switch {
	case s.BufferMinutes < 0:
		bad(field+".buffer_minutes", "must not be negative")
	case s.BufferMinutes > MaxBufferMinutes:
		bad(field+".buffer_minutes", "at most %d minutes", MaxBufferMinutes)
	}
	if p := lineProblem(s.PriceUnit, MaxPriceUnitLen, false); p != "" {
		bad(field+".price_unit", "%s", p)
	}
	if n := len(s.Aliases); n > MaxAliases {
		bad(field+".aliases", "%d aliases, at most %d", n, MaxAliases)
	}
	for i, a := range s.Aliases {
		if p := lineProblem(a, MaxAliasLen, false); p != "" {
			bad(fmt.Sprintf("%s.aliases[%d]", field, i), "%s", p)
		}
	}
}

// truncateRunes cuts s to at most n characters, for quoting a bad value.
func truncateRunes(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
