package conversation

import (
	"github.com/medspa/engine/internal/clinic"
	"time"

	"github.com/medspa/engine/messages"
)

// Wake is a moment at which a conversation wants a timer message
// (messages.KindTimer). Timers are derived from the state, not scheduled by
// effects: after every decision the engine stores exactly the timers that
// Timers(next) lists, so a timer can never outlive the reason it was set
// for, and replaying a decision sets the same timers.
//
// Each timer fires at most once for what it is about: doing its work
// changes the state so that Timers no longer lists it (the hold is gone,
// the reminder is marked sent, the follow-up is recorded for this
// silence). A firing is stale when the state no longer lists its name at
// its Due (messages.TimerFired.Due): the state moved on (rescheduled,
// cancelled, answered) and the firing does nothing.
type Wake struct {
	Name string
	At   time.Time
}

// Timer names.
const (
	// TimerHoldExpiry: a held time (no deposit, booking asked) runs out.
	TimerHoldExpiry = "hold-expiry"
	// TimerDepositExpiry: the hold waiting for a deposit runs out.
	TimerDepositExpiry = "deposit-expiry"
	// TimerDeferredSend wakes the conversation when the window of its
	// earliest deferred text opens.
	TimerDeferredSend = "deferred-send"
	// TimerFollowUp: a lead who went quiet while qualifying or choosing a
	// time gets one follow-up, FollowUpAfter their last message.
	TimerFollowUp = "follow-up"
	// TimerReminder24h and TimerReminder2h remind a booked lead.
	TimerReminder24h = "reminder-24h"
	TimerReminder2h  = "reminder-2h"
	// TimerReview asks a booked lead for a review ReviewAfter the visit
	// ends, when the clinic has a review link and staff recorded the
	// visit completed.
	TimerReview = "review"
)

// ReviewAfter is how long after a visit ends the review request goes out.
const ReviewAfter = 3 * time.Hour

// FollowUpAfter is how long a lead's silence lasts before the follow-up.
const FollowUpAfter = 2 * time.Hour

// reminders are the reminder timers and how long before the start each
// falls due.
var reminders = []struct {
	name   string
	before time.Duration
}{{TimerReminder24h, 24 * time.Hour}, {TimerReminder2h, 2 * time.Hour}}

// Timers returns the timers state s needs.
func Timers(s State) []Wake {
	var w []Wake
	switch {
	case s.Phase == PhaseHeld && s.Hold != nil:
		w = append(w, Wake{Name: TimerHoldExpiry, At: s.Hold.Until})
	case s.Phase == PhaseDeposit && s.Hold != nil:
		w = append(w, Wake{Name: TimerDepositExpiry, At: s.Hold.Until})
	}
	if at, ok := followUpAt(s); ok {
		w = append(w, Wake{Name: TimerFollowUp, At: at})
	}
	if s.Phase != PhaseOptedOut && s.Phase != PhaseHandedToStaff {
		if a, ok := s.Booked(); ok {
			for _, r := range reminders {
				at := a.Start.Add(-r.before)
				if !reminded(a, r.name) && at.After(a.BookedAt) {
					w = append(w, Wake{Name: r.name, At: at})
				}
			}
			if !a.ReviewAsked && !a.End.IsZero() && a.Attendance == clinic.AttendanceCompleted {
				w = append(w, Wake{Name: TimerReview, At: a.End.Add(ReviewAfter)})
			}
		}
	}
	if s.Phase != PhaseOptedOut && len(s.Deferred) > 0 {
		at := s.Deferred[0].NotBefore
		for _, d := range s.Deferred[1:] {
			if d.NotBefore.Before(at) {
				at = d.NotBefore
			}
		}
		w = append(w, Wake{Name: TimerDeferredSend, At: at})
	}
	return w
}

// followUpAt is when a quiet lead is followed up: only a lead who agreed to
// texts and wrote to us, while qualifying or choosing, once per silence.
func followUpAt(s State) (time.Time, bool) {
	if s.Phase != PhaseQualifying && s.Phase != PhaseOffering || s.Consent == "" || s.Pending != nil ||
		s.LastInboundAt.IsZero() || s.FollowedUp.Equal(s.LastInboundAt) {
		return time.Time{}, false
	}
	return s.LastInboundAt.Add(FollowUpAfter), true
}

func reminded(a Appointment, name string) bool {
	if name == TimerReminder24h {
		return a.Reminded24
	}
	return a.Reminded2
}

// wakeDue returns the state's wake-up of the given name.
func wakeDue(s State, name string) (time.Time, bool) {
	for _, w := range Timers(s) {
		if w.Name == name {
			return w.At, true
		}
	}
	return time.Time{}, false
}

// onTimer does the work of the timer that fired, if the state still wants
// it at that time and it has fallen due; a stale or early firing changes
// nothing (the engine keeps the state's own timers stored). Deferred
// texts whose window has opened go out with any fresh timer.
func onTimer(s State, env Env, in messages.Envelope, now time.Time) (State, []Effect, error) {
	if s.Phase == "" || in.Timer == nil {
		return s, nil, nil
	}
	at, ok := wakeDue(s, in.Timer.Name)
	// Stores keep times to the microsecond, so the due time a timer
	// carries is compared at that resolution.
	if !ok || !at.Truncate(time.Microsecond).Equal(in.Timer.Due.Truncate(time.Microsecond)) || now.Before(at) {
		return s, nil, nil
	}
	t := &turn{s: s, c: env.Clinic, cal: env.Calendar, now: now}
	t.flushDeferred()
	switch in.Timer.Name {
	case TimerHoldExpiry, TimerDepositExpiry:
		if t.holdExpired() {
			start := t.s.Hold.Start
			deposit := t.s.Phase == PhaseDeposit
			t.expireHold()
			text := "Your hold on " + slotText(t.c, start) + " at " + t.c.Name + " has expired, so that time is free again. Text us if you'd like to pick another."
			if deposit {
				text = "Your hold on " + slotText(t.c, start) + " at " + t.c.Name + " has expired before the deposit came in, so that time is free again. Reply with a day and time if you'd like to pick another."
			}
			t.replyAs(text, purposeInitiated)
		}
	case TimerFollowUp:
		t.s.FollowedUp = t.s.LastInboundAt
		t.event(EventFollowUpSent, "phase", string(t.s.Phase))
		hi := "Hi, just checking in from " + t.c.Name + "."
		if n := t.s.FirstName(); n != "" {
			hi = "Hi " + n + ", just checking in from " + t.c.Name + "."
		}
		t.replyAs(join(hi, t.nextQuestion()), purposeInitiated)
	case TimerReminder24h, TimerReminder2h:
		t.remind(in.Timer.Name)
	case TimerReview:
		t.askReview()
	}
	if len(t.effects) == 0 && t.s.FollowedUp.Equal(s.FollowedUp) && timersEqual(Timers(t.s), Timers(s)) {
		return s, nil, nil
	}
	t.s.UpdatedAt = now
	return t.s, t.effects, nil
}

// remind sends a booked lead's reminder and marks it sent.
func (t *turn) remind(name string) {
	a, ok := t.s.Booked()
	if !ok || !a.Start.After(t.now) {
		return
	}
	svc := serviceName(t.c, a.ServiceID)
	text := "See you soon! " + svc + " at " + t.c.Name + " today at " + clockOf(t.c, a.Start) + " " + a.Start.In(t.c.Location()).Format("MST") + where(t.c) + "."
	if name == TimerReminder24h {
		a.Reminded24 = true
		text = "Reminder from " + t.c.Name + ": " + svc + " tomorrow, " + slotZone(t.c, a.Start) + where(t.c) + ". Reply here if you need to cancel or reschedule."
	} else {
		a.Reminded2 = true
	}
	t.s.putAppt(a)
	t.event(EventReminderSent, "appointment_id", a.ID, "timer", name)
	t.replyAs(text, purposeInitiated)
}

// askReview marks the visit's review timer done and, when the clinic has a
// review link, asks the lead for a review.
func (t *turn) askReview() {
	a, ok := t.s.Booked()
	if !ok || a.ReviewAsked || a.Attendance != clinic.AttendanceCompleted {
		return
	}
	a.ReviewAsked = true
	t.s.putAppt(a)
	if t.c.ReviewLink == "" {
		return
	}
	hi := "Thanks for visiting " + t.c.Name + " today!"
	if n := t.s.FirstName(); n != "" {
		hi = "Thanks for visiting " + t.c.Name + " today, " + n + "!"
	}
	t.event(EventReviewRequested, "appointment_id", a.ID)
	t.replyAs(hi+" If you have a minute, a review helps us a lot: "+t.c.ReviewLink, purposeInitiated)
}

func timersEqual(a, b []Wake) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Name != b[i].Name || !a[i].At.Equal(b[i].At) {
			return false
		}
	}
	return true
}
