package compliance

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestTexts(t *testing.T) {
	long := strings.Repeat("Glow Aesthetics & Laser ", 20)
	for _, clinic := range []string{"Glow Med Spa", "", long} {
		out := OptOutConfirmation(clinic)
		in := OptInConfirmation(clinic)
		help := HelpText(clinic, "(312) 555-0100")
		for _, s := range []string{out, in, help} {
			if n := utf8.RuneCountInString(s); n > 320 {
				t.Errorf("%d characters, want <= 320: %q", n, s)
			}
			if !strings.HasPrefix(s, name(clinic)) {
				t.Errorf("%q does not start with the clinic name", s)
			}
		}
		for _, want := range []string{"no more messages", "START"} {
			if !strings.Contains(out, want) {
				t.Errorf("opt-out confirmation %q lacks %q", out, want)
			}
		}
		for _, want := range []string{"Msg & data rates may apply", "(312) 555-0100", "STOP", "appointments"} {
			if !strings.Contains(help, want) {
				t.Errorf("help %q lacks %q", help, want)
			}
		}
		for _, want := range []string{"subscribed again", "STOP", "HELP"} {
			if !strings.Contains(in, want) {
				t.Errorf("opt-in confirmation %q lacks %q", in, want)
			}
		}
	}
	if h := HelpText("Glow", ""); !strings.Contains(h, "contact the clinic") {
		t.Errorf("help without a phone: %q", h)
	}
}
