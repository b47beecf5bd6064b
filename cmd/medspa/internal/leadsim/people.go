package leadsim

import (
	_ "embed"
	"fmt"
	"io"
	"slices"
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

// devPeopleText holds the development set of written conversations:
// testdata/people_dev.txt. Unlike people.txt it is read while changing the
// engine; people.txt stays the held-out measure.
//
//go:embed testdata/people_dev.txt
var devPeopleText string

// Scripted is one written conversation.
type Scripted struct {
	Title  string
	Clinic string
	At     time.Time
	// Want is how the conversation should end: one outcome, or several
	// separated by " or " when a careful front desk could end it either
	// way (see Outcomes).
	Want  string
	Lines []string
	// Waits is the time that passes before a line, by line index, when it
	// is more than the minute between lines ("wait: 48h" in the file).
	Waits map[int]time.Duration
}

// Outcomes a written conversation may want.
const (
	// WantHeld: a time is held or booked at the end.
	WantHeld = "held"
	// WantHandoff: a person took over.
	WantHandoff = "handoff"
	// WantOptOut: the lead opted out of texts.
	WantOptOut = "optout"
	// WantCancelled: an appointment was cancelled and nothing is held.
	WantCancelled = "cancelled"
	// WantMoved: the time held or booked at the end is not the first one
	// held (a booking moved).
	WantMoved = "moved"
	// WantNone: nothing held, nobody handed the conversation, no opt-out
	// (a wrong number the engine leaves alone).
	WantNone = "none"
)

// Outcomes is every outcome a written conversation may want.
var Outcomes = []string{WantHeld, WantHandoff, WantOptOut, WantCancelled, WantMoved, WantNone}

// ScriptedResult is how a written conversation ended.
type ScriptedResult struct {
	Script  Scripted
	Replies [][]string // the engine's texts after each line
	Final   conversation.State
	OK      bool
	// Turns is how many lines it took to hold a time, 0 when none was held.
	Turns int
	// Got is the outcome the conversation ended with.
	Got string
	// Repeats counts replies that were the same text as the engine's
	// previous reply (a loop the lead would notice).
	Repeats int
}

// People parses testdata/people.txt, the held-out written conversations.
func People() ([]Scripted, error) { return ParseScripted("people.txt", peopleText) }

// DevPeople parses testdata/people_dev.txt, the development set.
func DevPeople() ([]Scripted, error) { return ParseScripted("people_dev.txt", devPeopleText) }

// ParseScripted reads written conversations in the format of
// testdata/people.txt: "=== title", then "clinic:", "at:" (RFC 3339),
// "want:", and the lead's lines as "> text", with "wait: 48h" between lines
// for time that passes.
func ParseScripted(name, text string) ([]Scripted, error) {
	var out []Scripted
	var cur *Scripted
	for n, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "=== "):
			out = append(out, Scripted{Title: strings.TrimPrefix(line, "=== ")})
			cur = &out[len(out)-1]
		case cur == nil:
			return nil, fmt.Errorf("%s:%d: text before the first ===", name, n+1)
		case strings.HasPrefix(line, "clinic: "):
			cur.Clinic = strings.TrimPrefix(line, "clinic: ")
		case strings.HasPrefix(line, "want: "):
			cur.Want = strings.TrimPrefix(line, "want: ")
			for _, w := range strings.Split(cur.Want, " or ") {
				if !slices.Contains(Outcomes, w) {
					return nil, fmt.Errorf("%s:%d: want %q: not one of %s", name, n+1, w, strings.Join(Outcomes, ", "))
				}
			}
		case strings.HasPrefix(line, "at: "):
			t, err := time.Parse(time.RFC3339, strings.TrimPrefix(line, "at: "))
			if err != nil {
				return nil, fmt.Errorf("%s:%d: %w", name, n+1, err)
			}
			cur.At = t
		case strings.HasPrefix(line, "wait: "):
			d, err := time.ParseDuration(strings.TrimPrefix(line, "wait: "))
			if err != nil || d <= 0 {
				return nil, fmt.Errorf("%s:%d: %q: want a duration such as 48h", name, n+1, line)
			}
			if cur.Waits == nil {
				cur.Waits = map[int]time.Duration{}
			}
			cur.Waits[len(cur.Lines)] += d
		case strings.HasPrefix(line, "> "):
			cur.Lines = append(cur.Lines, strings.TrimPrefix(line, "> "))
		default:
			return nil, fmt.Errorf("%s:%d: %q", name, n+1, line)
		}
	}
	for _, s := range out {
		if s.Clinic == "" || s.At.IsZero() || s.Want == "" || len(s.Lines) == 0 {
			return nil, fmt.Errorf("%s: %q wants clinic, at, want and at least one line", name, s.Title)
		}
	}
	return out, nil
}

// PlayScripted plays a written conversation against the core on an empty
// calendar, a minute between lines (more where the script waits).
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
	var first time.Time
	var last string
	for i, line := range s.Lines {
		now = now.Add(s.Waits[i])
		replies, err := e.text(line, now)
		if err != nil {
			return r, fmt.Errorf("%s: line %d: %w", s.Title, i+1, err)
		}
		r.Replies = append(r.Replies, replies)
		if reply := strings.Join(replies, "\n"); reply != "" {
			if reply == last {
				r.Repeats++
			}
			last = reply
		}
		if at, ok := held(e.s); ok {
			if r.Turns == 0 {
				r.Turns = i + 1
			}
			if first.IsZero() {
				first = at
			}
		}
		now = now.Add(time.Minute)
	}
	r.Final = e.s
	r.Got = outcome(e.s, first)
	for _, w := range strings.Split(s.Want, " or ") {
		switch w {
		case WantHeld:
			_, ok := held(e.s) // held, also when the time moved or staff were asked too
			r.OK = r.OK || ok
		case WantHandoff:
			r.OK = r.OK || e.s.Phase == conversation.PhaseHandedToStaff
		default:
			r.OK = r.OK || w == r.Got
		}
	}
	return r, nil
}

// outcome names how a conversation ended; first is the first time held in
// it (zero when none was).
func outcome(s conversation.State, first time.Time) string {
	switch s.Phase {
	case conversation.PhaseHandedToStaff:
		return WantHandoff
	case conversation.PhaseOptedOut:
		return WantOptOut
	}
	if at, ok := held(s); ok {
		if !at.Equal(first) {
			return WantMoved
		}
		return WantHeld
	}
	for _, a := range s.Appointments {
		if a.Status == conversation.ApptCancelled {
			return WantCancelled
		}
	}
	return WantNone
}

// WriteScripted prints a written conversation with the engine's replies.
func WriteScripted(w io.Writer, r ScriptedResult) {
	verdict := "ok"
	if !r.OK {
		verdict = "FAILED"
	}
	fmt.Fprintf(w, "=== %s (want %s, got %s): %s\n", r.Script.Title, r.Script.Want, r.Got, verdict)
	for i, line := range r.Script.Lines {
		fmt.Fprintf(w, "  lead   %s\n", line)
		if i < len(r.Replies) {
			for _, t := range r.Replies[i] {
				fmt.Fprintf(w, "  engine %s\n", t)
			}
		}
	}
}
