package understand

import (
	"strings"
	"unicode"
)

// Utterance is a text prepared for matching. Prepared once, it answers
// the questions the conversation asks about a text beyond its
// Understanding (said.go).
type Utterance struct {
	raw    string
	tokens []token
	words  []string        // lower case, apostrophes removed
	set    map[string]bool // words as a set
	padded string          // " " + words joined by spaces + " "
}

// token is one word of the original text.
type token struct {
	orig  string // as written, with inner apostrophes and hyphens
	lower string // lower case, apostrophes removed
	end   bool   // a clause ends after it: punctuation or end of text
}

// textFolds turn curly apostrophes straight and a thumbs-up or OK sign
// into the word it stands for ("👍" to a time on offer takes it).
var textFolds = strings.NewReplacer("’", "'", "‘", "'", "👍", " ok ", "👌", " ok ", "✅", " ok ")

// NewUtterance prepares text for matching.
func NewUtterance(text string) *Utterance {
	text = textFolds.Replace(text)
	u := &Utterance{raw: text, set: map[string]bool{}}
	var cur []rune
	flush := func(end bool) {
		if len(cur) == 0 {
			if end && len(u.tokens) > 0 {
				u.tokens[len(u.tokens)-1].end = true
			}
			return
		}
		orig := strings.Trim(string(cur), "'-")
		dash := strings.ContainsRune(string(cur), '-')
		cur = cur[:0]
		lower := strings.ReplaceAll(strings.ToLower(orig), "'", "")
		if lower == "" {
			if dash && len(u.tokens) > 0 {
				u.tokens[len(u.tokens)-1].end = true // "Maria here - do you..."
			}
			return
		}
		u.tokens = append(u.tokens, token{orig: orig, lower: lower, end: end})
	}
	for _, r := range text {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'' || r == '-':
			cur = append(cur, r)
		case r == ' ' || r == '\t':
			flush(false)
		default: // punctuation, newlines, symbols and emoji end a clause
			flush(true)
		}
	}
	flush(true)
	for _, t := range u.tokens {
		u.words = append(u.words, t.lower)
		u.set[t.lower] = true
	}
	u.padded = " " + strings.Join(u.words, " ") + " "
	return u
}

// any reports whether one of the words occurs.
func (u *Utterance) any(words ...string) bool {
	for _, w := range words {
		if u.set[w] {
			return true
		}
	}
	return false
}

// phrase reports whether one of the phrases occurs as whole words.
func (u *Utterance) phrase(phrases ...string) bool {
	for _, p := range phrases {
		if strings.Contains(u.padded, " "+p+" ") {
			return true
		}
	}
	return false
}

// first reports whether the message starts with one of the words.
func (u *Utterance) first(words ...string) bool {
	if len(u.words) == 0 {
		return false
	}
	for _, w := range words {
		if u.words[0] == w {
			return true
		}
	}
	return false
}

// whole reports whether the message is exactly one of the phrases.
func (u *Utterance) whole(phrases ...string) bool {
	all := strings.TrimSpace(u.padded)
	for _, p := range phrases {
		if all == p {
			return true
		}
	}
	return false
}
