package understand

import (
	"testing"
	"time"
)

var seedTexts = []string{
	"How much is Botox?", "I'm Jane", "my name is", "Jane here", "hydrafacail", "",
	"I’m Mary-Jane O'Neil here!!", "this is", "im", "$$$", "🙂 hi", "- ' -", "name is",
	"What are your hours? Open sunday?", "yes I'm Sarah McKay and I want lips",
}

func FuzzUnderstand(f *testing.F) {
	for _, s := range seedTexts {
		f.Add(s)
	}
	c := glow(f)
	known := map[Intent]bool{}
	for _, i := range Intents() {
		known[i] = true
	}
	f.Fuzz(func(t *testing.T, text string) {
		u := Text(text, c, time.Time{})
		if !known[u.Intent] {
			t.Fatalf("Text(%q) gave unknown intent %q", text, u.Intent)
		}
		if len(u.Name) > MaxNameLen {
			t.Fatalf("Text(%q) gave a %d-byte name", text, len(u.Name))
		}
		if u.ServiceID != "" {
			if _, ok := c.ServiceByID(u.ServiceID); !ok {
				t.Fatalf("Text(%q) gave unknown service %q", text, u.ServiceID)
			}
		}
	})
}
