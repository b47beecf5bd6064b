package understand

import (
	"strings"
	"unicode"

	"github.com/medspa/engine/internal/clinic"
)

// maxNameWords bounds the words of a captured name.
const maxNameWords = 3

// MaxNameLen bounds the length of a name read from a text or typed into
// a web form.
const MaxNameLen = 40

// extractName finds a name the lead gives for themself: "my name is Jane
// Doe", "I'm Jane", "this is Jane", "Jane here".
func extractName(u *Utterance, c *clinic.Matcher) string {
	t := u.tokens
	for i := range t {
		var name string
		switch {
		case seq(t, i, "my", "name", "is"):
			name = nameAt(t, i+3, false, c)
		case seq(t, i, "my", "names"), i == 0 && seq(t, i, "name", "is"):
			name = nameAt(t, i+2, false, c)
		case seq(t, i, "im") && !t[i].end, seq(t, i, "its") && !t[i].end && clauseStart(t, i):
			name = nameAt(t, i+1, true, c)
		case seq(t, i, "i", "am") && !t[i+1].end, seq(t, i, "this", "is") && !t[i+1].end && clauseStart(t, i):
			name = nameAt(t, i+2, true, c)
		}
		if name != "" {
			return name
		}
	}
	return nameHere(t, c)
}

// nameHere recognises "Jane here" and "Mary Ellen O'Neill here" at the start
// of a clause.
func nameHere(t []token, c *clinic.Matcher) string {
	for i := range t {
		if t[i].lower != "here" || !t[i].end || i == 0 {
			continue
		}
		for n := 1; n <= maxNameWords && i-n >= 0; n++ {
			k := i - n
			if !clauseStart(t, k) {
				continue
			}
			ok := true
			for j := k; j < i; j++ {
				ok = ok && nameWord(t[j], c) && (j == i-1 || !t[j].end)
			}
			if ok {
				return formatName(t[k:i])
			}
		}
	}
	return ""
}

// clauseStart reports whether token i begins a clause: the first word, after
// punctuation, or after a greeting word.
func clauseStart(t []token, i int) bool {
	if i == 0 || t[i-1].end {
		return true
	}
	switch t[i-1].lower {
	case "hi", "hello", "hey", "hiya", "yes", "yeah", "ok", "okay", "and":
		return clauseStart(t, i-1)
	}
	return false
}

// nameAt reads up to maxNameWords name words from index k. In strict mode
// (after "I'm", where any adjective may follow) a lower-case word must end
// its clause to count as a name.
func nameAt(t []token, k int, strict bool, c *clinic.Matcher) string {
	if k < len(t) && t[k].lower == "for" {
		return "" // "it's for my mom": the name is read as an answer
	}
	var got []token
	for j := k; j < len(t) && len(got) < maxNameWords; j++ {
		w := t[j]
		if len(got) > 0 && initial(w) && w.end {
			got = append(got, w) // "I'm Olivia M."
			break
		}
		if !nameWord(w, c) {
			break
		}
		if (strict || len(got) > 0) && !capitalized(w.orig) && !w.end && !lowerRunEnds(t, j, len(got), c) {
			break
		}
		got = append(got, w)
		if w.end {
			break
		}
	}
	if len(got) == 0 {
		return ""
	}
	name := formatName(got)
	if name != "" && len(got) > 1 && initial(got[len(got)-1]) {
		name += "."
	}
	return name
}

// lowerRunEnds reports whether the words from j on, all of them name words
// or a closing initial, end their clause within the name's word limit, as in
// "this is mei chen, looking for..." or "i'm brittany r.": typed in lower
// case, a name still stands apart from the sentence around it.
func lowerRunEnds(t []token, j, have int, c *clinic.Matcher) bool {
	for ; j < len(t) && have < maxNameWords; j, have = j+1, have+1 {
		if t[j].end {
			return nameWord(t[j], c) || initial(t[j]) && have > 0
		}
		if !nameWord(t[j], c) {
			return false
		}
	}
	return false
}

func seq(t []token, i int, words ...string) bool {
	if i+len(words) > len(t) {
		return false
	}
	for j, w := range words {
		if t[i+j].lower != w {
			return false
		}
		if j < len(words)-1 && t[i+j].end {
			return false
		}
	}
	return true
}

// nameWord reports whether a token can be part of a person's name.
func nameWord(w token, c *clinic.Matcher) bool {
	if len(w.lower) < 2 || len(w.orig) > 20 || notNames[w.lower] {
		return false
	}
	for _, r := range w.orig {
		if !unicode.IsLetter(r) && r != '\'' && r != '-' {
			return false
		}
	}
	if len(w.lower) >= 5 && strings.HasSuffix(w.lower, "ing") {
		return false
	}
	return !isTreatment(w, c)
}

// isTreatment reports whether a word names one of the clinic's services.
func isTreatment(w token, c *clinic.Matcher) bool {
	_, ok := c.Match(w.orig)
	return ok
}

func capitalized(s string) bool {
	for _, r := range s {
		return unicode.IsUpper(r)
	}
	return false
}

// formatName joins name words, capitalising words typed all in lower or all
// in upper case ("jane DOE" is "Jane Doe", "McKay" stays).
func formatName(ws []token) string {
	parts := make([]string, 0, len(ws))
	for i, w := range ws {
		s := w.orig
		switch {
		case i > 0 && s == strings.ToLower(s) && particles[s] && len(ws) > 2:
			// "Chloe van der Berg"
		case s == strings.ToLower(s) || s == strings.ToUpper(s):
			s = titleCase(strings.ToLower(s))
		}
		parts = append(parts, s)
	}
	name := strings.Join(parts, " ")
	if len(name) > MaxNameLen {
		name = strings.Join(parts[:1], "")
	}
	if len(name) > MaxNameLen {
		return ""
	}
	return name
}

// particles are the lower-case words inside surnames.
var particles = map[string]bool{"van": true, "der": true, "den": true, "de": true, "la": true, "le": true, "du": true,
	"von": true, "da": true, "di": true, "del": true, "dos": true, "bin": true, "al": true, "ten": true}

// titleCase upper-cases the first letter, each letter after a hyphen, and
// the letter after a one-letter prefix with an apostrophe ("O'Brien").
func titleCase(s string) string {
	rs := []rune(s)
	for i, r := range rs {
		if i == 0 || rs[i-1] == '-' || i == 2 && rs[1] == '\'' {
			rs[i] = unicode.ToUpper(r)
		}
	}
	return string(rs)
}

// notNames are words that follow "I'm" or "this is" but are not names.
var notNames = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`
		a an the and or but so just not no yes very really also still here there new back
		good fine great ok okay sure sorry glad happy excited ready free busy available
		interested curious nervous worried confused late early done all over out up down
		in on at from for to with about of your you my me i it its this that what when how who
		why where is are was were be been do does did have has had can could would should will
		gonna wanna want wanting need hi hello hey thanks thank please patient client customer
		returning first time someone somebody anyone nobody everyone existing regular
		mom dad husband wife friend nurse doctor today tomorrow tonight morning afternoon evening
		monday tuesday wednesday thursday friday saturday sunday weekend week month year
		price prices cost book booking appointment appt schedule hours open closed
		trying wondering looking hoping thinking calling texting asking going getting planning
		unsure afraid allergic pregnant able unable kinda sorta pretty super
		booked scheduled coming inquiring reaching following
		flexible sick ill stuck running btw lol tired off away traveling travelling home
		hoping wanting gonna able around again`) {
		notNames[w] = true
	}
}
