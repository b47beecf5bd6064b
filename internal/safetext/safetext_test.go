package safetext

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestBody(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"Hi, is 3pm free?", "Hi, is 3pm free?"},
		{"line one\nline two\tend", "line one\nline two\tend"},
		{"a\x00b", "ab"},
		{"\x1b[31mred\x1b[0m", "[31mred[0m"},
		{"bell\a del\x7f", "bell del"},
		{"c1\u0085\u009bend", "c1end"},
		{"crlf\r\nnext", "crlf\nnext"},
		{"lone\rcr", "lone\ncr"},
		{"ends\r", "ends\n"},
		{"bad \xff byte", "bad \uFFFD byte"},
		{"émoji 😀 and ’ stay", "émoji 😀 and ’ stay"},
		{"\x00\x01\x02", ""},
	} {
		if got := Body(tc.in); got != tc.want {
			t.Errorf("Body(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestLineAndLines(t *testing.T) {
	for _, tc := range []struct {
		in          string
		line, lines bool
	}{
		{"Jo Smith", true, true},
		{"", true, true},
		{"two\nlines", false, true},
		{"crlf\r\nlines", false, true},
		{"tab\there", false, true},
		{"nul\x00", false, false},
		{"esc\x1b[2J", false, false},
		{"del\x7f", false, false},
		{"c1\u0085", false, false},
		{"Zoë O’Neil", true, true},
	} {
		if got := Line(tc.in); got != tc.line {
			t.Errorf("Line(%q) = %v, want %v", tc.in, got, tc.line)
		}
		if got := Lines(tc.in); got != tc.lines {
			t.Errorf("Lines(%q) = %v, want %v", tc.in, got, tc.lines)
		}
	}
}

func FuzzBody(f *testing.F) {
	for _, s := range []string{"hello", "a\x00b", "\r\n\r", "\x1b[0m", "\xff\xfe", "\u0085"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Body(s)
		if !utf8.ValidString(got) {
			t.Fatalf("Body(%q) = %q: not UTF-8", s, got)
		}
		if !Lines(got) || strings.ContainsRune(got, '\r') {
			t.Fatalf("Body(%q) = %q keeps a control character", s, got)
		}
		if Body(got) != got {
			t.Fatalf("Body is not idempotent on %q", s)
		}
		if clean(s) != (got == s) {
			t.Fatalf("clean(%q) = %v but Body changed it to %q", s, clean(s), got)
		}
		// Nothing but control characters (and bad bytes) is lost.
		var kept []rune
		for _, r := range s {
			if r == '\r' || !unicode.IsControl(r) || r == '\n' || r == '\t' {
				kept = append(kept, r)
			}
		}
		if n := utf8.RuneCountInString(got); n != len(kept)-strings.Count(s, "\r\n") {
			t.Fatalf("Body(%q) = %q: %d characters, want %d", s, got, n, len(kept)-strings.Count(s, "\r\n"))
		}
	})
}
