package conversation

import (
	"fmt"
	"slices"
	"strings"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/internal/understand"
	"github.com/medspa/engine/messages"
)

// answer is an intent handler's part of a reply. asks says it already ends
// with a question, so no follow-up question is added.
type answer struct {
	text string
	asks bool
}

// intentHandlers answer a text message by its intent.
var intentHandlers = map[understand.Intent]func(*turn, understand.Understanding) answer{
	understand.IntentGreeting: answerGreeting,
	understand.IntentPrice:    answerPrice,
	understand.IntentHours:    answerHours,
	understand.IntentServices: answerServices,
	understand.IntentBook:     answerBook,
	understand.IntentHuman:    answerHuman,
	understand.IntentYes:      answerYes,
	understand.IntentNo:       answerNo,
	understand.IntentThanks:   answerThanks,
	understand.IntentUnknown:  answerUnknown,
	understand.IntentPick:     answerPick,
	// Hand-off intents reply through handoff; these answer only when the
	// booking flow keeps the conversation.
	understand.IntentCancel:     answerPick,
	understand.IntentReschedule: answerPick,
	understand.IntentMedical:    answerHuman,
	understand.IntentComplaint:  answerHuman,
}

func onSMS(t *turn, in messages.Envelope) {
	asked := t.s.Asked
	t.s.Asked = AskNothing
	u := t.reading(in.SMS.Text, asked)
	learned := t.learnName(u.Name, u.ForOther)
	t.noteService(u.ServiceID)
	t.notePatient(u.Patient)
	t.noteProvider(u)
	t.prevWant = t.s.Want
	if u.Intent != understand.IntentHours {
		t.noteWant(u.When) // "are you open Sunday?" is not a wish to come Sunday
	}
	if understood(u) || asked == AskName {
		// An answer to "May I have your name?" that is no name is never a
		// reason to hand off: the conversation moves on without it.
		t.s.Misses = 0
	} else {
		t.s.Misses++
	}
	if t.handoffFor(u) {
		return
	}
	if t.booking(u, learned) {
		t.s.Misses = 0 // the booking flow read it ("I meant the third one")
		return
	}
	if u.Patient == "" || asked != AskPatient { // not the answer to "have you visited before?"
		if text := t.assistText(u.Intent); text != "" {
			t.replyFrom(text, SourceModel)
			return
		}
	}
	a := intentHandlers[u.Intent](t, u)
	parts := []string{t.notice, t.opener(learned), a.text}
	if !a.asks {
		parts = append(parts, t.nextQuestion())
	}
	t.reply(join(parts...))
}

// onMissedCall answers a missed call by text, at most once per caller in
// textBackEvery. The text-back is an initiated text: quiet hours apply.
func onMissedCall(t *turn, _ messages.Envelope) {
	if !t.s.LastTextBackAt.IsZero() && t.now.Sub(t.s.LastTextBackAt) < textBackEvery {
		return
	}
	t.s.LastTextBackAt = t.now
	hi := "Sorry we missed your call at " + t.c.Name + "!"
	if n := t.s.FirstName(); n != "" {
		hi = "Hi " + n + ", sorry we missed your call at " + t.c.Name + "!"
	}
	t.replyAs(join(hi, "How can we help? Reply here to ask about prices or to book a visit."), purposeInitiated)
}

// onWebLead answers a web form; the form is the lead's own action, so the
// answer is a reply. Only a form that starts the conversation names the
// lead: anyone can type a number that already has a conversation into the
// form, so a later form is kept as a note for staff (and its consent in the
// ledger, from the form) and never renames the lead. The form's email is
// kept when none is known, as are its campaign parameters.
func onWebLead(t *turn, in messages.Envelope) {
	w := in.Web
	t.webConsent(w)
	if t.s.Email == "" {
		t.s.Email = w.Email // a later form adds an address, never replaces one
	}
	if t.s.UTM.Empty() && !w.UTM.Empty() {
		u := *w.UTM
		t.s.UTM = &u
	}
	if t.first {
		t.learnName(cleanName(w.Name), false)
	} else {
		note := fmt.Sprintf("Web form for this number: name %q, service %q, message %q", cleanName(w.Name), w.Service, w.Message)
		notes := slices.Clone(t.s.Notes)
		if len(notes) >= MaxNotes {
			notes = notes[len(notes)-MaxNotes+1:]
		}
		t.s.Notes = append(notes, Note{UserID: WebFormAuthor, Text: truncate(note, MaxNoteText), At: t.now})
	}
	if s, ok := webService(t.c, w); ok {
		t.noteService(s.ID)
	}
	hi := "Hi! Thanks for reaching out to " + t.c.Name + "."
	if n := t.s.FirstName(); n != "" {
		hi = "Hi " + n + ", thanks for reaching out to " + t.c.Name + "!"
	}
	u := understand.Text(w.Message, t.c, t.now)
	if u.Intent != understand.IntentHours {
		t.noteWant(u.When)
	}
	if s, ok := t.service(u); ok {
		// Times at once: what the form asked for, or the soonest.
		info := priceLine(t, s, true)
		if u.Intent == understand.IntentHours || u.Intent == understand.IntentServices {
			info = intentHandlers[u.Intent](t, u).text
		}
		t.offerWith(s, hi, info, SourceBuiltin)
		return
	}
	parts := []string{hi}
	switch u.Intent {
	case understand.IntentHours, understand.IntentServices:
		parts = append(parts, intentHandlers[u.Intent](t, u).text)
	}
	parts = append(parts, t.askWhichService())
	t.reply(join(parts...))
}

// WebFormAuthor is the author of the note a web form leaves on a
// conversation that exists already.
const WebFormAuthor = "web_form"

// webService finds the service a web form asks about: by id, by name or
// alias, or mentioned in the message.
func webService(c *clinic.Clinic, w *messages.WebLead) (clinic.Service, bool) {
	if s, ok := c.ServiceByID(strings.TrimSpace(w.Service)); ok {
		return s, true
	}
	if s, ok := c.MatchService(w.Service); ok {
		return s, true
	}
	return c.MatchService(w.Message)
}

// cleanName bounds a name typed into a web form.
func cleanName(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if rs := []rune(s); len(rs) > understand.MaxNameLen {
		s = strings.Fields(string(rs[:understand.MaxNameLen]))[0]
	}
	return s
}

// opener greets on first contact and welcomes a name just learned. A
// notice (such as an expired hold) comes first.
func (t *turn) opener(learned bool) string {
	return join(t.notice, t.greeting(learned))
}

func (t *turn) greeting(learned bool) string {
	switch {
	case learned && t.s.ForOther && t.first:
		return "Hi! Thanks for texting " + t.c.Name + ". I'll put the booking under " + t.s.Name + "."
	case learned && t.s.ForOther:
		return "Thanks! I'll put the booking under " + t.s.Name + "."
	case t.first && learned:
		return "Nice to meet you, " + t.s.FirstName() + "! Thanks for texting " + t.c.Name + "."
	case t.first:
		return "Hi! Thanks for texting " + t.c.Name + "."
	case learned:
		return "Nice to meet you, " + t.s.FirstName() + "!"
	}
	return ""
}

// nextQuestion moves qualification on: the treatment first; once it is
// known the booking flow offers times, so here only the lead's place (times
// offered or held, a booking) or an invitation to name a day remains.
func (t *turn) nextQuestion() string {
	if p := t.place(); p != "" {
		return p
	}
	if _, ok := t.service(understand.Understanding{}); !ok {
		return t.askWhichService()
	}
	if t.s.Phase == PhaseLost || !t.mayAsk(AskTime) {
		return ""
	}
	return t.ask(AskTime, "What days and times work best for you?")
}

// place keeps the lead's place while times are offered or held, or a
// booking stands; "" otherwise. While a time is held it asks what the
// booking still needs (the name, and new or returning where the clinic
// asks it), each question at most maxAsks times.
func (t *turn) place() string {
	switch {
	case t.s.Phase == PhaseOffering && len(t.s.Offers) > 0:
		return t.ask(AskPick, offerList(t.c, t.s.Offers)+" "+pickPrompt(len(t.s.Offers)))
	case t.holding() && t.s.Name == "" && t.mayAsk(AskName):
		return t.ask(AskName, "May I have your name for the booking?")
	case t.holding() && t.needPatient() && t.mayAsk(AskPatient):
		return t.askPatient()
	case t.holding() && t.s.Phase == PhaseDeposit:
		return "Your time on " + slotText(t.c, t.s.Hold.Start) + " is held until " + clockOf(t.c, t.s.Hold.Until) + "; the deposit link confirms it."
	case t.holding():
		return "Your time on " + slotText(t.c, t.s.Hold.Start) + " is held until " + clockOf(t.c, t.s.Hold.Until) + "."
	case t.s.Phase == PhaseBooked:
		if a, ok := t.s.Booked(); ok {
			return "You're booked for " + serviceName(t.c, a.ServiceID) + " on " + slotText(t.c, a.Start) + "."
		}
	}
	return ""
}

func (t *turn) askWhichService() string {
	q := "Which treatment are you interested in?"
	if t.first {
		q = "What treatment are you interested in? We offer " + serviceList(t.c, 4) + "."
	}
	return t.askService(q)
}

func answerGreeting(t *turn, u understand.Understanding) answer {
	if t.first || u.Name != "" {
		return answer{}
	}
	if n := t.s.FirstName(); n != "" {
		return answer{text: "Hi " + n + "!"}
	}
	return answer{text: "Hi again!"}
}

func answerPrice(t *turn, u understand.Understanding) answer {
	if t.said().Haggles() {
		return answer{text: haggleLine(t, u)}
	}
	if s, ok := t.service(u); ok {
		return answer{text: priceLine(t, s, true)}
	}
	var prices []string
	for _, s := range t.c.Services {
		if s.PriceCents > 0 && len(prices) < 3 {
			prices = append(prices, s.Name+" "+clinic.FormatPrice(s))
		}
	}
	if len(prices) == 0 {
		return answer{}
	}
	return answer{text: "Some of our prices: " + strings.Join(prices, ", ") + "."}
}

// haggleLine answers a lead bargaining over the price ("can you do it for
// less?"): the price stands; the clinic's current special is told when it
// has one, else that the team can talk about pricing. No discount is
// promised that the clinic did not configure. The times on offer or the
// next question follow, so booking goes on.
func haggleLine(t *turn, u understand.Understanding) string {
	ack := "Good question!"
	if t.said().FindsPriceHigh() {
		ack = "I understand!"
	}
	if sp := strings.TrimRight(strings.TrimSpace(t.c.Specials), "."); sp != "" {
		return ack + " Our current special: " + sp + "."
	}
	if s, ok := t.service(u); ok && s.PriceCents > 0 {
		return ack + " " + s.Name + " is " + clinic.FormatPrice(s) + ", and our team is happy to talk about pricing with you."
	}
	return ack + " Our team is happy to talk about pricing with you."
}

// priceLine states a service's price and deposit.
func priceLine(t *turn, s clinic.Service, deposit bool) string {
	at := ""
	if !t.first {
		at = " at " + t.c.Name
	}
	line := fmt.Sprintf("%s is %s%s.", s.Name, clinic.FormatPrice(s), at)
	if deposit && s.DepositCents > 0 {
		line += " A " + clinic.FormatCents(s.DepositCents) + " deposit holds your appointment."
	}
	return line
}

func answerHours(t *turn, _ understand.Understanding) answer {
	if t.said().AsksLocation() && !t.said().AsksHours() && t.c.Address != "" {
		text := "You'll find us at " + t.c.Address + "."
		if t.said().AsksParking() {
			text += " Our team is happy to help with parking details."
		}
		return answer{text: text}
	}
	text := "We're open " + t.c.OpeningHoursText() + "."
	if t.c.Address != "" {
		text += " You'll find us at " + t.c.Address + "."
	}
	return answer{text: text}
}

func answerServices(t *turn, u understand.Understanding) answer {
	if t.said().AsksDuration() {
		if s, ok := t.service(u); ok && s.DurationMinutes > 0 {
			return answer{text: fmt.Sprintf("%s takes about %d minutes.", s.Name, s.DurationMinutes)}
		}
	}
	if s, ok := t.c.ServiceByID(u.ServiceID); ok {
		return answer{text: fmt.Sprintf("Yes, we offer %s (%s, about %d min).", s.Name, clinic.FormatPrice(s), s.DurationMinutes)}
	}
	if !t.mayAsk(AskService) && t.s.ServiceID == "" {
		return answer{text: "Here are our treatments."} // the numbered menu follows
	}
	return answer{text: "We offer " + serviceList(t.c, 6) + "."}
}

func answerBook(t *turn, u understand.Understanding) answer {
	if s, ok := t.service(u); ok && t.holding() {
		// What the booking still needs (the name) is asked after it.
		needs := t.s.Name == "" && t.mayAsk(AskName) || t.needPatient() && t.mayAsk(AskPatient)
		return answer{text: serviceRef(s) + " on " + slotText(t.c, t.s.Hold.Start) + " is held for you until " + clockOf(t.c, t.s.Hold.Until) + ".", asks: !needs}
	}
	if u.When != nil && u.ServiceID == "" && t.s.ServiceID == "" {
		return answer{text: "Happy to find you a time! " + t.askService("Which treatment would you like?"), asks: true}
	}
	if s, ok := t.service(u); ok {
		return answer{text: "Great, let's get you booked for " + serviceRef(s) + "! " + t.ask(AskTime, "What days and times work best for you?"), asks: true}
	}
	return answer{text: "Happy to get you booked! " + t.askService("Which treatment would you like?"), asks: true}
}

// answerHuman is not reached: handoffFor answers these intents first.
func answerHuman(*turn, understand.Understanding) answer { return answer{} }

// answerPick answers a pick, cancel or move with nothing on offer or held.
func answerPick(t *turn, u understand.Understanding) answer {
	if t.holding() && u.Intent == understand.IntentPick {
		// A pick of the time already held (or of nothing left on offer):
		// the hold stands, and what it still needs is asked (place).
		return answer{text: "You're all set with " + slotText(t.c, t.s.Hold.Start) + "."}
	}
	if _, ok := t.service(u); !ok {
		return answer{}
	}
	return answer{text: t.ask(AskTime, "Which day and time would suit you?"), asks: true}
}

func answerYes(t *turn, u understand.Understanding) answer {
	if _, ok := t.service(u); ok {
		return answerBook(t, u)
	}
	return answer{text: "Great!"}
}

func answerNo(t *turn, _ understand.Understanding) answer {
	if !t.first && t.s.Phase != PhaseBooked {
		t.setPhase(PhaseLost)
	}
	return answer{text: "No problem! If you have questions later, just text us here.", asks: true}
}

func answerThanks(*turn, understand.Understanding) answer {
	return answer{text: "You're welcome! Text us here anytime.", asks: true}
}

func answerUnknown(t *turn, u understand.Understanding) answer {
	if side := t.sideAnswer(); side != "" {
		return answer{text: side}
	}
	switch u.Patient {
	case understand.PatientNew:
		return answer{text: "Welcome, we look forward to your first visit!"}
	case understand.PatientReturning:
		return answer{text: "Welcome back!"}
	}
	if s, ok := t.c.ServiceByID(u.ServiceID); ok {
		return answer{text: fmt.Sprintf("%s is %s and takes about %d min.", s.Name, clinic.FormatPrice(s), s.DurationMinutes)}
	}
	if u.Name != "" {
		return answer{}
	}
	if t.said().RunningLate() && (t.s.Hold != nil || t.s.Phase == PhaseBooked) {
		return answer{text: "Thanks for letting us know! Text us here if you're running late on the day and we'll do our best to keep your time."}
	}
	if t.said().Ack() {
		if t.s.Phase == PhaseBooked {
			return answer{text: "Great, see you then!"}
		}
		return answer{text: "Great!"}
	}
	if t.first {
		return answer{text: "I can help with prices, hours and booking."}
	}
	return answer{text: "I can help with prices, hours and booking at " + t.c.Name + "."}
}

// serviceRef names a service in a sentence: "Botox", "a free consultation".
func serviceRef(s clinic.Service) string {
	if s.PriceCents == 0 {
		return "a free " + strings.ToLower(s.Name)
	}
	return s.Name
}

// serviceList names the first n services: "Botox, Dysport and Lip Filler",
// "... and more" when there are others.
func serviceList(c *clinic.Clinic, n int) string {
	var names []string
	for _, s := range c.Services {
		names = append(names, s.Name)
	}
	switch {
	case len(names) == 0:
		return "a range of treatments"
	case len(names) > n:
		return strings.Join(names[:n], ", ") + " and more"
	case len(names) == 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// join joins the non-empty parts of a reply with spaces.
func join(parts ...string) string {
	var kept []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, " ")
}

// fit joins the parts of a reply; when they are longer than MaxReply it
// drops the middle parts (an answer to a side question) before the last,
// which carries the question the reply ends with, would be cut.
func fit(parts ...string) string {
	text := join(parts...)
	for len([]rune(text)) > MaxReply && len(parts) > 2 {
		parts = append(parts[:len(parts)-2:len(parts)-2], parts[len(parts)-1])
		text = join(parts...)
	}
	return text
}

// sideAnswer answers what a front desk answers in a line without a
// person: how a treatment feels, insurance and payment, why the name is
// asked. It is "" for anything else.
func (t *turn) sideAnswer() string {
	switch {
	case t.said().AsksDuration():
		if s, ok := t.c.ServiceByID(t.s.ServiceID); ok && s.DurationMinutes > 0 {
			return fmt.Sprintf("%s takes about %d minutes.", s.Name, s.DurationMinutes)
		}
	case t.said().AsksComfort():
		return "Most clients find it very manageable, and your provider will keep you comfortable."
	case t.said().AsksPayment():
		return "Cosmetic treatments usually aren't covered by insurance; we can go over payment options at your visit."
	case t.s.Name == "" && t.said().WhyName():
		return "It's so we know who's coming in; the booking goes under your name."
	}
	return ""
}
