package conversation

import (
	"strings"
	"testing"
)

// TestNamedPickKeptAfterABareOrdinal: a lead who picks an offered time by
// its day or time of day, then sends "the first" or "2" written before
// reading the reply, keeps the time they named; the ordinal does not move
// the hold to another day or time of day from the list it was picked from.
func TestNamedPickKeptAfterABareOrdinal(t *testing.T) {
	tests := []struct {
		first, named, ordinal string
		want                  string // the time held at the end
	}{
		// Offers Mon Dec 7 5pm, Tue Dec 8 5pm, Wed Dec 9 5pm.
		{"botox after 5 any day?", "tuesday", "the first", "Tue Dec 8 at 5pm"},
		{"botox after 5 any day?", "wed works", "1", "Wed Dec 9 at 5pm"},
		{"do you have botox appts after 5?", "tomorrow", "ok the first one", "Tue Dec 8 at 5pm"},
		// Offers Fri Dec 11 9am, 11am, 1pm.
		{"botox friday", "afternoon", "2", "Fri Dec 11 at 1pm"},
		{"botox friday", "the afternoon one", "1st", "Fri Dec 11 at 1pm"},
	}
	for _, tt := range tests {
		script := strings.Join([]string{
			"> 2026-12-07T16:00:00Z sms: " + tt.first,
			"> 2026-12-07T16:01:00Z sms: " + tt.named,
			"> 2026-12-07T16:02:00Z sms: " + tt.ordinal,
		}, "\n") + "\n"
		out := runTranscript(t, script)
		var last string
		for _, l := range strings.Split(out, "\n") {
			if strings.HasPrefix(l, "< reply: ") {
				last = l
			}
		}
		if strings.Contains(out, "< release:") || !strings.Contains(last, tt.want) {
			t.Errorf("%q, %q, %q: last reply %q, want the hold kept on %s\n%s", tt.first, tt.named, tt.ordinal, last, tt.want, out)
		}
	}
}

// TestShortAnswersTakeTheOffer: a yes in other words takes the one time
// offered, and a bare "first available" takes the soonest of the times
// offered for the day asked, not the clinic's soonest on another day.
func TestShortAnswersTakeTheOffer(t *testing.T) {
	tests := []struct{ first, answer, want string }{
		{"botox wednesday at 1?", "ok cool", "Wed Dec 9 at 1pm"},
		{"botox wednesday at 1?", "kk", "Wed Dec 9 at 1pm"},
		{"botox wednesday at 1?", "alright then", "Wed Dec 9 at 1pm"},
		{"botox wednesday at 1?", "sounds gr8", "Wed Dec 9 at 1pm"},
		{"lip filler saturday any time", "first available", "Sat Dec 12 at 10am"},
		{"hydrafacial friday", "Earliest available!", "Fri Dec 11 at 9am"},
	}
	for _, tt := range tests {
		out := runTranscript(t, "> 2026-12-07T16:00:00Z sms: "+tt.first+"\n> 2026-12-07T16:01:00Z sms: "+tt.answer+"\n")
		if !strings.Contains(out, "is held for you") || !strings.Contains(out, "on "+tt.want) {
			t.Errorf("%q, %q: want %s held\n%s", tt.first, tt.answer, tt.want, out)
		}
	}
}
