package conversation

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/medspa/engine/internal/directory"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/internal/compliance"
	"github.com/medspa/engine/messages"
)

// propertyTexts are what the simulated leads write: carrier keywords in
// several spellings, booking talk, and noise.
var propertyTexts = []string{
	"STOP", "stop", "Stop please", "unsubscribe", "please stop texting me", "END", "cancel",
	"START", "unstop", "yes", "YES", "no", "HELP", "info",
	"how much is botox", "botox tomorrow at 11", "botox saturday morning", "1", "2", "hydrafacial next week",
	"I'm Jane", "can I talk to a real person", "what are your hours", "thanks", "cancel my appointment", "asdf",
	"is botox safe while pregnant?", "lip filler friday afternoon", "",
}

// TestPropertyNothingReachesOptedOutOrQuietHours drives many leads through
// random sequences of texts, missed calls, web forms, timers, receipts
// (carrier opt-outs among them), staff actions and payments, across days and
// nights, with the clinic's calendar answering hold requests. After every
// decision: no text reaches an opted-out lead except the one opt-out
// confirmation and HELP answers (and the opt-in confirmation that ends it),
// and no initiated text leaves outside the recipient's window or over the
// state's daily cap.
func TestPropertyNothingReachesOptedOutOrQuietHours(t *testing.T) {
	dir := directory.New(clinic.Demo())
	chicago, _ := dir.ByID("glow-chicago")
	miami, _ := dir.ByID("radiance-miami")
	phones := []string{"+13125550101", "+17735550102", "+13055550103", "+12145550104", "+19545550105", "+12065550106", "+16175550107"}
	leads := 400
	if testing.Short() {
		leads = 60
	}
	var decisions, optOuts, deferred, initiated, staffSends int
	for lead := 0; lead < leads; lead++ {
		rng := rand.New(rand.NewPCG(uint64(lead), 7))
		c := chicago
		if lead%3 == 1 {
			c = miami
		}
		phone := phones[lead%len(phones)]
		p := &propertyLead{t: t, c: c, phone: phone, rng: rng,
			now: time.Date(2026, 11, 20, rng.IntN(24), rng.IntN(60), 0, 0, time.UTC)}
		for step := 0; step < 60; step++ {
			p.step(step)
		}
		decisions += p.decisions
		optOuts += p.optOuts
		deferred += p.deferred
		initiated += len(p.initiated)
		staffSends += p.staffSends
	}
	// The generator must reach the cases it is about.
	if optOuts == 0 || deferred == 0 || initiated == 0 || staffSends == 0 {
		t.Fatalf("generator too tame: %d decisions, %d opt-outs, %d deferrals, %d initiated sends, %d staff texts",
			decisions, optOuts, deferred, initiated, staffSends)
	}
	t.Logf("%d decisions, %d opt-outs, %d deferrals, %d initiated sends, %d staff texts", decisions, optOuts, deferred, initiated, staffSends)
}

type propertyLead struct {
	t         *testing.T
	c         *clinic.Clinic
	phone     string
	rng       *rand.Rand
	now       time.Time
	s         State
	cal       clinic.Calendar
	seq       int
	initiated []time.Time // initiated texts sent so far

	decisions, optOuts, deferred, staffSends int
}

func (p *propertyLead) step(step int) {
	// Time moves on by seconds to hours, so sequences cross nights.
	switch p.rng.IntN(4) {
	case 0:
		p.now = p.now.Add(time.Duration(p.rng.IntN(60)) * time.Second)
	case 1:
		p.now = p.now.Add(time.Duration(p.rng.IntN(30)) * time.Minute)
	default:
		p.now = p.now.Add(time.Duration(p.rng.IntN(9*60)) * time.Minute)
	}
	p.seq++
	in := messages.Envelope{V: messages.Version, ID: fmt.Sprintf("p:%d", p.seq), ClinicID: p.c.ID,
		LeadID: messages.LeadID(p.c.ID, p.phone), Phone: p.phone, Received: p.now}
	to := p.c.PhoneNumbers[0]
	switch k := p.rng.IntN(20); {
	case k < 9:
		in.Kind = messages.KindSMS
		in.SMS = &messages.InboundSMS{Carrier: messages.CarrierTelnyx, From: p.phone, To: to, Text: propertyTexts[p.rng.IntN(len(propertyTexts))]}
	case k < 11:
		in.Kind = messages.KindMissed
		in.Missed = &messages.MissedCall{Carrier: messages.CarrierTelnyx, From: p.phone, To: to, Cause: "no_answer"}
	case k < 12:
		in.Kind = messages.KindWebLead
		in.Web = &messages.WebLead{Name: "Pat Lee", Service: "botox", Message: "any time saturday?", ConsentText: "I agree to texts."}
	case k < 15:
		in.Kind = messages.KindTimer
		in.Timer = &messages.TimerFired{Name: TimerDeferredSend, Due: p.now}
		if w := Timers(p.s); len(w) > 0 && p.rng.IntN(2) == 0 {
			// Fire the state's own wake-up on time, as the engine does.
			if w[0].At.After(p.now) {
				p.now = w[0].At
			}
			in.Timer = &messages.TimerFired{Name: w[0].Name, Due: w[0].At}
			in.Received = p.now
		}
	case k < 17:
		in.Kind = messages.KindReceipt
		status, code := "delivered", ""
		switch p.rng.IntN(4) {
		case 0:
			status, code = "failed", []string{compliance.TelnyxOptedOut, compliance.TwilioOptedOut}[p.rng.IntN(2)]
		case 1:
			status, code = "delivery_failed", "30003"
		}
		in.Receipt = &messages.DeliveryReceipt{Carrier: messages.CarrierTelnyx, ProviderID: "o", Status: status, ErrorCode: code}
	case k < 19:
		in.Kind = messages.KindStaff
		in.Staff = p.staff()
	default:
		in.Kind = messages.KindPayment
		in.Payment = p.payment()
	}
	next, effects, err := DecideWith(p.s, Env{Clinic: p.c, Calendar: p.cal}, in, p.now)
	if err != nil {
		p.t.Fatalf("step %d (%s): %v", step, in.Kind, err)
	}
	p.check(step, p.s, next, effects)
	p.s = next
	// The clinic answers hold requests at once, as the actors do.
	queue := effects
	for len(queue) > 0 {
		ce, ok := queue[0].(CalendarEffect)
		queue = queue[1:]
		if !ok {
			continue
		}
		var res HoldResult
		p.cal, res = DecideClinic(p.cal, p.c, ce.Request(p.s.LeadID), p.now)
		before := p.s
		var more []Effect
		p.s, more = ApplyHoldResult(p.s, Env{Clinic: p.c, Calendar: p.cal}, res, p.now)
		p.check(step, before, p.s, more)
		queue = append(queue, more...)
	}
}

func (p *propertyLead) check(step int, before, after State, effects []Effect) {
	t := p.t
	p.decisions++
	checkCompliance(t, step, p.c, before, after, effects, p.now)
	if before.Phase != PhaseOptedOut && after.Phase == PhaseOptedOut {
		p.optOuts++
	}
	for _, e := range effects {
		switch e := e.(type) {
		case Event:
			if e.Type == EventReplyDeferred {
				p.deferred++
			}
		case Reply:
			if before.Phase == PhaseOptedOut && e.Keyword != KeywordHelp && e.Keyword != KeywordOptIn {
				t.Fatalf("step %d: %q reached an opted-out lead", step, e.Text)
			}
			if e.Author != "" {
				p.staffSends++
			}
			if before.Phase == PhaseHandedToStaff && after.Phase == PhaseHandedToStaff && e.Author == "" && e.Keyword == "" {
				t.Fatalf("step %d: the engine texted a lead staff have: %q", step, e.Text)
			}
			if e.Purpose != messages.PurposeInitiated {
				// A reply answers a message the lead just sent.
				if e.Keyword == "" && (after.LastInboundAt.IsZero() || p.now.Sub(after.LastInboundAt) > replyWindow) {
					t.Fatalf("step %d: reply long after the lead's last message (%s): %q", step, after.LastInboundAt.Format(time.RFC3339), e.Text)
				}
				continue
			}
			r := compliance.Recipient{Phone: after.Phone, State: after.RecipientState, TZ: after.RecipientTZ}
			if d := compliance.Check(e.Purpose, r, p.c.Timezone, p.now, p.initiated); !d.Allowed {
				t.Fatalf("step %d: initiated text at %s not allowed (%s): %q", step, p.now.Format(time.RFC3339), d.Reason, e.Text)
			}
			p.initiated = append(p.initiated, p.now)
		}
	}
	if after.Phase == PhaseOptedOut && len(after.Deferred) > 0 {
		t.Fatalf("step %d: opted out with deferred texts %+v", step, after.Deferred)
	}
	if len(after.Deferred) > MaxDeferred || len(after.Initiated) > maxInitiated {
		t.Fatalf("step %d: unbounded state: %d deferred, %d initiated", step, len(after.Deferred), len(after.Initiated))
	}
}

// staff is a random staff action: taking over and handing back, texts
// (replies, initiated, unmarked), notes, and cancelling or moving the
// lead's latest appointment.
func (p *propertyLead) staff() *messages.StaffAction {
	a := &messages.StaffAction{Type: messages.StaffActionTypes[p.rng.IntN(len(messages.StaffActionTypes))], UserID: "u1"}
	switch a.Type {
	case messages.StaffSend:
		a.Text = "Hi, this is Sam from the clinic."
		a.Purpose = []string{"", messages.StaffPurposeReply, messages.StaffPurposeInitiated}[p.rng.IntN(3)]
	case messages.StaffNote:
		a.Text = "note"
	case messages.StaffCancelAppointment, messages.StaffRescheduleAppointment:
		if n := len(p.s.Appointments); n > 0 {
			a.AppointmentID = p.s.Appointments[n-1].ID
		}
		day := p.now.Truncate(24*time.Hour).AddDate(0, 0, 1+p.rng.IntN(5))
		a.NewStart = day.Add(time.Duration(15+p.rng.IntN(8)) * time.Hour)
	}
	return a
}

// payment is a random payment fact, mostly about the lead's latest
// appointment: links, payments (sometimes twice, sometimes not paying the
// deposit), expiries and refunds.
func (p *propertyLead) payment() *messages.Payment {
	pay := &messages.Payment{Type: []string{messages.PaymentCheckoutCreated, messages.PaymentCheckoutCompleted, messages.PaymentCheckoutCompleted,
		messages.PaymentCheckoutExpired, messages.PaymentCheckoutFailed, messages.PaymentChargeRefunded, messages.PaymentRefundCreated,
		messages.PaymentRefundFailed}[p.rng.IntN(8)]}
	if n := len(p.s.Appointments); n > 0 && p.rng.IntN(5) > 0 {
		pay.AppointmentID = p.s.Appointments[p.rng.IntN(n)].ID
	} else {
		pay.AppointmentID = fmt.Sprintf("ap_unknown%d", p.rng.IntN(3))
	}
	pay.SessionID, pay.URL = "cs_"+pay.AppointmentID, "https://pay.example/c/"+pay.AppointmentID
	pay.PaymentIntent, pay.PaymentStatus, pay.AmountCents, pay.Currency = fmt.Sprintf("pi_%d", p.rng.IntN(2)), "paid", 5000, "usd"
	switch p.rng.IntN(8) { // now and then a payment that pays nothing
	case 0:
		pay.AmountCents = 1
	case 1:
		pay.Currency = "eur"
	case 2:
		pay.SessionID = "cs_other"
	}
	pay.RefundID = "re_1"
	return pay
}
