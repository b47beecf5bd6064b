package conversation

import (
	"strings"
	"testing"
	"time"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/internal/understand"
	"github.com/medspa/engine/messages"
)

// modelText is a suggested reply; tests look for it in what is sent.
const modelText = "Botox is $12 per unit at Glow Chicago, and most visits take about 30 minutes."

func modelAssist(u understand.Understanding, reply string) *Assist {
	return &Assist{Understanding: u, Reply: reply, Source: SourceModel}
}

// agreeing is a model that reads text as the built-in understanding does
// and suggests modelText.
func agreeing(c *clinic.Clinic, text string, now time.Time) *Assist {
	return modelAssist(understand.Text(text, c, now), modelText)
}

func sentReplies(effects []Effect) []Reply {
	var out []Reply
	for _, e := range effects {
		if r, ok := e.(Reply); ok {
			out = append(out, r)
		}
	}
	return out
}

// decideText applies one text from the lead with an assist.
func decideText(t *testing.T, s State, env Env, text string, a *Assist, now time.Time) (State, []Effect) {
	t.Helper()
	env.Assist = a
	s, effects, err := DecideWith(s, env, sms(env.Clinic, env.Clinic.PhoneNumbers[0], text), now)
	if err != nil {
		t.Fatal(err)
	}
	return s, effects
}

// heldLead walks a lead through the real flow, a model agreeing at every
// step, to a Botox time held while the deposit is asked for.
func heldLead(t *testing.T, c *clinic.Clinic) (State, Env, time.Time) {
	t.Helper()
	env := Env{Clinic: c}
	now := t0
	text := "botox tomorrow at 10am"
	s, _ := decideText(t, State{}, env, text, agreeing(c, text, now), now)
	now = now.Add(time.Second)
	s, effects := decideText(t, s, env, "yes", agreeing(c, "yes", now), now)
	noModelText(t, "pick", effects)
	h, ok := holdEffect(effects)
	if !ok {
		t.Fatalf("no hold asked for: %v", effects)
	}
	now = now.Add(time.Second)
	var res HoldResult
	env.Calendar, res = DecideClinic(env.Calendar, c, h.Request(s.LeadID), now)
	env.Assist = modelAssist(understand.Understanding{Intent: understand.IntentPrice}, modelText) // ignored: not a text
	s, effects = ApplyHoldResult(s, env, res, now)
	env.Assist = nil
	noModelText(t, "hold result", effects)
	if s.Phase != PhaseDeposit || s.Hold == nil || len(sentReplies(effects)) != 1 {
		t.Fatalf("after the hold: phase %s, hold %v, effects %v", s.Phase, s.Hold, effects)
	}
	return s, env, now
}

// noModelText fails when a reply carries the model's text or source.
func noModelText(t *testing.T, step string, effects []Effect) {
	t.Helper()
	for _, r := range sentReplies(effects) {
		if r.Source != SourceBuiltin || strings.Contains(r.Text, modelText) {
			t.Errorf("%s: reply from %q: %q", step, r.Source, r.Text)
		}
	}
}

func TestAssistAnswersQuestions(t *testing.T) {
	c := glow(t)
	tests := []struct {
		name   string
		state  func(t *testing.T) (State, Env, time.Time)
		text   string
		assist *Assist
		want   string // the whole reply
	}{
		{"price", qualifying(c), "how much is botox?",
			modelAssist(understand.Understanding{Intent: understand.IntentPrice, ServiceID: "botox"}, modelText), modelText},
		{"hours", qualifying(c), "when are you open",
			modelAssist(understand.Understanding{Intent: understand.IntentHours}, "Glow Chicago is open Mon-Fri 9am-7pm."), "Glow Chicago is open Mon-Fri 9am-7pm."},
		{"greeting", qualifying(c), "hello",
			modelAssist(understand.Understanding{Intent: understand.IntentGreeting}, "Hi there! How can we help?"), "Hi there! How can we help?"},
		{"services", qualifying(c), "what do you do",
			modelAssist(understand.Understanding{Intent: understand.IntentServices}, "We offer Botox, fillers and facials."), "We offer Botox, fillers and facials."},
		{"not understood", qualifying(c), "purple monkey",
			modelAssist(understand.Understanding{Intent: understand.IntentUnknown}, "Happy to help with prices, hours or booking!"), "Happy to help with prices, hours or booking!"},
		{"trimmed", qualifying(c), "how much is botox?",
			modelAssist(understand.Understanding{Intent: understand.IntentPrice}, "  "+modelText+"\n"), modelText},
		{"first contact naming the clinic", firstContact(c), "how much is botox?",
			modelAssist(understand.Understanding{Intent: understand.IntentPrice, ServiceID: "botox"}, modelText), modelText},
		{"exactly the longest text", qualifying(c), "what are your hours?",
			modelAssist(understand.Understanding{Intent: understand.IntentHours}, strings.Repeat("é", MaxReply)), strings.Repeat("é", MaxReply)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, env, now := tt.state(t)
			_, effects := decideText(t, s, env, tt.text, tt.assist, now)
			rs := sentReplies(effects)
			if len(rs) != 1 {
				t.Fatalf("%d replies, want 1: %v", len(rs), effects)
			}
			// A price of a known treatment comes with the open times after
			// the model's answer.
			if !strings.HasPrefix(rs[0].Text, tt.want) || rs[0].Source != SourceModel {
				t.Errorf("reply from %q: %q, want the model's %q", rs[0].Source, rs[0].Text, tt.want)
			}
			if rs[0].Purpose != messages.PurposeReply {
				t.Errorf("purpose %s", rs[0].Purpose)
			}
		})
	}
}

// TestAssistLeavesHaggles: a lead bargaining over the price hears the
// built-in answer (the clinic's specials or its team), never the model's,
// which could promise a discount the clinic does not give.
func TestAssistLeavesHaggles(t *testing.T) {
	c := glow(t)
	s, env, now := qualifying(c)(t)
	made := modelAssist(understand.Understanding{Intent: understand.IntentPrice, ServiceID: "botox"}, "Sure, 20% off your first Botox!")
	_, effects := decideText(t, s, env, "botox is too expensive, any discount?", made, now)
	rs := sentReplies(effects)
	if len(rs) != 1 {
		t.Fatalf("%d replies, want 1: %v", len(rs), effects)
	}
	if rs[0].Source == SourceModel || strings.Contains(rs[0].Text, "20%") || !strings.Contains(rs[0].Text, "talk about pricing") {
		t.Errorf("reply from %q: %q, want the built-in answer", rs[0].Source, rs[0].Text)
	}
}

// TestAssistKeepsThePlace: around the model's answer, an expired hold's
// notice and a held time's line are the templates' own.
func TestAssistKeepsThePlace(t *testing.T) {
	c := glow(t)
	s, env, now := heldLead(t, c)
	price := modelAssist(understand.Understanding{Intent: understand.IntentPrice, ServiceID: "botox"}, modelText)

	_, effects := decideText(t, s, env, "how much is it again?", price, now.Add(time.Minute))
	rs := sentReplies(effects)
	if len(rs) != 1 || rs[0].Source != SourceModel || rs[0].Text != modelText+" May I have your name for the booking?" {
		t.Errorf("while held, name unknown: %+v", rs)
	}

	s.Name, s.Patient = "Jane", understand.PatientNew
	_, effects = decideText(t, s, env, "how much is it again?", price, now.Add(time.Minute))
	rs = sentReplies(effects)
	if len(rs) != 1 || rs[0].Source != SourceModel || !strings.HasPrefix(rs[0].Text, modelText+" ") ||
		!strings.Contains(rs[0].Text, "is held until") || !strings.Contains(rs[0].Text, "deposit link") {
		t.Errorf("while held: %+v", rs)
	}

	later := s.Hold.Until.Add(time.Minute)
	_, effects = decideText(t, s, env, "how much is it again?", price, later)
	rs = sentReplies(effects)
	if len(rs) != 1 || rs[0].Source != SourceModel || !strings.HasPrefix(rs[0].Text, "Your hold on ") ||
		!strings.Contains(rs[0].Text, " "+modelText+" Here's what we have for Botox") {
		t.Errorf("after the hold expired: %+v", rs)
	}
}

func TestAssistNeverWritesFlowTexts(t *testing.T) {
	c := glow(t)
	price := modelAssist(understand.Understanding{Intent: understand.IntentPrice, ServiceID: "botox"}, modelText)
	withMisses := func(n int) func(t *testing.T) (State, Env, time.Time) {
		return func(t *testing.T) (State, Env, time.Time) {
			s, env, now := qualifying(c)(t)
			s.Misses = n
			return s, env, now
		}
	}
	askedPatient := func(t *testing.T) (State, Env, time.Time) {
		s, env, now := qualifying(c)(t)
		s.Asked = AskPatient
		return s, env, now
	}
	held := func(t *testing.T) (State, Env, time.Time) { return heldLead(t, c) }
	tests := []struct {
		name   string
		state  func(t *testing.T) (State, Env, time.Time)
		text   string
		assist *Assist
		want   string // in the single reply
	}{
		{"opt-out", qualifying(c), "STOP", modelAssist(understand.Understanding{Intent: understand.IntentUnknown}, modelText), "unsubscribed"},
		{"help", qualifying(c), "HELP", price, "Glow Chicago"},
		{"opt-out while held", held, "stop", price, "unsubscribed"},
		{"offered times", qualifying(c), "botox tomorrow at 10am",
			modelAssist(understand.Text("botox tomorrow at 10am", c, t0), modelText), "Reply"},
		{"booking", qualifying(c), "book me for botox",
			modelAssist(understand.Understanding{Intent: understand.IntentBook, ServiceID: "botox"}, modelText), "Our soonest Botox openings"},
		{"yes", qualifying(c), "yes", modelAssist(understand.Understanding{Intent: understand.IntentYes}, modelText), "Great"},
		{"thanks", qualifying(c), "thanks", modelAssist(understand.Understanding{Intent: understand.IntentThanks}, modelText), "welcome"},
		{"no", qualifying(c), "no", modelAssist(understand.Understanding{Intent: understand.IntentNo}, modelText), "No problem"},
		{"release a hold", held, "cancel that", modelAssist(understand.Understanding{Intent: understand.IntentCancel}, modelText), ""},
		{"hand-off asked by the model", qualifying(c), "can someone help",
			modelAssist(understand.Understanding{Intent: understand.IntentHuman}, modelText), "will text you back"},
		{"hand-off after misses", withMisses(maxMisses - 1), "purple monkey",
			modelAssist(understand.Understanding{Intent: understand.IntentUnknown}, modelText), "not following"},
		{"answer to have you visited", askedPatient, "yes",
			modelAssist(understand.Understanding{Intent: understand.IntentYes}, modelText), "Welcome back"},
		{"first contact not naming the clinic", firstContact(c), "how much is botox?",
			modelAssist(understand.Understanding{Intent: understand.IntentPrice, ServiceID: "botox"}, "Botox runs $12 per unit."), "Glow Chicago"},
		{"masked detail", qualifying(c), "how much is botox?",
			modelAssist(understand.Understanding{Intent: understand.IntentPrice, ServiceID: "botox"}, "Hi [NAME], Botox is $12 per unit."), "Botox is $12 per unit at Glow Chicago."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, env, now := tt.state(t)
			_, effects := decideText(t, s, env, tt.text, tt.assist, now.Add(time.Minute))
			rs := sentReplies(effects)
			if tt.want != "" && (len(rs) != 1 || !strings.Contains(rs[0].Text, tt.want)) {
				t.Errorf("replies %+v, want one containing %q", rs, tt.want)
			}
			noModelText(t, tt.name, effects)
			if tt.assist.Reply != modelText {
				for _, r := range rs {
					if strings.Contains(r.Text, strings.TrimSpace(tt.assist.Reply)) {
						t.Errorf("the model's reply was sent: %q", r.Text)
					}
				}
			}
		})
	}
}

// TestAssistIgnoredBeyondTexts: payments and their links, and the
// booking's confirmation, are the templates' even with an assist at hand.
func TestAssistIgnoredBeyondTexts(t *testing.T) {
	c := glow(t)
	s, env, now := heldLead(t, c)
	env.Assist = modelAssist(understand.Understanding{Intent: understand.IntentPrice}, modelText)
	pay := func(typ string) messages.Envelope {
		in := envelope(c, messages.KindPayment)
		in.Payment = &messages.Payment{Type: typ, AppointmentID: s.Hold.AppointmentID, SessionID: "cs_1",
			URL: "https://pay.example/c/1", PaymentIntent: "pi_1", PaymentStatus: "paid", AmountCents: 5000, Currency: "usd"}
		return in
	}
	now = now.Add(time.Second)
	s, effects, err := DecideWith(s, env, pay(messages.PaymentCheckoutCreated), now)
	if err != nil {
		t.Fatal(err)
	}
	if rs := sentReplies(effects); len(rs) != 1 || !strings.Contains(rs[0].Text, "https://pay.example/c/1") {
		t.Fatalf("deposit link: replies %+v", rs)
	}
	noModelText(t, "deposit link", effects)

	now = now.Add(time.Second)
	s, effects, err = DecideWith(s, env, pay(messages.PaymentCheckoutCompleted), now)
	if err != nil {
		t.Fatal(err)
	}
	noModelText(t, "deposit paid", effects)
	var book CalendarEffect
	for _, e := range effects {
		if b, ok := e.(BookSlot); ok {
			book = b
		}
	}
	if book == nil {
		t.Fatalf("no booking asked for: %v", effects)
	}
	var res HoldResult
	env.Calendar, res = DecideClinic(env.Calendar, c, book.Request(s.LeadID), now)
	s, effects = ApplyHoldResult(s, env, res, now)
	if s.Phase != PhaseBooked || len(sentReplies(effects)) != 1 {
		t.Fatalf("confirmation: phase %s, replies %+v", s.Phase, sentReplies(effects))
	}
	noModelText(t, "confirmation", effects)
}

func TestBuiltinHandOffWinsOverTheModel(t *testing.T) {
	c := glow(t)
	tests := []struct {
		text   string
		intent understand.Intent // the built-in reading
		reason string
	}{
		{"is botox safe while pregnant? how much is it", understand.IntentMedical, reasonMedical},
		{"this is terrible, I want a refund. what are your prices", understand.IntentComplaint, reasonComplaint},
		{"can I talk to a person about the price", understand.IntentHuman, reasonAsked},
	}
	for _, tt := range tests {
		t.Run(string(tt.intent), func(t *testing.T) {
			s, env, now := qualifying(c)(t)
			if got := understand.Text(tt.text, c, now).Intent; got != tt.intent {
				t.Fatalf("built-in reads %q as %s, want %s", tt.text, got, tt.intent)
			}
			price := modelAssist(understand.Understanding{Intent: understand.IntentPrice, ServiceID: "botox"}, modelText)
			next, effects := decideText(t, s, env, tt.text, price, now)
			if next.Phase != PhaseHandedToStaff {
				t.Errorf("phase %s, want %s", next.Phase, PhaseHandedToStaff)
			}
			if d := eventData(effects, EventHandoffRequested); d == nil || d["reason"] != tt.reason {
				t.Errorf("hand-off event %v, want reason %q", d, tt.reason)
			}
			noModelText(t, tt.text, effects)
		})
	}
}

func TestAssistTooLongFallsBack(t *testing.T) {
	c := glow(t)
	long := modelAssist(understand.Understanding{Intent: understand.IntentPrice, ServiceID: "botox"}, strings.Repeat("a", MaxReply+1))
	s, env, now := qualifying(c)(t)
	_, effects := decideText(t, s, env, "how much is botox?", long, now)
	rs := sentReplies(effects)
	if len(rs) != 1 || rs[0].Source != SourceBuiltin || !strings.Contains(rs[0].Text, "Botox is $12 per unit at Glow Chicago.") {
		t.Errorf("too long a reply: %+v, want the price template", rs)
	}

	// Fits alone, but not with the held time's line after it.
	s, env, now = heldLead(t, c)
	s.Name, s.Patient = "Jane", understand.PatientNew
	fits := modelAssist(understand.Understanding{Intent: understand.IntentPrice, ServiceID: "botox"}, strings.Repeat("a", MaxReply-20))
	_, effects = decideText(t, s, env, "how much is botox?", fits, now.Add(time.Minute))
	rs = sentReplies(effects)
	if len(rs) != 1 || rs[0].Source != SourceBuiltin || strings.Contains(rs[0].Text, "aaaa") ||
		!strings.Contains(rs[0].Text, "is held until") {
		t.Errorf("too long with the hold: %+v, want the template", rs)
	}
}

// TestNoAssistIsBuiltin: without an assist every reply says so.
func TestNoAssistIsBuiltin(t *testing.T) {
	c := glow(t)
	s, env, now := qualifying(c)(t)
	_, effects := decideText(t, s, env, "how much is botox?", nil, now)
	rs := sentReplies(effects)
	if len(rs) != 1 || rs[0].Source != SourceBuiltin {
		t.Errorf("replies %+v", rs)
	}
}

// qualifying is a conversation past its first message.
func qualifying(c *clinic.Clinic) func(t *testing.T) (State, Env, time.Time) {
	return func(t *testing.T) (State, Env, time.Time) {
		return started(t, c), Env{Clinic: c}, t0.Add(time.Minute)
	}
}

// firstContact is a conversation that does not exist yet.
func firstContact(c *clinic.Clinic) func(t *testing.T) (State, Env, time.Time) {
	return func(*testing.T) (State, Env, time.Time) { return State{}, Env{Clinic: c}, t0 }
}
