package conversation

import (
	"fmt"
	"strings"
	"time"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/internal/timeparse"
	"github.com/medspa/engine/internal/understand"
)

// booking moves the booking flow on for one message: picking an offered
// time, changing one's mind, declining, and offering times as soon as the
// treatment is known, for the time the lead asked for or else the soonest.
// It reports whether it took care of the message (replied or asked the
// clinic for a hold).
func (t *turn) booking(u understand.Understanding, learned bool) bool {
	if t.rescheduling(u, learned) {
		return true
	}
	switch t.s.Phase {
	case PhaseOffering:
		if t.s.Pending == nil && len(t.s.Offers) > 0 && t.pickOffer(u, learned) {
			return true
		}
	case PhaseHeld, PhaseDeposit:
		return t.changeHold(u, learned)
	case PhaseBooked:
		if t.changeBooking(u, learned) {
			return true
		}
		if !t.newBooking(u) {
			return false
		}
	}
	svc, ok := t.service(understand.Understanding{})
	if !ok || t.s.Pending != nil {
		return false
	}
	switch {
	case u.When != nil, t.serviceChanged, t.providerChanged, t.providerNotice != "":
	case t.s.Phase == PhaseOffering:
		return false // a question between offers: answered, the offers restated
	case !wantsTimes(u.Intent):
		return false
	}
	t.offer(svc, u, learned)
	return true
}

// newBooking reports whether a booked lead asks for another visit: their
// booking took place, or they ask times for another treatment.
func (t *turn) newBooking(u understand.Understanding) bool {
	a, ok := t.s.Booked()
	if !ok {
		return true
	}
	return !a.Start.After(t.now) || u.ServiceID != "" && u.ServiceID != a.ServiceID
}

// wantsTimes reports the intents that, once the treatment is known, are
// answered with open times: anything but declining, thanks or a hand-off.
func wantsTimes(i understand.Intent) bool {
	switch i {
	case understand.IntentNo, understand.IntentThanks, understand.IntentCancel, understand.IntentReschedule,
		understand.IntentHuman, understand.IntentMedical, understand.IntentUrgent, understand.IntentComplaint:
		return false
	}
	return true
}

// pickOffer handles a message while times are on offer.
func (t *turn) pickOffer(u understand.Understanding, learned bool) bool {
	offers := t.s.Offers
	switch {
	case u.Option > len(offers):
		t.pickPastOptions(u, learned)
		return true
	case u.Option > 0:
		t.requestHold(offers[u.Option-1])
		return true
	case u.When != nil && asapOnly(*u.When) && (!t.said().AsksAvailability() || t.said().Accepts()):
		// "first available is fine", "earliest": the soonest on offer.
		t.requestHold(soonest(offers))
		return true
	case u.When != nil && u.Intent != understand.IntentHours:
		return t.pickByTime(u, learned)
	case u.Shift == understand.ShiftLater || u.Shift == understand.ShiftEarlier:
		t.shiftWant(u.Shift)
		svc, ok := t.service(understand.Understanding{})
		if !ok {
			return false
		}
		t.offer(svc, u, learned)
		return true
	case u.When == nil && u.Shift == understand.ShiftNone && t.said().Closest():
		// "whatever is closest": the offer nearest the time asked for.
		t.requestHold(nearestOffer(t.c, offers, t.s.Want))
		return true
	case u.Intent == understand.IntentYes && len(offers) == 1:
		t.requestHold(offers[0])
		return true
	case u.Intent == understand.IntentYes && u.When == nil && t.s.Want != nil && t.s.Want.ASAP:
		// "ok" to the soonest times offered to a lead who asked for the
		// soonest: the first. The reply names it; "the other one" moves it.
		t.requestHold(offers[0])
		return true
	case u.Intent == understand.IntentYes:
		t.reply(join(t.opener(learned), "Great! Which one? "+t.ask(AskPick, offerList(t.c, offers)+" "+pickPrompt(len(offers)))))
		return true
	case u.Intent == understand.IntentNo && u.When == nil && t.said().NotNow():
		// "I'll think about it": not a wish for other times.
		t.s.Offers = nil
		t.setPhase(PhaseLost)
		t.reply(join(t.opener(learned), "No problem! Text us here anytime when you're ready."))
		return true
	case u.Shift == understand.ShiftOther || u.Intent == understand.IntentNo || u.Intent == understand.IntentCancel:
		t.s.Offers = nil
		t.s.Want = nil
		t.setPhase(PhaseQualifying)
		t.reply(join(t.opener(learned), "No problem! "+t.ask(AskTime, "What other days or times would work for you?")))
		return true
	}
	return false
}

// pickByTime handles a day or time named while times are on offer: the one
// offer it fits is held, several are asked between, none offers again.
func (t *turn) pickByTime(u understand.Understanding, learned bool) bool {
	offers := t.s.Offers
	var hits []clinic.Slot
	if !t.said().AsksAvailability() && !(u.Shift == understand.ShiftOther || u.Intent == understand.IntentNo) {
		hits = matchingDay(t.c, offers, *u.When, t.said())
	}
	switch len(hits) {
	case 0:
		// another time ("not those, friday any time"): offer again
		t.namedTime = len(u.When.Times) == 1 && !t.said().AsksAvailability() &&
			(t.said().ClockExplicit() || (u.When.Times[0]/60+11)%12+1 > len(offers))
		t.timeOnOfferedDay(*u.When)
		return false
	case 1:
		t.s.Want = t.prevWant // naming an offer keeps what was asked for
		// Picked by its day or time: a "the first" sent next keeps it.
		t.s.Offers = hits
		t.requestHold(hits[0])
	default:
		if u.When.ASAP && len(hits) == len(offers) || nearestWeekday(t.c, hits, *u.When, t.said()) || !t.mayAsk(askWhich) {
			// "the earliest you have"; "tuesday" when the offers it
			// fits are on two Tuesdays is the coming one; and after
			// asking "which one?" twice, the soonest that fits. The
			// reply names the time, and "the other one" still moves it.
			t.requestHold(hits[0])
			return true
		}
		t.s.Want = t.prevWant
		t.s.Offers = hits
		t.count(askWhich)
		t.reply(join(t.opener(learned), "Which one works best? "+t.ask(AskPick, offerList(t.c, hits)+" "+pickPrompt(len(hits)))))
	}
	return true
}

// matchingDay is matching, and when nothing matches a text that names a
// day of the week without a date ("thursday works" when the Thursday on
// offer is next week's), the offers on that day of the week.
func matchingDay(c *clinic.Clinic, offers []clinic.Slot, want timeparse.Preference, u *understand.Utterance) []clinic.Slot {
	if hits := matching(c, offers, want); len(hits) > 0 || want.From.IsZero() || want.From != want.To {
		return hits
	}
	wd := want.From.Weekday()
	if !u.NamesWeekday(wd) {
		return nil
	}
	byDay := want
	byDay.From, byDay.To, byDay.Weekdays = timeparse.Date{}, timeparse.Date{}, []time.Weekday{wd}
	return matching(c, offers, byDay)
}

// nearestWeekday reports whether a text names a day of the week and no
// date or time ("tuesday works") while the offers it fits are that weekday
// on different dates: a person means the coming one.
func nearestWeekday(c *clinic.Clinic, hits []clinic.Slot, want timeparse.Preference, u *understand.Utterance) bool {
	if len(want.Times) > 0 || len(want.Windows) > 0 || !u.WeekdayAlone() {
		return false
	}
	loc := c.Location()
	first := hits[0].Start.In(loc)
	for _, h := range hits[1:] {
		l := h.Start.In(loc)
		if l.Weekday() != first.Weekday() || l.YearDay() == first.YearDay() && l.Year() == first.Year() {
			return false
		}
	}
	return true
}

// matching are the offers a preference names: "thursday works", "the 3:30
// one", "tuesday at 2".
func matching(c *clinic.Clinic, offers []clinic.Slot, want timeparse.Preference) []clinic.Slot {
	var hits []clinic.Slot
	for _, o := range offers {
		if want.Matches(o.Start, c.Location()) {
			hits = append(hits, o)
		}
	}
	return hits
}

// pickPastOptions answers a number past the options: "4" when 4pm is on
// offer; "9 works", or "11" among three options, when that hour is not on
// offer: that hour on the days asked for, held when open; a number just
// past the last option ("4" among three), more likely a slip than a time,
// asks again.
func (t *turn) pickPastOptions(u understand.Understanding, learned bool) {
	offers := t.s.Offers
	if s, ok := offerAtHour(t.c, offers, u.Option); ok {
		t.requestHold(s)
		return
	}
	if w, ok := hourWanted(t.s.Want, u.Option); ok && (t.said().HourTaken() || u.Option > len(offers)+1) {
		if svc, ok := t.service(understand.Understanding{}); ok {
			t.s.Want, t.namedTime = &w, true
			t.offer(svc, u, learned)
			return
		}
	}
	t.reply(join(t.opener(learned), t.ask(AskPick, fmt.Sprintf("Please reply with a number from 1 to %d: %s", len(offers), offerList(t.c, offers)))))
}

// offerAtHour finds the one offer on the hour h (am or pm), for a bare
// number that is no option: "4" when 4pm is offered.
func offerAtHour(c *clinic.Clinic, offers []clinic.Slot, h int) (clinic.Slot, bool) {
	var hit []clinic.Slot
	for _, o := range offers {
		l := o.Start.In(c.Location())
		if l.Minute() == 0 && l.Hour()%12 == h%12 {
			hit = append(hit, o)
		}
	}
	if len(hit) != 1 {
		return clinic.Slot{}, false
	}
	return hit[0], true
}

// asapOnly reports a wish for the earliest time and nothing else.
func asapOnly(w timeparse.Preference) bool {
	return w.ASAP && w.From.IsZero() && w.To.IsZero() && len(w.Weekdays) == 0 && len(w.Windows) == 0 && len(w.Times) == 0
}

// soonest is the earliest of the offered times.
func soonest(offers []clinic.Slot) clinic.Slot {
	first := offers[0]
	for _, o := range offers[1:] {
		if o.Start.Before(first.Start) {
			first = o
		}
	}
	return first
}

// timeOnOfferedDay moves a time alone ("3pm works") to the day of the
// offers when they are all on one day and the day asked for before had
// none of them: "tomorrow at 3" on a day the clinic is closed, offered
// Monday's times, then "3pm works" means Monday at 3.
func (t *turn) timeOnOfferedDay(w timeparse.Preference) {
	if t.s.Want == nil || !w.From.IsZero() || !w.To.IsZero() || len(w.Weekdays) > 0 || len(w.Times) == 0 {
		return
	}
	loc := t.c.Location()
	day := timeparse.DateOf(t.s.Offers[0].Start.In(loc))
	for _, o := range t.s.Offers[1:] {
		if timeparse.DateOf(o.Start.In(loc)) != day {
			return
		}
	}
	if t.prevWant != nil && t.prevWant.MatchesDay(day) {
		return
	}
	c := *t.s.Want
	c.From, c.To, c.Weekdays = day, day, nil
	t.s.Want = &c
}

// hourWanted reads a number past the options ("9 works") as that hour,
// 7 to 11 in the morning and 12 to 6 in the afternoon, on the days of
// want; false when it is no hour of the day.
func hourWanted(want *timeparse.Preference, h int) (timeparse.Preference, bool) {
	if h < 1 || h > 12 {
		return timeparse.Preference{}, false
	}
	w := timeparse.Preference{}
	if want != nil {
		w = *want
	}
	m := h % 12 * 60
	if h < 7 || h == 12 {
		m += 12 * 60 // "3" is 3pm, "12" noon, "9" 9am
	}
	w.Times, w.Windows, w.ASAP = []int{m}, nil, false
	return w, true
}

// minuteOfDay is the time of day of a slot at the clinic, in minutes after
// midnight.
func minuteOfDay(c *clinic.Clinic, s clinic.Slot) int {
	l := s.Start.In(c.Location())
	return l.Hour()*60 + l.Minute()
}

// nearestOffer is the offer nearest the one time the lead asked for, the
// earlier of two as near; without one such time, the first offer.
func nearestOffer(c *clinic.Clinic, offers []clinic.Slot, want *timeparse.Preference) clinic.Slot {
	best := offers[0]
	if want == nil || len(want.Times) != 1 {
		return best
	}
	dist := func(s clinic.Slot) int {
		d := minuteOfDay(c, s) - want.Times[0]
		return max(d, -d)
	}
	for _, s := range offers[1:] {
		if d, b := dist(s), dist(best); d < b || d == b && s.Start.Before(best.Start) {
			best = s
		}
	}
	return best
}

// shiftWant turns "anything later?" or "earlier?" into a preference for
// the same days after the last, or before the first, time offered.
func (t *turn) shiftWant(sh understand.Shift) {
	offers := t.s.Offers
	loc := t.c.Location()
	w := timeparse.Preference{}
	if t.s.Want != nil {
		w = *t.s.Want
	}
	w.Times, w.ASAP = nil, false
	first, last := offers[0].Start.In(loc), offers[len(offers)-1].Start.In(loc)
	if w.From.IsZero() && len(w.Weekdays) == 0 {
		w.From = timeparse.DateOf(first)
	}
	if sh == understand.ShiftLater {
		w.Windows = []timeparse.Window{{From: last.Hour()*60 + last.Minute() + 1, To: 24 * 60}}
	} else {
		w.Windows = []timeparse.Window{{From: 0, To: first.Hour()*60 + first.Minute()}}
	}
	t.s.Want = &w
}

// changeHold handles a message while a time is held: releasing it, moving
// it to another of the times it was picked from ("actually make it the
// first one"), or to another day.
func (t *turn) changeHold(u understand.Understanding, learned bool) bool {
	h := t.s.Hold
	if s, ok := t.repick(u); ok {
		if s.Start.Equal(h.Start) {
			return false
		}
		t.releaseHold()
		t.setPhase(PhaseOffering)
		t.notice = join(t.notice, "Sure, I've released "+slotText(t.c, h.Start)+".")
		t.requestHold(s)
		return true
	}
	if a, ok := t.s.FindAppointment(h.AppointmentID); ok && t.providerChanged && t.s.ProviderID != "" && a.ProviderID != t.s.ProviderID {
		// Another provider asked for: their times, from the same wish.
		if svc, ok := t.service(understand.Understanding{}); ok {
			if p, ok := t.c.ProviderByID(t.s.ProviderID); ok && p.Performs(svc.ID) {
				t.releaseHold()
				t.setPhase(PhaseQualifying)
				t.notice = join(t.notice, "Sure, I've released "+slotText(t.c, h.Start)+withProvider(t.c, a.ProviderID)+".")
				t.offer(svc, u, learned)
				return true
			}
		}
	}
	if u.When != nil && (u.Intent == understand.IntentBook || u.Intent == understand.IntentReschedule) {
		w := t.heldRelative(*u.When)
		u.When, t.s.Want = &w, &w
		if t.moveHoldTo(w) {
			return true
		}
	}
	switch {
	case u.Intent == understand.IntentNo || u.Intent == understand.IntentCancel:
		t.releaseHold()
		t.setPhase(PhaseLost)
		t.reply(join(t.opener(learned), "No problem, I've released "+slotText(t.c, h.Start)+". Text us anytime if you'd like another time."))
		return true
	case u.Intent == understand.IntentReschedule || u.Intent == understand.IntentBook && u.When != nil:
		t.releaseHold()
		t.setPhase(PhaseQualifying)
		svc, ok := t.service(understand.Understanding{})
		if u.When == nil || !ok {
			t.s.Want = nil
			t.reply(join(t.opener(learned), "Sure, I've released "+slotText(t.c, h.Start)+". "+t.ask(AskTime, "What day and time would suit you better?")))
			return true
		}
		t.notice = join(t.notice, "Sure, I've released "+slotText(t.c, h.Start)+".")
		t.offer(svc, u, learned)
		return true
	}
	return false
}

// heldRelative reads a wish said while a time is held against that time:
// "same time" is its time of day ("friday same time"), and a time alone
// ("the 7pm", "can you do 10:30 instead?") is on its day.
func (t *turn) heldRelative(w timeparse.Preference) timeparse.Preference {
	held := t.s.Hold.Start.In(t.c.Location())
	if len(w.Times) == 0 && len(w.Windows) == 0 && t.said().SameTime() {
		w.Times = []int{held.Hour()*60 + held.Minute()}
	}
	if w.From.IsZero() && w.To.IsZero() && len(w.Weekdays) == 0 && !w.ASAP && len(w.Times) == 1 {
		w.From, w.To = timeparse.DateOf(held), timeparse.DateOf(held)
	}
	return w
}

// moveHoldTo moves the hold straight to the one time a wish names on one
// day, when that time is open: asked for exactly, it needs no offer.
func (t *turn) moveHoldTo(w timeparse.Preference) bool {
	if len(w.Times) != 1 || w.From.IsZero() || w.From != w.To {
		return false
	}
	svc, ok := t.service(understand.Understanding{})
	if !ok {
		return false
	}
	slots, exact := suggest(t.cal, t.c, svc, t.s.ProviderID, w, t.now)
	h := t.s.Hold
	if !exact || len(slots) != 1 || slots[0].Start.Equal(h.Start) {
		return false
	}
	t.releaseHold()
	t.setPhase(PhaseOffering)
	t.notice = join(t.notice, "Sure, I've released "+slotText(t.c, h.Start)+".")
	t.requestHold(slots[0])
	return true
}

// repick finds another of the times a hold was picked from that the
// message names: by number or in words, or by its day or time.
func (t *turn) repick(u understand.Understanding) (clinic.Slot, bool) {
	offered := t.s.Offered
	if len(offered) < 2 || u.Name != "" {
		return clinic.Slot{}, false
	}
	n := u.Option
	if n == 0 {
		n = t.said().Pick(len(offered))
	}
	if n > 0 && n <= len(offered) {
		return offered[n-1], true
	}
	if u.When != nil && u.Intent == understand.IntentBook {
		if hits := matching(t.c, offered, *u.When); len(hits) == 1 {
			return hits[0], true
		}
	}
	return clinic.Slot{}, false
}

// offer suggests open times for svc matching what the lead wants, or the
// soonest when the lead named no time yet.
func (t *turn) offer(svc clinic.Service, u understand.Understanding, learned bool) {
	info := t.sideAnswer()
	switch u.Intent {
	case understand.IntentPrice, understand.IntentHours, understand.IntentServices:
		info = intentHandlers[u.Intent](t, u).text
		if r := t.assistReply(u.Intent); r != "" {
			opening := t.opener(learned)
			if t.first {
				opening = t.notice // the model's answer names the clinic
			}
			if t.offerWith(svc, opening, r, SourceModel) {
				return
			}
		}
	}
	t.offerWith(svc, t.opener(learned), info, SourceBuiltin)
}

// offerWith offers times after an opening (a notice, a greeting) and an
// answer to a side question from source, which is dropped first when the
// text would be too long. It reports false, and does nothing, when the
// answer from the model does not fit.
func (t *turn) offerWith(svc clinic.Service, opening, info, source string) bool {
	var want timeparse.Preference
	if t.s.Want != nil {
		want = *t.s.Want
	}
	provider, note := t.offerProvider(svc)
	slots, exact := suggest(t.cal, t.c, svc, provider, want, t.now)
	slots = utcSlots(slots)
	if t.namedTime && exact && len(slots) > 0 && len(want.Times) == 1 && minuteOfDay(t.c, slots[0]) == want.Times[0] {
		t.requestHold(slots[0])
		return true
	}
	opening = join(opening, note)
	parts := []string{opening, info}
	if len(slots) == 0 {
		t.notice = "" // the opening carries it
		t.handoff(reasonNoAvailability, join(opening, info, "We have no open times for "+svc.Name+" in the coming weeks."))
		return true
	}
	with := withProvider(t.c, provider)
	lead := "Here's what we have for " + svc.Name + with + ":"
	prompt := pickPrompt(len(slots))
	switch {
	case want.IsZero():
		lead = "Our soonest " + svc.Name + " openings" + with + ":"
		prompt = pickOrDayPrompt(len(slots))
	case !exact:
		lead = "We don't have a " + svc.Name + " opening" + with + " " + describeWant(want) + ". The nearest:"
		if d := want.From; !d.IsZero() && d == want.To && t.c.HoursOn(d.Weekday()).Closed {
			lead = "We're closed on " + d.Weekday().String() + "s. The nearest " + svc.Name + " openings" + with + ":"
		}
		if want.ASAP {
			lead = "Our soonest " + svc.Name + " openings" + with + ":"
		}
	case want.ASAP:
		lead = "Our soonest " + svc.Name + " openings" + with + ":"
	}
	parts = append(parts, lead+" "+offerList(t.c, slots)+" "+prompt)
	text := fit(parts...)
	if source == SourceModel && !strings.Contains(text, info) {
		return false
	}
	t.s.Offers = slots
	t.setPhase(PhaseOffering)
	t.event(EventSlotsOffered, "service_id", svc.ID, "count", fmt.Sprint(len(slots)), "exact", fmt.Sprint(exact))
	t.ask(AskPick, "")
	t.replyFrom(text, source)
	return true
}

// requestHold asks the clinic to hold a slot; the clinic's answer comes
// back through ApplyHoldResult, which replies.
func (t *turn) requestHold(s clinic.Slot) {
	want := timeparse.Preference{}
	if t.s.Want != nil {
		want = *t.s.Want
	}
	h := HoldSlot{ServiceID: t.s.ServiceID, Start: s.Start.UTC(), Want: want, ProviderID: t.s.ProviderID}
	t.s.Pending = &h
	if t.s.Rescheduling != "" {
		// Moving a booking: no new hold, the booking itself moves.
		t.effects = append(t.effects, MoveBooking{AppointmentID: t.s.Rescheduling, ServiceID: h.ServiceID, Start: h.Start, Want: want})
		return
	}
	t.effects = append(t.effects, h)
}

// releaseHold gives a held time back to the clinic; its appointment is
// cancelled, and a deposit already paid for it is refunded.
func (t *turn) releaseHold() {
	if t.s.Hold == nil {
		return
	}
	if a, ok := t.s.FindAppointment(t.s.Hold.AppointmentID); ok && (a.Status == ApptHeld || a.Status == ApptPendingDeposit) {
		a.Status = ApptCancelled
		t.refund(&a, "requested_by_customer")
		t.s.putAppt(a)
	}
	t.effects = append(t.effects, ReleaseSlot{AppointmentID: t.s.Hold.AppointmentID})
	t.event(EventHoldReleased, "appointment_id", t.s.Hold.AppointmentID)
	t.s.Hold = nil
}

// holdExpired reports whether the held time ran out, unpaid: a hold whose
// deposit came in is being booked.
func (t *turn) holdExpired() bool {
	if t.s.Phase != PhaseHeld && t.s.Phase != PhaseDeposit || t.s.Hold == nil || t.now.Before(t.s.Hold.Until) {
		return false
	}
	a, ok := t.s.FindAppointment(t.s.Hold.AppointmentID)
	return !ok || !a.paid()
}

// expireHold forgets a hold that ran out; the clinic drops it on its side.
func (t *turn) expireHold() {
	t.event(EventHoldExpired, "appointment_id", t.s.Hold.AppointmentID)
	if a, ok := t.s.FindAppointment(t.s.Hold.AppointmentID); ok && (a.Status == ApptPendingDeposit || a.Status == ApptHeld) {
		a.Status = ApptExpired
		t.s.putAppt(a)
	}
	t.s.Hold = nil
	t.s.Offers = nil
	t.setPhase(PhaseQualifying)
}

// ApplyHoldResult applies the clinic's answer to this lead's hold request:
// it confirms the hold, or offers the alternatives when the time is gone.
// A result that does not answer the pending request changes nothing, except
// that a stale successful hold is released.
func ApplyHoldResult(s State, env Env, r HoldResult, now time.Time) (State, []Effect) {
	if env.Clinic == nil {
		return s, nil
	}
	switch r.Request.Op {
	case OpBook:
		return applyBook(s, env, r, now)
	case OpMove:
		if next, effects, ok := applyStaffMove(s, env, r, now); ok {
			return next, effects
		}
		return applyMove(s, env, r, now)
	case OpHold:
	default:
		return s, nil
	}
	t := &turn{s: s, c: env.Clinic, cal: env.Calendar, now: now}
	p := s.Pending
	if p == nil || p.ServiceID != r.Request.ServiceID || !p.Start.Equal(r.Request.Start) || r.Request.LeadID != s.LeadID ||
		s.Phase == PhaseHandedToStaff || s.Phase == PhaseOptedOut {
		if r.Outcome == ResultHeld && (s.Hold == nil || s.Hold.AppointmentID != r.Appointment.ID) {
			t.effects = append(t.effects, ReleaseSlot{AppointmentID: r.Appointment.ID})
		}
		return t.s, t.effects
	}
	t.s.Pending = nil
	t.s.UpdatedAt = now
	when := slotText(t.c, r.Request.Start)
	if r.Outcome == ResultHeld {
		a := r.Appointment
		t.s.Hold = &Hold{AppointmentID: a.ID, ServiceID: a.ServiceID, Start: a.Start.UTC(), End: a.End.UTC(), Until: a.HoldUntil.UTC()}
		if len(t.s.Offers) > 0 {
			t.s.Offered = t.s.Offers
		}
		t.s.Offers = nil
		t.event(EventSlotHeld, seated([]string{"appointment_id", a.ID, "service_id", a.ServiceID, "start", a.Start.UTC().Format(time.RFC3339)}, a.ProviderID, a.RoomID)...)
		svc, _ := t.c.ServiceByID(a.ServiceID)
		rec := Appointment{ID: a.ID, ServiceID: a.ServiceID, Start: a.Start.UTC(), End: a.End.UTC(), Status: ApptHeld,
			ProviderID: a.ProviderID, RoomID: a.RoomID}
		if svc.DepositCents <= 0 {
			// Nothing to pay: book it at once; the booking's answer replies.
			t.s.putAppt(rec)
			t.setPhase(PhaseHeld)
			t.effects = append(t.effects, BookSlot{AppointmentID: a.ID, ServiceID: a.ServiceID, Start: rec.Start, End: rec.End, Want: p.Want,
				ProviderID: a.ProviderID})
			return t.s, t.effects
		}
		rec.Status, rec.DepositCents, rec.Currency = ApptPendingDeposit, svc.DepositCents, "usd"
		t.s.putAppt(rec)
		t.setPhase(PhaseDeposit)
		t.effects = append(t.effects, RequestDeposit{AppointmentID: a.ID, ServiceName: svc.Name, AmountCents: svc.DepositCents,
			Currency: rec.Currency, ExpiresAt: a.HoldUntil.UTC()})
		t.event(EventDepositRequested, "appointment_id", a.ID, "amount_cents", fmt.Sprint(svc.DepositCents))
		until := clockOf(t.c, a.HoldUntil)
		t.reply(join("Done! "+svc.Name+" on "+when+withProvider(t.c, a.ProviderID)+" is held for you until "+until+". I'll text you a link for the "+
			clinic.FormatCents(svc.DepositCents)+" deposit that confirms it.", t.afterHoldQuestion()))
		return t.s, t.effects
	}
	t.event(EventSlotTaken, "service_id", r.Request.ServiceID, "start", r.Request.Start.UTC().Format(time.RFC3339), "outcome", r.Outcome)
	sorry := "Sorry, " + when + " was just taken."
	if r.Outcome == ResultUnavailable {
		sorry = "Sorry, " + when + " is no longer available."
	}
	if len(r.Alternatives) == 0 {
		t.s.Offers = nil
		t.setPhase(PhaseQualifying)
		t.reply(sorry + " What other days or times would work for you?")
		return t.s, t.effects
	}
	t.s.Offers = utcSlots(r.Alternatives)
	t.setPhase(PhaseOffering)
	t.reply(join(sorry, "Still open: "+offerList(t.c, t.s.Offers), pickPrompt(len(t.s.Offers))))
	return t.s, t.effects
}

// afterHoldQuestion finishes what the booking needs once a time is held:
// the name, and new or returning where the clinic asks it.
func (t *turn) afterHoldQuestion() string {
	switch {
	case t.s.Name == "" && t.mayAsk(AskName):
		return t.ask(AskName, "May I have your name for the booking?")
	case t.needPatient() && t.mayAsk(AskPatient):
		return t.askPatient()
	}
	return "Reply NO if you'd like to release it."
}

// askPatient asks whether the lead visited before; a plain yes or no
// answers it.
func (t *turn) askPatient() string {
	return t.ask(AskPatient, "Have you visited "+t.c.Name+" before?")
}

// slotText names a time for a text, in the clinic's zone: "Sat Nov 21 at 10am".
func slotText(c *clinic.Clinic, at time.Time) string {
	l := at.In(c.Location())
	return l.Format("Mon Jan 2") + " at " + timeparse.Clock12(l.Hour()*60+l.Minute())
}

func clockOf(c *clinic.Clinic, at time.Time) string {
	l := at.In(c.Location())
	return timeparse.Clock12(l.Hour()*60 + l.Minute())
}

// offerList numbers offered times: "1) Sat Nov 21 10am 2) ...".
func offerList(c *clinic.Clinic, slots []clinic.Slot) string {
	parts := make([]string, len(slots))
	for i, s := range slots {
		l := s.Start.In(c.Location())
		parts[i] = fmt.Sprintf("%d) %s %s", i+1, l.Format("Mon Jan 2"), timeparse.Clock12(l.Hour()*60+l.Minute()))
	}
	return strings.Join(parts, " ") + "."
}

// pickOrDayPrompt invites a pick or another day, after the soonest times.
func pickOrDayPrompt(n int) string {
	if n == 1 {
		return "Reply YES to take it, or tell me a day that suits you."
	}
	return strings.TrimSuffix(pickPrompt(n), ".") + ", or tell me a day that suits you."
}

func pickPrompt(n int) string {
	switch n {
	case 1:
		return "Reply YES to take it."
	case 2:
		return "Reply 1 or 2 to pick one."
	}
	return fmt.Sprintf("Reply 1, 2 or %d to pick one.", n)
}

// describeWant puts a preference into words: "on Sat Nov 21 at 3pm".
func describeWant(p timeparse.Preference) string {
	var parts []string
	day := func(d timeparse.Date) string {
		return time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC).Format("Mon Jan 2")
	}
	switch {
	case !p.From.IsZero() && p.From == p.To:
		parts = append(parts, "on "+day(p.From))
	case !p.From.IsZero() && !p.To.IsZero():
		parts = append(parts, "between "+day(p.From)+" and "+day(p.To))
	case !p.From.IsZero():
		parts = append(parts, "from "+day(p.From))
	}
	if len(p.Weekdays) > 0 {
		var ds []string
		for _, d := range p.Weekdays {
			ds = append(ds, d.String()+"s")
		}
		parts = append(parts, "on "+strings.Join(ds, " or "))
	}
	switch {
	case len(p.Times) > 0:
		var ts []string
		for _, m := range p.Times {
			ts = append(ts, timeparse.Clock12(m))
		}
		parts = append(parts, "at "+strings.Join(ts, " or "))
	case len(p.Windows) > 0:
		var ws []string
		for _, w := range p.Windows {
			ws = append(ws, windowText(w))
		}
		parts = append(parts, strings.Join(ws, " or "))
	}
	if len(parts) == 0 {
		return "then"
	}
	return strings.Join(parts, " ")
}

func windowText(w timeparse.Window) string {
	switch w {
	case timeparse.Morning:
		return "in the morning"
	case timeparse.Afternoon:
		return "in the afternoon"
	case timeparse.Evening:
		return "in the evening"
	case timeparse.Lunch:
		return "around lunchtime"
	}
	switch {
	case w.To >= 24*60:
		return "after " + timeparse.Clock12(w.From)
	case w.From == 0:
		return "before " + timeparse.Clock12(w.To)
	}
	return "between " + timeparse.Clock12(w.From) + " and " + timeparse.Clock12(w.To)
}

// OfferTexts names offered times as the lead sees them: "Sat Nov 21 at
// 10am".
func OfferTexts(c *clinic.Clinic, offers []clinic.Slot) []string {
	out := make([]string, len(offers))
	for i, s := range offers {
		out[i] = slotText(c, s.Start)
	}
	return out
}
