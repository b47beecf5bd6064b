package clinic

import (
	"strconv"
	"strings"
)

// FormatPrice describes a service's price for a text message: "$12 per
// unit", "$650 per syringe", "$199", "free".
func FormatPrice(s Service) string {
	if s.PriceCents == 0 {
		return "free"
	}
	p := FormatCents(s.PriceCents)
	if s.PriceUnit != "" {
		p += " per " + s.PriceUnit
	}
	return p
}

// FormatCents formats an amount of US cents: "$12", "$1,250", "$49.50".
func FormatCents(cents int64) string {
	neg := cents < 0
	if neg {
		cents = -cents
	}
	dollars := strconv.FormatInt(cents/100, 10)
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	b.WriteByte('$')
	for i, r := range dollars {
		if i > 0 && (len(dollars)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if rest := cents % 100; rest != 0 {
		b.WriteByte('.')
		if rest < 10 {
			b.WriteByte('0')
		}
		b.WriteString(strconv.FormatInt(rest, 10))
	}
	return b.String()
}
