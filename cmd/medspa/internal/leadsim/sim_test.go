package leadsim

import (
	"strings"
	"testing"
)

// Floors of the simulator test: what the engine reached when the
// simulator was written, less a margin, so a change that loses leads
// fails. The dialogue logic is being improved in parallel (issue 13 aims
// at 97 % on dev and 92 % on held-out, at most 3 and 5 median turns, no
// cooperative hand-off, no question asked more than twice); raise the
// floors as it improves, never lower them to let a change through.
const (
	simSeed          = 13
	simConversations = 500 // per split

	// On this seed the engine reached 100.0 % on dev and 99.6 % on
	// held-out (numbered treatment menu, names before a dash, treatment
	// head words); the engine of commit c0cfc59 98.2 % and 98.0 %.
	floorSuccessDev     = 98.5 // percent
	floorSuccessHeldout = 98.0 // percent
	// Ceilings on the medians of turns to a hold (reached: 2 and 2).
	ceilTurnsNamed = 3.0
	ceilTurnsOther = 3.0
	// Ceilings on shares of conversations, in percent. Both are issue 13's
	// targets: no cooperative lead handed off, no question asked more than
	// twice (reached: none on either split).
	ceilCoopHandoffs = 0.0
	ceilRepeated     = 0.0
)

// TestSimulatedLeads plays simConversations personas on each split against
// the core and holds the result to the floors.
func TestSimulatedLeads(t *testing.T) {
	var sums []Summary
	for _, split := range []Split{SplitDev, SplitHeldout} {
		convs, err := Run(Options{N: simConversations, Seed: simSeed, Split: split})
		if err != nil {
			t.Fatal(err)
		}
		sums = append(sums, Summarize(split, convs))
	}
	var b strings.Builder
	WriteTable(&b, sums)
	t.Logf("seed %d, %d conversations per split:\n%s", simSeed, simConversations, b.String())
	for _, s := range sums {
		floor := floorSuccessDev
		if s.Split == SplitHeldout {
			floor = floorSuccessHeldout
		}
		if got := s.SuccessRate(); got < floor {
			t.Errorf("%s: task success %.1f%%, floor %.1f%%", s.Split, got, floor)
		}
		if m := Median(s.TurnsNamed); m > ceilTurnsNamed {
			t.Errorf("%s: median turns to a hold when the first text names service and day %.1f, at most %.1f", s.Split, m, ceilTurnsNamed)
		}
		if m := Median(s.TurnsOther); m > ceilTurnsOther {
			t.Errorf("%s: median turns to a hold otherwise %.1f, at most %.1f", s.Split, m, ceilTurnsOther)
		}
		if p := 100 * float64(s.HandoffsCoop) / float64(s.N); p > ceilCoopHandoffs {
			t.Errorf("%s: %.1f%% of conversations handed a cooperative lead off, at most %.1f%%", s.Split, p, ceilCoopHandoffs)
		}
		if p := 100 * float64(s.Repeated) / float64(s.N); p > ceilRepeated {
			t.Errorf("%s: %.1f%% of conversations asked a question more than twice, at most %.1f%%", s.Split, p, ceilRepeated)
		}
		if s.Categories[CatError] > 0 {
			t.Errorf("%s: the core refused %d messages", s.Split, s.Categories[CatError])
		}
	}
}

// TestRunDeterministic: a seed gives the same conversations.
func TestRunDeterministic(t *testing.T) {
	a, err := Run(Options{N: 40, Seed: 7, Split: SplitDev})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Run(Options{N: 40, Seed: 7, Split: SplitDev})
	for i := range a {
		var x, y strings.Builder
		WriteTranscript(&x, a[i])
		WriteTranscript(&y, b[i])
		if x.String() != y.String() {
			t.Fatalf("conversation %d differs between two runs:\n%s\n%s", i, x.String(), y.String())
		}
	}
}

// TestPersonasSameAcrossSplits: both splits meet the same personas.
func TestPersonasSameAcrossSplits(t *testing.T) {
	dev, _ := Run(Options{N: 20, Seed: 3, Split: SplitDev})
	ho, _ := Run(Options{N: 20, Seed: 3, Split: SplitHeldout})
	for i := range dev {
		p, q := dev[i].Persona, ho[i].Persona
		if p.Clinic.ID != q.Clinic.ID || p.Service.ID != q.Service.ID || p.Name != q.Name || !p.Start.Equal(q.Start) || p.Goal.Kind != q.Goal.Kind {
			t.Errorf("persona %d differs between splits", i)
		}
	}
}
