package conversation

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/internal/directory"
	"github.com/medspa/engine/messages"
)

const leadPhone = "+13125550123"

var t0 = time.Date(2026, 11, 20, 18, 10, 0, 0, time.UTC)

func glow(t testing.TB) *clinic.Clinic {
	t.Helper()
	c, ok := directory.New(clinic.Demo()).ByID("glow-chicago")
	if !ok {
		t.Fatal("demo clinic glow-chicago missing")
	}
	return c
}

func sms(c *clinic.Clinic, to, text string) messages.Envelope {
	return messages.Envelope{
		V: messages.Version, ID: "telnyx:" + text, Kind: messages.KindSMS,
		ClinicID: c.ID, LeadID: messages.LeadID(c.ID, leadPhone), Phone: leadPhone, Received: t0,
		SMS: &messages.InboundSMS{Carrier: messages.CarrierTelnyx, ProviderID: "p1", From: leadPhone, To: to, Text: text},
	}
}

func envelope(c *clinic.Clinic, k messages.Kind) messages.Envelope {
	e := messages.Envelope{
		V: messages.Version, ID: "x:" + string(k), Kind: k,
		ClinicID: c.ID, LeadID: messages.LeadID(c.ID, leadPhone), Phone: leadPhone, Received: t0,
	}
	switch k {
	case messages.KindMissed:
		e.Missed = &messages.MissedCall{Carrier: messages.CarrierTwilio, From: leadPhone, To: c.PhoneNumbers[1], Cause: "no_answer"}
	case messages.KindWebLead:
		e.Web = &messages.WebLead{Name: "  Jane   Doe ", Service: "botox", ConsentText: "yes"}
	case messages.KindReceipt:
		e.Receipt = &messages.DeliveryReceipt{Carrier: messages.CarrierTelnyx, ProviderID: "o1", Status: "delivered"}
	case messages.KindPayment:
		e.Payment = &messages.Payment{}
	}
	return e
}

// started returns a conversation past its first message.
func started(t *testing.T, c *clinic.Clinic) State {
	t.Helper()
	s, _, err := Decide(State{}, c, sms(c, c.PhoneNumbers[0], "hi"), t0)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func replies(effects []Effect) []string {
	var out []string
	for _, e := range effects {
		if r, ok := e.(Reply); ok {
			out = append(out, r.Text)
		}
	}
	return out
}

func events(effects []Effect) []Event {
	var out []Event
	for _, e := range effects {
		if ev, ok := e.(Event); ok {
			out = append(out, ev)
		}
	}
	return out
}

func TestDecideReplies(t *testing.T) {
	c := glow(t)
	tests := []struct {
		text string
		want []string // substrings of the single reply
	}{
		{"how much is botox?", []string{"Botox is $12 per unit at Glow Chicago.", "$50 deposit"}},
		{"botx price", []string{"Botox is $12 per unit"}},
		{"what does lip filler cost", []string{"Lip Filler is $650 per syringe"}},
		{"How much is a hydrafacial", []string{"HydraFacial is $199 at Glow Chicago."}},
		{"how much for a consult", []string{"Consultation is free"}},
		{"how much", []string{"Some of our prices:", "Botox $12 per unit", "Which treatment"}},
		{"my name is Jane Doe", []string{"Nice to meet you, Jane!"}},
		{"this is Jane", []string{"Nice to meet you, Jane!"}},
		{"what are your hours", []string{"Mon-Fri 9am-7pm", "Sun closed", "1420 N Milwaukee"}},
		{"what services do you offer", []string{"We offer Botox, Dysport"}},
		{"I want to book", []string{"Which treatment would you like?"}},
		{"book me for botox", []string{"Our soonest Botox openings", "Reply 1, 2 or 3"}},
		{"can I talk to a person", []string{"our team at Glow Chicago"}},
		{"thanks", []string{"You're welcome"}},
		{"no", []string{"No problem"}},
		{"hi", []string{"Hi again!"}},
		{"purple monkey", []string{"I can help with prices, hours and booking at Glow Chicago."}},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			s := started(t, c)
			_, effects, err := Decide(s, c, sms(c, c.PhoneNumbers[0], tt.text), t0.Add(time.Minute))
			if err != nil {
				t.Fatal(err)
			}
			rs := replies(effects)
			if len(rs) != 1 {
				t.Fatalf("got %d replies, want 1: %q", len(rs), rs)
			}
			for _, w := range tt.want {
				if !strings.Contains(rs[0], w) {
					t.Errorf("reply %q does not contain %q", rs[0], w)
				}
			}
		})
	}
}

func TestDecideFirstMessage(t *testing.T) {
	c := glow(t)
	s, effects, err := Decide(State{}, c, sms(c, c.PhoneNumbers[0], "How much is Botox?"), t0)
	if err != nil {
		t.Fatal(err)
	}
	rs := replies(effects)
	if len(rs) != 1 || !strings.Contains(rs[0], "Glow Chicago") || !strings.Contains(rs[0], "$12 per unit") {
		t.Fatalf("first reply = %q, want a greeting naming the clinic and the price", rs)
	}
	if s.Phase != PhaseOffering || s.Turns != 1 || s.ServiceID != "botox" || len(s.Offers) != maxOffers || s.Asked != AskPick {
		t.Errorf("state = %+v", s)
	}
	var types []string
	for _, e := range events(effects) {
		types = append(types, e.Type)
	}
	if want := []string{EventLeadCreated, EventServiceNoted, EventPhaseChanged, EventSlotsOffered}; !reflect.DeepEqual(types, want) {
		t.Errorf("events = %v, want %v", types, want)
	}
	if s.CreatedAt != t0 || s.LastInboundAt != t0 || s.Phone != leadPhone || s.LeadID != messages.LeadID(c.ID, leadPhone) {
		t.Errorf("identity fields = %+v", s)
	}
}

func TestDecideNameEvent(t *testing.T) {
	c := glow(t)
	s := started(t, c)
	s, effects, err := Decide(s, c, sms(c, c.PhoneNumbers[0], "I'm Jane"), t0.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	evs := events(effects)
	if len(evs) != 1 || evs[0].Type != EventNameLearned || evs[0].Data["name"] != "Jane" || s.Name != "Jane" {
		t.Fatalf("events %+v, name %q", evs, s.Name)
	}
	// The same name again is not news.
	_, effects, _ = Decide(s, c, sms(c, c.PhoneNumbers[0], "Jane here"), t0.Add(2*time.Minute))
	if evs := events(effects); len(evs) != 0 {
		t.Errorf("repeated name emitted %+v", evs)
	}
}

func TestNew(t *testing.T) {
	c := glow(t)
	tests := []struct {
		in      messages.Envelope
		number  string
		carrier messages.Carrier
	}{
		{sms(c, "+17735550100", "hi"), "+17735550100", messages.CarrierTelnyx},
		{sms(c, "+17735550101", "hi"), "+17735550101", messages.CarrierTwilio},
		{envelope(c, messages.KindMissed), "+17735550101", messages.CarrierTwilio},
		{envelope(c, messages.KindWebLead), "+17735550100", messages.CarrierTelnyx},
	}
	for _, tt := range tests {
		s := New(tt.in, c, t0)
		if s.ClinicNumber != tt.number || s.Carrier != tt.carrier || s.Phase != PhaseNew || s.ClinicID != c.ID {
			t.Errorf("New(%s) = %+v, want number %s via %s", tt.in.Kind, s, tt.number, tt.carrier)
		}
	}
}

func TestDecideMissedAndWeb(t *testing.T) {
	c := glow(t)
	s, effects, err := Decide(State{}, c, envelope(c, messages.KindMissed), t0)
	if err != nil {
		t.Fatal(err)
	}
	if rs := replies(effects); len(rs) != 1 || !strings.HasPrefix(rs[0], "Sorry we missed your call at Glow Chicago!") {
		t.Errorf("missed call reply = %q", rs)
	}
	if s.Carrier != messages.CarrierTwilio {
		t.Errorf("missed call on a Twilio number answered via %s", s.Carrier)
	}

	s, effects, err = Decide(State{}, c, envelope(c, messages.KindWebLead), t0)
	if err != nil {
		t.Fatal(err)
	}
	rs := replies(effects)
	if len(rs) != 1 || !strings.HasPrefix(rs[0], "Hi Jane, thanks for reaching out to Glow Chicago!") || !strings.Contains(rs[0], "Botox is $12 per unit") {
		t.Errorf("web lead reply = %q", rs)
	}
	if s.Name != "Jane Doe" || s.ServiceID != "botox" {
		t.Errorf("web lead state = %+v", s)
	}
}

func TestDecideIgnores(t *testing.T) {
	c := glow(t)
	s := started(t, c)
	for _, k := range []messages.Kind{messages.KindReceipt, messages.KindTimer, messages.KindPayment} {
		in := envelope(c, k)
		got, effects, err := Decide(s, c, in, t0.Add(time.Hour))
		if err != nil || len(effects) != 0 || !reflect.DeepEqual(got, s) {
			t.Errorf("Decide(%s) = %+v, %v, %v; want the state unchanged", k, got, effects, err)
		}
	}
	got, effects, err := Decide(State{}, c, envelope(c, messages.KindReceipt), t0)
	if err != nil || len(effects) != 0 || !reflect.DeepEqual(got, State{}) {
		t.Errorf("receipt for an unknown conversation = %+v, %v, %v", got, effects, err)
	}
	note := envelope(c, messages.KindStaff)
	note.Staff = &messages.StaffAction{Type: messages.StaffNote, UserID: "u1", Text: "called back"}
	got, effects, err = Decide(State{}, c, note, t0)
	if err != nil || len(effects) != 0 || !reflect.DeepEqual(got, State{}) {
		t.Errorf("staff note for an unknown conversation = %+v, %v, %v", got, effects, err)
	}
}

func TestDecideErrors(t *testing.T) {
	c := glow(t)
	miami, _ := directory.New(clinic.Demo()).ByID("radiance-miami")
	s := started(t, c)
	bad := sms(c, c.PhoneNumbers[0], "hi")
	bad.V = 0
	other := sms(c, c.PhoneNumbers[0], "hi")
	other.LeadID = "ld_other"
	noPayload := sms(c, c.PhoneNumbers[0], "hi")
	noPayload.SMS = nil
	tests := []struct {
		name string
		s    State
		c    *clinic.Clinic
		in   messages.Envelope
	}{
		{"no clinic", s, nil, sms(c, c.PhoneNumbers[0], "hi")},
		{"bad version", s, c, bad},
		{"no payload", s, c, noPayload},
		{"other clinic", s, miami, sms(c, c.PhoneNumbers[0], "hi")},
		{"other lead", s, c, other},
	}
	for _, tt := range tests {
		got, effects, err := Decide(tt.s, tt.c, tt.in, t0)
		if !errors.Is(err, messages.ErrInvalid) {
			t.Errorf("%s: err = %v, want ErrInvalid", tt.name, err)
		}
		if effects != nil || !reflect.DeepEqual(got, tt.s) {
			t.Errorf("%s: state or effects changed on error", tt.name)
		}
	}
}

func TestDecideIsPure(t *testing.T) {
	c := glow(t)
	s := started(t, c)
	before, _ := json.Marshal(s)
	in := sms(c, c.PhoneNumbers[0], "how much is botox")
	a, ea, _ := Decide(s, c, in, t0.Add(time.Minute))
	b, eb, _ := Decide(s, c, in, t0.Add(time.Minute))
	if !reflect.DeepEqual(a, b) || !reflect.DeepEqual(ea, eb) {
		t.Error("Decide is not deterministic")
	}
	after, _ := json.Marshal(s)
	if string(before) != string(after) {
		t.Error("Decide modified its input state")
	}
}

func TestRecentIsBounded(t *testing.T) {
	c := glow(t)
	var s State
	long := strings.Repeat("botox ", 200)
	for i := 0; i < 3*MaxRecent; i++ {
		var err error
		s, _, err = Decide(s, c, sms(c, c.PhoneNumbers[0], fmt.Sprintf("%d %s", i, long)), t0.Add(time.Duration(i)*time.Minute))
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(s.Recent) != MaxRecent {
		t.Fatalf("%d recent lines, want %d", len(s.Recent), MaxRecent)
	}
	last := s.Recent[len(s.Recent)-1]
	if last.Dir != DirOut || !last.At.Equal(t0.Add(time.Duration(3*MaxRecent-1)*time.Minute)) {
		t.Errorf("last line = %+v", last)
	}
	for _, l := range s.Recent {
		if n := len([]rune(l.Text)); n > MaxLineText {
			t.Errorf("line of %d characters kept", n)
		}
	}
	if s.Turns != 3*MaxRecent {
		t.Errorf("turns = %d", s.Turns)
	}
}

func TestStateJSONRoundTrip(t *testing.T) {
	c := glow(t)
	s, _, _ := Decide(State{}, c, sms(c, c.PhoneNumbers[1], "I'm Jane, how much is botox?"), t0)
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var back State
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, s) {
		t.Errorf("round trip changed the state:\n%+v\n%+v", s, back)
	}
	if !strings.Contains(string(b), `"phase":"offering"`) || !strings.Contains(string(b), `"carrier":"twilio"`) ||
		!strings.Contains(string(b), `"asked":"pick"`) {
		t.Errorf("unexpected JSON %s", b)
	}
}

func TestQuietPhases(t *testing.T) {
	c := glow(t)
	for _, p := range []Phase{PhaseOptedOut, PhaseHandedToStaff} {
		s := started(t, c)
		s.Phase = p
		got, effects, err := Decide(s, c, sms(c, c.PhoneNumbers[0], "how much is botox"), t0.Add(time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		if len(effects) != 0 || got.Phase != p || got.Turns != s.Turns+1 {
			t.Errorf("phase %s: effects %+v, state %+v", p, effects, got)
		}
	}
	s := started(t, c)
	s.Phase = PhaseLost
	got, effects, _ := Decide(s, c, sms(c, c.PhoneNumbers[0], "hi"), t0.Add(time.Minute))
	if got.Phase != PhaseQualifying || len(replies(effects)) != 1 {
		t.Errorf("a lost lead writing back: phase %s, effects %+v", got.Phase, effects)
	}
}

func TestSwitchesClinicNumber(t *testing.T) {
	c := glow(t)
	s := started(t, c)
	s, _, _ = Decide(s, c, sms(c, "+17735550101", "hi"), t0.Add(time.Minute))
	if s.ClinicNumber != "+17735550101" || s.Carrier != messages.CarrierTwilio {
		t.Errorf("state after texting the Twilio number: %s via %s", s.ClinicNumber, s.Carrier)
	}
}

func TestReplyLengthBound(t *testing.T) {
	c := *glow(t)
	c.Address = strings.Repeat("Very Long Street Name ", 20)
	_, effects, err := Decide(State{}, &c, sms(&c, c.PhoneNumbers[0], "Hi, this is Sam, what are your hours?"), t0)
	if err != nil {
		t.Fatal(err)
	}
	rs := replies(effects)
	if len(rs) != 1 || len([]rune(rs[0])) > MaxReply || !strings.HasSuffix(rs[0], "…") {
		t.Fatalf("reply = %q (%d characters)", rs, len([]rune(rs[0])))
	}
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"exactly ten", 11, "exactly ten"},
		{"one two three four", 12, "one two…"},
		{"abcdefghijklmnop", 8, "abcdefg…"},
		{"héllo wörld ünïcode", 12, "héllo wörld…"},
	}
	for _, tt := range tests {
		if got := truncate(tt.in, tt.n); got != tt.want || len([]rune(got)) > tt.n {
			t.Errorf("truncate(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}

func BenchmarkDecide(b *testing.B) {
	c := glow(b)
	s, _, _ := Decide(State{}, c, sms(c, c.PhoneNumbers[0], "hi"), t0)
	in := sms(c, c.PhoneNumbers[0], "Hi, I'm Jane. How much is a hydrafacial on Saturday?")
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Decide(s, c, in, t0); err != nil {
			b.Fatal(err)
		}
	}
}
