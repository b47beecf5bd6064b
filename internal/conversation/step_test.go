package conversation

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/medspa/engine/internal/understand"
	"github.com/medspa/engine/messages"
)

// Only the lead's own messages open a conversation; a payment for none is
// ErrNoConversation, and the rest leave nothing to store.
func TestApplyOpensOnlyFromTheLead(t *testing.T) {
	c := glow(t)
	for _, k := range []messages.Kind{messages.KindSMS, messages.KindMissed, messages.KindWebLead} {
		in := envelope(c, k)
		if k == messages.KindSMS {
			in = sms(c, c.PhoneNumbers[0], "hi")
		}
		st, err := Apply(in.ID, nil, Env{Clinic: c}, in, t0)
		if err != nil || !st.Store || st.State.Phase == "" || st.Prev != nil {
			t.Errorf("%s: step %+v, %v; want a new conversation", k, st, err)
		}
	}
	if _, err := Apply("p", nil, Env{Clinic: c}, envelope(c, messages.KindPayment), t0); !errors.Is(err, ErrNoConversation) || !errors.Is(err, messages.ErrInvalid) {
		t.Errorf("payment for no conversation: %v", err)
	}
	note := envelope(c, messages.KindStaff)
	note.Staff = &messages.StaffAction{Type: messages.StaffNote, UserID: "u1", Text: "called back"}
	timer := envelope(c, messages.KindTimer)
	timer.Timer = &messages.TimerFired{Name: TimerFollowUp, Due: t0}
	optOut := receipt(c, "failed", "40300")
	for _, in := range []messages.Envelope{note, timer, optOut} {
		st, err := Apply(in.ID, nil, Env{Clinic: c}, in, t0)
		if err != nil || st.Store || len(st.Effects)+len(st.Lines) != 0 {
			t.Errorf("%s for no conversation: %+v, %v; want nothing to store", in.Kind, st, err)
		}
	}
}

// The step carries the transcript lines: the lead's, then one per reply,
// with the ids the outbox uses, and the timers to set.
func TestApplyReturnsLinesAndTimers(t *testing.T) {
	c := glow(t)
	in := sms(c, c.PhoneNumbers[0], "hi, botox next week?")
	in.SMS.Media = []string{"https://m.example/1.jpg"}
	st, err := Apply("k1", nil, Env{Clinic: c}, in, t0)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Lines) < 2 {
		t.Fatalf("lines %+v", st.Lines)
	}
	first := st.Lines[0]
	if first.ID != in.ID || first.Direction != DirIn || first.Author != AuthorLead || first.Text != "hi, botox next week?\n[attachment] https://m.example/1.jpg" {
		t.Errorf("inbound line %+v", first)
	}
	if got := st.State.Recent[0].Text; got != first.Text {
		t.Errorf("the state's recent line %q differs from the transcript's %q", got, first.Text)
	}
	for _, l := range st.Lines[1:] {
		if l.Direction != DirOut || l.Author != AuthorEngine || !strings.HasPrefix(l.ID, "k1#") || !l.At.Equal(t0) {
			t.Errorf("reply line %+v", l)
		}
	}
	if !reflect.DeepEqual(st.SetTimers, Timers(st.State)) || len(st.CancelTimers) != 0 {
		t.Errorf("timers set %+v cancel %v, want %+v", st.SetTimers, st.CancelTimers, Timers(st.State))
	}
}

func TestDiffTimers(t *testing.T) {
	at := t0.Add(2 * time.Hour)
	held := State{Phase: PhaseHeld, Hold: &Hold{Until: at}}
	moved := State{Phase: PhaseHeld, Hold: &Hold{Until: at.Add(time.Minute)}}
	for _, tt := range []struct {
		name   string
		prev   *State
		next   State
		fired  string
		set    []Wake
		cancel []string
	}{
		{"new", nil, held, "", []Wake{{TimerHoldExpiry, at}}, nil},
		{"same", &held, held, "", nil, nil},
		{"moved", &held, moved, "", []Wake{{TimerHoldExpiry, at.Add(time.Minute)}}, nil},
		{"gone", &held, State{Phase: PhaseOffering}, "", nil, []string{TimerHoldExpiry}},
		{"fired early", &held, held, TimerHoldExpiry, []Wake{{TimerHoldExpiry, at}}, nil},
	} {
		set, cancel := DiffTimers(tt.prev, tt.next, tt.fired)
		if !reflect.DeepEqual(set, tt.set) || !reflect.DeepEqual(cancel, tt.cancel) {
			t.Errorf("%s: set %+v cancel %v, want %+v %v", tt.name, set, cancel, tt.set, tt.cancel)
		}
	}
}

func TestInboundText(t *testing.T) {
	c := glow(t)
	web := envelope(c, messages.KindWebLead)
	web.Web.Message = "any time saturday?"
	mms := sms(c, c.PhoneNumbers[0], "")
	mms.SMS.Media = []string{"https://m.example/a.jpg", "https://m.example/b.png"}
	for _, tt := range []struct {
		in   messages.Envelope
		want string
	}{
		{sms(c, c.PhoneNumbers[0], "hello"), "hello"},
		{mms, "[attachment] https://m.example/a.jpg\n[attachment] https://m.example/b.png"},
		{envelope(c, messages.KindMissed), "[missed call]"},
		{web, "[web form] any time saturday? (service: botox)"},
		{envelope(c, messages.KindReceipt), ""},
	} {
		if got := InboundText(tt.in); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.in.Kind, got, tt.want)
		}
	}
}

// The model may read a lead's plain text, never a keyword, an opted-out
// lead, a conversation staff have or a clinic that keeps its own.
func TestConsultation(t *testing.T) {
	c := glow(t)
	s := started(t, c)
	if _, ok := Consultation(s, c, sms(c, c.PhoneNumbers[0], "how much is botox"), t0); !ok {
		t.Error("a plain text may be read")
	}
	for name, tt := range map[string]struct {
		s    State
		text string
	}{
		"keyword":    {s, "STOP"},
		"help":       {s, "help"},
		"opted out":  {State{Phase: PhaseOptedOut}, "hello?"},
		"with staff": {State{Phase: PhaseHandedToStaff}, "hello?"},
	} {
		if _, ok := Consultation(tt.s, c, sms(c, c.PhoneNumbers[0], tt.text), t0); ok {
			t.Errorf("%s: the model may read it", name)
		}
	}
	if _, ok := Consultation(s, c, envelope(c, messages.KindMissed), t0); ok {
		t.Error("a missed call is not for the model")
	}
	off := *c
	off.Assistant.Off = true
	if _, ok := Consultation(s, &off, sms(c, c.PhoneNumbers[0], "hello"), t0); ok {
		t.Error("a clinic that keeps its conversations from the model")
	}
}

// The decision reuses the consultation's built-in reading instead of
// reading the text again, and reads it itself when the basis differs.
func TestAssistCarriesTheBuiltinReading(t *testing.T) {
	c := glow(t)
	s := started(t, c)
	in := sms(c, c.PhoneNumbers[0], "botox friday")
	q, ok := Consultation(s, c, in, t0)
	if !ok || q.Builtin.ServiceID != "botox" {
		t.Fatalf("consultation %+v, %v", q, ok)
	}
	marked := q
	marked.Builtin.ServiceID = "filler" // a reading the text would not give: proves reuse
	tr := &turn{s: s, c: c, now: t0, assist: marked.Assist(understand.Understanding{}, "", SourceBuiltin)}
	if got := tr.builtin(in.SMS.Text, s.Asked); got.ServiceID != "filler" {
		t.Errorf("the decision read the text again: %+v", got)
	}
	tr.now = t0.Add(time.Minute)
	if got := tr.builtin(in.SMS.Text, s.Asked); got.ServiceID != "botox" {
		t.Errorf("another basis reused the reading: %+v", got)
	}
}
