package conversation

import (
	"testing"

	"github.com/medspa/engine/messages"
)

// TestMismatch: a completed checkout pays an appointment's deposit only
// when it is the appointment's own session, in its currency, for at least
// the deposit, with a payment intent.
func TestMismatch(t *testing.T) {
	appt := Appointment{ID: "ap_1", Status: ApptPendingDeposit, DepositCents: 5000, Currency: "usd", SessionID: "cs_1", LinkSent: true}
	pay := func(f func(p *messages.Payment)) *messages.Payment {
		p := &messages.Payment{Type: messages.PaymentCheckoutCompleted, AppointmentID: "ap_1", SessionID: "cs_1",
			PaymentIntent: "pi_1", PaymentStatus: "paid", AmountCents: 5000, Currency: "usd"}
		if f != nil {
			f(p)
		}
		return p
	}
	for _, tc := range []struct {
		name string
		a    func(a *Appointment)
		p    *messages.Payment
		want string
	}{
		{"the deposit", nil, pay(nil), ""},
		{"more than the deposit", nil, pay(func(p *messages.Payment) { p.AmountCents = 7500 }), ""},
		{"currency in capitals", nil, pay(func(p *messages.Payment) { p.Currency = "USD" }), ""},
		{"record without a currency is usd", func(a *Appointment) { a.Currency = "" }, pay(nil), ""},
		{"one cent", nil, pay(func(p *messages.Payment) { p.AmountCents = 1 }), mismatchAmount},
		{"one cent short", nil, pay(func(p *messages.Payment) { p.AmountCents = 4999 }), mismatchAmount},
		{"no amount", nil, pay(func(p *messages.Payment) { p.AmountCents = 0 }), mismatchAmount},
		{"negative amount", nil, pay(func(p *messages.Payment) { p.AmountCents = -5000 }), mismatchAmount},
		{"another session", nil, pay(func(p *messages.Payment) { p.SessionID = "cs_2" }), mismatchSession},
		{"no session", nil, pay(func(p *messages.Payment) { p.SessionID = "" }), mismatchSession},
		{"no session on either side", func(a *Appointment) { a.SessionID = "" }, pay(func(p *messages.Payment) { p.SessionID = "" }), mismatchSession},
		{"link never sent", func(a *Appointment) { a.SessionID = "" }, pay(nil), mismatchSession},
		{"another currency", nil, pay(func(p *messages.Payment) { p.Currency = "eur" }), mismatchCurrency},
		{"no currency", nil, pay(func(p *messages.Payment) { p.Currency = "" }), mismatchCurrency},
		{"deposit in another currency", func(a *Appointment) { a.Currency = "cad" }, pay(nil), mismatchCurrency},
		{"no payment intent", nil, pay(func(p *messages.Payment) { p.PaymentIntent = "" }), mismatchNoIntent},
		{"paid already with another intent", func(a *Appointment) { a.PaymentIntent, a.PaidCents = "pi_0", 5000 }, pay(nil), mismatchPaidTwice},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := appt
			if tc.a != nil {
				tc.a(&a)
			}
			if got := mismatch(a, tc.p); got != tc.want {
				t.Errorf("mismatch = %q, want %q", got, tc.want)
			}
		})
	}
}
