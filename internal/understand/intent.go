package understand

import "strings"

// classifiers, in priority order: the first that matches names the intent.
var classifiers = []struct {
	intent Intent
	match  func(*Utterance, Understanding) bool
}{
	{IntentUrgent, func(u *Utterance, _ Understanding) bool { return isUrgent(u) }},
	{IntentComplaint, func(u *Utterance, _ Understanding) bool { return isComplaint(u) }},
	{IntentMedical, func(u *Utterance, _ Understanding) bool { return isMedical(u) }},
	{IntentHuman, func(u *Utterance, _ Understanding) bool { return isHuman(u) }},
	{IntentCancel, func(u *Utterance, _ Understanding) bool { return isCancel(u) }},
	{IntentReschedule, func(u *Utterance, _ Understanding) bool { return isReschedule(u) }},
	{IntentPick, func(_ *Utterance, x Understanding) bool { return x.Option > 0 }},
	{IntentPrice, func(u *Utterance, _ Understanding) bool { return isPrice(u) }},
	{IntentHours, func(u *Utterance, x Understanding) bool { return isHours(u) && !asksOpenSlot(u, x) }},
	{IntentBook, func(u *Utterance, x Understanding) bool {
		return isBook(u) || x.When != nil && (!isNo(u) || isCorrection(u))
	}},
	{IntentServices, func(u *Utterance, _ Understanding) bool { return isServices(u) }},
	{IntentNo, func(u *Utterance, _ Understanding) bool { return isNo(u) }},
	{IntentYes, func(u *Utterance, _ Understanding) bool { return isYes(u) }},
	{IntentThanks, func(u *Utterance, _ Understanding) bool { return isThanks(u) }},
	{IntentGreeting, func(u *Utterance, _ Understanding) bool { return isGreeting(u) }},
}

func classify(u *Utterance, x Understanding) Intent {
	for _, c := range classifiers {
		if c.match(u, x) {
			return c.intent
		}
	}
	return IntentUnknown
}

func isHuman(u *Utterance) bool {
	return u.any("human", "receptionist", "representative", "manager") || isGroup(u) ||
		u.phrase("real person", "live person", "a person", "talk to", "speak to", "speak with",
			"talk with", "call me", "give me a call", "front desk", "someone call", "somebody call")
}

func isPrice(u *Utterance) bool {
	return strings.Contains(u.raw, "$") ||
		u.any("price", "prices", "pricing", "priced", "cost", "costs", "charge", "charges",
			"fee", "fees", "rate", "rates", "expensive", "cheap", "afford", "specials", "deposit", "deposits",
			"upfront", "prepay") ||
		u.phrase("how much", "up front", "pay ahead", "pay in advance") || u.Haggles()
}

var dayWords = []string{"today", "tomorrow", "tonight", "weekend", "weekends", "weekday", "weekdays",
	"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
	"mondays", "tuesdays", "wednesdays", "thursdays", "fridays", "saturdays", "sundays"}

func isHours(u *Utterance) bool {
	if u.any("hours") || u.AsksLocation() {
		return true
	}
	if !u.any("open", "opened", "closed", "closing") && !u.phrase("do you close", "you guys close", "close today", "close tonight") {
		return false
	}
	if u.phrase("whats open", "what is open", "anything open", "something open", "what do you have open", "what times are open",
		"what time is open", "open slots", "open times", "open spots", "open appointments", "still open") {
		return false // times free to book, not the clinic's hours
	}
	return u.any("when", "what", "are", "you", "late") || u.any(dayWords...)
}

// asksOpenSlot reads "open" about a time for a treatment rather than the
// clinic's hours: "botox thursday afternoon, is 2:30 open?", "are you open
// saturday for a facial?". Hours words ("hours", "address", "what time do
// you close") keep it a question about the hours.
func asksOpenSlot(u *Utterance, x Understanding) bool {
	return x.ServiceID != "" && x.When != nil &&
		!u.any("hours", "address", "located", "location", "directions", "close", "closing", "closed")
}

func isBook(u *Utterance) bool {
	return u.any("book", "booking", "booked", "appointment", "appointments", "appt", "appts",
		"schedule", "scheduling", "reserve", "reservation", "availability", "available",
		"openings", "opening", "slot", "slots") ||
		u.phrase("come in", "get in", "sign me up") ||
		u.any(dayWords...) && u.phrase("do you have", "anything", "any time", "anytime", "can i", "could i")
}

func isServices(u *Utterance) bool {
	return u.any("services", "treatments", "menu", "offerings") ||
		u.phrase("what do you offer", "what do you do", "what do you guys do", "what do you have",
			"what else do you") || u.AsksDuration()
}

// AsksDuration reports a question about how long a visit takes: "how long
// does it take?", "how long is the appointment". How long a treatment's
// effect lasts is not one ("how long does botox last").
func (u *Utterance) AsksDuration() bool {
	return u.phrase("how long does it take", "how long will it take", "how long is the appointment",
		"how long is the treatment", "how long is the visit", "how long does the appointment",
		"how long does the treatment", "how long does the visit", "how long would it take",
		"how long is it", "how much time does it take", "how much time should i")
}

// isCorrection reads "no, Thursday instead": a no that names another time
// rather than declining one ("no, I can't do Thursday").
func isCorrection(u *Utterance) bool {
	return !u.any("cant", "cannot", "not", "dont", "busy", "wont", "unavailable", "working", "never")
}

// isGroup reads a booking for more than one person ("can I bring a
// friend?"), which staff arrange.
func isGroup(u *Utterance) bool {
	return u.phrase("bring a friend", "bring my friend", "bring my sister", "bring my mom", "bring my daughter",
		"bring someone", "bring a buddy", "two of us", "both of us", "three of us", "group booking", "a group",
		"couples", "for two people", "for 2 people", "me and my friend", "me and a friend", "my friend and i",
		"bridal party", "girls day", "book together", "come together", "back to back", "come with me",
		"friend come", "friend and me", "my friend too", "a friend too", "us both", "the two of us") ||
		meAndRelation(u)
}

// meAndRelation reads a booking for the lead and a relation: "me and my
// sister", "botox for me and a facial for my mom".
func meAndRelation(u *Utterance) bool {
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

func isNo(u *Utterance) bool {
	return u.first("no", "nope", "nah", "n") ||
		u.whole("not now", "not interested", "not yet", "maybe later", "not really") ||
		u.phrase("just looking", "think about it", "let me think", "check with my", "let me check", "ill pass",
			"not right now", "not at this time", "maybe another time", "ill get back to you", "ill let you know")
}

// NotNow reports a no that puts booking off rather than asking for other
// times: "I'll think about it", "maybe later", "just looking".
func (u *Utterance) NotNow() bool {
	return u.whole("not now", "not interested", "not yet", "maybe later") ||
		u.phrase("just looking", "think about it", "let me think", "check with my", "let me check", "ill pass",
			"not right now", "not at this time", "maybe another time", "ill get back to you", "ill let you know")
}

func isYes(u *Utterance) bool {
	return u.first("yes", "yeah", "yep", "yup", "yea", "ya", "sure", "absolutely", "definitely", "y", "yess", "yesss",
		"yas", "yeh", "ye", "yah", "certainly", "ofc") ||
		u.whole("ok", "okay", "k", "sounds good", "that works", "perfect", "please", "lets do it", "i do", "i would")
}

// Ack reports an acknowledgement: "ok cool", "sounds good", "see you then".
func (u *Utterance) Ack() bool {
	if len(u.words) == 0 || len(u.words) > 8 {
		return false
	}
	return u.first("ok", "okay", "k", "kk", "cool", "great", "awesome", "perfect", "alright", "sweet", "nice", "noted", "gotcha") ||
		u.phrase("sounds good", "see you", "see ya", "got it", "will do", "all good", "all set", "looking forward")
}

func isThanks(u *Utterance) bool {
	return u.any("thanks", "thank", "thx", "appreciate", "tysm") || u.whole("ty")
}

func isGreeting(u *Utterance) bool {
	return u.first("hi", "hello", "hey", "hiya", "howdy", "yo", "greetings", "hii", "heyy") ||
		u.phrase("good morning", "good afternoon", "good evening")
}
