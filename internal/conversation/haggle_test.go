package conversation

import (
	"strings"
	"testing"
	"time"
)

// TestHaggleAnswered: a lead who bargains over the price hears that the
// price stands and, when the clinic set one, its current special, else that
// the team can talk about pricing; the times stay on offer and no discount
// the clinic did not set is promised.
func TestHaggleAnswered(t *testing.T) {
	special := *glow(t)
	special.Specials = "Free dermaplane add-on with any HydraFacial this month."
	tests := []struct {
		name     string
		specials bool
		lines    []string
		want     []string
	}{
		{"price high, no specials", false, []string{"hydrafacial friday", "ugh kinda pricey, could you go lower?"},
			[]string{"I understand!", "HydraFacial is $199", "our team is happy to talk about pricing", "Reply 1, 2 or 3"}},
		{"deal asked first, no service yet", false, []string{"any specials for new clients?"},
			[]string{"Good question!", "talk about pricing", "What treatment"}},
		{"deal with the clinic's special", true, []string{"hydrafacial friday", "any promos going on?"},
			[]string{"Good question!", "Our current special: Free dermaplane add-on with any HydraFacial this month.", "Reply 1, 2 or 3"}},
	}
	for _, tt := range tests {
		c := glow(t)
		if tt.specials {
			c = &special
		}
		var s State
		var last []Effect
		now := t0
		for _, line := range tt.lines {
			var err error
			s, last, err = Decide(s, c, sms(c, c.PhoneNumbers[0], line), now)
			if err != nil {
				t.Fatal(err)
			}
			now = now.Add(time.Minute)
		}
		got := strings.Join(replies(last), "\n")
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: reply %q, want %q in it", tt.name, got, w)
			}
		}
		for _, bad := range []string{"% off", "discount"} {
			if !tt.specials && strings.Contains(got, bad) {
				t.Errorf("%s: reply %q promises a discount the clinic did not set", tt.name, got)
			}
		}
		if s.Phase == PhaseHandedToStaff {
			t.Errorf("%s: handed to staff; a haggle keeps the booking going", tt.name)
		}
	}
}
