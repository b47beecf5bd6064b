// Package safetext is the one rule for control characters in text that
// comes from outside (carriers' webhooks, the web form, staff and
// settings): a message body keeps its line breaks and tabs and loses every
// other control character; a name or a setting holds none, and is refused
// when it does. It is part of the pure core: no I/O.
//
// Control characters are Unicode's (category Cc): C0 (U+0000–U+001F), DEL
// and C1 (U+0080–U+009F). A carriage return is a line break: CRLF and a
// lone CR become LF in a body, and count as line breaks in Lines.
package safetext

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Body returns s as a message body is kept: CRLF and a lone CR become LF,
// every control character other than LF and tab is removed, and bytes that
// are not UTF-8 become U+FFFD. Text without any of them is returned as it
// is.
func Body(s string) string {
	if clean(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i, r := range s {
		switch {
		case r == '\r':
			if i+1 < len(s) && s[i+1] == '\n' {
				continue // the LF that follows is kept
			}
			b.WriteByte('\n')
		case r == '\n' || r == '\t':
			b.WriteRune(r)
		case unicode.IsControl(r):
		default:
			b.WriteRune(r) // utf8.RuneError for a byte that is not UTF-8
		}
	}
	return b.String()
}

// clean reports whether Body would return s unchanged.
func clean(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < ' ' && c != '\n' && c != '\t' || c == 0x7f {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || unicode.IsControl(r) {
			return false
		}
		i += size
	}
	return true
}

// Line reports whether s holds no control character at all, a line break
// and a tab among them: what a name or a one-line setting may hold.
func Line(s string) bool {
	return strings.IndexFunc(s, unicode.IsControl) < 0
}

// Lines reports whether s holds no control character other than line
// breaks (LF, CR) and tabs: what a longer text kept as written (the
// consent wording a lead was shown) may hold.
func Lines(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool {
		return unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t'
	}) < 0
}
