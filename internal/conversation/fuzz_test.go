package conversation

import (
	"testing"
	"unicode/utf8"

	"github.com/medspa/engine/messages"
)

var seedTexts = []string{
	"How much is Botox?", "I'm Jane", "my name is", "Jane here", "hydrafacail", "",
	"I’m Mary-Jane O'Neil here!!", "this is", "im", "$$$", "🙂 hi", "- ' -", "name is",
	"What are your hours? Open sunday?", "yes I'm Sarah McKay and I want lips",
}

func FuzzDecide(f *testing.F) {
	for _, s := range seedTexts {
		f.Add(s, s)
	}
	c := glow(f)
	f.Fuzz(func(t *testing.T, first, second string) {
		var s State
		for i, text := range []string{first, second} {
			next, effects, err := Decide(s, c, sms(c, c.PhoneNumbers[0], text), t0)
			if err != nil {
				t.Fatalf("Decide(%q): %v", text, err)
			}
			rs := replies(effects)
			if len(rs) == 0 && next.Pending != nil {
				s = next // a hold request: the clinic's answer replies
				continue
			}
			if len(rs) != 1 && next.Phase != PhaseHandedToStaff && next.Phase != PhaseOptedOut {
				t.Fatalf("Decide(%q) gave %d replies", text, len(rs))
			}
			if len(rs) == 0 {
				s = next
				continue
			}
			if n := utf8.RuneCountInString(rs[0]); n > MaxReply || n == 0 {
				t.Fatalf("Decide(%q) reply of %d characters", text, n)
			}
			if i == 0 && next.Phase != PhaseQualifying && next.Phase != PhaseOffering && next.Phase != PhaseOptedOut &&
				next.Phase != PhaseHandedToStaff {
				t.Fatalf("phase after first message = %s", next.Phase)
			}
			for _, e := range effects {
				if r, ok := e.(Reply); ok && r.Purpose != messages.PurposeReply {
					t.Fatalf("purpose %s", r.Purpose)
				}
			}
			checkCompliance(t, i, c, s, next, effects, t0)
			s = next
		}
	})
}
