package conversation

import (
	"strings"
	"time"
	"unicode"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/internal/timeparse"
)

// Intent is what a lead's message asks for.
type Intent string

// Intents the built-in understanding recognises.
const (
	IntentGreeting Intent = "greeting"
	IntentPrice    Intent = "price"
	IntentHours    Intent = "hours"
	IntentServices Intent = "services"
	IntentBook     Intent = "book"
	IntentHuman    Intent = "human"
	IntentYes      Intent = "yes"
	IntentNo       Intent = "no"
	IntentThanks   Intent = "thanks"
	IntentUnknown  Intent = "unknown"
	// IntentPick picks one of the offered times by number ("2", "the first one").
	IntentPick Intent = "pick"
	// IntentCancel cancels an appointment or a held time.
	IntentCancel Intent = "cancel"
	// IntentReschedule moves an appointment or a held time.
	IntentReschedule Intent = "reschedule"
	// IntentMedical is a medical question for the clinical team ("is it
	// safe while pregnant?"); it hands the conversation to staff.
	IntentMedical Intent = "medical"
	// IntentComplaint is a complaint; it hands the conversation to staff.
	IntentComplaint Intent = "complaint"
	// IntentUrgent is a possibly urgent medical problem ("my lip is swollen
	// after my filler"): an urgent hand-off that points to 911 first.
	IntentUrgent Intent = "urgent"
)

// Patient kinds.
const (
	PatientNew       = "new"
	PatientReturning = "returning"
)

// Understanding is what the built-in language understanding reads in one
// message: one intent and the entities it found.
type Understanding struct {
	Intent    Intent `json:"intent"`
	Name      string `json:"name,omitempty"`       // the name the lead gave for themself
	ServiceID string `json:"service_id,omitempty"` // a catalog service mentioned
	// When is the day or time the lead asks for, in the clinic's zone.
	When *timeparse.Preference `json:"when,omitempty"`
	// Option is the offered time picked by number, 1-based.
	Option int `json:"option,omitempty"`
	// Patient is PatientNew or PatientReturning when the lead says so.
	Patient string `json:"patient,omitempty"`
	// ForOther: Name is the patient's, someone the lead books for ("it's
	// for my mom, Linda Park").
	ForOther bool `json:"for_other,omitempty"`
	// Shift asks for other times than those offered: later, earlier, or
	// none of them.
	Shift Shift `json:"shift,omitempty"`
	// ProviderID is a provider of the clinic the lead asks for ("with Dr.
	// Kim"); ProviderAsked a provider's name the clinic has none of ("with
	// Dr. Smith"); SameProvider asks for the provider of the last visit.
	ProviderID    string `json:"provider_id,omitempty"`
	ProviderAsked string `json:"provider_asked,omitempty"`
	SameProvider  bool   `json:"same_provider,omitempty"`
}

// Understand reads one message from a lead without a clock: days and
// times are read relative to the zero time. Decide uses UnderstandAt.
func Understand(text string, c *clinic.Clinic) Understanding {
	return UnderstandAt(text, c, time.Time{})
}

// UnderstandAt reads one message from a lead at now, reading days and times
// in the clinic's zone. It is deterministic and cheap, so it always
// answers, with or without a language model configured.
func UnderstandAt(text string, c *clinic.Clinic, now time.Time) Understanding {
	u := newUtterance(text)
	var out Understanding
	loc := time.UTC
	if c != nil {
		loc = c.Location()
		if s, ok := c.MatchService(beforeInstead(text)); ok {
			out.ServiceID = s.ID
		} else if s, ok := c.MatchService(text); ok {
			out.ServiceID = s.ID
		}
	}
	out.Name = extractName(u, c)
	out.ProviderID, out.ProviderAsked, out.SameProvider = extractProvider(u, c)
	if out.ProviderID != "" && c != nil && strings.EqualFold(out.Name, c.ProviderName(out.ProviderID)) {
		out.Name = ""
	}
	out.Option = extractOption(u)
	if out.Option == 0 && out.Name != "" {
		out.Option = extractOption(withoutName(u, out.Name)) // "1 please, my name is Zoë"
	}
	out.Patient = extractPatient(u)
	if out.Option == 0 {
		if p, ok := timeparse.Parse(text, now, loc); ok {
			out.When = &p
		}
	}
	out.Intent = classify(u, out)
	return out
}

// withoutName is u without the clauses that give the name: "1 please, my
// name is Zoë" is "1 please".
func withoutName(u *utterance, name string) *utterance {
	first := strings.ToLower(strings.Fields(name)[0])
	var keep, clause []string
	named := false
	for _, tk := range u.tokens {
		clause = append(clause, tk.orig)
		if strings.ToLower(tk.orig) == first {
			named = true
		}
		if tk.end {
			if !named {
				keep = append(keep, strings.Join(clause, " "))
			}
			clause, named = nil, false
		}
	}
	return newUtterance(strings.Join(keep, ". "))
}

// beforeInstead is the part of a text before "instead of": "lips instead
// of botox" asks for lips.
func beforeInstead(text string) string {
	if i := strings.Index(strings.ToLower(text), "instead of"); i > 0 {
		return text[:i]
	}
	return text
}

// utterance is a message prepared for matching.
type utterance struct {
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

func newUtterance(text string) *utterance {
	text = strings.NewReplacer("’", "'", "‘", "'").Replace(text)
	u := &utterance{raw: text, set: map[string]bool{}}
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
func (u *utterance) any(words ...string) bool {
	for _, w := range words {
		if u.set[w] {
			return true
		}
	}
	return false
}

// phrase reports whether one of the phrases occurs as whole words.
func (u *utterance) phrase(phrases ...string) bool {
	for _, p := range phrases {
		if strings.Contains(u.padded, " "+p+" ") {
			return true
		}
	}
	return false
}

// first reports whether the message starts with one of the words.
func (u *utterance) first(words ...string) bool {
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
func (u *utterance) whole(phrases ...string) bool {
	all := strings.TrimSpace(u.padded)
	for _, p := range phrases {
		if all == p {
			return true
		}
	}
	return false
}

// classifiers, in priority order: the first that matches names the intent.
var classifiers = []struct {
	intent Intent
	match  func(*utterance, Understanding) bool
}{
	{IntentUrgent, func(u *utterance, _ Understanding) bool { return isUrgent(u) }},
	{IntentComplaint, func(u *utterance, _ Understanding) bool { return isComplaint(u) }},
	{IntentMedical, func(u *utterance, _ Understanding) bool { return isMedical(u) }},
	{IntentHuman, func(u *utterance, _ Understanding) bool { return isHuman(u) }},
	{IntentCancel, func(u *utterance, _ Understanding) bool { return isCancel(u) }},
	{IntentReschedule, func(u *utterance, _ Understanding) bool { return isReschedule(u) }},
	{IntentPick, func(_ *utterance, x Understanding) bool { return x.Option > 0 }},
	{IntentPrice, func(u *utterance, _ Understanding) bool { return isPrice(u) }},
	{IntentHours, func(u *utterance, x Understanding) bool { return isHours(u) && !asksOpenSlot(u, x) }},
	{IntentBook, func(u *utterance, x Understanding) bool {
		return isBook(u) || x.When != nil && (!isNo(u) || isCorrection(u))
	}},
	{IntentServices, func(u *utterance, _ Understanding) bool { return isServices(u) }},
	{IntentNo, func(u *utterance, _ Understanding) bool { return isNo(u) }},
	{IntentYes, func(u *utterance, _ Understanding) bool { return isYes(u) }},
	{IntentThanks, func(u *utterance, _ Understanding) bool { return isThanks(u) }},
	{IntentGreeting, func(u *utterance, _ Understanding) bool { return isGreeting(u) }},
}

func classify(u *utterance, x Understanding) Intent {
	for _, c := range classifiers {
		if c.match(u, x) {
			return c.intent
		}
	}
	return IntentUnknown
}

func isHuman(u *utterance) bool {
	return u.any("human", "receptionist", "representative", "manager") || isGroup(u) ||
		u.phrase("real person", "live person", "a person", "talk to", "speak to", "speak with",
			"talk with", "call me", "give me a call", "front desk", "someone call", "somebody call")
}

func isPrice(u *utterance) bool {
	return strings.Contains(u.raw, "$") ||
		u.any("price", "prices", "pricing", "priced", "cost", "costs", "charge", "charges",
			"fee", "fees", "rate", "rates", "expensive", "cheap", "afford", "specials") ||
		u.phrase("how much")
}

var dayWords = []string{"today", "tomorrow", "tonight", "weekend", "weekends", "weekday", "weekdays",
	"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
	"mondays", "tuesdays", "wednesdays", "thursdays", "fridays", "saturdays", "sundays"}

func isHours(u *utterance) bool {
	if u.any("hours", "address", "located", "location", "directions") || u.phrase("where are you", "where is the clinic") {
		return true
	}
	if !u.any("open", "opened", "closed", "closing") && !u.phrase("do you close", "you guys close", "close today", "close tonight") {
		return false
	}
	return u.any("when", "what", "are", "you", "late") || u.any(dayWords...)
}

// asksOpenSlot reads "open" about a time for a treatment rather than the
// clinic's hours: "botox thursday afternoon, is 2:30 open?", "are you open
// saturday for a facial?". Hours words ("hours", "address", "what time do
// you close") keep it a question about the hours.
func asksOpenSlot(u *utterance, x Understanding) bool {
	return x.ServiceID != "" && x.When != nil &&
		!u.any("hours", "address", "located", "location", "directions", "close", "closing", "closed")
}

func isBook(u *utterance) bool {
	return u.any("book", "booking", "booked", "appointment", "appointments", "appt", "appts",
		"schedule", "scheduling", "reserve", "reservation", "availability", "available",
		"openings", "opening", "slot", "slots") ||
		u.phrase("come in", "get in", "sign me up") ||
		u.any(dayWords...) && u.phrase("do you have", "anything", "any time", "anytime", "can i", "could i")
}

func isServices(u *utterance) bool {
	return u.any("services", "treatments", "menu", "offerings") ||
		u.phrase("what do you offer", "what do you do", "what do you guys do", "what do you have",
			"what else do you")
}

// isCorrection reads "no, Thursday instead": a no that names another time
// rather than declining one ("no, I can't do Thursday").
func isCorrection(u *utterance) bool {
	return !u.any("cant", "cannot", "not", "dont", "busy", "wont", "unavailable", "working", "never")
}

// isGroup reads a booking for more than one person ("can I bring a
// friend?"), which staff arrange.
func isGroup(u *utterance) bool {
	return u.phrase("bring a friend", "bring my friend", "bring my sister", "bring my mom", "bring my daughter",
		"bring someone", "bring a buddy", "two of us", "both of us", "three of us", "group booking", "a group",
		"couples", "for two people", "for 2 people", "me and my friend", "me and a friend", "my friend and i",
		"bridal party", "girls day", "book together", "come together", "back to back", "come with me",
		"friend come", "friend and me", "my friend too", "a friend too", "us both", "the two of us") ||
		meAndRelation(u)
}

// meAndRelation reads a booking for the lead and a relation: "me and my
// sister", "botox for me and a facial for my mom".
func meAndRelation(u *utterance) bool {
	w := u.words
	for i := 0; i+3 < len(w); i++ {
		if w[i] == "me" && w[i+1] == "and" && w[i+2] == "my" && relations[w[i+3]] {
			return true
		}
	}
	for i := 1; i+1 < len(w); i++ {
		if w[i-1] == "for" && w[i] == "me" && w[i+1] == "and" {
			for j := i + 2; j+2 < len(w); j++ {
				if w[j] == "for" && w[j+1] == "my" && relations[w[j+2]] {
					return true
				}
			}
		}
	}
	return false
}

func isNo(u *utterance) bool {
	return u.first("no", "nope", "nah", "n") ||
		u.whole("not now", "not interested", "not yet", "maybe later", "not really") ||
		u.phrase("just looking", "think about it", "let me think", "check with my", "let me check", "ill pass",
			"not right now", "not at this time", "maybe another time", "ill get back to you", "ill let you know")
}

// notNow reads a no that puts booking off rather than asking for other
// times: "I'll think about it", "maybe later", "just looking".
func notNow(u *utterance) bool {
	return u.whole("not now", "not interested", "not yet", "maybe later") ||
		u.phrase("just looking", "think about it", "let me think", "check with my", "let me check", "ill pass",
			"not right now", "not at this time", "maybe another time", "ill get back to you", "ill let you know")
}

func isYes(u *utterance) bool {
	return u.first("yes", "yeah", "yep", "yup", "yea", "ya", "sure", "absolutely", "definitely", "y", "yess", "yesss",
		"yas", "yeh", "ye", "yah", "certainly", "ofc") ||
		u.whole("ok", "okay", "k", "sounds good", "that works", "perfect", "please", "lets do it", "i do", "i would")
}

// isAck reads an acknowledgement: "ok cool", "sounds good", "see you then".
func isAck(u *utterance) bool {
	if len(u.words) == 0 || len(u.words) > 8 {
		return false
	}
	return u.first("ok", "okay", "k", "kk", "cool", "great", "awesome", "perfect", "alright", "sweet", "nice", "noted", "gotcha") ||
		u.phrase("sounds good", "see you", "see ya", "got it", "will do", "all good", "all set", "looking forward")
}

func isThanks(u *utterance) bool {
	return u.any("thanks", "thank", "thx", "appreciate", "tysm") || u.whole("ty")
}

func isGreeting(u *utterance) bool {
	return u.first("hi", "hello", "hey", "hiya", "howdy", "yo", "greetings", "hii", "heyy") ||
		u.phrase("good morning", "good afternoon", "good evening")
}
