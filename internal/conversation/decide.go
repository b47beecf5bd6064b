package conversation

import (
	"fmt"
	"strings"
	"time"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/internal/timeparse"
	"github.com/medspa/engine/internal/understand"
	"github.com/medspa/engine/messages"
)

// Decide applies one inbound message to a conversation with an empty
// calendar: every opening of the clinic's hours counts as free. Callers that
// own the clinic's calendar use DecideWith.
func Decide(s State, c *clinic.Clinic, in messages.Envelope, now time.Time) (State, []Effect, error) {
	return DecideWith(s, Env{Clinic: c}, in, now)
}

// DecideWith applies one inbound message to a conversation. It is pure and
// deterministic: the same state, environment, message and time always give
// the same result. A zero State (Phase "") is a conversation that does not
// exist yet; DecideWith creates it with New.
//
// Carrier keywords (STOP, START, HELP) are answered before anything else
// (compliance.go); nothing but the opt-out confirmation and HELP answers
// reaches an opted-out lead, and initiated texts wait for the recipient's
// quiet hours to end (quiet.go). A delivery receipt matters only when it
// reports a failure or a carrier opt-out. Staff actions (staff.go) follow
// the same texting rules. An inbound text is read by the built-in
// understanding, or by env.Assist when the caller asked a language model
// first (assist.go). Messages that do not concern the conversation
// (staff actions on a conversation that does not exist, timers with
// nothing due or for a state that moved on, payments for nothing pending)
// return the state unchanged and no effects. An error, always wrapping
// messages.ErrInvalid, means the message can never be applied to this
// conversation.
func DecideWith(s State, env Env, in messages.Envelope, now time.Time) (State, []Effect, error) {
	c := env.Clinic
	if c == nil {
		return s, nil, fmt.Errorf("%w: no clinic", messages.ErrInvalid)
	}
	if err := in.Validate(); err != nil {
		return s, nil, err
	}
	if in.ClinicID != c.ID {
		return s, nil, fmt.Errorf("%w: message for clinic %q given clinic %q", messages.ErrInvalid, in.ClinicID, c.ID)
	}
	if s.Phase != "" && (s.ClinicID != in.ClinicID || s.LeadID != in.LeadID) {
		return s, nil, fmt.Errorf("%w: message for lead %s/%s given conversation %s/%s",
			messages.ErrInvalid, in.ClinicID, in.LeadID, s.ClinicID, s.LeadID)
	}
	switch in.Kind {
	case messages.KindTimer:
		return onTimer(s, env, in, now)
	case messages.KindPayment:
		return onPayment(s, env, in, now)
	case messages.KindReceipt:
		return onReceipt(s, env, in, now)
	case messages.KindStaff:
		return onStaff(s, env, in, now)
	}
	handle, ok := kindHandlers[in.Kind]
	if !ok {
		return s, nil, nil
	}
	if s.Phase == "" {
		s = New(in, c, now)
	}
	t := begin(s, env, in, now)
	if in.Kind == messages.KindSMS && t.keyword(in.SMS.Text) {
		// STOP, START and HELP are answered before anything else, in any
		// phase.
		t.finish()
		return t.s, t.effects, nil
	}
	if t.s.Phase == PhaseHandedToStaff && in.Kind == messages.KindSMS && !t.s.Urgent && understand.NewUtterance(in.SMS.Text).Urgent() {
		// A possible emergency is answered even while staff have the
		// conversation: they may not be looking.
		t.urgent()
		return t.s, t.effects, nil
	}
	if t.s.Phase == PhaseOptedOut || t.s.Phase == PhaseHandedToStaff {
		// Nothing automatic reaches an opted-out lead or interrupts staff.
		return t.s, t.effects, nil
	}
	handle(t, in)
	t.finish()
	return t.s, t.effects, nil
}

// kindHandlers answer the inbound kinds that come from the lead.
var kindHandlers = map[messages.Kind]func(*turn, messages.Envelope){
	messages.KindSMS:     onSMS,
	messages.KindMissed:  onMissedCall,
	messages.KindWebLead: onWebLead,
}

// turn is the work of one Decide call on a message from the lead.
type turn struct {
	s      State
	c      *clinic.Clinic
	cal    clinic.Calendar
	now    time.Time
	first  bool   // the lead's first contact: the reply greets and names the clinic
	notice string // said before anything else, e.g. that a hold ran out
	// serviceChanged is set when this message named another treatment.
	serviceChanged bool
	// providerChanged is set when this message asked for a provider (or
	// for any again); providerNotice says why a request could not be
	// kept.
	providerChanged bool
	providerNotice  string
	// prevWant is State.Want before this message.
	prevWant *timeparse.Preference
	// namedTime is set when the lead, with times on offer, named one clock
	// time none of them is at ("3pm works"): when that very time is open,
	// it is held at once instead of offered back for a yes.
	namedTime bool
	// assist is the model's reading of an inbound text (Env.Assist).
	assist *Assist
	// text is the inbound text being answered, "" for other kinds; utt is
	// it prepared for matching, once (said).
	text string
	utt  *understand.Utterance
	// askedNow are the questions this turn's reply asks (ask.go).
	askedNow map[Question]bool
	effects  []Effect
}

// begin records the inbound message on the state.
func begin(s State, env Env, in messages.Envelope, now time.Time) *turn {
	c := env.Clinic
	t := &turn{s: s, c: c, cal: env.Calendar, now: now, first: s.Phase == PhaseNew}
	if in.Kind == messages.KindSMS {
		t.assist = env.Assist
		t.text = in.SMS.Text
	}
	if t.first {
		t.event(EventLeadCreated, "source", string(in.Kind))
	}
	if in.SMS != nil && ownsNumber(c, in.SMS.To) && in.SMS.To != t.s.ClinicNumber {
		t.s.ClinicNumber = in.SMS.To
		t.s.Carrier = c.CarrierFor(in.SMS.To)
	}
	t.s.Turns++
	t.s.LastInboundAt = now
	t.s.UpdatedAt = now
	t.s.record(DirIn, InboundText(in), now)
	if t.s.Phase == PhaseLost {
		t.setPhase(PhaseQualifying) // a lead who went quiet or said no writes again
	}
	if t.holdExpired() {
		t.notice = "Your hold on " + slotText(t.c, t.s.Hold.Start) + " has expired."
		t.expireHold()
	}
	return t
}

// said is the inbound text prepared for matching, made once per turn.
func (t *turn) said() *understand.Utterance {
	if t.utt == nil {
		t.utt = understand.NewUtterance(t.text)
	}
	return t.utt
}

// finish moves a conversation that got its first reply into qualifying.
func (t *turn) finish() {
	if t.s.Phase == PhaseNew {
		t.setPhase(PhaseQualifying)
	}
}

func (t *turn) setPhase(p Phase) {
	if p == t.s.Phase {
		return
	}
	t.event(EventPhaseChanged, "from", string(t.s.Phase), "to", string(p))
	t.s.Phase = p
}

// event adds a domain event with string data given as key, value pairs.
func (t *turn) event(typ string, kv ...string) {
	data := make(map[string]any, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		data[kv[i]] = kv[i+1]
	}
	t.effects = append(t.effects, Event{Type: typ, Data: data})
}

// seated adds who gives an appointment and where to an event's pairs,
// when the clinic has providers or the service needs a room.
func seated(kv []string, providerID, roomID string) []string {
	if providerID != "" {
		kv = append(kv, "provider_id", providerID)
	}
	if roomID != "" {
		kv = append(kv, "room_id", roomID)
	}
	return kv
}

// purposeInitiated marks a text the lead did not just ask for.
const purposeInitiated = messages.PurposeInitiated

// notePatient remembers whether the lead is new or returning.
func (t *turn) notePatient(p string) {
	if p == "" || p == t.s.Patient {
		return
	}
	t.s.Patient = p
	t.event(EventPatientNoted, "patient", p)
}

// noteWant remembers when the lead would like to come in. A time alone
// ("the 3:30 one", "anything after 5?") keeps the days asked for before.
func (t *turn) noteWant(w *timeparse.Preference) {
	if w == nil {
		return
	}
	c := *w
	p := t.s.Want
	switch {
	case p == nil || c.ASAP:
	case c.From.IsZero() && c.To.IsZero() && len(c.Weekdays) == 0 && (len(c.Times) > 0 || len(c.Windows) > 0):
		c.From, c.To, c.Weekdays = p.From, p.To, p.Weekdays
	case c.From == c.To && !c.From.IsZero() && t.said().WeekdayAlone():
		// "next week?" and then "tuesday": next week's Tuesday, not the
		// coming one.
		if d, ok := weekdayIn(*p, c.From.Weekday(), timeparse.DateOf(t.now.In(t.c.Location()))); ok {
			c.From, c.To = d, d
		}
	}
	t.s.Want = &c
}

// weekdayIn finds the day of the week wd within the dates p asked for, a
// range of at most two weeks that has not passed by today.
func weekdayIn(p timeparse.Preference, wd time.Weekday, today timeparse.Date) (timeparse.Date, bool) {
	if p.From.IsZero() || p.To.IsZero() || p.To.Before(today) || p.From == p.To {
		return timeparse.Date{}, false
	}
	for d, n := p.From, 0; !p.To.Before(d) && n < 14; d, n = d.AddDays(1), n+1 {
		if d.Weekday() == wd && !d.Before(today) {
			return d, true
		}
	}
	return timeparse.Date{}, false
}

// learnName remembers the name for the booking, the lead's own or, when
// forOther, the patient's; it reports whether it is new.
func (t *turn) learnName(name string, forOther bool) bool {
	if name == "" || name == t.s.Name || sameName(t.s.Name, name) && forOther == t.s.ForOther {
		return false
	}
	t.s.Name, t.s.ForOther = name, forOther
	t.event(EventNameLearned, "name", name)
	return true
}

// sameName reports whether name is the known name, or its first words,
// written alike: "it's Hannah again" from Hannah Price keeps the surname.
func sameName(known, name string) bool {
	k, n := strings.Fields(strings.ToLower(known)), strings.Fields(strings.ToLower(name))
	if len(n) == 0 || len(n) > len(k) {
		return false
	}
	for i := range n {
		if strings.TrimSuffix(n[i], ".") != strings.TrimSuffix(k[i], ".") {
			return false
		}
	}
	return true
}

// noteService remembers the treatment the lead is interested in.
func (t *turn) noteService(id string) {
	if id == "" || id == t.s.ServiceID {
		return
	}
	t.s.ServiceID = id
	t.serviceChanged = true
	t.event(EventServiceNoted, "service_id", id)
}

// service returns the service the lead is talking about: the one in the
// message, or else the one noted earlier.
func (t *turn) service(u understand.Understanding) (clinic.Service, bool) {
	id := u.ServiceID
	if id == "" {
		id = t.s.ServiceID
	}
	if id == "" {
		return clinic.Service{}, false
	}
	return t.c.ServiceByID(id)
}

func ownsNumber(c *clinic.Clinic, n string) bool {
	for _, own := range c.PhoneNumbers {
		if own == n {
			return true
		}
	}
	return false
}

// truncate shortens text to at most n characters, at a word boundary when
// it can, marking the cut with an ellipsis.
func truncate(text string, n int) string {
	rs := []rune(text)
	if len(rs) <= n {
		return text
	}
	cut := string(rs[:n-1])
	if i := strings.LastIndexByte(cut, ' '); i > len(cut)/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,.;:") + "…"
}
