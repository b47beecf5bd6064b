package conversation

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
	"time"
)

// Accuracy the built-in understanding reaches on testdata/nlu_labelled.tsv.
// The test fails if a change makes it worse; raise them when it gets better.
const (
	minIntentAccuracy = 0.98
	minEntityAccuracy = 0.97
	minLabelled       = 150
)

// nluNow is the moment the labelled set's days and times are read at:
// Friday 20 Nov 2026, 12:10 in Chicago.
var nluNow = time.Date(2026, 11, 20, 18, 10, 0, 0, time.UTC)

type labelled struct {
	line     int
	text     string
	intent   Intent
	entities map[string]string
}

func loadLabelled(t *testing.T) []labelled {
	t.Helper()
	f, err := os.Open("testdata/nlu_labelled.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []labelled
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 3 {
			t.Fatalf("nlu_labelled.tsv:%d: %d columns, want 3", n, len(cols))
		}
		l := labelled{line: n, text: cols[0], intent: Intent(cols[1]), entities: map[string]string{}}
		if _, ok := intentHandlers[l.intent]; !ok {
			t.Fatalf("nlu_labelled.tsv:%d: unknown intent %q", n, cols[1])
		}
		if cols[2] != "-" {
			for _, kv := range strings.Split(cols[2], ";") {
				k, v, _ := strings.Cut(kv, "=")
				l.entities[k] = strings.Trim(v, `"`)
			}
		}
		out = append(out, l)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestNLUAccuracy measures intent accuracy (messages whose intent is right)
// and entity accuracy (entity slots right, over the union of expected and
// found slots, so a spurious entity counts against it as a missed one does).
func TestNLUAccuracy(t *testing.T) {
	c := glow(t)
	set := loadLabelled(t)
	if len(set) < minLabelled {
		t.Fatalf("%d labelled messages, want at least %d", len(set), minLabelled)
	}
	type tally struct{ right, total int }
	byIntent := map[Intent]*tally{}
	byEntity := map[string]*tally{}
	intentsRight, slotsRight, slots := 0, 0, 0
	for _, l := range set {
		u := UnderstandAt(l.text, c, nluNow)
		ti := byIntent[l.intent]
		if ti == nil {
			ti = &tally{}
			byIntent[l.intent] = ti
		}
		ti.total++
		if u.Intent == l.intent {
			ti.right++
			intentsRight++
		} else {
			t.Logf("intent  %-50q got %-10s want %s", l.text, u.Intent, l.intent)
		}
		got := u.Entities()
		keys := map[string]bool{}
		for k := range got {
			keys[k] = true
		}
		for k := range l.entities {
			keys[k] = true
		}
		for k := range keys {
			te := byEntity[k]
			if te == nil {
				te = &tally{}
				byEntity[k] = te
			}
			te.total++
			slots++
			if got[k] == l.entities[k] {
				te.right++
				slotsRight++
			} else {
				t.Logf("entity  %-50q %s: got %q want %q", l.text, k, got[k], l.entities[k])
			}
		}
	}
	intentAcc := float64(intentsRight) / float64(len(set))
	entityAcc := float64(slotsRight) / float64(max(slots, 1))
	var b strings.Builder
	fmt.Fprintf(&b, "\n%-12s %5s %5s %7s\n", "intent", "right", "total", "acc")
	intents := make([]string, 0, len(byIntent))
	for k := range byIntent {
		intents = append(intents, string(k))
	}
	sort.Strings(intents)
	for _, k := range intents {
		v := byIntent[Intent(k)]
		fmt.Fprintf(&b, "%-12s %5d %5d %6.1f%%\n", k, v.right, v.total, 100*float64(v.right)/float64(v.total))
	}
	fmt.Fprintf(&b, "%-12s %5s %5s %7s\n", "entity", "right", "total", "acc")
	ents := make([]string, 0, len(byEntity))
	for k := range byEntity {
		ents = append(ents, k)
	}
	sort.Strings(ents)
	for _, k := range ents {
		v := byEntity[k]
		fmt.Fprintf(&b, "%-12s %5d %5d %6.1f%%\n", k, v.right, v.total, 100*float64(v.right)/float64(v.total))
	}
	fmt.Fprintf(&b, "messages %d: intent accuracy %.1f%%, entity accuracy %.1f%% (%d/%d slots)",
		len(set), 100*intentAcc, 100*entityAcc, slotsRight, slots)
	t.Log(b.String())
	if intentAcc < minIntentAccuracy {
		t.Errorf("intent accuracy %.3f below %.3f", intentAcc, minIntentAccuracy)
	}
	if entityAcc < minEntityAccuracy {
		t.Errorf("entity accuracy %.3f below %.3f", entityAcc, minEntityAccuracy)
	}
}
