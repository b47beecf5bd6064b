package leadsim

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
)

// TestGrammarLoads checks both splits parse, cover every act, service and
// kind of when, and use only placeholders the simulator fills.
func TestGrammarLoads(t *testing.T) {
	known := map[string]bool{"service": true, "when": true, "name": true, "first": true, "relation": true,
		"n": true, "ordinal": true, "time": true, "day": true,
		"weekday": true, "window": true, "clock": true, "hour": true, "month": true, "dom": true, "domth": true}
	ph := regexp.MustCompile(`\{([a-z]+)\}`)
	sizes := map[Split]int{}
	for _, split := range []Split{SplitDev, SplitHeldout} {
		g, err := Load(split)
		if err != nil {
			t.Fatal(err)
		}
		if miss := g.Missing(); len(miss) > 0 {
			t.Errorf("%s: no templates for %v", split, miss)
		}
		for _, sec := range Sections() {
			for _, tpl := range g.Templates(sec) {
				for _, m := range ph.FindAllStringSubmatch(tpl, -1) {
					if !known[m[1]] {
						t.Errorf("%s [%s] %q: unknown placeholder {%s}", split, sec, tpl, m[1])
					}
				}
				if strings.HasPrefix(sec, "when:") && strings.Contains(tpl, "{when}") {
					t.Errorf("%s [%s] %q: a when template names {when}", split, sec, tpl)
				}
			}
		}
		sizes[split] = g.Size()
	}
	share := float64(sizes[SplitHeldout]) / float64(sizes[SplitDev]+sizes[SplitHeldout])
	if share < 0.15 || share > 0.25 {
		t.Errorf("held-out split is %.0f%% of the templates, want about 20%%", 100*share)
	}
}

// TestGrammarSplitsDisjoint: no template is in both splits' section.
func TestGrammarSplitsDisjoint(t *testing.T) {
	dev, _ := Load(SplitDev)
	ho, _ := Load(SplitHeldout)
	for _, sec := range Sections() {
		seen := map[string]bool{}
		for _, tpl := range dev.Templates(sec) {
			seen[tpl] = true
		}
		for _, tpl := range ho.Templates(sec) {
			if seen[tpl] {
				t.Errorf("[%s] %q is in both splits", sec, tpl)
			}
		}
	}
}

func TestParseRejects(t *testing.T) {
	if _, err := Parse("x", "hello\n[greeting]\nhi\n"); err == nil {
		t.Error("a template before any section parsed")
	}
	if _, err := Parse("x", "[greeting]\nhi\n[greeting]\nhey\n"); err == nil {
		t.Error("a section twice parsed")
	}
	if _, err := Load("other"); err == nil {
		t.Error("an unknown split loaded")
	}
}

func TestFill(t *testing.T) {
	got := fill("it's for my {relation}, {name} {unknown}", map[string]string{"relation": "mom", "name": "Linda Park"})
	if want := "it's for my mom, Linda Park {unknown}"; got != want {
		t.Errorf("fill = %q, want %q", got, want)
	}
}

// TestNoiseKeepsName: typos never touch the lead's name.
func TestNoiseKeepsName(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	n := Noise{Typo: 100}
	for range 50 {
		got := n.apply(rng, "my name is Sarah-Jane Cole and I'd like botox tomorrow", "Sarah-Jane Cole")
		if !strings.Contains(got, "Sarah-Jane Cole") {
			t.Fatalf("name changed: %q", got)
		}
	}
}
