package phone

import (
	"errors"
	"regexp"
	"testing"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"(312) 555-0123", "+13125550123"},
		{"312.555.0123", "+13125550123"},
		{"1-312-555-0123", "+13125550123"},
		{"+1 312 555 0123", "+13125550123"},
		{"3125550123", "+13125550123"},
		{"  +1 (312) 555-0123 ", "+13125550123"},
		{"13125550123", "+13125550123"},
		{"tel:+13125550123", "+13125550123"},
		{"312/555-0123", "+13125550123"},
		{"+44 20 7946 0958", "+442079460958"},
		{"+4915123456789", "+4915123456789"},
		{"+33 6 12 34 56 78", "+33612345678"},
	}
	for _, tt := range tests {
		got, err := Normalize(tt.in)
		if err != nil {
			t.Errorf("Normalize(%q): %v", tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNormalizeRejects(t *testing.T) {
	for _, in := range []string{
		"",
		"   ",
		"hello",
		"555-0123",            // too short
		"312-555-0123 x12",    // extension
		"0125550123",          // area code starts with 0
		"3121550123",          // exchange starts with 1
		"23125550123",         // 11 digits not starting with 1
		"+1 312 555 012",      // +1 with 9 digits
		"+1 312 555 01234",    // +1 with 11 digits
		"+44 20",              // too short
		"+0 123 456 7890",     // country code 0
		"+1234567890123456",   // 16 digits
		"++13125550123",       // double plus
		"+1 312 555 0123 ext", // trailing garbage
		"312-555-0123\x00",
	} {
		got, err := Normalize(in)
		if err == nil {
			t.Errorf("Normalize(%q) = %q, want an error", in, got)
			continue
		}
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("Normalize(%q) error %v does not wrap ErrInvalid", in, err)
		}
	}
}

func TestMask(t *testing.T) {
	tests := []struct{ in, want string }{
		{"+13125550123", "+1********23"},
		{"+442079460958", "+44********58"},
		{"+4915123456789", "+49*********89"},
		{"+35312345678", "+353******78"},
		{"+79161234567", "+7********67"},
		{"3125550123", "***"},
		{"", "***"},
	}
	for _, tt := range tests {
		if got := Mask(tt.in); got != tt.want {
			t.Errorf("Mask(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

var e164 = regexp.MustCompile(`^\+[1-9][0-9]{7,14}$`)

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{
		"(312) 555-0123", "312.555.0123", "1-312-555-0123", "+1 312 555 0123",
		"3125550123", "+44 20 7946 0958", "hello", "", "+", "++1", "tel:+1",
		"1 (800) 555-0199", "+999999999999999",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := Normalize(s)
		if err != nil {
			return
		}
		if !e164.MatchString(got) {
			t.Fatalf("Normalize(%q) = %q, not E.164", s, got)
		}
		if !Valid(got) {
			t.Fatalf("Valid(%q) = false for a normalized number", got)
		}
		again, err := Normalize(got)
		if err != nil || again != got {
			t.Fatalf("Normalize(%q) = %q, %v; want it unchanged", got, again, err)
		}
		if m := Mask(got); len(m) != len(got) || m[len(m)-2:] != got[len(got)-2:] {
			t.Fatalf("Mask(%q) = %q", got, m)
		}
	})
}
