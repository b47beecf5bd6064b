package browsertest

import (
	"encoding/json"
	"os"
	"testing"
)

// AxeVersion is the axe-core release the accessibility check runs; CI
// installs it from npm (.ci/run) and names its axe.min.js in AXE_CORE_JS.
const AxeVersion = "4.10.3"

// AxeSource reads axe.min.js from $AXE_CORE_JS. Without it the check
// fails when ci is true and is skipped (with a log line) otherwise.
func AxeSource(t testing.TB, ci bool) string {
	t.Helper()
	p := os.Getenv("AXE_CORE_JS")
	if p == "" {
		if ci {
			t.Fatalf("AXE_CORE_JS is not set: npm install axe-core@%s and point it at node_modules/axe-core/axe.min.js", AxeVersion)
		}
		t.Logf("AXE_CORE_JS is not set: the accessibility check does not run (npm install axe-core@%s)", AxeVersion)
		return ""
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("read axe-core: %v", err)
	}
	return string(b)
}

// Violation is one axe-core rule the page breaks.
type Violation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// Axe runs axe-core (source from AxeSource; "" does nothing) on the page
// and returns its serious and critical violations.
func (s *Session) Axe(source string) []Violation {
	s.t.Helper()
	if source == "" {
		return nil
	}
	s.Eval(source + "\n;return typeof axe")
	out := s.EvalAsync(`const done = arguments[arguments.length - 1];
		axe.run(document, {resultTypes: ["violations"]}).then((r) => done(JSON.stringify(r.violations
			.filter((v) => v.impact === "serious" || v.impact === "critical")
			.map((v) => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(" ")).slice(0, 5)})))),
			(e) => done(JSON.stringify([{id: "axe-error", impact: "critical", help: String(e)}])));`)
	var v []Violation
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		s.t.Fatalf("axe result %q: %v", out, err)
	}
	return v
}
