package understand

import (
	"slices"
	"strings"
	"time"

	"github.com/medspa/engine/internal/clinic"
)

// Slot is what a question asks the lead for.
type Slot string

// Slots a question can ask for.
const (
	SlotNone Slot = ""
	// SlotService: which treatment.
	SlotService Slot = "service"
	// SlotTime: which days and times suit the lead.
	SlotTime Slot = "time"
	// SlotPick: which of the offered times.
	SlotPick Slot = "pick"
	// SlotName: the lead's (or the patient's) name.
	SlotName Slot = "name"
	// SlotPatient: whether the lead visited the clinic before.
	SlotPatient Slot = "patient"
	// SlotBook: whether the lead would like to book (a yes or no).
	SlotBook Slot = "book"
	// SlotServiceMenu: which treatment, by its number in a numbered menu.
	SlotServiceMenu Slot = "service_menu"
)

// Question is the question a text answers: the slot the last reply asked
// for and the choices it gave.
type Question struct {
	Slot Slot
	// Offers is how many times were on offer (SlotPick).
	Offers int
	// Menu are the ids of the services the numbered menu listed, in its
	// order (SlotServiceMenu).
	Menu []string
}

// Answer reads a text as the answer to the question asked first, then for
// anything else it says, as a person at the front desk reads an answer to
// what they just asked before anything else it says. A zero Question
// reads the text as Text does, except that a text that is only a name
// typed as one is the lead's name.
func Answer(text string, c *clinic.Clinic, now time.Time, q Question) Understanding {
	utt, m := NewUtterance(text), c.Matcher()
	u := read(text, utt, m, c, now)
	switch q.Slot {
	case SlotName:
		// "call me Bea" answers the name question; "call me please" asks
		// for a call.
		calledBy := u.Intent == IntentHuman && (utt.first("call") || utt.phrase("you can call me"))
		if (u.Intent.HandsOff() && !calledBy) || u.Intent == IntentCancel || u.Intent == IntentReschedule {
			return u
		}
		if name, other, rest, ok := answerName(utt, m); ok {
			// The name is read as a name: nothing in it (a "June", a
			// "Tuesday Smith") is read as a day; what follows it is read
			// on its own.
			r := Understanding{Intent: IntentUnknown}
			if len(rest) > 0 {
				r = Text(tokenText(rest), c, now)
			}
			r.Name, r.ForOther = name, other
			return r
		}
	case SlotPatient:
		if u.Patient == "" {
			switch u.Intent {
			case IntentYes:
				u.Patient, u.Intent = PatientReturning, IntentUnknown
			case IntentNo:
				u.Patient, u.Intent = PatientNew, IntentUnknown
			}
		}
	case SlotPick:
		answerPick(&u, utt, q.Offers)
		typedName(&u, utt, m)
	case SlotNone:
		typedName(&u, utt, m)
	case SlotServiceMenu:
		if u.ServiceID == "" && !u.Intent.HandsOff() {
			n := u.Option
			if n == 0 {
				n = pickWord(utt, len(q.Menu))
			}
			if n > 0 && n <= len(q.Menu) {
				u.ServiceID, u.Option, u.Intent = q.Menu[n-1], 0, IntentBook
			}
		}
	}
	return u
}

// typedName reads a text that says nothing else and is a name typed as
// one, capitalised ("Dana K", "Morgan Lee"), as the lead's name: sent
// while times are on offer or unasked, it answers the question the
// booking asks next.
func typedName(u *Understanding, utt *Utterance, m *clinic.Matcher) {
	if !unread(*u) || len(utt.tokens) == 0 || !capitalized(utt.tokens[0].orig) {
		return
	}
	if name, other, rest, ok := answerName(utt, m); ok && len(rest) == 0 {
		u.Name, u.ForOther = name, other
	}
}

// firstClause is the first clause of a text of several, prepared for
// matching; ok is false for a text of one clause.
func firstClause(u *Utterance) (*Utterance, bool) {
	raw := u.raw
	for i := 0; i < len(raw); i++ {
		switch raw[i] {
		case '.', '!', '?', ';', '\n':
			if raw[i] == '.' && i > 0 && i+1 < len(raw) && isDigit(raw[i-1]) && isDigit(raw[i+1]) {
				continue // "2.30"
			}
			if rest := strings.TrimLeft(raw[i+1:], ".!?; \n"); rest != "" {
				return NewUtterance(raw[:i]), true
			}
			return nil, false
		}
	}
	return nil, false
}

// unread reports an understanding with nothing in it.
func unread(u Understanding) bool {
	return u.Intent == IntentUnknown && u.Name == "" && u.ServiceID == "" && u.When == nil && u.Option == 0 &&
		u.Patient == "" && u.Shift == ShiftNone && u.ProviderID == "" && u.ProviderAsked == ""
}

// answerPick reads u, said while offers times were on offer, as a pick
// among them: by number or in words, by the hour, as taking what is
// offered, or as asking for other times.
func answerPick(u *Understanding, utt *Utterance, offers int) {
	if u.Option == 0 && !u.Intent.HandsOff() {
		// "2 please. how long is the appointment?": a pick in the first
		// clause, a question after it.
		if first, ok := firstClause(utt); ok {
			if n := extractOption(first); n > 0 && n <= offers {
				u.Option, u.When, u.Intent = n, nil, IntentPick
				return
			}
		}
	}
	if u.Option == 0 && (u.When == nil || ordinalPick(utt)) && !u.Intent.HandsOff() {
		if n := pickWord(utt, offers); n > 0 {
			u.Option, u.When, u.Intent = n, nil, IntentPick
			if u.Patient == PatientNew && utt.phrase("the first time") {
				u.Patient = "" // the first time on offer, not a first visit
			}
		}
	}
	if u.Option == 0 && u.When == nil && !u.Intent.HandsOff() {
		if h := bareHour(utt); h > 0 {
			u.Option, u.Intent = h, IntentPick // "12" when 12pm is on offer
		} else if u.ServiceID == "" && (u.Intent == IntentBook || u.Intent == IntentUnknown) && agrees(utt) {
			u.Intent = IntentYes // "works for me", "book it"
		}
	}
	if u.Option == 0 {
		u.Shift = shiftOf(utt)
		if u.Shift == ShiftNone && noneWork(utt) {
			u.Shift = ShiftOther
		}
	}
}

// Shift is a lead's answer to offered times that asks for others relative
// to them: later, earlier, or none of these.
type Shift string

// Shifts.
const (
	ShiftNone    Shift = ""
	ShiftLater   Shift = "later"
	ShiftEarlier Shift = "earlier"
	// ShiftOther: none of the offered times works ("neither works").
	ShiftOther Shift = "other"
)

// bareHour reads a short answer that is only an hour past the option
// numbers, "12" or "11 please": the offer at that hour, which the
// conversation finds among the times on offer.
func bareHour(u *Utterance) int {
	found := 0
	for _, w := range u.words {
		switch {
		case (w == "10" || w == "11" || w == "12") && found == 0:
			found = int(w[1]-'0') + 10
		case !optionFiller[w]:
			return 0
		}
	}
	return found
}

// agrees reads a short answer that takes what is offered: "works for me",
// "book it", "I'll take it".
func agrees(u *Utterance) bool {
	return len(u.words) <= 6 && (u.phrase("works for me", "that works", "book it", "take it", "grab it", "lock it in",
		"book me", "sounds great", "lets do that", "lets do it", "that one", "do that") || affirms(u))
}

// affirms reads a short yes in other words than "yes": "ok cool", "cool",
// "kk", "sounds gr8", "alright", "bet", "perfect!!".
func affirms(u *Utterance) bool {
	if len(u.words) == 0 || len(u.words) > 4 {
		return false
	}
	core := false
	for _, w := range u.words {
		switch w {
		case "ok", "okay", "k", "kk", "okk", "okie", "okey", "cool", "great", "gr8", "perfect", "awesome", "alright",
			"aight", "sure", "good", "fine", "works", "bet", "yes", "yeah", "yep", "yup", "ya", "amazing", "excellent":
			core = true
		case "sounds", "thats", "that", "is", "lets", "do", "it", "please", "pls", "then", "very", "so", "super":
		default:
			return false
		}
	}
	return core
}

// ordinalPick reads "the 1st one", "2nd time", "2nd 1" among offered
// times as the option, not the day of the month.
func ordinalPick(u *Utterance) bool {
	for i := 0; i+1 < len(u.words); i++ {
		switch u.words[i] {
		case "1st", "2nd", "3rd":
			switch u.words[i+1] {
			case "one", "1", "time", "option", "slot", "choice":
				return true
			}
		}
	}
	return false
}

// pickWord finds an offered time picked in words anywhere in a short
// answer: "actually make it the first one", "the last one", "2nd pls",
// "any of them". It returns 0 when there is none.
func pickWord(u *Utterance, offers int) int {
	if len(u.words) > 10 || offers == 0 {
		return 0
	}
	if u.phrase("any of them", "any of those", "either one", "either is fine", "either works", "whichever",
		"doesnt matter", "dont care", "any is fine", "any works", "first available", "earliest one", "soonest one",
		"earlier one") ||
		u.whole("either", "any", "any one", "anyone") {
		return 1
	}
	if u.phrase("later one", "latest one") {
		return offers // the later of those on offer, not other times
	}
	found := 0
	for i, w := range u.words {
		n := 0
		switch w {
		case "first", "1st":
			n = 1
		case "second", "2nd":
			n = 2
		case "third", "3rd":
			n = 3
		case "last", "latest", "later one":
			n = offers
		case "middle":
			if offers == 3 {
				n = 2
			}
		case "one", "two", "three":
			if i > 0 && (u.words[i-1] == "option" || u.words[i-1] == "number") {
				n = ordinalWords[w]
			}
		default:
			if i > 0 && (u.words[i-1] == "option" || u.words[i-1] == "number" || u.words[i-1] == "the" ||
				u.words[i-1] == "take" || u.words[i-1] == "pick") {
				n = smallNumber(w)
			}
		}
		if n == 0 {
			continue
		}
		if i+1 < len(u.words) && (u.words[i+1] == "time" || u.words[i+1] == "visit" || u.words[i+1] == "available") && w == "first" &&
			!theFirstTime(u, i) {
			continue // "first time", "first visit"
		}
		if found != 0 && found != n {
			return 0
		}
		found = n
	}
	if found > offers {
		return 0
	}
	return found
}

// theFirstTime reports "the first time" at i ("first" at i) said of the
// times on offer: "the first time", "the first time works", "the first
// time slot", not "the first time I came" or "it's my first time".
func theFirstTime(u *Utterance, i int) bool {
	if i == 0 || u.words[i-1] != "the" || u.words[i+1] != "time" {
		return false
	}
	for _, w := range u.words[i+2:] {
		if !slices.Contains(firstTimeTail, w) {
			return false
		}
	}
	return true
}

// firstTimeTail are the words that may follow "the first time" that
// picks an offer.
var firstTimeTail = []string{"slot", "is", "one", "works", "work", "good", "fine", "great", "perfect", "please", "pls",
	"plz", "ok", "okay", "sounds", "then", "thanks", "thank", "you"}

// shiftOf reads "anything later?", "earlier?", "something sooner".
func shiftOf(u *Utterance) Shift {
	switch {
	case u.any("later", "after") && !u.any("earlier", "before", "sooner"):
		return ShiftLater
	case u.any("earlier", "sooner", "before"):
		return ShiftEarlier
	}
	return ShiftNone
}

// noneWork reads "neither works", "none of those", "those don't work".
func noneWork(u *Utterance) bool {
	return u.any("neither", "none", "nothing") ||
		u.phrase("dont work", "doesnt work", "wont work", "do not work", "does not work", "cant do any",
			"can not do any", "cannot do any", "not those", "no good", "other times", "other options",
			"something else", "different times", "any other")
}
