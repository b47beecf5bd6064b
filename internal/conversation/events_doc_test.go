package conversation

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// docTypeRow matches a row of a type table in docs/EVENTS.md:
// "| `phase.changed` | ... |".
var docTypeRow = regexp.MustCompile("^\\|\\s*`([a-z_]+(?:\\.[a-z_]+)+)`\\s*\\|")

// documentedEvents reads the event types listed in the tables of the
// "## Types" section of docs/EVENTS.md.
func documentedEvents(t *testing.T) map[string]bool {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "docs", "EVENTS.md"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	types := map[string]bool{}
	inTypes := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "## ") {
			inTypes = strings.TrimSpace(line) == "## Types"
			continue
		}
		if m := docTypeRow.FindStringSubmatch(line); inTypes && m != nil {
			types[m[1]] = true
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return types
}

// transcriptEvents collects the types of all "< event: <type>" lines of
// the golden transcripts.
func transcriptEvents(t *testing.T) map[string]bool {
	t.Helper()
	files, err := filepath.Glob("testdata/*.txt")
	if err != nil {
		t.Fatal(err)
	}
	types := map[string]bool{}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(data), "\n") {
			rest, ok := strings.CutPrefix(line, "< event: ")
			if !ok {
				continue
			}
			typ, _, _ := strings.Cut(rest, " ")
			types[typ] = true
		}
	}
	return types
}

// TestEventsDocumented holds docs/EVENTS.md and the engine together: every
// documented event type is emitted by at least one golden transcript (which
// TestTranscripts checks against the real decide), and every type the
// transcripts show is documented.
func TestEventsDocumented(t *testing.T) {
	doc := documentedEvents(t)
	seen := transcriptEvents(t)
	if len(doc) < 30 {
		t.Fatalf("found %d documented event types in docs/EVENTS.md, the tables did not parse", len(doc))
	}
	var missing, undocumented []string
	for typ := range doc {
		if !seen[typ] {
			missing = append(missing, typ)
		}
	}
	for typ := range seen {
		if !doc[typ] {
			undocumented = append(undocumented, typ)
		}
	}
	sort.Strings(missing)
	sort.Strings(undocumented)
	if len(missing) > 0 {
		t.Errorf("documented in docs/EVENTS.md but emitted by no transcript in testdata: %v", missing)
	}
	if len(undocumented) > 0 {
		t.Errorf("emitted by transcripts but missing from docs/EVENTS.md: %v", undocumented)
	}
}

// TestEventConstantsDocumented checks the Event* constants of effect.go,
// so a type that no transcript reaches yet is still caught when it is
// added without documentation.
func TestEventConstantsDocumented(t *testing.T) {
	doc := documentedEvents(t)
	data, err := os.ReadFile("effect.go")
	if err != nil {
		t.Fatal(err)
	}
	decl := regexp.MustCompile(`(?m)^\s*Event[A-Za-z]+\s*=\s*"([^"]+)"`)
	found := decl.FindAllStringSubmatch(string(data), -1)
	if len(found) < 30 {
		t.Fatalf("found %d Event constants in effect.go, the declarations did not parse", len(found))
	}
	for _, m := range found {
		if !doc[m[1]] {
			t.Errorf("event constant %q is not documented in docs/EVENTS.md", m[1])
		}
	}
}
