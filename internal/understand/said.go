package understand

import (
	"strings"
	"time"

	"github.com/medspa/engine/internal/timeparse"
)

// Questions the conversation asks about a text beyond its Understanding,
// whose answers matter only in some states of the booking. NotNow, Ack
// (intent.go) and Spanish (flow.go) are with the readings they refine.

// Urgent reports a possibly urgent medical problem, the reading behind
// IntentUrgent.
func (u *Utterance) Urgent() bool {
	return isUrgent(u)
}

// AsksAvailability reports a question about open times ("do you have
// anything friday afternoon?"), which is answered with offers, not read as
// a pick among those on offer.
func (u *Utterance) AsksAvailability() bool {
	return u.phrase("do you have", "do u have", "anything", "any openings", "any time", "any times", "available",
		"availability", "openings", "is there", "are there", "got anything", "any slots", "any appointments")
}

// Closest reports a lead taking whichever offered time is nearest what
// they asked for: "whatever is closest", "the nearest one".
func (u *Utterance) Closest() bool {
	return u.any("closest", "nearest") && !u.AsksLocation() &&
		!u.any("where", "station", "train", "bus", "garage", "lot", "hotel", "clinic", "location")
}

// SameTime reports "same time", as in "friday same time".
func (u *Utterance) SameTime() bool {
	return u.phrase("same time")
}

// Pick finds one of offers offered times picked in words anywhere in a
// short answer: "actually make it the first one", "the last one", "2nd
// pls", "any of them". It returns 0 when there is none.
func (u *Utterance) Pick(offers int) int {
	return pickWord(u, offers)
}

// NamesWeekday reports whether the text names the day of the week d by
// its name and no nearer day or date: "thursday works", "thursday at 2",
// but not "next thursday" or "thursday 12/3".
func (u *Utterance) NamesWeekday(d time.Weekday) bool {
	if u.any("next", "tomorrow", "tmrw", "today") || strings.ContainsAny(u.raw, "/0123456789") && !u.any("at", "am", "pm") {
		return false
	}
	for _, w := range u.words {
		if wd, ok := timeparse.WeekdayWord(w); ok && wd == d {
			return true
		}
	}
	return false
}

// WeekdayAlone reports whether the text names a day of the week and no
// number, "next" or "after": "tuesday works".
func (u *Utterance) WeekdayAlone() bool {
	if u.any("next", "after") || strings.ContainsAny(u.raw, "/0123456789") {
		return false
	}
	for _, w := range u.words {
		if _, ok := timeparse.WeekdayWord(w); ok {
			return true
		}
	}
	return false
}

// HourTaken reports a short answer that takes a number as a time rather
// than naming an option: "9 works", "10 is fine", "5 please"; not "5",
// "option 5" or "the 5th one".
func (u *Utterance) HourTaken() bool {
	if len(u.words) > 5 || u.any("option", "number", "one", "choice", "slot") {
		return false
	}
	return u.any(takeWords...)
}

// takeWords take a time or an offer: "9 works", "10 is fine", "5 please".
var takeWords = []string{"works", "work", "good", "fine", "perfect", "great", "please", "pls", "plz"}

// ClockExplicit reports a time of day written so that it cannot be an
// option number: "3pm", "3:30", "noon", "4 o'clock", "10 am".
func (u *Utterance) ClockExplicit() bool {
	if i := strings.Index(u.raw, ":"); i > 0 && i+1 < len(u.raw) && isDigit(u.raw[i-1]) && isDigit(u.raw[i+1]) {
		return true
	}
	for i, w := range u.words {
		switch {
		case w == "noon" || w == "oclock" || w == "o" && i+1 < len(u.words) && u.words[i+1] == "clock":
			return true
		case (w == "am" || w == "pm") && i > 0 && strings.Trim(u.words[i-1], "0123456789") == "":
			return true
		}
		if n := strings.TrimSuffix(strings.TrimSuffix(w, "am"), "pm"); n != w && n != "" && strings.Trim(n, "0123456789") == "" {
			return true // "3pm", "10am"
		}
	}
	return false
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// Accepts reports a word that takes what is offered: "first available is
// fine", "earliest works", "soonest please".
func (u *Utterance) Accepts() bool {
	return u.any(takeWords...) || u.any("ok", "okay", "sure", "yes") || soonestAnswer(u)
}

// soonestAnswer reads a bare "first available", "the earliest available"
// as an answer that takes the soonest, not a question about availability
// ("what's your first available?").
func soonestAnswer(u *Utterance) bool {
	if len(u.words) > 4 || strings.Contains(u.raw, "?") || u.any("what", "whats", "when", "whens", "is", "do", "any") {
		return false
	}
	return u.phrase("first available", "earliest available", "next available", "soonest available")
}

// RunningLate reports a lead who says, or asks what happens if, they come
// late: "what if I'm running a few min late?", "I'll be 10 minutes late".
func (u *Utterance) RunningLate() bool {
	return u.phrase("running late", "be late", "running behind", "min late", "mins late", "minutes late", "bit late", "little late")
}

// AsksComfort reports a question about how a treatment feels: "is it
// painful?", "does microneedling hurt?", "how bad is the pain".
func (u *Utterance) AsksComfort() bool {
	return u.phrase("is it painful", "does it hurt", "will it hurt", "how painful", "how bad is the pain", "how much does it hurt",
		"hurt a lot", "hurt much", "does that hurt", "scared of needles", "afraid of needles", "pain tolerance") ||
		u.any("painful", "hurt") && (u.any("is", "does", "will", "how") || strings.Contains(u.raw, "?"))
}

// AsksPayment reports a question about insurance, financing or how one
// may pay: "do you take carecredit?", "is it covered by insurance".
func (u *Utterance) AsksPayment() bool {
	return u.any("insurance", "carecredit", "financing", "cherry", "afterpay", "klarna", "hsa", "fsa") ||
		u.phrase("care credit", "payment plan", "payment plans", "pay monthly", "monthly payments")
}

// Haggles reports a lead bargaining over the price or asking for a
// discount: "can you do it for less?", "that's too expensive, any
// discount?", "is there a deal for first timers?", "can you do $500?".
func (u *Utterance) Haggles() bool {
	return u.any("discount", "discounts", "discounted", "deals", "promo", "promos", "promotion", "promotions",
		"coupon", "coupons", "specials", "cheaper", "negotiable", "negotiate", "groupon") ||
		u.phrase("a deal", "any deal", "the deal for", "special offer", "any special", "a special for", "a special on",
			"for less", "any less", "a little less", "bit less", "lower price", "lower the price", "best price", "price match",
			"too expensive", "too pricey", "so expensive", "kinda expensive", "pretty expensive", "bit expensive",
			"thats a lot", "kinda a lot", "thats too much", "its too much", "way too much", "bit much",
			"cant afford", "cannot afford", "knock off", "knock some", "come down", "go lower", "go any lower",
			"do any better", "do better on") ||
		strings.Contains(u.raw, "$") && u.phrase("can you do", "could you do", "can u do", "would you do", "do it for", "how about")
}

// FindsPriceHigh reports a lead finding the price too high ("that's too
// expensive", "can you do it for less"), as opposed to asking about deals.
func (u *Utterance) FindsPriceHigh() bool {
	return u.any("expensive", "pricey", "cheaper", "afford") ||
		u.phrase("for less", "any less", "a little less", "bit less", "thats a lot", "kinda a lot", "too much",
			"bit much", "lower the price", "knock off", "knock some", "come down", "go lower", "go any lower", "do any better")
}

// AsksLocation reports a question about where the clinic is or where to
// park: "what's the address", "is there parking nearby?".
func (u *Utterance) AsksLocation() bool {
	return u.any("address", "located", "location", "directions", "parking") ||
		u.phrase("where are you", "where is the clinic", "where do i park", "where to park", "where can i park", "where should i park")
}

// AsksParking reports a question about parking: "is there parking?",
// "where do I park".
func (u *Utterance) AsksParking() bool {
	return u.any("parking", "park")
}

// AsksHours reports a question about opening hours: "what are your
// hours", "are you open sunday", "what time do you close".
func (u *Utterance) AsksHours() bool {
	return u.any("hours", "open", "opened", "closed", "closing", "close")
}

// WhyName reports a lead asking why their name is wanted: "why do u need
// my name", "what do you need my name for".
func (u *Utterance) WhyName() bool {
	return u.any("name") && (u.any("why") || u.phrase("need my name for", "want my name for", "need it for"))
}
