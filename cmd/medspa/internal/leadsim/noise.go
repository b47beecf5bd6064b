package leadsim

import (
	"math/rand/v2"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Noise is how a persona's thumbs change what it means to say: lower case,
// no punctuation, typos, emoji, "pls" and "thx".
type Noise struct {
	Lower   bool
	NoPunct bool
	// Typo is the chance in 100 that a longer word gets a typo.
	Typo  int
	Emoji bool
	Short bool // "please" -> "pls", "thanks" -> "thx", "you" -> "u"
}

func newNoise(rng *rand.Rand) Noise {
	n := Noise{
		Lower:   rng.IntN(100) < 45,
		NoPunct: rng.IntN(100) < 40,
		Emoji:   rng.IntN(100) < 15,
		Short:   rng.IntN(100) < 30,
	}
	if rng.IntN(100) < 35 {
		n.Typo = 4 + rng.IntN(8)
	}
	return n
}

var emoji = []string{"😊", "🙏", "💉", "✨", "😅", "👍", "❤️", "!!"}

var shortForms = strings.NewReplacer("please", "pls", "Please", "Pls", "thanks", "thx", "Thanks", "Thx",
	" you ", " u ", " your ", " ur ", "tomorrow", "tmrw")

// apply roughens a text; keep are substrings (the lead's name) spared
// typos.
func (n Noise) apply(rng *rand.Rand, text string, keep ...string) string {
	// Protect kept substrings behind placeholders.
	marks := map[string]string{}
	for i, k := range keep {
		if k == "" || !strings.Contains(text, k) {
			continue
		}
		m := "\x00" + string(rune('a'+i)) + "\x00"
		marks[m] = k
		text = strings.ReplaceAll(text, k, m)
	}
	if n.Short {
		text = strings.TrimSpace(shortForms.Replace(" " + text + " "))
	}
	if n.Typo > 0 {
		words := strings.Split(text, " ")
		for i, w := range words {
			if utf8.RuneCountInString(w) >= 5 && !strings.ContainsRune(w, 0) && rng.IntN(100) < n.Typo {
				words[i] = typo(rng, w)
			}
		}
		text = strings.Join(words, " ")
	}
	for m, k := range marks {
		text = strings.ReplaceAll(text, m, k)
	}
	if n.Lower {
		text = strings.ToLower(text)
	}
	if n.NoPunct {
		text = strings.TrimRightFunc(text, func(r rune) bool { return r == '.' || r == '!' || r == '?' })
		text = strings.ReplaceAll(text, "'", "")
	}
	if n.Emoji && rng.IntN(3) == 0 {
		text += " " + emoji[rng.IntN(len(emoji))]
	}
	return text
}

// typo makes one slip inside a word: a swap, a dropped or a doubled letter.
func typo(rng *rand.Rand, w string) string {
	rs := []rune(w)
	letters := 0
	for _, r := range rs {
		if unicode.IsLetter(r) {
			letters++
		}
	}
	if letters < 5 {
		return w
	}
	i := 1 + rng.IntN(len(rs)-2)
	if !unicode.IsLetter(rs[i]) || !unicode.IsLetter(rs[i+1]) {
		return w
	}
	switch rng.IntN(3) {
	case 0:
		rs[i], rs[i+1] = rs[i+1], rs[i]
	case 1:
		rs = append(rs[:i], rs[i+1:]...)
	default:
		rs = append(rs[:i+1], rs[i:]...)
	}
	return string(rs)
}
