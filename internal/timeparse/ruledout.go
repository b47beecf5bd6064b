package timeparse

import (
	"slices"
	"strings"
	"time"
)

// Parse reads a preference for when to come in from text, relative to now
// in loc. ok is false when the text names no day, time or urgency.
//
// Before the grammar reads the text, two things leads text are put the
// way it reads them: time words misspelt or shortened ("aftr 3", "b4
// noon", "tonite"), and days ruled out ("not tuesday", "any day but
// monday", "thursday doesn't work"), which leave the other days of the
// week; "not today" moves the first day to tomorrow.
func Parse(text string, now time.Time, loc *time.Location) (Preference, bool) {
	if loc == nil {
		loc = time.UTC
	}
	if rs := []rune(text); len(rs) > maxInput {
		text = string(rs[:maxInput])
	}
	fields := strings.Fields(text)
	if !needsRewrite(fields) {
		return parseText(text, now, loc)
	}
	rest, out, notToday := ruledOut(fields)
	p, ok := parseText(strings.Join(rest, " "), now, loc)
	if len(out) == 0 && !notToday {
		return p, ok
	}
	if len(out) > 0 {
		p.Weekdays = slices.DeleteFunc(p.Weekdays, func(d time.Weekday) bool { return slices.Contains(out, d) })
		if len(p.Weekdays) == 0 {
			for d := time.Sunday; d <= time.Saturday; d++ {
				if !slices.Contains(out, d) {
					p.Weekdays = append(p.Weekdays, d)
				}
			}
		}
	}
	if notToday {
		if tomorrow := DateOf(now.In(loc)).AddDays(1); p.From.IsZero() || p.From.Before(tomorrow) {
			p.From = tomorrow
			if !p.To.IsZero() && p.To.Before(p.From) {
				p.To = Date{}
			}
		}
	}
	return p, true
}

// needsRewrite reports a field that may rule a day out or is a misspelt
// time word; without one the text goes to the grammar as it is.
func needsRewrite(fields []string) bool {
	for _, f := range fields {
		w := bare(f)
		if _, typo := timeTypos[w]; typo || slices.Contains(negationWords, w) {
			return true
		}
	}
	return false
}

// timeTypos are time words as leads misspell or shorten them, with the
// word the parser reads.
var timeTypos = map[string]string{
	"aftr": "after", "afer": "after", "atfer": "after", "affter": "after", "afte": "after",
	"b4": "before", "befor": "before", "bfore": "before", "bef": "before", "beofre": "before",
	"tonite": "tonight", "2nite": "tonight", "nite": "night", "2day": "today", "2morrow": "tomorrow",
	"mornin": "morning", "mornng": "morning", "morining": "morning", "evenin": "evening", "evning": "evening",
	"afternon": "afternoon", "aftenoon": "afternoon", "arvo": "afternoon",
}

// negationWords open a day ruled out: "not tuesday", "except monday",
// "any day but friday", "no mondays", "can't do thursday", and after the
// day, "tuesday doesn't work", "friday is bad".
var negationWords = []string{"not", "except", "but", "no", "cant", "cannot", "never", "doesnt", "dont", "wont",
	"isnt", "bad", "out", "busy"}

// ruledOut corrects time typos in the words of a text and takes out the
// days of the week it rules out; notToday reports "not today".
func ruledOut(fields []string) (rest []string, out []time.Weekday, notToday bool) {
	for i := 0; i < len(fields); i++ {
		w := bare(fields[i])
		if fix, ok := timeTypos[w]; ok {
			rest = append(rest, fix)
			continue
		}
		if ruling(fields, i) {
			j := i + 1
			for j < len(fields) && slices.Contains([]string{"on", "a", "do", "for", "the", "any"}, bare(fields[j])) {
				j++
			}
			if j < len(fields) && bare(fields[j]) == "today" && w == "not" {
				notToday = true
				i = j
				continue
			}
			if days, n := dayList(fields[j:]); n > 0 {
				out = append(out, days...)
				i = j + n - 1
				continue
			}
		}
		if d, ok := WeekdayWord(w); ok && len(w) >= 3 && ruledAfter(fields[i+1:]) {
			out = append(out, d)
			continue
		}
		rest = append(rest, fields[i])
	}
	return rest, out, notToday
}

// ruling reports a word at i that rules out the days after it.
func ruling(fields []string, i int) bool {
	switch w := bare(fields[i]); w {
	case "not", "except", "never":
		return true
	case "no":
		return i+1 < len(fields) && strings.HasSuffix(bare(fields[i+1]), "s") // "no mondays"
	case "cant", "cannot":
		return true
	case "but":
		// "any day but tuesday", "anytime but friday"
		for k := max(0, i-3); k < i; k++ {
			if b := bare(fields[k]); b == "any" || b == "anytime" || b == "anything" || b == "whenever" || b == "anyday" {
				return true
			}
		}
	}
	return false
}

// dayList reads days of the week joined by "or", "and", commas or
// slashes at the start of fields; n is how many fields they take.
func dayList(fields []string) (days []time.Weekday, n int) {
	for n < len(fields) {
		w := bare(fields[n])
		if d, ok := WeekdayWord(w); ok && len(w) >= 3 {
			days = append(days, d)
			n++
			if strings.ContainsAny(fields[n-1], ".!?;") {
				break
			}
			continue
		}
		if len(days) > 0 && (w == "or" || w == "and" || w == "nor" || w == "&") {
			n++
			continue
		}
		break
	}
	for n > 0 && len(days) > 0 {
		if _, ok := WeekdayWord(bare(fields[n-1])); ok {
			break
		}
		n-- // a trailing "or"
	}
	return days, n
}

// ruledAfter reports words after a day that rule it out: "doesn't work",
// "won't work", "is bad", "is out", "is no good", "im busy".
func ruledAfter(after []string) bool {
	next := func(k int) string {
		if k < len(after) {
			return bare(after[k])
		}
		return ""
	}
	switch next(0) {
	case "doesnt", "dont", "wont", "isnt", "cant":
		return true
	case "is", "are", "s":
		switch next(1) {
		case "bad", "out", "no", "not", "busy", "booked", "full":
			return true
		}
	case "no":
		return next(1) == "good"
	case "out", "bad", "busy":
		return true // "friday's out", "tuesday bad"
	}
	return false
}

// bare is a field lower-cased without the punctuation around it and the
// apostrophes in it.
func bare(f string) string {
	return strings.ReplaceAll(strings.ToLower(strings.Trim(f, ".,!?;:()\"'“”’")), "'", "")
}
