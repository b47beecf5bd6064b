package understand

import (
	"testing"
	"time"
)

// BenchmarkAnswer reads texts as leads write them, as the answer to a pick
// among three offers: the understanding's share of every decision.
//
//	go test ./internal/understand -run '^$' -bench Answer -benchmem
func BenchmarkAnswer(b *testing.B) {
	c := glow(b)
	now := time.Date(2026, 11, 20, 18, 10, 0, 0, time.UTC)
	texts := []string{
		"How much is Botox?",
		"hey do u have anything tmrw after 5 for a hydra facial",
		"the first one works, thanks so much",
		"Hi! What are your hours on Saturday and how much is lip filler? I'd love to come in this Saturday if you have room",
		"my name is Jennifer Lopez-Garcia",
		"9 works",
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		Answer(texts[i%len(texts)], c, now, Question{Slot: SlotPick, Offers: 3})
	}
}
