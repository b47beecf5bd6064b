// Package phone normalizes phone numbers to E.164 and masks them for logs.
// It is part of the pure core: no I/O.
package phone

import (
	"errors"
	"fmt"
	"strings"
)

// ErrInvalid marks a string that is not a phone number this package accepts.
var ErrInvalid = errors.New("invalid phone number")

// Normalize returns the E.164 form of a phone number.
//
// North American (NANP) numbers are accepted as they are commonly written:
// "(312) 555-0123", "312.555.0123", "1-312-555-0123", "+1 312 555 0123",
// "3125550123". Other countries' numbers must carry their "+" and country
// code; they are accepted with 8 to 15 digits. Spaces, dashes, dots, slashes
// and parentheses are separators; any other character is an error.
func Normalize(s string) (string, error) {
	raw := strings.TrimSpace(s)
	if raw == "" {
		return "", fmt.Errorf("%w: empty", ErrInvalid)
	}
	raw = strings.TrimPrefix(raw, "tel:")
	plus := strings.HasPrefix(raw, "+")
	if plus {
		raw = raw[1:]
	}
	digits := make([]byte, 0, 16)
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case c >= '0' && c <= '9':
			digits = append(digits, c)
			if len(digits) > 15 {
				return "", fmt.Errorf("%w: more than 15 digits", ErrInvalid)
			}
		case c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '/' || c == '\t':
		default:
			return "", fmt.Errorf("%w: unexpected character at position %d", ErrInvalid, i)
		}
	}
	d := string(digits)
	switch {
	case plus && strings.HasPrefix(d, "1"):
		if len(d) != 11 {
			return "", fmt.Errorf("%w: a +1 number has 10 digits after the country code", ErrInvalid)
		}
		return nanp(d[1:])
	case plus:
		if len(d) < 8 {
			return "", fmt.Errorf("%w: fewer than 8 digits", ErrInvalid)
		}
		if d[0] == '0' {
			return "", fmt.Errorf("%w: country code cannot start with 0", ErrInvalid)
		}
		return "+" + d, nil
	case len(d) == 10:
		return nanp(d)
	case len(d) == 11 && d[0] == '1':
		return nanp(d[1:])
	default:
		return "", fmt.Errorf("%w: not a 10-digit US number; write other countries with + and country code", ErrInvalid)
	}
}

// nanp validates a 10-digit NANP number (area code and exchange start with
// 2-9) and returns it in E.164.
func nanp(d string) (string, error) {
	if d[0] < '2' || d[3] < '2' {
		return "", fmt.Errorf("%w: US area code and exchange cannot start with 0 or 1", ErrInvalid)
	}
	return "+1" + d, nil
}

// Valid reports whether s is already in E.164 form: "+", a non-zero digit,
// then 7 to 14 more digits.
func Valid(s string) bool {
	if len(s) < 9 || len(s) > 16 || s[0] != '+' || s[1] < '1' || s[1] > '9' {
		return false
	}
	for i := 2; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Mask hides a number for logs, keeping its country code and its last two
// digits: "+13125550123" becomes "+1********23". Anything that is not E.164
// is masked completely.
func Mask(e164 string) string {
	if !Valid(e164) {
		return "***"
	}
	cc := countryCodeLen(e164[1:])
	keep := 1 + cc
	hidden := len(e164) - keep - 2
	return e164[:keep] + strings.Repeat("*", hidden) + e164[len(e164)-2:]
}

// countryCodeLen returns the length of the ITU country code that starts
// digits: 1 for zones 1 and 7, 2 for the two-digit codes, 3 otherwise.
func countryCodeLen(d string) int {
	switch d[0] {
	case '1', '7':
		return 1
	}
	if twoDigit[d[:2]] {
		return 2
	}
	return 3
}

var twoDigit = map[string]bool{}

func init() {
	for _, cc := range strings.Fields(`20 27 30 31 32 33 34 36 39 40 41 43 44 45 46 47 48 49
		51 52 53 54 55 56 57 58 60 61 62 63 64 65 66 81 82 84 86 90 91 92 93 94 95 98`) {
		twoDigit[cc] = true
	}
}
