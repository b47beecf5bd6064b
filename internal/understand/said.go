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
