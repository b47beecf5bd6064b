package conversation

import (
	"strconv"
	"strings"
	"testing"

	"github.com/medspa/engine/messages"
)

// parsePayment reads "<type> [appt=ID] [paid] [pi=..] [session=..]
// [url=..] [amount=..] [currency=..] [refund=..]" into a payment fact.
func parsePayment(t *testing.T, n int, text string) *messages.Payment {
	t.Helper()
	fields := strings.Fields(text)
	if len(fields) == 0 {
		t.Fatalf("line %d: payment without a type", n)
	}
	p := &messages.Payment{Type: "checkout." + strings.TrimPrefix(fields[0], "checkout.")}
	switch fields[0] {
	case "charge.refunded", "refund.created", "refund.failed":
		p.Type = fields[0]
	}
	for _, f := range fields[1:] {
		k, v, _ := strings.Cut(f, "=")
		switch k {
		case "appt":
			p.AppointmentID = v
		case "paid":
			p.PaymentStatus = "paid"
		case "pi":
			p.PaymentIntent = v
		case "session":
			p.SessionID = v
		case "url":
			p.URL = v
		case "refund":
			p.RefundID = v
		case "currency":
			p.Currency = v
		case "amount":
			a, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				t.Fatalf("line %d: bad amount %q", n, v)
			}
			p.AmountCents = a
		default:
			t.Fatalf("line %d: unknown payment field %q", n, k)
		}
	}
	return p
}

// complete fills in what an input line leaves to the simulation, as the
// engine would: a payment's appointment defaults to the lead's latest, and
// a timer fires with the state's own due time (the earliest due timer when
// the line names none).
func (r *transcript) complete(n int, in *messages.Envelope, s State) {
	switch {
	case in.Payment != nil && in.Payment.AppointmentID == "":
		if k := len(s.Appointments); k > 0 {
			in.Payment.AppointmentID = s.Appointments[k-1].ID
		}
	case in.Timer != nil && in.Timer.Name == "":
		for _, w := range Timers(s) {
			if !w.At.After(in.Received) && (in.Timer.Name == "" || w.At.Before(in.Timer.Due)) {
				in.Timer.Name, in.Timer.Due = w.Name, w.At
			}
		}
	case in.Timer != nil && in.Timer.Due.IsZero():
		in.Timer.Due = in.Received
		if at, ok := wakeDue(s, in.Timer.Name); ok {
			in.Timer.Due = at
		}
	}
	_ = n
}
