package clinic

import (
	"strings"
	"unicode"
)

// MatchService finds the catalog service mentioned in free text, by its
// name, one of its aliases or its id, tolerating one typo (an insertion,
// deletion, substitution or swap of two neighbours) in words of four letters
// or more: "botx", "hydrafacail". When several services are mentioned the
// longest mention wins, then an exact one over a misspelt one, then the
// earliest.
func (c *Clinic) MatchService(text string) (Service, bool) {
	return c.Matcher().Match(text)
}

// Matcher matches free text against one clinic's catalogue. Building it
// splits every service's phrases into words once; a reader that matches
// many texts or words of one message builds one and reuses it. Nil for a
// nil clinic, and a nil Matcher matches nothing.
type Matcher struct {
	c       *Clinic
	phrases [][][]string // the words of each service's phrases, by service index
}

// Matcher builds the clinic's Matcher.
func (c *Clinic) Matcher() *Matcher {
	if c == nil {
		return nil
	}
	m := &Matcher{c: c, phrases: make([][][]string, len(c.Services))}
	for i, s := range c.Services {
		ps := servicePhrases(s)
		m.phrases[i] = make([][]string, len(ps))
		for j, p := range ps {
			m.phrases[i][j] = words(p)
		}
	}
	return m
}

// Match is MatchService with the catalogue's words already split.
func (m *Matcher) Match(text string) (Service, bool) {
	if m == nil {
		return Service{}, false
	}
	tw := words(text)
	if len(tw) == 0 {
		return Service{}, false
	}
	best, found := -1, false
	var bestScore matchScore
	for i := range m.c.Services {
		for _, p := range m.phrases[i] {
			if sc, ok := matchPhrase(tw, p); ok && (!found || sc.better(bestScore)) {
				best, bestScore, found = i, sc, true
			}
		}
	}
	if !found {
		return m.matchHeadWord(tw)
	}
	return m.c.Services[best], true
}

// matchHeadWord is the fallback when no phrase matches: a word that belongs
// to one service of the catalogue only ("laser" when Laser Hair Removal is
// the only laser service, "peel", "needling"), or a well-known abbreviation
// of a service's name ("lhr"). Words of several services match none.
func (m *Matcher) matchHeadWord(tw []string) (Service, bool) {
	owner := map[string]int{} // head word -> service index, -1 when shared
	for i := range m.c.Services {
		for _, p := range m.phrases[i] {
			for _, w := range p {
				if len(w) < 4 || notHeadWords[w] {
					continue
				}
				if j, ok := owner[w]; ok && j != i {
					owner[w] = -1
				} else if !ok {
					owner[w] = i
				}
			}
		}
	}
	hit := -1
	for _, t := range tw {
		if full, ok := abbreviations[t]; ok {
			if s, ok := m.Match(full); ok {
				return s, true
			}
		}
		for w, i := range owner {
			// "facial" names HydraFacial, "needling" Microneedling.
			if _, ok := wordMatch(t, w); !ok && !(len(t) >= 6 && len(w) > len(t) && strings.HasSuffix(w, t)) {
				continue
			}
			switch {
			case i < 0: // a word of several services says nothing
			case hit >= 0 && hit != i:
				return Service{}, false
			default:
				hit = i
			}
		}
	}
	if hit < 0 {
		return Service{}, false
	}
	return m.c.Services[hit], true
}

// abbreviations are how leads shorten treatment names.
var abbreviations = map[string]string{"lhr": "laser hair removal"}

// notHeadWords are words of service names too general to name a service
// alone: body areas, units and kinds of appointment.
var notHeadWords = map[string]bool{
	"lips": true, "face": true, "skin": true, "body": true, "legs": true, "arms": true, "area": true,
	"full": true, "half": true, "small": true, "large": true, "treatment": true, "treatments": true,
	"session": true, "sessions": true, "package": true, "therapy": true, "injection": true,
	"injections": true, "injectables": true, "with": true, "your": true, "free": true,
}

// ServiceByID returns the catalog service with the given id.
func (c *Clinic) ServiceByID(id string) (Service, bool) {
	for _, s := range c.Services {
		if s.ID == id {
			return s, true
		}
	}
	return Service{}, false
}

func servicePhrases(s Service) []string {
	p := make([]string, 0, len(s.Aliases)+2)
	p = append(p, s.Name)
	p = append(p, s.Aliases...)
	return append(p, strings.ReplaceAll(strings.ReplaceAll(s.ID, "_", " "), "-", " "))
}

type matchScore struct {
	length int // letters in the matched phrase
	exact  bool
	pos    int // index of the first text word
}

func (a matchScore) better(b matchScore) bool {
	if a.length != b.length {
		return a.length > b.length
	}
	if a.exact != b.exact {
		return a.exact
	}
	return a.pos < b.pos
}

// matchPhrase looks for phrase as consecutive words of text. A one-word
// phrase also matches two text words written apart ("hydra facial").
func matchPhrase(text, phrase []string) (matchScore, bool) {
	if len(phrase) == 0 {
		return matchScore{}, false
	}
	length := 0
	for _, w := range phrase {
		length += len(w)
	}
	var best matchScore
	found := false
	consider := func(sc matchScore) {
		if !found || sc.better(best) {
			best, found = sc, true
		}
	}
	for i := 0; i+len(phrase) <= len(text); i++ {
		exact := true
		ok := true
		for j, pw := range phrase {
			e, m := wordMatch(text[i+j], pw)
			if !m {
				ok = false
				break
			}
			exact = exact && e
		}
		if ok {
			consider(matchScore{length: length, exact: exact, pos: i})
		}
	}
	joined := strings.Join(phrase, "")
	if len(joined) >= 6 {
		for i := 0; i+1 < len(text); i++ {
			if text[i][0] != joined[0] { // words are never empty
				continue // wordMatch needs the first letter; spare the join
			}
			if e, m := wordMatch(text[i]+text[i+1], joined); m {
				consider(matchScore{length: length, exact: e, pos: i})
			}
		}
	}
	return best, found
}

// wordMatch compares a word of text with a word of a catalog phrase.
func wordMatch(t, p string) (exact, ok bool) {
	if t == p {
		return true, true
	}
	if len(p) < 5 || len(t) < 4 || t[0] != p[0] || commonWords[t] {
		return false, false
	}
	return false, withinOneEdit(t, p) || sameStem(t, p)
}

// sameStem reports whether two long words differ only in their last few
// letters: "microneedle" and "microneedling", "hydrafacials".
func sameStem(a, b string) bool {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n >= 7 && n >= min(len(a), len(b))-2
}

// commonWords are everyday words one typo away from a catalog word; they are
// never read as a misspelling.
var commonWords = map[string]bool{
	"later": true, "loser": true, "filter": true, "filled": true,
	"fillet": true, "fuller": true, "lipid": true,
}

// withinOneEdit reports whether a and b differ by at most one insertion,
// deletion, substitution or transposition of adjacent letters.
func withinOneEdit(a, b string) bool {
	if a == b {
		return true
	}
	la, lb := len(a), len(b)
	if la-lb > 1 || lb-la > 1 {
		return false
	}
	i := 0
	for i < la && i < lb && a[i] == b[i] {
		i++
	}
	switch {
	case la == lb:
		if a[i+1:] == b[i+1:] {
			return true // substitution
		}
		return i+1 < la && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:]
	case la > lb:
		return a[i+1:] == b[i:]
	default:
		return a[i:] == b[i+1:]
	}
}

// words splits text into lower-case words of letters and digits. A
// possessive "'s" is dropped and other apostrophes are ignored, so "botox's"
// is "botox" and "don't" is "dont".
func words(text string) []string {
	var out []string
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			out = append(out, b.String())
			b.Reset()
		}
	}
	rs := []rune(strings.ToLower(text))
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		case (r == '\'' || r == '’') && i+1 < len(rs) && rs[i+1] == 's' && (i+2 == len(rs) || !unicode.IsLetter(rs[i+2])):
			i++ // possessive 's
		case r == '\'' || r == '’':
		default:
			flush()
		}
	}
	flush()
	return out
}
