package gateway

import (
	"strings"
	"testing"
	"unicode"
)

// FuzzWebLeadName: whatever a form sends as its name, the check does not
// panic, and a name it accepts has a letter and nothing a link, a number
// or markup needs.
func FuzzWebLeadName(f *testing.F) {
	for _, s := range []string{"Dana Whitfield", "J.R. Smith", "Zoë O'Brien-Smith", "http://evil.example/win", "www.x.y", "李小龙", "a\u0301", "\u0301a", "Win $5", ".-'"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !nameOK(s) {
			return
		}
		if strings.IndexFunc(s, unicode.IsLetter) < 0 {
			t.Fatalf("accepted %q without a letter", s)
		}
		if strings.ContainsAny(s, "0123456789:/@$<>&%?=#_") || strings.IndexFunc(s, unicode.IsDigit) >= 0 || strings.IndexFunc(s, unicode.IsControl) >= 0 {
			t.Fatalf("accepted %q", s)
		}
		for i := strings.IndexByte(s, '.'); i >= 0 && i+1 < len(s); {
			rest := []rune(s[i+1:])
			if len(rest) >= 2 && unicode.IsLetter(rest[0]) && unicode.IsLetter(rest[1]) {
				t.Fatalf("accepted %q: a dot before two letters", s)
			}
			j := strings.IndexByte(s[i+1:], '.')
			if j < 0 {
				break
			}
			i += 1 + j
		}
	})
}
