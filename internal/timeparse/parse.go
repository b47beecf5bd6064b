package timeparse

import (
	"strconv"
	"strings"
	"time"
	"unicode"
)

// maxInput bounds the text read, so a huge message costs no more than a
// long one.
const maxInput = 400

// Parts of the day, in minutes after midnight.
var (
	Morning   = Window{0, 12 * 60}
	Afternoon = Window{12 * 60, 17 * 60}
	Evening   = Window{17 * 60, 24 * 60}
	Lunch     = Window{11*60 + 30, 13*60 + 30}
)

// parseText reads text with the grammar (Parse puts the text the way it
// reads it first).
func parseText(text string, now time.Time, loc *time.Location) (Preference, bool) {
	p := &parser{toks: tokenize(text), today: DateOf(now.In(loc))}
	p.run()
	return p.pref, p.found
}

type parser struct {
	toks  []string
	i     int
	today Date
	pref  Preference
	found bool
	// dayEnd is the index just after the last day named, so a bare number
	// right after it ("Fri 10") reads as a time.
	dayEnd int
	daySet bool
}

func (p *parser) peek(k int) string {
	if p.i+k < len(p.toks) && p.i+k >= 0 {
		return p.toks[p.i+k]
	}
	return ""
}

func (p *parser) run() {
	for p.i = 0; p.i < len(p.toks); {
		if n := p.step(); n > 0 {
			p.found = true
			p.i += n
			if p.daySet {
				p.dayEnd, p.daySet = p.i, false
			}
			continue
		}
		p.i++
	}
}

// step reads one construct at p.i and returns how many tokens it used.
func (p *parser) step() int {
	w := p.peek(0)
	switch {
	case w == "asap" || w == "soonest" || w == "earliest" || w == "whenever" || w == "anytime":
		if w != "anytime" {
			p.pref.ASAP = true
		}
		return 1
	case w == "as" && p.peek(1) == "soon" && p.peek(2) == "as" && (p.peek(3) == "possible" || p.peek(3) == "you" || p.peek(3) == "can"):
		p.pref.ASAP = true
		return 4
	case (w == "first" || w == "next") && (p.peek(1) == "available" || p.peek(1) == "opening"):
		p.pref.ASAP = true
		return 2
	case w == "any" && (p.peek(1) == "time" || p.peek(1) == "day"):
		return 2
	case w == "today":
		p.setDay(p.today)
		return 1
	case w == "tonight":
		p.setDay(p.today)
		p.addWindow(Evening)
		return 1
	case w == "day" && p.peek(1) == "after" && isTomorrow(p.peek(2)):
		p.setDay(p.today.AddDays(2))
		return 3
	case isTomorrow(w):
		p.setDay(p.today.AddDays(1))
		return 1
	case w == "this" || w == "next" || w == "coming" || w == "on" || w == "later":
		return p.relative()
	case w == "weekend" || w == "weekends":
		if w == "weekend" {
			p.weekend(0)
		} else {
			p.addWeekdays(time.Saturday, time.Sunday)
		}
		return 1
	case w == "weekday" || w == "weekdays":
		p.addWeekdays(time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday)
		return 1
	case w == "week" && p.peek(-1) != "this" && p.peek(-1) != "next":
		return 0
	}
	if n := p.partOfDay(); n > 0 {
		return n
	}
	if d, plural, ok := weekday(w); ok {
		if !plural && (p.peek(1) == "next" || p.peek(1) == "this") && p.peek(2) == "week" {
			mon := p.today.AddDays(-((int(p.today.Weekday()) + 6) % 7))
			if p.peek(1) == "next" {
				mon = mon.AddDays(7)
			}
			day := mon.AddDays((int(d) + 6) % 7)
			if day.Before(p.today) {
				day = day.AddDays(7)
			}
			p.setDay(day)
			return 3
		}
		if plural {
			p.addWeekdays(d)
		} else {
			p.setDay(p.upcoming(d, false))
		}
		return 1
	}
	if n := p.monthDate(); n > 0 {
		return n
	}
	if n := p.ordinal(); n > 0 {
		return n
	}
	return p.clock()
}

// relative reads "this/next/coming/on/later" + weekday, week or weekend.
func (p *parser) relative() int {
	w, next := p.peek(0), p.peek(1)
	if d, plural, ok := weekday(next); ok {
		if plural {
			p.addWeekdays(d)
		} else {
			p.setDay(p.upcoming(d, w == "next"))
		}
		return 2
	}
	switch {
	case next == "week" && (w == "this" || w == "later"):
		start := p.today
		end := p.today.AddDays((7 - int(p.today.Weekday())) % 7) // Sunday
		p.setRange(start, end)
		return 2
	case next == "week" && (w == "next" || w == "coming"):
		mon := p.today.AddDays(7 - (int(p.today.Weekday())+6)%7)
		p.setRange(mon, mon.AddDays(6))
		return 2
	case next == "weekend":
		if w == "next" {
			p.weekend(7)
		} else {
			p.weekend(0)
		}
		return 2
	case (next == "morning" || next == "afternoon" || next == "evening") && w == "this":
		p.setDay(p.today)
		return 1
	}
	return 0
}

// weekend sets the coming Saturday and Sunday (today if it is one), shifted
// by extra days.
func (p *parser) weekend(extra int) {
	sat := p.today.AddDays((int(time.Saturday) - int(p.today.Weekday()) + 7) % 7)
	if p.today.Weekday() == time.Sunday {
		sat = p.today.AddDays(-1)
	}
	from := sat.AddDays(extra)
	if from.Before(p.today) {
		from = p.today
	}
	p.setRange(from, sat.AddDays(extra+1))
}

// upcoming is the next date on weekday d: today counts unless next is set;
// "next Tuesday" skips one that falls in the current week.
func (p *parser) upcoming(d time.Weekday, next bool) Date {
	ahead := (int(d) - int(p.today.Weekday()) + 7) % 7
	if next {
		if ahead == 0 {
			ahead = 7
		}
		// Monday-start week: a day still in this week is "this", not "next".
		todayIdx := (int(p.today.Weekday()) + 6) % 7
		if todayIdx+ahead <= 6 {
			ahead += 7
		}
	}
	return p.today.AddDays(ahead)
}

func (p *parser) partOfDay() int {
	w := p.peek(0)
	if p.peek(-1) == "good" {
		return 0 // a greeting
	}
	var win Window
	switch strings.TrimSuffix(w, "s") {
	case "morning", "am":
		if w == "am" || w == "ams" {
			return 0
		}
		win = Morning
	case "afternoon", "aft", "arvo":
		win = Afternoon
	case "evening", "night":
		win = Evening
	case "lunch", "lunchtime", "lunchtim":
		win = Lunch
	default:
		if w == "after" && p.peek(1) == "work" {
			p.addWindow(Window{17 * 60, 24 * 60})
			return 2
		}
		return 0
	}
	p.addWindow(win)
	return 1
}

// monthDate reads "dec 3", "december 3rd", "3 dec" and "12/3".
func (p *parser) monthDate() int {
	w := p.peek(0)
	if m, ok := months[w]; ok {
		if d, ok := dayNumber(p.peek(1)); ok {
			p.setDay(p.dateOf(m, d))
			return 2
		}
		return 0
	}
	if d, ok := dayNumber(w); ok {
		if m, ok := months[p.peek(1)]; ok {
			p.setDay(p.dateOf(m, d))
			return 2
		}
	}
	if a, b, ok := strings.Cut(w, "/"); ok {
		mi, err1 := strconv.Atoi(a)
		di, err2 := strconv.Atoi(b)
		if err1 == nil && err2 == nil && mi >= 1 && mi <= 12 && di >= 1 && di <= 31 {
			p.setDay(p.dateOf(time.Month(mi), di))
			return 1
		}
	}
	return 0
}

// dateOf is the next date (today or later) on month m, day d; a day that
// month does not have is clamped to its last day.
func (p *parser) dateOf(m time.Month, d int) Date {
	y := p.today.Year
	for k := 0; k < 2; k++ {
		last := time.Date(y, m+1, 0, 12, 0, 0, 0, time.UTC).Day()
		c := Date{y, m, min(d, last)}
		if !c.Before(p.today) {
			return c
		}
		y++
	}
	return Date{y, m, d}
}

// ordinal reads "the 14th", "14th": the next such day of a month.
func (p *parser) ordinal() int {
	w := p.peek(0)
	d, ok := dayNumber(w)
	if !ok || !hasOrdinalSuffix(w) {
		return 0
	}
	for k := 0; k < 3; k++ {
		first := time.Date(p.today.Year, p.today.Month+time.Month(k), 1, 12, 0, 0, 0, time.UTC)
		last := time.Date(first.Year(), first.Month()+1, 0, 12, 0, 0, 0, time.UTC).Day()
		if d > last {
			continue
		}
		c := Date{first.Year(), first.Month(), d}
		if !c.Before(p.today) {
			p.setDay(c)
			return 1
		}
	}
	return 0
}

// clock reads times: "3pm", "3:30", "at 3", "noon", "after 5", "before 10",
// "between 2 and 4", "2-4pm", "Fri 10".
func (p *parser) clock() int {
	w := p.peek(0)
	switch w {
	case "after", "past":
		if m, n, ok := p.timeAt(1, true); ok {
			p.addWindow(Window{m, 24 * 60})
			return 1 + n
		}
		return 0
	case "before", "by", "until", "til", "till":
		if m, n, ok := p.timeAt(1, true); ok {
			p.addWindow(Window{0, m})
			return 1 + n
		}
		return 0
	case "between", "from":
		if m1, n1, ok := p.timeAt(1, true); ok {
			if sep := p.peek(1 + n1); sep == "and" || sep == "to" || sep == "-" {
				if m2, n2, ok := p.timeAt(2+n1, true); ok {
					if m2 <= m1 && m2+12*60 < 24*60 {
						m2 += 12 * 60
					}
					p.addWindow(Window{m1, m2})
					return 2 + n1 + n2
				}
			}
		}
		return 0
	case "at", "@", "around", "about", "say", "ish":
		if m, n, ok := p.timeAt(1, true); ok {
			p.addTime(m)
			return 1 + n
		}
		return 0
	}
	bare := p.i == p.dayEnd && p.i > 0 || p.peek(1) == "-" || confirmWords[p.peek(1)]
	if m, n, ok := p.timeAt(0, bare); ok {
		if p.peek(n) == "-" || p.peek(n) == "to" {
			if m2, n2, ok := p.timeAt(n+1, true); ok {
				if m2 <= m && m2+12*60 < 24*60 {
					m2 += 12 * 60
				}
				if m < 12*60 && m2 >= 12*60 && m+12*60 < m2 && !explicitMeridiem(p.peek(0)) {
					m += 12 * 60
				}
				p.addWindow(Window{m, m2})
				return n + 1 + n2
			}
		}
		p.addTime(m)
		return n
	}
	return 0
}

// confirmWords after a bare number make it a time: "10 works".
var confirmWords = map[string]bool{"works": true, "work": true, "oclock": true, "is": true, "would": true, "sounds": true, "ok": true, "ish": true}

// timeAt reads a clock time at offset k. A bare number counts only when
// bare is set (after a preposition or a day); it then reads 1-7 as pm.
func (p *parser) timeAt(k int, bare bool) (int, int, bool) {
	w := p.peek(k)
	switch w {
	case "noon", "midday", "12noon":
		return 12 * 60, 1, true
	case "lunch", "lunchtime":
		return 12 * 60, 1, true
	case "work":
		if k > 0 { // "after work", "before work"
			return 17 * 60, 1, true
		}
		return 0, 0, false
	}
	if m, ok := clockToken(w); ok { // "3pm", "3:30pm", "10am"
		return m, 1, true
	}
	h, mm, ok := hourMinute(w)
	if next := p.peek(k + 1); !ok && (next == "am" || next == "pm") {
		h, mm, ok = hourMinute(compactClock(w)) // "130 pm"
	}
	if !ok {
		return 0, 0, false
	}
	switch next := p.peek(k + 1); next {
	case "am", "a":
		if h == 12 {
			h = 0
		}
		return h*60 + mm, 2, h <= 12
	case "pm", "p":
		if h < 12 {
			h += 12
		}
		return h*60 + mm, 2, true
	}
	if strings.Contains(w, ":") {
		return guessMeridiem(h)*60 + mm, 1, true
	}
	if !bare {
		return 0, 0, false
	}
	return guessMeridiem(h)*60 + mm, 1, true
}

// guessMeridiem reads an hour given without am or pm as a clinic would:
// 1-7 are afternoon, 8-11 morning, 12 noon; 13-23 are already 24 h.
func guessMeridiem(h int) int {
	if h >= 1 && h <= 7 {
		return h + 12
	}
	return h
}

func explicitMeridiem(w string) bool {
	return strings.HasSuffix(w, "am") || strings.HasSuffix(w, "pm")
}

// clockToken reads "3pm", "3:30pm", "10am", "3p".
func clockToken(w string) (int, bool) {
	var pm bool
	switch {
	case strings.HasSuffix(w, "pm"):
		pm, w = true, strings.TrimSuffix(w, "pm")
	case strings.HasSuffix(w, "am"):
		w = strings.TrimSuffix(w, "am")
	case strings.HasSuffix(w, "p"):
		pm, w = true, strings.TrimSuffix(w, "p")
	case strings.HasSuffix(w, "a"):
		w = strings.TrimSuffix(w, "a")
	default:
		return 0, false
	}
	h, m, ok := hourMinute(compactClock(w))
	if !ok || h < 1 || h > 12 {
		return 0, false
	}
	if pm && h < 12 {
		h += 12
	}
	if !pm && h == 12 {
		h = 0
	}
	return h*60 + m, true
}

// compactClock writes a clock time typed without its colon, "130" or
// "1130", as "1:30" or "11:30"; it is only read so before am or pm, where
// three or four digits cannot be anything else.
func compactClock(w string) string {
	if (len(w) == 3 || len(w) == 4) && digits(w) {
		return w[:len(w)-2] + ":" + w[len(w)-2:]
	}
	return w
}

// hourMinute reads "3", "15", "3:30", "1530"-free forms: an hour 0-23 and
// minutes 0-59.
func hourMinute(w string) (int, int, bool) {
	hs, ms, colon := strings.Cut(w, ":")
	if !colon {
		ms = "0"
	}
	if hs == "" || len(hs) > 2 || !digits(hs) || !digits(ms) || len(ms) > 2 || colon && len(ms) != 2 {
		return 0, 0, false
	}
	h, _ := strconv.Atoi(hs)
	m, _ := strconv.Atoi(ms)
	if h > 23 || m > 59 || (!colon && h == 0) {
		return 0, 0, false
	}
	return h, m, true
}

func digits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func dayNumber(w string) (int, bool) {
	s := w
	if hasOrdinalSuffix(w) {
		s = w[:len(w)-2]
	}
	if !digits(s) || len(s) > 2 {
		return 0, false
	}
	d, _ := strconv.Atoi(s)
	return d, d >= 1 && d <= 31
}

func hasOrdinalSuffix(w string) bool {
	if len(w) < 3 {
		return false
	}
	switch w[len(w)-2:] {
	case "st", "nd", "rd", "th":
		return digits(w[:len(w)-2])
	}
	return false
}

func isTomorrow(w string) bool {
	switch w {
	case "tomorrow", "tmrw", "tmr", "tomorow", "tommorow", "tommorrow", "2morrow", "tomoro", "tmw":
		return true
	}
	return false
}

var weekdayNames = map[string]time.Weekday{
	"sunday": time.Sunday, "sun": time.Sunday,
	"monday": time.Monday, "mon": time.Monday,
	"tuesday": time.Tuesday, "tue": time.Tuesday, "tues": time.Tuesday, "tu": time.Tuesday,
	"wednesday": time.Wednesday, "wed": time.Wednesday, "weds": time.Wednesday, "wednsday": time.Wednesday, "wensday": time.Wednesday,
	"thursday": time.Thursday, "thu": time.Thursday, "thur": time.Thursday, "thurs": time.Thursday, "thurday": time.Thursday,
	"friday": time.Friday, "fri": time.Friday, "fryday": time.Friday,
	"saturday": time.Saturday, "sat": time.Saturday, "saterday": time.Saturday,
}

// weekday reads a day name; plural is set for "tuesdays".
func weekday(w string) (time.Weekday, bool, bool) {
	if d, ok := weekdayNames[w]; ok {
		return d, false, true
	}
	if strings.HasSuffix(w, "s") && len(w) > 6 {
		if d, ok := weekdayNames[strings.TrimSuffix(w, "s")]; ok {
			return d, true, true
		}
	}
	if d, ok := misspeltWeekday(w); ok {
		return d, false, true
	}
	return 0, false, false
}

var months = map[string]time.Month{
	"jan": time.January, "january": time.January, "feb": time.February, "february": time.February,
	"mar": time.March, "march": time.March, "apr": time.April, "april": time.April,
	"may": time.May, "jun": time.June, "june": time.June, "jul": time.July, "july": time.July,
	"aug": time.August, "august": time.August, "sep": time.September, "sept": time.September,
	"september": time.September, "oct": time.October, "october": time.October,
	"nov": time.November, "november": time.November, "dec": time.December, "december": time.December,
}

func (p *parser) setDay(d Date) {
	p.setRange(d, d)
	p.daySet = true
}

// setRange narrows the dates; a second mention of another day widens the
// range to cover both ("Monday or Tuesday").
func (p *parser) setRange(from, to Date) {
	if p.pref.From.IsZero() && p.pref.To.IsZero() {
		p.pref.From, p.pref.To = from, to
		return
	}
	if from.Before(p.pref.From) {
		p.pref.From = from
	}
	if p.pref.To.Before(to) {
		p.pref.To = to
	}
}

func (p *parser) addWeekdays(ds ...time.Weekday) {
	for _, d := range ds {
		dup := false
		for _, e := range p.pref.Weekdays {
			dup = dup || e == d
		}
		if !dup {
			p.pref.Weekdays = append(p.pref.Weekdays, d)
		}
	}
}

func (p *parser) addWindow(w Window) {
	if w.From >= w.To {
		return
	}
	// One window inside another narrows it: "evenings after 6" is after 6,
	// not every evening. Windows apart ("mornings or after 5") are both kept.
	kept := p.pref.Windows[:0]
	for _, e := range p.pref.Windows {
		switch {
		case e.From <= w.From && w.To <= e.To:
			continue // w narrows e
		case w.From <= e.From && e.To <= w.To:
			return // e already narrows w
		}
		kept = append(kept, e)
	}
	p.pref.Windows = append(kept, w)
}

func (p *parser) addTime(m int) {
	for _, e := range p.pref.Times {
		if e == m {
			return
		}
	}
	p.pref.Times = append(p.pref.Times, m)
}

// tokenize lower-cases text and splits it into words, keeping ":" and "/"
// inside numbers, "@" and "-" as their own tokens, and "p.m." as "pm".
func tokenize(text string) []string {
	text = strings.ToLower(text)
	text = strings.NewReplacer("p.m.", "pm", "a.m.", "am", "p.m", "pm", "a.m", "am", "’", "'").Replace(text)
	var out []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			t := strings.Trim(string(cur), ":/")
			if h, ok := strings.CutSuffix(t, "ish"); ok && h != "" && h[0] >= '0' && h[0] <= '9' {
				out = append(out, h, "ish") // "3ish", "4pmish"
			} else {
				out = append(out, t)
			}
			cur = cur[:0]
		}
	}
	rs := []rune(text)
	for i, r := range rs {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			cur = append(cur, r)
		case (r == ':' || r == '/') && len(cur) > 0 && i+1 < len(rs) && unicode.IsDigit(rs[i+1]):
			cur = append(cur, r)
		case r == '\'':
		case r == '@' || r == '-':
			flush()
			out = append(out, string(r))
		default:
			flush()
		}
	}
	flush()
	kept := out[:0]
	for _, t := range out {
		if t != "" {
			kept = append(kept, t)
		}
	}
	return kept
}

// WeekdayWord reads a day of the week as a lead writes it: "thu",
// "thursday", "thursdays", or misspelt by one letter ("thusrday").
func WeekdayWord(w string) (time.Weekday, bool) {
	d, _, ok := weekday(strings.ToLower(w))
	return d, ok
}

// fullWeekdays are the names a misspelling is compared with.
var fullWeekdays = []string{"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"}

// misspeltWeekday finds the day a word of six letters or more names with
// one typo: a letter added, dropped or changed, or two neighbours swapped.
func misspeltWeekday(w string) (time.Weekday, bool) {
	if len(w) < 6 {
		return 0, false
	}
	for i, name := range fullWeekdays {
		if oneEdit(w, name) {
			return time.Weekday(i), true
		}
	}
	return 0, false
}

// oneEdit reports whether a and b differ by at most one edit (insertion,
// deletion, a swap of two neighbours, or in words of seven letters or more
// a substitution).
func oneEdit(a, b string) bool {
	if a == b {
		return true
	}
	la, lb := len(a), len(b)
	switch {
	case la == lb:
		diff := []int{}
		for i := range la {
			if a[i] != b[i] {
				diff = append(diff, i)
			}
		}
		// A changed letter counts in longer words only: "sundae" is no day.
		return len(diff) == 1 && la >= 7 || len(diff) == 2 && diff[1] == diff[0]+1 && a[diff[0]] == b[diff[1]] && a[diff[1]] == b[diff[0]]
	case la == lb+1:
		return oneInsert(b, a)
	case lb == la+1:
		return oneInsert(a, b)
	}
	return false
}

// oneInsert reports whether long is short with one letter inserted.
func oneInsert(short, long string) bool {
	for i := range len(short) {
		if short[i] != long[i] {
			return short[i:] == long[i+1:]
		}
	}
	return true
}
