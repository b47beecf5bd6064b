package leadsim

import (
	_ "embed"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/internal/conversation"
)

// peopleText holds conversations written as people text, with fixed lines
// (they do not read the engine's replies): testdata/people.txt. Held out,
// like phrasings_heldout.txt: reported, never tuned on.
//
//go:embed testdata/people.txt
var peopleText string

// Scripted is one written conversation.
type Scripted struct {
	Title  string
	Clinic string
	At     time.Time
	Want   string // "held" or "handoff"
	Lines  []string
}

// ScriptedResult is how a written conversation ended.
type ScriptedResult struct {
	Script  Scripted
	Replies [][]string // the engine's texts after each line
	Final   conversation.State
	OK      bool
	// Turns is how many lines it took to hold a time, 0 when none was held.
	Turns int
}

// People parses testdata/people.txt.
func People() ([]Scripted, error) {
	var out []Scripted
	var cur *Scripted
	for n, line := range strings.Split(peopleText, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "=== "):
			out = append(out, Scripted{Title: strings.TrimPrefix(line, "=== ")})
			cur = &out[len(out)-1]
		case cur == nil:
			return nil, fmt.Errorf("people.txt:%d: text before the first ===", n+1)
		case strings.HasPrefix(line, "clinic: "):
			cur.Clinic = strings.TrimPrefix(line, "clinic: ")
		case strings.HasPrefix(line, "want: "):
			cur.Want = strings.TrimPrefix(line, "want: ")
		case strings.HasPrefix(line, "at: "):
			t, err := time.Parse(time.RFC3339, strings.TrimPrefix(line, "at: "))
			if err != nil {
				return nil, fmt.Errorf("people.txt:%d: %w", n+1, err)
			}
			cur.At = t
		case strings.HasPrefix(line, "> "):
			cur.Lines = append(cur.Lines, strings.TrimPrefix(line, "> "))
		default:
			return nil, fmt.Errorf("people.txt:%d: %q", n+1, line)
		}
	}
	return out, nil
}

// PlayScripted plays a written conversation against the core on an empty
// calendar, a minute between lines.
func PlayScripted(s Scripted) (ScriptedResult, error) {
	clinics, err := Clinics()
	if err != nil {
		return ScriptedResult{}, err
	}
	var c *clinic.Clinic
	for _, x := range clinics {
		if x.ID == s.Clinic {
			c = x
		}
	}
	if c == nil {
		return ScriptedResult{}, fmt.Errorf("%s: unknown clinic %q", s.Title, s.Clinic)
	}
	e := &engine{c: c, phone: "+13125550999", to: c.PhoneNumbers[0]}
	r := ScriptedResult{Script: s}
	now := s.At
	for i, line := range s.Lines {
		replies, err := e.text(line, now)
		if err != nil {
			return r, fmt.Errorf("%s: line %d: %w", s.Title, i+1, err)
		}
		r.Replies = append(r.Replies, replies)
		if _, ok := held(e.s); ok && r.Turns == 0 {
			r.Turns = i + 1
		}
		now = now.Add(time.Minute)
	}
	r.Final = e.s
	switch s.Want {
	case "held":
		_, r.OK = held(e.s)
	case "handoff":
		r.OK = e.s.Phase == conversation.PhaseHandedToStaff
	}
	return r, nil
}

// WriteScripted prints a written conversation with the engine's replies.
func WriteScripted(w io.Writer, r ScriptedResult) {
	verdict := "ok"
	if !r.OK {
		verdict = "FAILED"
	}
	fmt.Fprintf(w, "=== %s (want %s): %s\n", r.Script.Title, r.Script.Want, verdict)
	for i, line := range r.Script.Lines {
		fmt.Fprintf(w, "  lead   %s\n", line)
		if i < len(r.Replies) {
			for _, t := range r.Replies[i] {
				fmt.Fprintf(w, "  engine %s\n", t)
			}
		}
	}
}
