package payments_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/medspa/engine/internal/directory"

	"github.com/stretchr/testify/require"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/internal/conversation"
	"github.com/medspa/engine/internal/payments"
	"github.com/medspa/engine/messages"
)

// A Stripe event reaches the conversation through ParseWebhook; these
// tests play a deposit from the lead's first text to Stripe's report of the
// payment through the parser and the pure core, and check that only the
// appointment's own session, in its currency, for at least the deposit,
// books it.

// depositLead is one lead's conversation with the clinic's calendar
// answering its requests, as the actors do.
type depositLead struct {
	t      *testing.T
	c      *clinic.Clinic
	cal    clinic.Calendar
	s      conversation.State
	now    time.Time
	leadID string
	seq    int
}

// fixtureLead matches the metadata of testdata/stripe's events.
const fixtureLead = "lead_01JD0EXAMPLE"

func newDepositLead(t *testing.T, leadID string) *depositLead {
	t.Helper()
	c, ok := directory.New(clinic.Demo()).ByID("glow-chicago")
	require.True(t, ok)
	return &depositLead{t: t, c: c, leadID: leadID, now: time.Date(2026, 11, 20, 18, 10, 2, 0, time.UTC)}
}

func (l *depositLead) env() conversation.Env { return conversation.Env{Clinic: l.c, Calendar: l.cal} }

// decide applies one envelope and the calendar answers it asks for, and
// returns every effect.
func (l *depositLead) decide(in messages.Envelope) []conversation.Effect {
	l.t.Helper()
	s, effects, err := conversation.DecideWith(l.s, l.env(), in, l.now)
	require.NoError(l.t, err)
	l.s = s
	all := effects
	for i := 0; i < len(all); i++ {
		ce, ok := all[i].(conversation.CalendarEffect)
		if !ok {
			continue
		}
		var res conversation.HoldResult
		l.cal, res = conversation.DecideClinic(l.cal, l.c, ce.Request(l.leadID), l.now)
		var more []conversation.Effect
		l.s, more = conversation.ApplyHoldResult(l.s, l.env(), res, l.now)
		all = append(all, more...)
	}
	return all
}

func (l *depositLead) envelope(kind messages.Kind) messages.Envelope {
	l.seq++
	l.now = l.now.Add(10 * time.Second)
	return messages.Envelope{V: messages.Version, ID: "test:" + l.leadID + ":" + string(rune('a'+l.seq)), Kind: kind,
		ClinicID: l.c.ID, LeadID: l.leadID, Received: l.now}
}

func (l *depositLead) sms(text string) []conversation.Effect {
	in := l.envelope(messages.KindSMS)
	in.Phone = "+13125550123"
	in.SMS = &messages.InboundSMS{Carrier: messages.CarrierTelnyx, ProviderID: "p" + in.ID, From: in.Phone, To: l.c.PhoneNumbers[0], Text: text}
	return l.decide(in)
}

// hold takes the lead to a held time whose deposit is asked for, and
// returns the deposit request.
func (l *depositLead) hold() conversation.RequestDeposit {
	l.t.Helper()
	l.sms("Hi, I'm Jane. Botox tomorrow at 3?")
	for _, e := range l.sms("yes") {
		if d, ok := e.(conversation.RequestDeposit); ok {
			return d
		}
	}
	l.t.Fatalf("no deposit asked for; state %+v", l.s)
	return conversation.RequestDeposit{}
}

// linkSent reports the checkout a payments worker created for the deposit.
func (l *depositLead) linkSent(d conversation.RequestDeposit, sessionID, url string) {
	l.t.Helper()
	in := l.envelope(messages.KindPayment)
	in.Payment = &messages.Payment{Type: messages.PaymentCheckoutCreated, AppointmentID: d.AppointmentID, SessionID: sessionID, URL: url,
		AmountCents: d.AmountCents, Currency: d.Currency}
	require.NotEmpty(l.t, replies(l.decide(in)), "the link is texted")
}

// stripe posts a signed event body through ParseWebhook into the
// conversation.
func (l *depositLead) stripe(body []byte) []conversation.Effect {
	l.t.Helper()
	l.now = l.now.Add(time.Minute)
	env, err := payments.ParseWebhook(body, sign(body, whsec, l.now), whsec, l.now, knownClinic)
	require.NoError(l.t, err)
	return l.decide(env)
}

func replies(effects []conversation.Effect) []string {
	var out []string
	for _, e := range effects {
		if r, ok := e.(conversation.Reply); ok {
			out = append(out, r.Text)
		}
	}
	return out
}

// outcome sums up what a payment did: whether a booking was asked, the
// payment intents refunded, the payment events and the phase.
type outcome struct {
	booked   bool
	refunded []string
	events   []string
}

func outcomeOf(effects []conversation.Effect) outcome {
	var o outcome
	for _, e := range effects {
		switch e := e.(type) {
		case conversation.BookSlot:
			o.booked = true
		case conversation.RefundDeposit:
			o.refunded = append(o.refunded, e.PaymentIntent)
		case conversation.Event:
			o.events = append(o.events, e.Type)
		}
	}
	return o
}

// completed is the fixture's checkout.session.completed for the lead's
// appointment, changed by edit.
func completed(t *testing.T, appointmentID string, edit func(string) string) []byte {
	t.Helper()
	s := strings.ReplaceAll(string(fixture(t, "checkout.session.completed.json")), "appt_01JD0EXAMPLE", appointmentID)
	if edit != nil {
		s = edit(s)
	}
	return []byte(s)
}

const fixtureSession = "cs_test_a1ExampleSession0001"

func TestStripePaymentBooksOnlyItsDeposit(t *testing.T) {
	for _, tc := range []struct {
		name   string
		edit   func(string) string
		books  bool
		reason string
	}{
		{"the deposit", nil, true, ""},
		{"one cent", func(s string) string { return strings.Replace(s, `"amount_total": 5000`, `"amount_total": 1`, 1) }, false, "less than the deposit"},
		{"a dollar short", func(s string) string { return strings.Replace(s, `"amount_total": 5000`, `"amount_total": 4900`, 1) }, false, "less than the deposit"},
		{"another session", func(s string) string { return strings.Replace(s, fixtureSession, "cs_test_anotherSession", 1) }, false, "other session"},
		{"another currency", func(s string) string { return strings.Replace(s, `"currency": "usd"`, `"currency": "jpy"`, 1) }, false, "other currency"},
		{"no payment intent", func(s string) string {
			return strings.Replace(s, `"payment_intent": "pi_3QxExampleIntent0001"`, `"payment_intent": null`, 1)
		}, false, "no payment intent"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := newDepositLead(t, fixtureLead)
			d := l.hold()
			require.Equal(t, int64(5000), d.AmountCents)
			l.linkSent(d, fixtureSession, "https://checkout.stripe.com/c/pay/"+fixtureSession)

			effects := l.stripe(completed(t, d.AppointmentID, tc.edit))
			got := outcomeOf(effects)
			require.Equal(t, tc.books, got.booked, "booking asked; effects %v", effects)
			a, ok := l.s.FindAppointment(d.AppointmentID)
			require.True(t, ok)
			if tc.books {
				require.Empty(t, got.refunded)
				require.Contains(t, got.events, conversation.EventDepositPaid)
				require.Equal(t, "pi_3QxExampleIntent0001", a.PaymentIntent)
				return
			}
			require.Contains(t, got.events, conversation.EventPaymentMismatched)
			require.Contains(t, got.events, conversation.EventHandoffRequested)
			require.NotContains(t, got.events, conversation.EventDepositPaid)
			require.Equal(t, conversation.PhaseHandedToStaff, l.s.Phase)
			require.Empty(t, a.PaymentIntent, "the appointment is not paid")
			require.Equal(t, conversation.ApptPendingDeposit, a.Status)
			for _, r := range replies(effects) {
				require.NotContains(t, r, "booked")
				require.NotContains(t, r, "received your")
			}
			if tc.reason == "no payment intent" {
				require.Empty(t, got.refunded, "nothing to refund: held for staff")
			} else {
				require.Equal(t, []string{"pi_3QxExampleIntent0001"}, got.refunded)
			}
			for _, e := range effects {
				if ev, ok := e.(conversation.Event); ok && ev.Type == conversation.EventPaymentMismatched {
					require.Equal(t, tc.reason, ev.Data["reason"])
				}
			}
			// Stripe sending the same payment again refunds nothing more.
			again := l.stripe(completed(t, d.AppointmentID, func(s string) string {
				return strings.Replace(tc.edit(s), "evt_1QxExampleCompleted0001", "evt_1QxExampleCompleted0009", 1)
			}))
			if tc.reason != "no payment intent" {
				require.Empty(t, outcomeOf(again).refunded)
			}
			require.False(t, outcomeOf(again).booked)
		})
	}
}

// The development checkout follows the same rule: `medspa sim pay` posts
// DevEvent, which goes through the same parser and core, and only the
// session DevCheckout made, in its currency, for the deposit, books.
func TestDevCheckoutPaymentBooksOnlyItsDeposit(t *testing.T) {
	for _, tc := range []struct {
		name  string
		pay   func(p *payments.DevPayment)
		books bool
	}{
		{"the printed command", nil, true},
		{"one cent", func(p *payments.DevPayment) { p.AmountCents = 1 }, false},
		{"no amount", func(p *payments.DevPayment) { p.AmountCents = 0 }, false},
		{"another session", func(p *payments.DevPayment) { p.SessionID = "cs_dev_000000000000000000000000" }, false},
		{"another currency", func(p *payments.DevPayment) { p.Currency = "eur" }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var console bytes.Buffer
			dev := &payments.DevCheckout{W: &console, BaseURL: "http://127.0.0.1:8080"}
			leadID := messages.LeadID("glow-chicago", "+13125550123")
			l := newDepositLead(t, leadID)
			d := l.hold()
			cmd := messages.CreateCheckout{V: messages.Version, ID: "cmd1", ClinicID: "glow-chicago", LeadID: leadID, AppointmentID: d.AppointmentID,
				ServiceName: d.ServiceName, AmountCents: d.AmountCents, Currency: d.Currency}
			sid, url, err := dev.CreateCheckout(context.Background(), cmd)
			require.NoError(t, err)
			require.Equal(t, payments.DevSessionID(d.AppointmentID), sid)
			require.Equal(t, "http://127.0.0.1:8080"+messages.DepositPath("glow-chicago", leadID, d.AppointmentID), url)
			require.Contains(t, console.String(), "--session "+sid+" --amount 5000 --currency usd")
			l.linkSent(d, sid, url)

			// What the printed command posts.
			p := payments.DevPayment{EventID: "evt_dev_1", ClinicID: "glow-chicago", LeadID: leadID, AppointmentID: d.AppointmentID,
				SessionID: sid, AmountCents: 5000, Currency: "usd"}
			if tc.pay != nil {
				tc.pay(&p)
			}
			body, err := payments.DevEvent(p, l.now)
			require.NoError(t, err)
			effects := l.stripe(body)
			got := outcomeOf(effects)
			require.Equal(t, tc.books, got.booked, "booking asked; effects %v", effects)
			if tc.books {
				return
			}
			require.Equal(t, []string{"pi_dev_" + d.AppointmentID}, got.refunded)
			require.Contains(t, got.events, conversation.EventPaymentMismatched)
			require.Equal(t, conversation.PhaseHandedToStaff, l.s.Phase)
			// The refund goes through the development checkout like any
			// other, under the payment's own idempotency key.
			for _, e := range effects {
				if r, ok := e.(conversation.RefundDeposit); ok {
					_, err := dev.Refund(context.Background(), messages.Refund{V: messages.Version, ID: "cmd2", ClinicID: "glow-chicago",
						LeadID: leadID, AppointmentID: r.AppointmentID, PaymentIntent: r.PaymentIntent, AmountCents: r.AmountCents})
					require.NoError(t, err)
					require.NotEqual(t, d.AppointmentID, r.AppointmentID, "the appointment's own refund key stays free")
				}
			}
			require.Contains(t, console.String(), "[stripe dev] refund")
		})
	}
}

func TestDevEventNeedsASession(t *testing.T) {
	_, err := payments.DevEvent(payments.DevPayment{EventID: "evt_dev_1", ClinicID: "glow-chicago", LeadID: "ld_1", AppointmentID: "ap_1",
		AmountCents: 5000}, time.Unix(0, 0))
	require.Error(t, err)
}
