package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/medspa/engine/internal/directory"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/internal/llm"
	"github.com/medspa/engine/internal/understand"
)

// evalNow is the moment the labelled set's days and times are read at:
// Friday 20 Nov 2026, 12:10 in Chicago (the set's header says so).
var evalNow = time.Date(2026, 11, 20, 18, 10, 0, 0, time.UTC)

// evalSlots stand for the times on offer, so "2" or "the first one" can be
// read as a pick by the model as by the built-in understanding.
var evalSlots = []string{"Sat Nov 21 at 10:30am", "Mon Nov 23 at 2pm", "Tue Nov 24 at 5:30pm"}

// labelledMsg is one line of the labelled inbound set.
type labelledMsg struct {
	text     string
	intent   string
	entities map[string]string
	// asked is what the engine's last reply asked (the 4th column); the
	// text is read as the answer to it.
	asked understand.Slot
}

// labelQuestions are the values of the labelled set's asked column.
var labelQuestions = map[string]understand.Slot{
	"-": understand.SlotNone, "service": understand.SlotService, "time": understand.SlotTime,
	"pick": understand.SlotPick, "name": understand.SlotName, "patient": understand.SlotPatient,
	"book": understand.SlotBook,
}

// askedLines are the engine's last line the model sees before a text
// labelled as the answer to a question.
var askedLines = map[understand.Slot]string{
	understand.SlotService: "Which treatment are you interested in?",
	understand.SlotTime:    "What days and times work best for you?",
	understand.SlotPick:    "I have " + strings.Join(evalSlots, ", ") + ". Which works best?",
	understand.SlotName:    "May I have your name?",
	understand.SlotPatient: "Have you visited us before?",
	understand.SlotBook:    "Would you like to book?",
}

// runEval runs the labelled inbound set, its development and its held-out
// split, through the built-in understanding and, when LLM_BASE_URL is set,
// through the model, and prints accuracy per intent and per entity side by
// side for each split.
func runEval(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	if hasFlag(args, "simulate") {
		return runSimulate(args, getenv, stdout) // the lead simulator, simulate.go
	}
	if hasFlag(args, "people") {
		return runPeople(args, stdout) // written conversations, people.go
	}
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	file := fs.String("file", "internal/understand/testdata/nlu_labelled.tsv",
		"labelled set, development split: text<TAB>intent<TAB>entities[<TAB>asked]")
	heldout := fs.String("heldout", "",
		`held-out split, reported only (default: nlu_heldout.tsv next to --file; "-" for none)`)
	clinicID := fs.String("clinic", "glow-chicago", "demo clinic whose catalog the set is labelled against")
	timeout := fs.Duration("timeout", envDuration(getenv, "LLM_TIMEOUT", 10*time.Second), "deadline of one model call")
	parallel := fs.Int("parallel", 4, "model calls in flight")
	verbose := fs.Bool("v", false, "print every miss")
	if err := fs.Parse(args); err != nil {
		return err
	}
	c, ok := directory.New(clinic.Demo()).ByID(*clinicID)
	if !ok {
		return fmt.Errorf("--clinic %q is not a demo clinic", *clinicID)
	}
	if *heldout == "" {
		*heldout = filepath.Join(filepath.Dir(*file), "nlu_heldout.tsv")
	}
	splits := []struct {
		name, file string
		verbose    bool
	}{
		// held-out misses are never printed one by one, so no one tunes on them
		{"development", *file, *verbose},
		{"held-out (report only)", *heldout, false},
	}
	for _, sp := range splits {
		if sp.file == "-" {
			continue
		}
		set, err := loadLabelledSet(sp.file)
		if err != nil {
			return err
		}
		builtin := make([]understand.Understanding, len(set))
		for i, m := range set {
			builtin[i] = readLabelled(m, c)
		}
		var model []understand.Understanding
		var outcomes map[string]int
		if base := getenv("LLM_BASE_URL"); base != "" {
			client, err := llm.New(llm.Config{BaseURL: base, APIKey: getenv("LLM_API_KEY"), Model: getenv("LLM_MODEL"),
				Timeout: *timeout, BreakerThreshold: len(set) + 1})
			if err != nil {
				return err
			}
			model, outcomes = evalModel(ctx, client, c, set, builtin, max(*parallel, 1))
		}
		fmt.Fprintf(stdout, "== %s split\n", sp.name)
		printEval(stdout, sp.file, c, set, builtin, model, outcomes, sp.verbose)
		fmt.Fprintln(stdout)
	}
	return nil
}

// readLabelled is the built-in reading of one labelled text: as the answer
// to the question its row says was asked, or on its own.
func readLabelled(m labelledMsg, c *clinic.Clinic) understand.Understanding {
	if m.asked != understand.SlotNone {
		return understand.Answer(m.text, c, evalNow, understand.Question{Slot: m.asked, Offers: len(evalSlots)})
	}
	return understand.Text(m.text, c, evalNow)
}

// evalModel asks the model about every message. A message the model does
// not answer (medical, injection, failure) gets the built-in reading, as in
// production; outcomes counts why.
func evalModel(ctx context.Context, client *llm.Client, c *clinic.Clinic, set []labelledMsg,
	builtin []understand.Understanding, parallel int) ([]understand.Understanding, map[string]int) {
	out := make([]understand.Understanding, len(set))
	outcomes := map[string]int{}
	facts := llm.FactsFromClinic(c, evalSlots)
	var mu sync.Mutex
	var wg sync.WaitGroup
	next := make(chan int)
	for range parallel {
		wg.Go(func() {
			for i := range next {
				req := llm.Request{Text: set[i].text, Facts: facts}
				if q := askedLines[set[i].asked]; q != "" {
					req.Window = []llm.Line{{Text: q}, {FromLead: true, Text: set[i].text}}
				}
				res, err := client.Understand(ctx, req)
				u := builtin[i]
				if err == nil {
					u = res.Understanding(evalNow, c.Location()) // Builtin unset: the model's own entities
				}
				mu.Lock()
				out[i] = u
				outcomes[res.Outcome]++
				mu.Unlock()
			}
		})
	}
	for i := range set {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	return out, outcomes
}

func loadLabelledSet(path string) ([]labelledMsg, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open labelled set: %w", err)
	}
	defer f.Close()
	var out []labelledMsg
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || line == "#" || strings.HasPrefix(line, "# ") { // "#3" is a text
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 3 && len(cols) != 4 {
			return nil, fmt.Errorf("%s:%d: %d columns, want 3 or 4", path, n, len(cols))
		}
		m := labelledMsg{text: cols[0], intent: cols[1], entities: map[string]string{}}
		if len(cols) == 4 {
			q, ok := labelQuestions[cols[3]]
			if !ok {
				return nil, fmt.Errorf("%s:%d: unknown question %q in the asked column", path, n, cols[3])
			}
			m.asked = q
		}
		if cols[2] != "-" {
			for _, kv := range strings.Split(cols[2], ";") {
				k, v, _ := strings.Cut(kv, "=")
				m.entities[k] = strings.Trim(v, `"`)
			}
		}
		out = append(out, m)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read labelled set: %w", err)
	}
	if len(out) == 0 {
		return nil, errors.New("labelled set is empty")
	}
	return out, nil
}

type tally struct{ right, total int }

func (t tally) String() string {
	if t.total == 0 {
		return "-"
	}
	return fmt.Sprintf("%d/%d %5.1f%%", t.right, t.total, 100*float64(t.right)/float64(t.total))
}

// score tallies intents by labelled intent and entity slots by kind, over
// the union of expected and found slots (a spurious entity counts against).
func score(set []labelledMsg, got []understand.Understanding, miss func(string)) (map[string]*tally, map[string]*tally) {
	intents, entities := map[string]*tally{}, map[string]*tally{}
	add := func(m map[string]*tally, k string, right bool) {
		if m[k] == nil {
			m[k] = &tally{}
		}
		m[k].total++
		if right {
			m[k].right++
		}
	}
	for i, m := range set {
		u := got[i]
		add(intents, m.intent, string(u.Intent) == m.intent)
		add(intents, "all", string(u.Intent) == m.intent)
		if string(u.Intent) != m.intent {
			miss(fmt.Sprintf("intent  %-48q got %-10s want %s", m.text, u.Intent, m.intent))
		}
		found := u.Entities()
		keys := map[string]bool{}
		for k := range found {
			keys[k] = true
		}
		for k := range m.entities {
			keys[k] = true
		}
		for k := range keys {
			add(entities, k, found[k] == m.entities[k])
			add(entities, "all", found[k] == m.entities[k])
			if found[k] != m.entities[k] {
				miss(fmt.Sprintf("entity  %-48q %s: got %q want %q", m.text, k, found[k], m.entities[k]))
			}
		}
	}
	return intents, entities
}

func printEval(w io.Writer, file string, c *clinic.Clinic, set []labelledMsg, builtin, model []understand.Understanding,
	outcomes map[string]int, verbose bool) {
	missB, missM := func(string) {}, func(string) {}
	if verbose {
		missB = func(s string) { fmt.Fprintln(w, "builtin "+s) }
		missM = func(s string) { fmt.Fprintln(w, "model   "+s) }
	}
	bi, be := score(set, builtin, missB)
	mi, me := map[string]*tally{}, map[string]*tally{}
	if model != nil {
		mi, me = score(set, model, missM)
	}
	fmt.Fprintf(w, "%s: %d messages, clinic %s, read at %s\n\n", file, len(set), c.ID,
		evalNow.In(c.Location()).Format("Mon 2006-01-02 15:04 MST"))
	table := func(title string, b, m map[string]*tally) {
		row := func(a, b, c string) { fmt.Fprintln(w, strings.TrimRight(fmt.Sprintf("%-12s %-16s %s", a, b, c), " ")) }
		row(title, "builtin", "model")
		keys := make([]string, 0, len(b))
		for k := range b {
			if k != "all" {
				keys = append(keys, k)
			}
		}
		for k := range m {
			if b[k] == nil && k != "all" {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		keys = append(keys, "all")
		for _, k := range keys {
			row(k, orDash(b[k]), orDash(m[k]))
		}
		fmt.Fprintln(w)
	}
	table("intent", bi, mi)
	table("entity", be, me)
	if model == nil {
		fmt.Fprintln(w, "model: not configured (set LLM_BASE_URL, LLM_MODEL and LLM_API_KEY to compare)")
		return
	}
	keys := make([]string, 0, len(outcomes))
	for k := range outcomes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s %d", k, outcomes[k]))
	}
	fmt.Fprintf(w, "model calls: %s (a message the model did not answer is scored with the built-in reading)\n", strings.Join(parts, ", "))
}

func orDash(t *tally) string {
	if t == nil {
		return "-"
	}
	return t.String()
}

func envDuration(getenv func(string) string, key string, def time.Duration) time.Duration {
	if d, err := time.ParseDuration(getenv(key)); err == nil && d > 0 {
		return d
	}
	return def
}
