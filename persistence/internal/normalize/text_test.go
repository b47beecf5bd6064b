package normalize

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestText(t *testing.T) {
	for in, want := range map[string]string{
		"":                     "",
		"How much is Botox?":   "How much is Botox?",
		"Hi\x00 there\x00":     "Hi there",
		"caf\xe9":              "caf\uFFFD",
		"line\nand\ttab":       "line\nand\ttab",
		"emoji 💉 stays":        "emoji 💉 stays",
		"\x00\xff\x00":         "\uFFFD",
		"ok\u0001control kept": "ok\u0001control kept", // the edge removes those; the stores need not
	} {
		if got := Text(in); got != want {
			t.Errorf("Text(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzText: whatever comes in, what is stored is UTF-8 without NUL, and
// cleaning it again changes nothing.
func FuzzText(f *testing.F) {
	for _, s := range []string{"", "Hi\x00", "caf\xe9", "\xff\xfe\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Text(s)
		if !utf8.ValidString(got) || strings.IndexByte(got, 0) >= 0 {
			t.Fatalf("Text(%q) = %q", s, got)
		}
		if Text(got) != got {
			t.Fatalf("Text is not idempotent on %q", s)
		}
	})
}
