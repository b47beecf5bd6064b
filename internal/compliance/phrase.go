package compliance

import "strings"

// Words that make a free-text message about the messages themselves.
var messagingWords = set(
	"text", "texts", "texting", "txt", "txts", "txting", "texted", "msg", "msgs", "message", "messages",
	"messaging", "sms", "contact", "contacting", "call", "calls", "calling", "email", "emails", "emailing",
	"spam", "spamming", "notifications", "notification", "alerts", "reminders", "promos", "promotions",
	"marketing", "ads", "offers", "list", "subscription", "this", "these", "them", "it", "that", "now",
	"bothering", "bugging", "harassing", "sending", "send", "hitting", "reaching", "number", "me", "us",
)

// Nouns that name the messages themselves.
var messageNouns = set("text", "texts", "txt", "txts", "msg", "msgs", "message", "messages", "sms",
	"notifications", "alerts", "reminders", "promos", "promotions", "emails", "calls", "spam")

// Verbs of contacting, for "don't text me", "stop messaging", "quit calling".
var contactVerbs = set(
	"text", "texting", "txt", "txting", "message", "messaging", "msg", "msging", "contact", "contacting",
	"call", "calling", "send", "sending", "email", "emailing", "bother", "bothering", "bug", "bugging",
	"spam", "spamming", "harass", "harassing", "hit", "hitting", "reach", "reaching", "sms",
)

// Words that make a message about an appointment.
var appointmentWords = set(
	"appointment", "appointments", "appt", "appts", "booking", "booked", "book", "reservation", "consult",
	"consultation", "visit", "session", "slot", "deposit", "treatment", "botox", "filler", "facial",
	"today", "tonight", "tomorrow", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
	"sunday", "mon", "tue", "tues", "wed", "thu", "thurs", "fri", "sat", "sun", "week", "time", "am", "pm",
	"reschedule", "rescheduling", "move", "schedule",
)

// Words that, right after "stop", make it about something other than texts.
var stopNotMessaging = set(
	"by", "in", "at", "over", "thinking", "bleeding", "swelling", "bruising", "itching",
	"taking", "using", "eating", "drinking", "working", "smoking", "retinol", "retin", "tretinoin",
	"aspirin", "ibuprofen", "advil", "meds", "medication", "medications", "blood",
)

// Topics after "stop the"/"stop my" that are not the texts.
var nonMessagingTopics = set(
	"swelling", "bruising", "bleeding", "pain", "itching", "redness", "burning", "retinol", "tretinoin",
	"medication", "medications", "meds", "blood", "thinners", "ibuprofen", "aspirin", "treatment",
	"treatments", "pills", "supplements", "fish", "oil", "vitamin", "peeling", "breakout", "breakouts",
	"acne", "sweating", "tingling", "numbness", "headache", "headaches",
)

// Words before "stop" that make it about something else.
var stopNotBefore = set(
	"cant", "cannot", "couldnt", "wont", "wouldnt", "didnt", "doesnt", "dont", "not", "bus", "pit",
	"full", "one", "last", "next", "first", "quick", "truck",
)

// Fillers that may surround a bare keyword: "cancel please", "END now".
var fillers = set(
	"please", "pls", "plz", "plez", "now", "asap", "all", "thanks", "thank", "you", "ok", "okay",
	"just", "k", "yes", "stop", "cancel", "end", "quit", "thx", "ty", "already", "immediately",
)

// optOutPhrase finds a request to stop in other words. It returns the rule
// that matched.
func optOutPhrase(w []string) (string, bool) {
	for _, rule := range optOutRules {
		if why, ok := rule(w); ok {
			return why, true
		}
	}
	return "", false
}

// optOutRules are the ways of asking to stop in other words, tried in
// order; each returns what matched.
var optOutRules = []func(w []string) (string, bool){
	stopPhrase,
	stopKeyword,
	notInterested,
	noMoreMessages,
	blockingSender,
	notToBeContacted,
	doesNotWantMessages,
	stopWord,
	endingTheMessages,
	wrongRecipient,
}

// wrongRecipientWhy starts the reason Explain gives for a text saying the
// clinic reached the wrong person; WrongRecipient looks for it.
const wrongRecipientWhy = "wrong recipient: "

// wrongRecipientPhrases say the texts reached someone who is not the
// clinic's lead: a wrong number, a person who never contacted the clinic.
var wrongRecipientPhrases = []string{
	"wrong number", "wrong num", "wrong person", "wrong phone", "wrong guy", "wrong girl", "wrong contact",
	"wrong people", "wrong cell", "not the person you", "not who you think",
	"never contacted you", "never contacted u", "never texted you", "never texted u", "never messaged you",
	"never reached out", "never signed up", "never gave you my number", "never gave u my number",
	"didnt contact you", "didnt text you", "didnt text u", "didnt message you", "didnt reach out",
	"did not contact you", "did not text you", "did not sign up", "dont know who this is", "dont know who you are",
	"no idea who this is", "how did you get my number", "how did u get my number", "who gave you my number",
	"who gave u my number",
}

// wrongRecipient: the texts reached the wrong person ("wrong number",
// "who is this? I never contacted you"). It is tried last, so a text that
// also asks to stop in the words of a carrier keyword ("wrong number
// STOP") is answered as that request.
func wrongRecipient(w []string) (string, bool) {
	joined := " " + strings.Join(w, " ") + " "
	for _, p := range wrongRecipientPhrases {
		if strings.Contains(joined, " "+p+" ") {
			return wrongRecipientWhy + "\"" + p + "\"", true
		}
	}
	if len(w) == 1 && w[0] == "wrong" {
		return wrongRecipientWhy + "\"wrong\" alone", true
	}
	return "", false
}

// stopPhrases are phrases that ask to stop wherever they stand.
var stopPhrases = []string{
	"opt out", "opt me out", "opting out", "remove me", "remove my number", "remove my name",
	"remove my info", "remove my contact", "remove us",
	"take me off", "take my number", "take us off", "delete my number", "delete me", "lose my number",
	"leave me alone", "leave us alone", "fuck off", "f off", "piss off", "buzz off",
	"back off", "get lost", "no longer interested",
	"no mas", "no más", "do not disturb", "lose this number", "delete this number", "fuck you",
	"enough texts", "enough messages", "enough already",
}

// stopPhrase: one of stopPhrases, "enough" or "wrong" alone, or "go away"
// in a short text.
func stopPhrase(w []string) (string, bool) {
	joined := " " + strings.Join(w, " ") + " "
	phrase := func(p string) bool { return strings.Contains(joined, " "+p+" ") }
	for _, p := range stopPhrases {
		if phrase(p) {
			return "stop request: \"" + p + "\"", true
		}
	}
	if len(w) == 1 && w[0] == "enough" {
		return "\"" + w[0] + "\" alone", true
	}
	if phrase("go away") && len(w) <= 4 {
		return "stop request: \"go away\"", true
	}
	return "", false
}

// stopKeyword: a word that asks to stop wherever it stands.
func stopKeyword(w []string) (string, bool) {
	for _, k := range []string{"unsubscribe", "unsubscribed", "unsub", "optout", "revoke", "revoking",
		"spam", "stopall", "alto", "parar", "cancelar", "detener", "baja"} {
		if contains(w, k) {
			return "stop word \"" + k + "\" in the text", true
		}
	}
	return "", false
}

// notInterested: "not interested", but not "not interested in".
func notInterested(w []string) (string, bool) {
	if i := index(w, "not"); i >= 0 && i+1 < len(w) && w[i+1] == "interested" && (i+2 >= len(w) || w[i+2] != "in") {
		return "not interested", true
	}
	return "", false
}

// noMoreMessages: "no more" alone, with fillers, or about the messages.
func noMoreMessages(w []string) (string, bool) {
	if i := index(w, "no"); i >= 0 && i+1 < len(w) && w[i+1] == "more" {
		rest := w[i+2:]
		if len(rest) == 0 || anyIn(rest[:min(3, len(rest))], messagingWords) || onlyFillers(rest) {
			return "no more messages", true
		}
	}
	return "", false
}

// blockingSender: "block you", "reporting this".
func blockingSender(w []string) (string, bool) {
	for i := range w {
		if w[i] == "block" || w[i] == "blocking" || w[i] == "blocked" || w[i] == "report" || w[i] == "reporting" {
			if i+1 < len(w) && (w[i+1] == "you" || w[i+1] == "this" || w[i+1] == "your" || w[i+1] == "u") {
				return "blocking the sender", true
			}
		}
	}
	return "", false
}

// notToBeContacted: "don't text me", "do not contact", "never message",
// "quit calling".
func notToBeContacted(w []string) (string, bool) {
	for i := range w {
		neg := w[i] == "dont" || w[i] == "never" || w[i] == "quit" || w[i] == "cease" ||
			(w[i] == "not" && i > 0 && w[i-1] == "do") || w[i] == "stop" || w[i] == "stahp"
		if !neg {
			continue
		}
		for j := i + 1; j < len(w) && j <= i+2; j++ {
			if contactVerbs[w[j]] {
				return "request not to be contacted: \"" + w[i] + " " + w[j] + "\"", true
			}
		}
	}
	return "", false
}

// doesNotWantMessages: "I don't want these messages", "do not need any
// more texts".
func doesNotWantMessages(w []string) (string, bool) {
	for i := range w {
		if w[i] != "dont" && w[i] != "not" {
			continue
		}
		if j := i + 1; j < len(w) && (w[j] == "want" || w[j] == "need") {
			for _, t := range w[j+1 : min(j+5, len(w))] {
				if messageNouns[t] || t == "contacted" || t == "texted" || t == "messaged" {
					return "does not want the messages", true
				}
			}
		}
	}
	return "", false
}

// endingTheMessages: "cancel", "end" or "quit" with the messages as object
// or with only fillers, unless the text is about an appointment ("cancel
// my appointment", "I need to cancel Friday").
func endingTheMessages(w []string) (string, bool) {
	appointment := anyIn(w, appointmentWords) || contains(w, "cancellation")
	for _, k := range []string{"cancel", "end", "quit"} {
		i := index(w, k)
		if i < 0 {
			continue
		}
		if k == "cancel" && appointment && !hasMessagingObject(w, i) {
			continue
		}
		if hasMessagingObject(w, i) && (k != "end" || i == 0 || w[i-1] != "the") {
			return "\"" + k + "\" with the messages as object", true
		}
		if onlyFillers(w) || (k != "cancel" && len(w) == 2 && w[1] == "it") {
			return "\"" + k + "\" with only fillers", true
		}
	}
	return "", false
}

// stopWord applies "stop" in free text: an opt-out unless the words around it
// make it about something else ("stop by", "can't stop thinking").
func stopWord(w []string) (string, bool) {
	for i, t := range w {
		if t != "stop" && t != "stopp" && t != "stahp" && t != "stopit" && t != "stopppp" {
			continue
		}
		if i > 0 && (stopNotBefore[w[i-1]] || nonMessagingTopics[w[i-1]]) {
			continue
		}
		if i+1 < len(w) {
			next := w[i+1]
			if next == "the" || next == "my" {
				if i+2 < len(w) && (messagingWords[w[i+2]] || contactVerbs[w[i+2]]) {
					return "\"stop " + next + " " + w[i+2] + "\"", true
				}
				if i+2 >= len(w) || nonMessagingTopics[w[i+2]] {
					continue
				}
				return "\"stop\" with an unknown object: counted as a stop request", true
			}
			if stopNotMessaging[next] || nonMessagingTopics[next] {
				continue
			}
			if strings.HasSuffix(next, "ing") && !contactVerbs[next] && len(next) > 4 {
				continue // "stop bleeding", "stop peeling"
			}
		}
		return "\"stop\" in the text", true
	}
	return "", false
}

// hasMessagingObject reports whether the word after w[i] (skipping "all",
// "these", "this", "the", "my", "your") is about the messages.
func hasMessagingObject(w []string, i int) bool {
	for j := i + 1; j < len(w) && j <= i+3; j++ {
		switch w[j] {
		case "all", "these", "this", "the", "my", "your", "those", "of", "from":
			continue
		}
		return messagingWords[w[j]] && w[j] != "it" && w[j] != "that" && w[j] != "now" && w[j] != "me" && w[j] != "us" && w[j] != "this"
	}
	return false
}

func onlyFillers(w []string) bool {
	for _, t := range w {
		if !fillers[t] {
			return false
		}
	}
	return true
}

func anyIn(w []string, m map[string]bool) bool {
	for _, t := range w {
		if m[t] {
			return true
		}
	}
	return false
}

func contains(w []string, s string) bool { return index(w, s) >= 0 }

func index(w []string, s string) int {
	for i, t := range w {
		if t == s {
			return i
		}
	}
	return -1
}
