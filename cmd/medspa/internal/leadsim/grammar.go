package leadsim

import (
	_ "embed"
	"fmt"
	"math/rand/v2"
	"strings"
)

// Split names a part of the grammar.
type Split string

// Splits: the development templates, and the held-out fifth no one tunes
// the engine on.
const (
	SplitDev     Split = "dev"
	SplitHeldout Split = "heldout"
)

//go:embed testdata/phrasings_dev.txt
var devPhrasings string

//go:embed testdata/phrasings_heldout.txt
var heldoutPhrasings string

// Grammar is one split's templates by section.
type Grammar struct {
	Split    Split
	sections map[string][]string
}

// Load returns the embedded grammar of a split; it fails when a section
// is missing.
func Load(split Split) (*Grammar, error) {
	var text string
	switch split {
	case SplitDev:
		text = devPhrasings
	case SplitHeldout:
		text = heldoutPhrasings
	default:
		return nil, fmt.Errorf("leadsim: unknown split %q (dev or heldout)", split)
	}
	g, err := Parse(string(split), text)
	if err != nil {
		return nil, err
	}
	g.Split = split
	if miss := g.Missing(); len(miss) > 0 {
		return nil, fmt.Errorf("leadsim: %s split lacks sections %v", split, miss)
	}
	return g, nil
}

// Parse reads a phrasings file: "# comments", "[section]" headers and one
// template per line.
func Parse(name, text string) (*Grammar, error) {
	g := &Grammar{sections: map[string][]string{}}
	sec := ""
	for n, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			sec = line[1 : len(line)-1]
			if _, dup := g.sections[sec]; dup {
				return nil, fmt.Errorf("%s:%d: section [%s] twice", name, n+1, sec)
			}
			g.sections[sec] = nil
		case sec == "":
			return nil, fmt.Errorf("%s:%d: template before any [section]", name, n+1)
		default:
			g.sections[sec] = append(g.sections[sec], line)
		}
	}
	return g, nil
}

// Templates returns a section's templates.
func (g *Grammar) Templates(section string) []string { return g.sections[section] }

// Size is the number of templates in the grammar.
func (g *Grammar) Size() int {
	n := 0
	for _, ts := range g.sections {
		n += len(ts)
	}
	return n
}

// Missing lists the required sections (Sections) without a template.
func (g *Grammar) Missing() []string {
	var out []string
	for _, s := range Sections() {
		if len(g.sections[s]) == 0 {
			out = append(out, s)
		}
	}
	return out
}

// pick draws one template of a section.
func (g *Grammar) pick(rng *rand.Rand, section string) string {
	ts := g.sections[section]
	if len(ts) == 0 {
		return ""
	}
	return ts[rng.IntN(len(ts))]
}

// fill replaces {key} placeholders with vars; an unknown placeholder is
// left as it is, which the tests catch.
func fill(template string, vars map[string]string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(template, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(template[i:], '}')
		if j < 0 {
			break
		}
		key := template[i+1 : i+j]
		b.WriteString(template[:i])
		if v, ok := vars[key]; ok {
			b.WriteString(v)
		} else {
			b.WriteString(template[i : i+j+1])
		}
		template = template[i+j+1:]
	}
	b.WriteString(template)
	return b.String()
}
