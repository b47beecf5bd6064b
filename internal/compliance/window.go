package compliance

import (
	"strings"
	"time"
)

// hours is the window for one day: texts may start at Open:00 and must be
// sent before Close:00, local time. Open >= Close means closed all day.
type hours struct{ Open, Close int }

// stateRule is a state's quiet-hours rule for initiated (solicitation) texts.
// Days not in Days use Default. Cap is the most initiated texts per rolling
// 24 hours (0: no cap beyond the federal rules).
type stateRule struct {
	Default hours
	Days    map[time.Weekday]hours
	Cap     int
}

// closed is a day with no initiated texts.
var closed = hours{0, 0}

// federal is the TCPA window: 47 CFR 64.1200(c)(1), no telephone
// solicitation before 8 am or after 9 pm at the called party's location.
var federal = stateRule{Default: hours{8, 21}}

// stateRules holds the states whose rules are stricter than the federal
// window. Where a statute was unclear to us, the stricter reading is used.
var stateRules = map[string]stateRule{
	// Florida Telephone Solicitation Act, Fla. Stat. 501.059(8)(b) (2021
	// amendment): 8 am to 8 pm, at most 3 commercial telephone solicitation
	// calls or texts on the same subject per 24 hours.
	"FL": {Default: hours{8, 20}, Cap: 3},
	// Oklahoma Telephone Solicitation Act of 2022, 15 O.S. 775C.4: 8 am to
	// 8 pm, at most 3 per 24 hours on the same subject.
	"OK": {Default: hours{8, 20}, Cap: 3},
	// Maryland Stop the Spam Calls Act of 2023, Md. Code Com. Law 14-4503:
	// 8 am to 8 pm, at most 3 per 24 hours on the same subject.
	"MD": {Default: hours{8, 20}, Cap: 3},
	// Washington, RCW 80.36.390(3): no solicitation before 8 am or after
	// 8 pm.
	"WA": {Default: hours{8, 20}},
	// Connecticut, Conn. Gen. Stat. 42-288a as amended by P.A. 23-98:
	// 9 am to 8 pm.
	"CT": {Default: hours{9, 20}},
	// Texas, Tex. Bus. & Com. Code 301.051: 9 am to 9 pm Monday to Saturday,
	// noon to 9 pm on Sunday.
	"TX": {Default: hours{9, 21}, Days: map[time.Weekday]hours{time.Sunday: {12, 21}}},
	// Louisiana, La. R.S. 45:844.14 and 45:811: 8 am to 8 pm, none on
	// Sunday (legal holidays are also excluded by statute; holidays are not
	// modelled here).
	"LA": {Default: hours{8, 20}, Days: map[time.Weekday]hours{time.Sunday: closed}},
	// Mississippi, Miss. Code 77-3-725: 8 am to 8 pm, none on Sunday.
	"MS": {Default: hours{8, 20}, Days: map[time.Weekday]hours{time.Sunday: closed}},
	// Alabama, Ala. Code 8-19A-14 and Ala. Admin. Code 770-X-13: 8 am to
	// 8 pm, none on Sunday (or state holidays, not modelled).
	"AL": {Default: hours{8, 20}, Days: map[time.Weekday]hours{time.Sunday: closed}},
	// Kentucky, KRS 367.46955(15): no solicitation before 10 am or after
	// 9 pm.
	"KY": {Default: hours{10, 21}},
	// Rhode Island, R.I. Gen. Laws 5-61-3.4: 9 am to 6 pm on weekdays,
	// 10 am to 5 pm on Saturday, none on Sunday.
	"RI": {Default: hours{9, 18}, Days: map[time.Weekday]hours{time.Saturday: {10, 17}, time.Sunday: closed}},
	// South Carolina Telephone Privacy Protection Act, S.C. Code 37-21-70:
	// 8 am to 9 pm Monday to Saturday, 1 pm to 9 pm on Sunday.
	"SC": {Default: hours{8, 21}, Days: map[time.Weekday]hours{time.Sunday: {13, 21}}},
	// Minnesota, Minn. Stat. 325E.27: no solicitation before 9 am or after
	// 9 pm.
	"MN": {Default: hours{9, 21}},
	// Massachusetts, 201 CMR 12.02 / M.G.L. c.159C s.3: 8 am to 8 pm.
	"MA": {Default: hours{8, 20}},
	// Utah, Telephone Fraud Prevention Act (Utah Code 13-26): 8 am to 9 pm,
	// none on Sunday; the Sunday rule is the stricter reading of the act.
	"UT": {Default: hours{8, 21}, Days: map[time.Weekday]hours{time.Sunday: closed}},
}

// rule returns the quiet-hours rule for a state code ("" or unknown: the
// federal window).
func rule(state string) stateRule {
	if r, ok := stateRules[strings.ToUpper(strings.TrimSpace(state))]; ok {
		return r
	}
	return federal
}

// on returns the window for one weekday.
func (r stateRule) on(d time.Weekday) hours {
	if h, ok := r.Days[d]; ok {
		return h
	}
	return r.Default
}

// Window returns the state's weekday window for initiated texts, as local
// hours [openHour, closeHour), and the most initiated texts allowed per
// rolling 24 hours (0: no state cap). Some states differ on weekends; Check
// applies those too.
func Window(state string) (openHour, closeHour int, dailyCap int) {
	r := rule(state)
	h := r.on(time.Wednesday)
	return h.Open, h.Close, r.Cap
}

// InWindow reports whether t falls inside the state's window in loc.
func InWindow(state string, loc *time.Location, t time.Time) bool {
	lt := t.In(loc)
	h := rule(state).on(lt.Weekday())
	return lt.Hour() >= h.Open && lt.Hour() < h.Close
}

// nextOpen returns the earliest instant >= t inside the state's window in
// loc. The opening is built with time.Date in loc, so it is right on DST
// days. It looks at most eight days ahead; every rule opens at least one day
// a week.
func nextOpen(state string, loc *time.Location, t time.Time) time.Time {
	if InWindow(state, loc, t) {
		return t
	}
	r := rule(state)
	lt := t.In(loc)
	for i := 0; i <= 8; i++ {
		day := time.Date(lt.Year(), lt.Month(), lt.Day()+i, 12, 0, 0, 0, loc)
		h := r.on(day.Weekday())
		if h.Open >= h.Close {
			continue
		}
		open := time.Date(day.Year(), day.Month(), day.Day(), h.Open, 0, 0, 0, loc)
		if !open.Before(t) {
			return open
		}
	}
	// Unreachable with the rules above; stay closed rather than open.
	return t.Add(8 * 24 * time.Hour)
}
