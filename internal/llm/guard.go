package llm

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxReply is the longest suggested reply accepted (two SMS segments).
const MaxReply = 320

// Reasons a suggested reply is rejected. The errors never quote the reply:
// it may hold a phone number, and errors end up in logs.
var (
	ErrEmptyReply     = errors.New("reply is empty")
	ErrReplyTooLong   = errors.New("reply is longer than 320 characters")
	ErrInventedPrice  = errors.New("reply states a price not in the clinic's data")
	ErrInventedTime   = errors.New("reply states a time not in the clinic's data")
	ErrInventedLink   = errors.New("reply contains a link not in the clinic's data")
	ErrInventedPhone  = errors.New("reply contains a phone number not in the clinic's data")
	ErrMedicalAdvice  = errors.New("reply touches a medical topic")
	ErrPlaceholder    = errors.New("reply contains a masked placeholder")
	ErrReplyInjection = errors.New("reply speaks of its instructions")
)

var (
	moneyRe = regexp.MustCompile(`(?i)\$\s?\d[\d,]*(?:\.\d{1,2})?|\b\d[\d,]*(?:\.\d{1,2})?\s?(?:dollars?|bucks|usd)\b`)
	// clock times: 2pm, 2 p.m., 10:30am, 14:30, noon, midnight.
	clockRe = regexp.MustCompile(`(?i)\b(\d{1,2})(?::(\d{2}))?\s?([ap])\.?\s?m\b\.?|\b(\d{1,2}):(\d{2})\b|\b(noon|midnight)\b`)
	linkRe  = regexp.MustCompile(`(?i)\b(?:https?://|www\.)[^\s<>"]+|\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:com|net|org|io|co|ly|me|us|info|biz|app|link|site|spa|health|clinic|gl|gg|to)\b(?:/[^\s<>"]*)?`)
	phoneRe = regexp.MustCompile(`\+?\(?\d[\d ().-]{5,}\d`)
	emailRe = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}`)
	// placeholderRe finds the masks Mask writes.
	placeholderRe = regexp.MustCompile(`\[(?:NAME|PHONE|EMAIL)\]`)
)

// CheckReply accepts a suggested reply only if every price, clock time,
// link and phone number in it appears in the facts, it fits in 320
// characters, gives no medical advice and repeats no masked placeholder.
// It is pure: the same reply and facts always give the same answer.
func CheckReply(reply string, allowed Facts) error {
	if strings.TrimSpace(reply) == "" {
		return ErrEmptyReply
	}
	if utf8.RuneCountInString(reply) > MaxReply {
		return ErrReplyTooLong
	}
	if placeholderRe.MatchString(reply) {
		return ErrPlaceholder
	}
	facts := allowed.texts()
	if !subset(findAll(moneyRe, reply, moneyKey), findAll(moneyRe, strings.Join(facts, "\n"), moneyKey)) {
		return ErrInventedPrice
	}
	if !subset(findAll(linkRe, reply, linkKey), findAll(linkRe, strings.Join(facts, "\n"), linkKey)) {
		return ErrInventedLink
	}
	if !subset(phonesIn(reply), phonesIn(strings.Join(facts, "\n"))) {
		return ErrInventedPhone
	}
	if !subset(clocksIn(reply), clocksIn(strings.Join(facts, "\n"))) {
		return ErrInventedTime
	}
	if IsMedical(reply) {
		return ErrMedicalAdvice
	}
	if _, inj := Sanitize(reply); inj {
		return ErrReplyInjection
	}
	return nil
}

func subset(got, allowed map[string]bool) bool {
	for k := range got {
		if !allowed[k] {
			return false
		}
	}
	return true
}

func findAll(re *regexp.Regexp, text string, key func(string) string) map[string]bool {
	out := map[string]bool{}
	for _, m := range re.FindAllString(text, -1) {
		if k := key(m); k != "" {
			out[k] = true
		}
	}
	return out
}

// moneyKey reduces "$1,250.00", "$ 1250" and "1250 dollars" to "125000" (cents).
func moneyKey(m string) string {
	var digits strings.Builder
	frac := ""
	seenDot := false
	for _, r := range m {
		switch {
		case r == '.':
			seenDot = true
		case r >= '0' && r <= '9' && seenDot:
			frac += string(r)
		case r >= '0' && r <= '9':
			digits.WriteRune(r)
		}
	}
	for len(frac) < 2 {
		frac += "0"
	}
	n, err := strconv.ParseInt(digits.String()+frac[:2], 10, 64)
	if err != nil {
		return "x" + digits.String() + frac // too big to be a clinic price: never allowed
	}
	return strconv.FormatInt(n, 10)
}

// linkKey reduces a link to host and path, without scheme, "www." or
// trailing punctuation, in lower case.
func linkKey(m string) string {
	k := strings.ToLower(strings.TrimRight(m, ".,;:!?)]}'\""))
	k = strings.TrimPrefix(strings.TrimPrefix(k, "https://"), "http://")
	k = strings.TrimPrefix(k, "www.")
	return strings.TrimRight(k, "/")
}

// phonesIn finds runs of 7 to 15 digits written as a phone number and keys
// them by their last 10 digits, so +1 (773) 555-0100 and 773-555-0100 agree.
func phonesIn(text string) map[string]bool {
	out := map[string]bool{}
	for _, m := range phoneRe.FindAllString(text, -1) {
		d := onlyDigits(m)
		if len(d) < 7 || len(d) > 15 {
			continue
		}
		if len(d) > 10 {
			d = d[len(d)-10:]
		}
		out[d] = true
	}
	return out
}

func onlyDigits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// clocksIn finds clock times and keys them as minutes after midnight.
func clocksIn(text string) map[string]bool {
	out := map[string]bool{}
	for _, m := range clockRe.FindAllStringSubmatch(text, -1) {
		var h, min int
		switch {
		case m[1] != "":
			h, _ = strconv.Atoi(m[1])
			if m[2] != "" {
				min, _ = strconv.Atoi(m[2])
			}
			if h > 12 {
				out["bad:"+m[0]] = true // "14pm": never in the facts
				continue
			}
			h %= 12
			if strings.EqualFold(m[3], "p") {
				h += 12
			}
		case m[4] != "":
			h, _ = strconv.Atoi(m[4])
			min, _ = strconv.Atoi(m[5])
		case strings.EqualFold(m[6], "noon"):
			h = 12
		default: // midnight
			h = 0
		}
		out[strconv.Itoa(h*60+min)] = true
	}
	return out
}
