package compliance

import (
	"strings"
	"unicode"
)

// Keyword is what an inbound text asks of the messaging program.
type Keyword int

// Keywords.
const (
	KeywordNone Keyword = iota
	KeywordOptOut
	KeywordOptIn
	KeywordHelp
)

func (k Keyword) String() string {
	switch k {
	case KeywordOptOut:
		return "optout"
	case KeywordOptIn:
		return "optin"
	case KeywordHelp:
		return "help"
	default:
		return "none"
	}
}

// Carrier keywords, matched against the whole normalized message.
var (
	optOutWords = set("stop", "stopall", "stop all", "unsubscribe", "cancel", "end", "quit",
		"revoke", "optout", "opt out")
	optInWords = set("start", "unstop")
	helpWords  = set("help", "info")
)

// Classify reads an inbound text. optedOut says whether the number is
// currently opted out; YES opts back in only then. A missed opt-out is the
// costly error: when a text could be a request to stop, it is one, except
// for explicit appointment cancellations.
func Classify(text string, optedOut bool) Keyword {
	k, _ := Explain(text, optedOut)
	return k
}

// Explain classifies like Classify and names the rule that decided.
func Explain(text string, optedOut bool) (Keyword, string) {
	norm := Normalize(text)
	if strings.Contains(text, "#") {
		if l := strings.ToLower(text); strings.Contains(l, "wrong #") || strings.Contains(l, "wrong#") {
			norm = strings.Replace(norm, "wrong", "wrong number", 1) // "wrong #": the sign is dropped
		}
	}
	switch {
	case strings.ContainsRune(text, '\U0001F6D1') && (norm == "" || norm == "stop" || onlyFillers(strings.Fields(norm))):
		return KeywordOptOut, "stop sign emoji"
	case norm == "":
		return KeywordNone, "empty after normalization"
	case optOutWords[norm] || optOutWords[strings.ReplaceAll(norm, " ", "")]:
		return KeywordOptOut, "carrier opt-out keyword " + strings.ToUpper(norm)
	case optInWords[norm]:
		return KeywordOptIn, "opt-in keyword " + strings.ToUpper(norm)
	case norm == "yes" && optedOut:
		return KeywordOptIn, "YES right after an opt-out"
	case helpWords[norm]:
		return KeywordHelp, "help keyword " + strings.ToUpper(norm)
	}
	if why, ok := optOutPhrase(strings.Fields(norm)); ok {
		return KeywordOptOut, why
	}
	return KeywordNone, "no keyword or stop request"
}

// WrongRecipient reports a text that opts out because the clinic reached
// the wrong person ("sorry wrong number", "who is this? I never contacted
// you"), and not by a carrier keyword or another request to stop: it is
// answered with an apology rather than the opt-out confirmation. Its
// effect on consent is that of any opt-out.
func WrongRecipient(text string) bool {
	k, why := Explain(text, false)
	return k == KeywordOptOut && strings.HasPrefix(why, wrongRecipientWhy)
}

// Normalize folds case, turns curly quotes straight, drops apostrophes
// ("don't" -> "dont"), turns every other punctuation or symbol into a space
// and collapses spaces. "Opt-Out!" becomes "opt out".
func Normalize(text string) string {
	var b strings.Builder
	b.Grow(len(text))
	space := true
	for _, r := range strings.ToLower(text) {
		switch {
		case r == '\'' || r == '\u2019' || r == '\u2018' || r == '`' || r == '\u00b4':
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
			space = false
		default:
			if !space {
				b.WriteByte(' ')
				space = true
			}
		}
	}
	return strings.TrimSpace(b.String())
}

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}
