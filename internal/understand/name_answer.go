package understand

import (
	"strings"
	"unicode"

	"github.com/medspa/engine/internal/clinic"
)

// answerName reads a text that answers "May I have your name?": the name
// alone in any form and script ("Dana Whitfield", "priya", "Jen O'Brien",
// "Olivia M.", "José"), after a lead-in ("it's", "this is", "I'm", "my
// name is", "you can put it under") or before "here", or the patient's
// name for someone else ("it's for my mom, Linda Park"). It reports the
// name, whether it is someone else's, what the text says after the name
// ("Marcus, new patient"), and whether the text gave a name.
func answerName(u *Utterance, c *clinic.Matcher) (name string, forOther bool, rest []token, ok bool) {
	t := u.tokens
	other := false
	for changed := true; changed && len(t) > 0; {
		changed = false
		if n := leadInLen(t); n > 0 {
			t, changed = t[n:], true
		}
		if n := relationLen(t); n > 0 {
			t, changed, other = t[n:], true, true
		}
	}
	for len(t) > 0 && titles[t[0].lower] {
		t = t[1:] // "Dr. Angela Reyes"
	}
	if name, ok := nameTokens(t, c); ok {
		return name, other, nil, true
	}
	// "Marcus Johnson, new patient", "Carla and saturday morning": the
	// first clause is the name, the rest is read on its own.
	for i := range t {
		if t[i].end || i+1 < len(t) && t[i+1].lower == "and" {
			if name, ok := nameTokens(t[:i+1], c); ok {
				return name, other, t[i+1:], true
			}
			break
		}
	}
	// "ok nvm its fine. Lena Park": a name alone in the last clause.
	for i := len(t) - 2; i >= 0; i-- {
		if t[i].end {
			last := t[i+1:]
			if n := leadInLen(last); n > 0 {
				last = last[n:]
			}
			if name, ok := nameTokens(last, c); ok && len(last) > 0 && capitalized(last[0].orig) {
				return name, other, nil, true
			}
			break
		}
	}
	return "", false, nil, false
}

// tokenText joins tokens back into text.
func tokenText(t []token) string {
	words := make([]string, len(t))
	for i, w := range t {
		words[i] = w.orig
	}
	return strings.Join(words, " ")
}

// nameTokens reads t as a whole name, trailing politeness dropped.
func nameTokens(t []token, c *clinic.Matcher) (string, bool) {
	for len(t) > 0 && nameTail[t[len(t)-1].lower] {
		t = t[:len(t)-1]
	}
	if len(t) == 0 || len(t) > maxNameWords+1 {
		return "", false
	}
	for i, w := range t {
		last := i == len(t)-1
		if last && i > 0 && initial(w) {
			continue
		}
		if !answerNameWord(w, c) && !(i > 0 && surname(w, t[0], c)) || !last && w.end {
			return "", false
		}
	}
	name := formatName(t)
	if name == "" {
		return "", false
	}
	if len(t) > 1 && initial(t[len(t)-1]) {
		name += "."
	}
	return name, true
}

// titles are dropped before a name.
var titles = map[string]bool{"dr": true, "doctor": true, "mr": true, "mrs": true, "ms": true, "miss": true, "mx": true}

// leadIns are the words before a name in an answer, longest first.
var leadIns = [][]string{
	{"you", "can", "put", "it", "under"}, {"this", "is", "for", "me"}, {"it", "is", "for", "me"}, {"its", "for", "me"},
	{"its", "just", "me"}, {"put", "it", "under"}, {"book", "it", "under"}, {"its", "under"},
	{"my", "name", "is"}, {"the", "name", "is"}, {"her", "name", "is"}, {"his", "name", "is"}, {"their", "name", "is"},
	{"you", "can", "call", "me"}, {"name", "is"}, {"my", "names"}, {"her", "names"}, {"his", "names"},
	{"for", "me"}, {"its", "me"}, {"this", "is"}, {"it", "is"}, {"i", "am"}, {"call", "me"}, {"shes"}, {"hes"}, {"named"}, {"name"}, {"names"},
	{"under"}, {"its"}, {"im"}, {"hi"}, {"hey"}, {"hello"}, {"sure"}, {"yes"}, {"yeah"}, {"yep"}, {"ok"},
	{"okay"}, {"oh"}, {"sorry"}, {"and"},
}

// leadInLen is how many tokens at the start of t are a lead-in.
func leadInLen(t []token) int {
	for _, l := range leadIns {
		if seq(t, 0, l...) {
			return len(l)
		}
	}
	return 0
}

// relations are the people a lead books for.
var relations = map[string]bool{
	"mom": true, "mother": true, "mum": true, "mommy": true, "dad": true, "father": true, "daughter": true,
	"son": true, "sister": true, "brother": true, "wife": true, "husband": true, "friend": true,
	"girlfriend": true, "boyfriend": true, "partner": true, "grandma": true, "grandmother": true,
	"aunt": true, "niece": true, "cousin": true, "fiance": true, "fiancee": true, "bestie": true,
	"sis": true, "stepmom": true, "mil": true, "coworker": true, "roommate": true, "bff": true,
}

// relationLen reads "for my mom", "it's for my sister", "my daughter"
// at the start of t.
func relationLen(t []token) int {
	i := 0
	for i < len(t) && i < 5 && bookingLeadIn[t[i].lower] {
		i++ // "the appointment is", "it's", "this booking is"
	}
	if i < len(t) && t[i].lower == "for" {
		i++
	} else {
		i = 0
	}
	if i < len(t) && (t[i].lower == "my" || t[i].lower == "our") {
		i++
	}
	if i >= len(t) {
		return 0
	}
	if relations[t[i].lower] {
		return i + 1
	}
	// "it's my son's appointment - Renée Lambert"
	if w := t[i].lower; strings.HasSuffix(w, "s") && relations[w[:len(w)-1]] {
		i++
		for i < len(t) && possessed[t[i].lower] {
			i++
		}
		return i
	}
	return 0
}

// bookingLeadIn are the words before "for my mom": "it's for", "the
// appointment is for", "booking for".
var bookingLeadIn = map[string]bool{
	"its": true, "it": true, "is": true, "this": true, "the": true, "appointment": true, "appt": true,
	"booking": true, "visit": true, "one": true, "thats": true,
}

// possessed are the words after a relation's possessive: "my son's
// appointment", "my mom's booking".
var possessed = map[string]bool{"appointment": true, "appt": true, "booking": true, "visit": true, "treatment": true}

// nameTail are words after a name in an answer: "Dana here", "Priya thx".
var nameTail = map[string]bool{
	"here": true, "thanks": true, "thank": true, "you": true, "u": true, "thx": true, "ty": true, "please": true,
	"pls": true, "plz": true, "lol": true, "btw": true, "ok": true, "okay": true,
}

// answerNameWord reports whether a token can be part of a name given as
// an answer: letters of any script with inner apostrophes and hyphens; not
// a common word, a treatment, or a day.
func answerNameWord(w token, c *clinic.Matcher) bool {
	if len([]rune(w.orig)) > 20 || notNames[w.lower] || answerNotNames[w.lower] {
		return false
	}
	letters := 0
	for _, r := range w.orig {
		switch {
		case unicode.IsLetter(r) || unicode.Is(unicode.Mn, r):
			letters++
		case r == '\'' || r == '-':
		default:
			return false
		}
	}
	return (letters > 1 || letters == 1 && w.orig[0] >= 0x80) && !isTreatment(w, c)
}

// surname reports whether w, after the first word of a capitalised name,
// is a surname that is also a word never taken alone as a name ("Hannah
// Price", "Dana Little"): written capitalised after a capitalised first
// name, and no common word, treatment or day.
func surname(w, first token, c *clinic.Matcher) bool {
	if !(answerNotNames[w.lower] || surnames[w.lower]) || !capitalized(w.orig) || !capitalized(first.orig) {
		return false
	}
	return (surnames[w.lower] || !notNames[w.lower]) && !isTreatment(w, c) && len([]rune(w.orig)) > 1
}

// surnames are common surnames that are also words read as no name
// (notNames): taken only in surname place, capitalised.
var surnames = map[string]bool{"price": true, "good": true, "early": true}

// initial is a one-letter token: the "M." of "Olivia M.".
func initial(w token) bool {
	rs := []rune(w.orig)
	return len(rs) == 1 && unicode.IsLetter(rs[0])
}

// answerNotNames are words that are never a name when they answer "May I
// have your name?", beyond notNames: replies that decline or ask back.
var answerNotNames = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`
		why whats which who whom whose nope nah na rather prefer skip pass idk dunno
		lol haha hmm um uh ugh wait actually instead anything something nothing
		works work worked fine perfect awesome cool nice lovely wonderful
		cancel stop help info price much many more less same other another
		option number one two three last second third morning noon night
		botox filler lips facial thursday`) {
		answerNotNames[w] = true
	}
}
