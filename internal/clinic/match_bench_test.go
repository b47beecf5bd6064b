package clinic

import "testing"

// BenchmarkMatchService reads the treatment in texts as leads write them,
// most naming none: the cost the decision pays on every inbound text.
//
//	go test ./internal/clinic -run '^$' -bench MatchService -benchmem
func BenchmarkMatchService(b *testing.B) {
	c := Demo()[0]
	texts := []string{
		"How much is Botox?",
		"hey do u have anything tmrw after 5 for a hydra facial",
		"the first one works, thanks so much",
		"Hi! What are your hours on Saturday and how much is lip filler? I'd love to come in this Saturday if you have room",
		"my name is Jennifer Lopez-Garcia",
		"lhr for bikini area, when can u fit me in",
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		c.MatchService(texts[i%len(texts)])
	}
}
