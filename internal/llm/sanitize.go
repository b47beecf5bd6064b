package llm

import (
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/medspa/engine/internal/understand"
)

// MaxInput is the most of one message sent to the model.
const MaxInput = 480

// removed replaces the words of an injection attempt.
const removed = "[removed]"

// injectionRes are obvious attempts to steer the model: overriding its
// instructions, asking for them, role play, and chat-template markers.
var injectionRes = []*regexp.Regexp{
	regexp.MustCompile(`(?i)\b(?:ignore|disregard|forget|override|bypass|skip)\b[^.!?\n]{0,40}?\b(?:instructions?|prompts?|rules|directions|guidelines|programming|guardrails|restrictions|everything (?:above|before|you were told))\b`),
	regexp.MustCompile(`(?i)\b(?:system|developer|hidden|initial|original|secret)\s+(?:prompt|message|instructions?)\b`),
	regexp.MustCompile(`(?i)\b(?:reveal|show|print|repeat|tell me|what are|what is|what's|output|display|leak|give me)\b[^.!?\n]{0,30}?\b(?:your\s+(?:prompt|instructions|rules|guidelines|configuration|context window)|the\s+(?:prompt|instructions|rules|guidelines)\s+you)\b`),
	regexp.MustCompile(`(?i)\b(?:you are now|you're now|from now on,? you|act as|acting as|pretend (?:to be|you are|you're|that you)|role[- ]?play|play the role|simulate being|impersonate|new persona)\b`),
	regexp.MustCompile(`(?i)\b(?:jailbreak|jail break|dan mode|developer mode|do anything now|sudo mode|god mode|new instructions|prompt injection)\b`),
	regexp.MustCompile(`(?i)(?:^|[\s.!?])(?:system|assistant|developer)\s*:`),
	regexp.MustCompile(`(?i)<\|[^|>]{0,40}\|>|\[/?INST\]|<<\/?SYS>>|<\/?(?:system|assistant|user)>|` + "```"),
}

// Sanitize prepares a lead's text for the model: control and invisible
// characters go, the text is cut to MaxInput runes, and obvious injection
// attempts are replaced by "[removed]". injection reports whether one was
// found; the caller then leaves the model out of this message.
func Sanitize(text string) (clean string, injection bool) {
	var b strings.Builder
	space := false
	for i, r := range text {
		if i >= 4*MaxInput { // what follows could never be sent
			break
		}
		switch {
		case r == utf8.RuneError:
			continue
		case unicode.IsSpace(r) || unicode.IsControl(r):
			space = true
			continue
		case unicode.Is(unicode.Cf, r): // zero-width and direction marks hide words
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	clean = b.String()
	for _, re := range injectionRes {
		if re.MatchString(clean) {
			injection = true
			clean = re.ReplaceAllString(clean, " "+removed+" ")
		}
	}
	clean = strings.Join(strings.Fields(clean), " ")
	if utf8.RuneCountInString(clean) > MaxInput {
		clean = strings.TrimSpace(string([]rune(clean)[:MaxInput]))
	}
	return clean, injection
}

// medicalRe are words of medical advice or symptoms that the core's
// understanding does not need for its intents but a reply must not carry.
var medicalRe = regexp.MustCompile(`(?i)\b(?:dose|dosage|doses|mg|milligrams?|ibuprofen|advil|tylenol|aspirin|arnica|antibiotics?|steroids?|prescription|prescribe|symptoms?|diagnos\w*|contraindicat\w*|side[- ]effects?|pregnan\w*|breastfeeding|allerg\w*|infect\w*|swell\w*|swollen|bruis\w*|numb|numbness|numbed|ice pack|should be fine|nothing to worry|perfectly safe|is safe|are safe|not safe|normal to)\b`)

// IsMedical reports whether a text asks or tells something medical: the
// core's own reading (a medical question hands off to staff) or one of the
// words of advice above. Such messages are never answered by the model.
func IsMedical(text string) bool {
	if medicalRe.MatchString(text) {
		return true
	}
	return understand.Text(text, nil, time.Time{}).Intent == understand.IntentMedical
}

// Mask hides what the model does not need: email addresses become
// "[EMAIL]", phone numbers "[PHONE]", and each word of the given names
// "[NAME]" (whole words, any case).
func Mask(text string, names ...string) string {
	text = emailRe.ReplaceAllString(text, "[EMAIL]")
	text = phoneRe.ReplaceAllStringFunc(text, func(m string) string {
		if d := onlyDigits(m); len(d) >= 7 {
			return "[PHONE]"
		}
		return m
	})
	for _, n := range names {
		for _, w := range strings.Fields(n) {
			w = strings.Trim(w, ".,!?;:'\"()")
			if utf8.RuneCountInString(w) < 2 {
				continue
			}
			re, err := regexp.Compile(`(?i)(^|[^\p{L}\p{N}])` + regexp.QuoteMeta(w) + `($|[^\p{L}\p{N}])`)
			if err != nil {
				continue
			}
			// twice: adjacent matches share the character between them
			text = re.ReplaceAllString(text, "${1}[NAME]${2}")
			text = re.ReplaceAllString(text, "${1}[NAME]${2}")
		}
	}
	return text
}
