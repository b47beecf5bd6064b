package leadsim

import (
	"strings"

	"github.com/medspa/engine/internal/conversation"
)

// Ask is what the engine's last reply asked the lead, as a lead reads it.
type Ask string

// Asks.
const (
	AskNone    Ask = ""
	AskService Ask = "service"
	AskTime    Ask = "time"
	AskPick    Ask = "pick"
	AskName    Ask = "name"
	AskPatient Ask = "patient"
	AskBook    Ask = "book"
)

// classify reads what the engine asked: the last question of its last
// text, the offered times in the state, or else the question the state
// records.
func classify(replies []string, s conversation.State) Ask {
	q := AskNone
	if len(replies) > 0 {
		if qs := questions(replies[len(replies)-1]); len(qs) > 0 {
			q = askOf(qs[len(qs)-1])
		}
	}
	offering := s.Phase == conversation.PhaseOffering && len(s.Offers) > 0
	switch {
	case offering && q != AskName && q != AskPatient:
		return AskPick
	case q != AskNone:
		return q
	}
	switch s.Asked {
	case "name", "service", "time", "pick", "patient", "book":
		return Ask(s.Asked)
	case "service_menu": // the treatments listed by number
		return AskService
	}
	return AskNone
}

// askOf reads one question.
func askOf(q string) Ask {
	l := strings.ToLower(q)
	has := func(ws ...string) bool {
		for _, w := range ws {
			if strings.Contains(l, w) {
				return true
			}
		}
		return false
	}
	switch {
	case has("name"):
		return AskName
	case has("visited", "been to", "been in", "been here", "before?"):
		return AskPatient
	case has("which one", "which of"):
		return AskPick
	case has("treatment", "service", "interested in"):
		return AskService
	case has("like to book", "want to book", "shall i book", "like to come in"):
		return AskBook
	case has("day", "time", "when"):
		return AskTime
	}
	return AskNone
}

// sentences splits a text after '.', '?' and '!' followed by a space or
// the end.
func sentences(text string) []string {
	var out []string
	start := 0
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case '.', '?', '!':
			if i+1 == len(text) || text[i+1] == ' ' {
				if s := strings.TrimSpace(text[start : i+1]); s != "" {
					out = append(out, s)
				}
				start = i + 1
			}
		}
	}
	if s := strings.TrimSpace(text[start:]); s != "" {
		out = append(out, s)
	}
	return out
}

// questions are the sentences of a text that end with a question mark.
func questions(text string) []string {
	var out []string
	for _, s := range sentences(text) {
		if strings.HasSuffix(s, "?") {
			out = append(out, s)
		}
	}
	return out
}

// normalQuestion is a question reduced to its words, so the same question
// with another number or name counts as the same.
func normalQuestion(q string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(q) {
		switch {
		case r >= 'a' && r <= 'z':
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteRune(r)
			space = false
		default:
			space = true
		}
	}
	return b.String()
}
