package conversation

import (
	"reflect"
	"testing"
	"time"

	"github.com/medspa/engine/internal/directory"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/internal/compliance"
	"github.com/medspa/engine/messages"
)

func keywordReplies(effects []Effect) (keywords []string, plain int) {
	for _, e := range effects {
		if r, ok := e.(Reply); ok {
			if r.Keyword != "" {
				keywords = append(keywords, r.Keyword)
			} else {
				plain++
			}
		}
	}
	return keywords, plain
}

func consents(effects []Effect) []ConsentChange {
	var out []ConsentChange
	for _, e := range effects {
		if c, ok := e.(ConsentChange); ok {
			out = append(out, c)
		}
	}
	return out
}

func hasEvent(effects []Effect, typ string) bool {
	for _, e := range effects {
		if ev, ok := e.(Event); ok && ev.Type == typ {
			return true
		}
	}
	return false
}

func TestKeywordPaths(t *testing.T) {
	c := glow(t)
	base := started(t, c)
	at := func(p Phase, from Phase) State {
		s := base
		s.Phase, s.OptedOutFrom = p, from
		if p == PhaseHeld {
			s.Hold = &Hold{AppointmentID: "ap_1", ServiceID: "botox", Start: t0.Add(24 * time.Hour), Until: t0.Add(time.Hour)}
		}
		return s
	}
	revoked := []ConsentChange{{Kind: compliance.ConsentRevoked, Source: compliance.SourceInboundText}}
	regranted := []ConsentChange{{Kind: compliance.ConsentRegranted, Source: compliance.SourceInboundText}}
	tests := []struct {
		name      string
		s         State
		text      string
		phase     Phase
		keywords  []string
		plain     int
		consent   []ConsentChange // Text is compared with the message
		event     string
		releaseAp string
	}{
		{"stop", at(PhaseQualifying, ""), "STOP", PhaseOptedOut, []string{KeywordOptOut}, 0, revoked, EventOptedOut, ""},
		{"stop phrase", at(PhaseOffering, ""), "please stop texting me", PhaseOptedOut, []string{KeywordOptOut}, 0, revoked, EventOptedOut, ""},
		{"stop first contact", State{}, "Stop", PhaseOptedOut, []string{KeywordOptOut}, 0, revoked, EventOptedOut, ""},
		{"stop with staff", at(PhaseHandedToStaff, ""), "unsubscribe", PhaseOptedOut, []string{KeywordOptOut}, 0, revoked, EventOptedOut, ""},
		{"stop while held", at(PhaseHeld, ""), "end", PhaseOptedOut, []string{KeywordOptOut}, 0, revoked, EventOptedOut, "ap_1"},
		{"stop again", at(PhaseOptedOut, PhaseQualifying), "STOP", PhaseOptedOut, nil, 0, revoked, "", ""},
		{"help", at(PhaseQualifying, ""), "HELP", PhaseQualifying, []string{KeywordHelp}, 0, nil, "", ""},
		{"info", at(PhaseOffering, ""), "info", PhaseOffering, []string{KeywordHelp}, 0, nil, "", ""},
		{"help first contact", State{}, "help", PhaseQualifying, []string{KeywordHelp}, 0, nil, "", ""},
		{"help opted out", at(PhaseOptedOut, PhaseQualifying), "HELP", PhaseOptedOut, []string{KeywordHelp}, 0, nil, "", ""},
		{"help with staff", at(PhaseHandedToStaff, ""), "help", PhaseHandedToStaff, []string{KeywordHelp}, 0, nil, "", ""},
		{"start", at(PhaseOptedOut, PhaseOffering), "START", PhaseQualifying, []string{KeywordOptIn}, 0, regranted, EventOptedIn, ""},
		{"unstop", at(PhaseOptedOut, PhaseQualifying), "unstop", PhaseQualifying, []string{KeywordOptIn}, 0, regranted, EventOptedIn, ""},
		{"yes after stop", at(PhaseOptedOut, PhaseQualifying), "Yes", PhaseQualifying, []string{KeywordOptIn}, 0, regranted, EventOptedIn, ""},
		{"start back to booked", at(PhaseOptedOut, PhaseBooked), "start", PhaseBooked, []string{KeywordOptIn}, 0, regranted, EventOptedIn, ""},
		{"start back to staff", at(PhaseOptedOut, PhaseHandedToStaff), "start", PhaseHandedToStaff, []string{KeywordOptIn}, 0, regranted, EventOptedIn, ""},
		{"yes when subscribed", at(PhaseQualifying, ""), "yes", PhaseQualifying, nil, 1, nil, "", ""},
		{"start when subscribed", at(PhaseQualifying, ""), "start", PhaseQualifying, nil, 1, nil, "", ""},
		{"text while opted out", at(PhaseOptedOut, PhaseQualifying), "how much is botox", PhaseOptedOut, nil, 0, nil, "", ""},
		{"cancel my appointment is not stop", at(PhaseHeld, ""), "cancel my appointment please", PhaseLost, nil, 1, nil, "", "ap_1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := tt.s
			got, effects, err := Decide(tt.s, c, sms(c, c.PhoneNumbers[0], tt.text), t0.Add(time.Minute))
			if err != nil {
				t.Fatal(err)
			}
			if got.Phase != tt.phase {
				t.Errorf("phase = %s, want %s", got.Phase, tt.phase)
			}
			kw, plain := keywordReplies(effects)
			if !reflect.DeepEqual(kw, tt.keywords) || plain != tt.plain {
				t.Errorf("keyword replies %v and %d others, want %v and %d", kw, plain, tt.keywords, tt.plain)
			}
			want := tt.consent
			for i := range want {
				want[i].Text = tt.text
			}
			if tt.s.Phase == "" && tt.phase != PhaseOptedOut {
				want = nil // HELP is not consent
			}
			if cs := consents(effects); !reflect.DeepEqual(cs, want) && !(len(cs) == 0 && len(want) == 0) {
				t.Errorf("consent = %+v, want %+v", cs, want)
			}
			if tt.event != "" && !hasEvent(effects, tt.event) {
				t.Errorf("no %s event in %+v", tt.event, effects)
			}
			var released []string
			for _, e := range effects {
				if r, ok := e.(ReleaseSlot); ok {
					released = append(released, r.AppointmentID)
				}
			}
			if tt.releaseAp != "" && (len(released) != 1 || released[0] != tt.releaseAp) {
				t.Errorf("released %v, want %s", released, tt.releaseAp)
			}
			if got.Phase == PhaseOptedOut && (got.Hold != nil || got.Pending != nil || len(got.Offers) > 0) {
				t.Errorf("opted out with a booking in progress: %+v", got)
			}
			if before.Phase == PhaseOptedOut && got.Phase != PhaseOptedOut && got.OptedOutFrom != "" {
				t.Errorf("opted in but OptedOutFrom = %s", got.OptedOutFrom)
			}
			checkCompliance(t, 0, c, before, got, effects, t0.Add(time.Minute))
		})
	}
}

func TestStopForgetsPendingHold(t *testing.T) {
	c := glow(t)
	s := started(t, c)
	s.Phase = PhaseOffering
	s.Pending = &HoldSlot{ServiceID: "botox", Start: t0.Add(24 * time.Hour)}
	s, _, err := Decide(s, c, sms(c, c.PhoneNumbers[0], "stop"), t0.Add(time.Minute))
	if err != nil || s.Pending != nil || s.Phase != PhaseOptedOut {
		t.Fatalf("after STOP: pending %v phase %s err %v", s.Pending, s.Phase, err)
	}
	// The clinic's late answer: the hold is released, nothing is said.
	res := HoldResult{Request: HoldRequest{Op: OpHold, LeadID: s.LeadID, ServiceID: "botox", Start: t0.Add(24 * time.Hour)},
		Outcome: ResultHeld, Appointment: clinic.Appointment{ID: "ap_late"}}
	_, effects := ApplyHoldResult(s, Env{Clinic: c}, res, t0.Add(2*time.Minute))
	if len(effects) != 1 || effects[0] != (ReleaseSlot{AppointmentID: "ap_late"}) {
		t.Fatalf("late hold after STOP: effects %+v, want only its release", effects)
	}
}

func TestFirstContactConsent(t *testing.T) {
	c := glow(t)
	s, effects, _ := Decide(State{}, c, sms(c, c.PhoneNumbers[0], "hi there"), t0)
	want := []ConsentChange{{Kind: compliance.ConsentGranted, Source: compliance.SourceInboundText, Text: "hi there"}}
	if !reflect.DeepEqual(consents(effects), want) || s.Consent != compliance.SourceInboundText {
		t.Fatalf("first text: consent %+v, state %q", consents(effects), s.Consent)
	}
	_, effects, _ = Decide(s, c, sms(c, c.PhoneNumbers[0], "botox price"), t0.Add(time.Minute))
	if cs := consents(effects); len(cs) != 0 {
		t.Errorf("second text recorded consent again: %+v", cs)
	}
	s, effects, _ = Decide(State{}, c, envelope(c, messages.KindWebLead), t0)
	want = []ConsentChange{{Kind: compliance.ConsentGranted, Source: compliance.SourceWebForm, Text: "yes"}}
	if !reflect.DeepEqual(consents(effects), want) || s.Consent != compliance.SourceWebForm {
		t.Fatalf("web form: consent %+v, state %q", consents(effects), s.Consent)
	}
	_, effects, _ = Decide(s, c, sms(c, c.PhoneNumbers[0], "hi"), t0.Add(time.Minute))
	if cs := consents(effects); len(cs) != 0 {
		t.Errorf("text after a web form recorded consent again: %+v", cs)
	}
	if _, effects, _ := Decide(State{}, c, envelope(c, messages.KindMissed), t0); len(consents(effects)) != 0 {
		t.Errorf("a missed call is not consent: %+v", consents(effects))
	}
}

func receipt(c *clinic.Clinic, status, code string) messages.Envelope {
	e := envelope(c, messages.KindReceipt)
	e.Receipt.Status, e.Receipt.ErrorCode = status, code
	return e
}

func TestReceipts(t *testing.T) {
	c := glow(t)
	s := started(t, c)
	for _, code := range []string{"40300", "21610"} {
		got, effects, err := Decide(s, c, receipt(c, "failed", code), t0.Add(time.Minute))
		if err != nil || got.Phase != PhaseOptedOut {
			t.Fatalf("carrier %s: phase %s err %v", code, got.Phase, err)
		}
		if kw, plain := keywordReplies(effects); len(kw)+plain != 0 {
			t.Errorf("carrier opt-out %s sent a text", code)
		}
		cs := consents(effects)
		if len(cs) != 1 || cs[0].Kind != compliance.ConsentRevoked || cs[0].Source != compliance.SourceCarrier || !hasEvent(effects, EventOptedOut) {
			t.Errorf("carrier opt-out %s: effects %+v", code, effects)
		}
		again, effects, _ := Decide(got, c, receipt(c, "failed", code), t0.Add(2*time.Minute))
		if len(effects) != 0 || !reflect.DeepEqual(again, got) {
			t.Errorf("second carrier opt-out changed something: %+v", effects)
		}
	}
	for _, st := range []string{"sending_failed", "delivery_failed", "failed", "undelivered"} {
		got, effects, _ := Decide(s, c, receipt(c, st, "30003"), t0.Add(time.Minute))
		if len(effects) != 1 || !hasEvent(effects, EventDeliveryFailed) || !reflect.DeepEqual(got, s) {
			t.Errorf("status %s: effects %+v", st, effects)
		}
		ev := effects[0].(Event)
		if ev.Data["provider_id"] != "o1" || ev.Data["code"] != "30003" {
			t.Errorf("status %s: event data %v", st, ev.Data)
		}
	}
	// A carrier opt-out for a conversation the store does not know opens
	// none (only the lead's own messages do, Opens).
	got, effects, _ := Decide(State{}, c, receipt(c, "failed", "40300"), t0)
	if got.Phase != "" || len(effects) != 0 {
		t.Errorf("carrier opt-out of an unknown conversation: %+v, %+v", got, effects)
	}
}

func TestMissedCallTextBackOncePer12Hours(t *testing.T) {
	c := glow(t)
	s, effects, _ := Decide(State{}, c, envelope(c, messages.KindMissed), t0)
	if len(replies(effects)) != 1 || effects[1].(Reply).Purpose != messages.PurposeInitiated {
		t.Fatalf("first missed call: %+v", effects)
	}
	for _, d := range []time.Duration{time.Minute, 11*time.Hour + 59*time.Minute} {
		next, effects, _ := Decide(s, c, envelope(c, messages.KindMissed), t0.Add(d))
		if len(replies(effects)) != 0 || len(next.Deferred) != 0 {
			t.Errorf("missed call after %s answered again: %+v", d, effects)
		}
	}
	if _, effects, _ := Decide(s, c, envelope(c, messages.KindMissed), t0.Add(24*time.Hour)); len(replies(effects)) != 1 {
		t.Errorf("missed call a day later not answered: %+v", effects)
	}
	s.Phase = PhaseOptedOut
	s.LastTextBackAt = time.Time{}
	if _, effects, _ := Decide(s, c, envelope(c, messages.KindMissed), t0.Add(24*time.Hour)); len(effects) != 0 {
		t.Errorf("missed call from an opted-out lead: %+v", effects)
	}
}

func TestDeferredTimerAndCap(t *testing.T) {
	miami, _ := directory.New(clinic.Demo()).ByID("radiance-miami")
	// A Florida number: 8 am to 8 pm, at most 3 initiated texts per 24h.
	s := State{ClinicID: miami.ID, LeadID: "ld_x", Phone: "+13055550177", Phase: PhaseQualifying,
		ClinicNumber: miami.PhoneNumbers[0], Carrier: messages.CarrierTelnyx}
	noon := time.Date(2026, 11, 20, 17, 0, 0, 0, time.UTC) // noon in Miami
	s.Initiated = []time.Time{noon.Add(-3 * time.Hour), noon.Add(-2 * time.Hour), noon.Add(-time.Hour)}
	tr := &turn{s: s, c: miami, now: noon}
	tr.replyAs("A reminder.", messages.PurposeInitiated)
	if len(tr.effects) != 1 || len(tr.s.Deferred) != 1 {
		t.Fatalf("fourth initiated text in 24h: effects %+v deferred %+v", tr.effects, tr.s.Deferred)
	}
	// The cap frees 24h after the first send, at 9 am the next day.
	free := noon.Add(21 * time.Hour)
	if d := tr.s.Deferred[0]; !d.NotBefore.Equal(free) {
		t.Errorf("deferred until %s, want %s", d.NotBefore, free)
	}
	w := Timers(tr.s)
	if len(w) != 1 || w[0].Name != TimerDeferredSend || !w[0].At.Equal(free) {
		t.Fatalf("Timers = %+v, want deferred-send at %s", w, free)
	}
	timer := messages.Envelope{V: messages.Version, ID: "timer:1", Kind: messages.KindTimer, ClinicID: miami.ID, LeadID: "ld_x",
		Timer: &messages.TimerFired{Name: TimerDeferredSend, Due: free}}
	early, effects, _ := DecideWith(tr.s, Env{Clinic: miami}, timer, free.Add(-time.Minute))
	if len(effects) != 0 || !reflect.DeepEqual(early, tr.s) {
		t.Errorf("early timer: %+v", effects)
	}
	after, effects, _ := DecideWith(tr.s, Env{Clinic: miami}, timer, free)
	if rs := replies(effects); len(rs) != 1 || rs[0] != "A reminder." || len(after.Deferred) != 0 || len(Timers(after)) != 0 {
		t.Fatalf("timer at %s: effects %+v deferred %+v", free, effects, after.Deferred)
	}
	if len(after.Initiated) != 3 {
		t.Errorf("initiated history %v, want the last 24h (3)", after.Initiated)
	}
	if len(s.Initiated) != 3 || len(s.Deferred) != 0 {
		t.Errorf("the caller's state was modified: %+v", s)
	}
}

func TestDeferredQueueIsBounded(t *testing.T) {
	c := glow(t)
	s := started(t, c)
	night := time.Date(2026, 11, 21, 6, 0, 0, 0, time.UTC) // midnight in Chicago
	tr := &turn{s: s, c: c, now: night}
	for i := 0; i < MaxDeferred+3; i++ {
		tr.replyAs("Note "+string(rune('A'+i)), messages.PurposeInitiated)
	}
	if len(tr.s.Deferred) != MaxDeferred || tr.s.Deferred[MaxDeferred-1].Text != "Note H" {
		t.Fatalf("deferred = %+v", tr.s.Deferred)
	}
	if !hasEvent(tr.effects, EventDeferredDropped) {
		t.Error("overflow without a deferred.dropped event")
	}
	s = tr.s
	s.Phase = PhaseHandedToStaff
	due, ok := wakeDue(s, TimerDeferredSend)
	if !ok {
		t.Fatal("no deferred-send timer for staff's conversation")
	}
	timer := messages.Envelope{V: messages.Version, ID: "timer:2", Kind: messages.KindTimer, ClinicID: c.ID, LeadID: s.LeadID,
		Timer: &messages.TimerFired{Name: TimerDeferredSend, Due: due}}
	got, effects, _ := Decide(s, c, timer, night.Add(9*time.Hour))
	if len(replies(effects)) != 0 || len(got.Deferred) != 0 || !hasEvent(effects, EventDeferredDropped) {
		t.Errorf("deferred texts reached a conversation staff took over: %+v", effects)
	}
}
