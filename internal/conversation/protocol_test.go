package conversation

import (
	"slices"
	"testing"
	"time"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/messages"
)

func holdEffect(effects []Effect) (HoldSlot, bool) {
	for _, e := range effects {
		if h, ok := e.(HoldSlot); ok {
			return h, true
		}
	}
	return HoldSlot{}, false
}

// TestTwoLeadsOneSlot: both leads are offered the same time and pick it;
// the clinic holds it for the first and offers the second others.
// oneChair is c without providers, rooms or buffers: any appointment
// takes the whole clinic.
func oneChair(c *clinic.Clinic) *clinic.Clinic {
	cp := *c
	cp.Providers, cp.Rooms = nil, nil
	cp.Services = slices.Clone(cp.Services)
	for i := range cp.Services {
		cp.Services[i].BufferMinutes = 0
	}
	return &cp
}

func TestTwoLeadsOneSlot(t *testing.T) {
	c := oneChair(glow(t))
	var cal clinic.Calendar
	lead := func(phone string) messages.Envelope {
		in := sms(c, c.PhoneNumbers[0], "botox tomorrow at 10am")
		in.LeadID, in.Phone, in.SMS.From = messages.LeadID(c.ID, phone), phone, phone
		return in
	}
	yes := func(in messages.Envelope) messages.Envelope {
		m := *in.SMS
		m.Text = "yes"
		in.SMS = &m
		return in
	}
	inA, inB := lead("+13125550001"), lead("+13125550002")
	a, _, _ := DecideWith(State{}, Env{Clinic: c, Calendar: cal}, inA, t0)
	b, _, _ := DecideWith(State{}, Env{Clinic: c, Calendar: cal}, inB, t0)
	a, ea, _ := DecideWith(a, Env{Clinic: c, Calendar: cal}, yes(inA), t0.Add(time.Second))
	b, eb, _ := DecideWith(b, Env{Clinic: c, Calendar: cal}, yes(inB), t0.Add(time.Second))
	ha, okA := holdEffect(ea)
	hb, okB := holdEffect(eb)
	if !okA || !okB || !ha.Start.Equal(hb.Start) {
		t.Fatalf("both leads should ask for the same time: %v %v", ea, eb)
	}
	var ra, rb HoldResult
	cal, ra = DecideClinic(cal, c, ha.Request(a.LeadID), t0.Add(2*time.Second))
	cal, rb = DecideClinic(cal, c, hb.Request(b.LeadID), t0.Add(2*time.Second))
	if ra.Outcome != ResultHeld || rb.Outcome != ResultTaken || len(rb.Alternatives) == 0 {
		t.Fatalf("outcomes %s, %s (%d alternatives)", ra.Outcome, rb.Outcome, len(rb.Alternatives))
	}
	a, _ = ApplyHoldResult(a, Env{Clinic: c, Calendar: cal}, ra, t0.Add(3*time.Second))
	b, eb = ApplyHoldResult(b, Env{Clinic: c, Calendar: cal}, rb, t0.Add(3*time.Second))
	if a.Phase != PhaseDeposit || a.Hold == nil || b.Phase != PhaseOffering || len(replies(eb)) != 1 {
		t.Errorf("after results: A %s, B %s %q", a.Phase, b.Phase, replies(eb))
	}
	for _, o := range b.Offers {
		if o.Start.Equal(ha.Start) {
			t.Error("B offered the time A holds")
		}
	}
	// Replaying A's request gives the same appointment.
	cal2, again := DecideClinic(cal, c, ha.Request(a.LeadID), t0.Add(4*time.Second))
	if again.Appointment.ID != ra.Appointment.ID || len(cal2.Appointments) != len(cal.Appointments) {
		t.Errorf("replay: %s vs %s", again.Appointment.ID, ra.Appointment.ID)
	}
	// A stale result (nothing pending) releases what it held.
	_, eff := ApplyHoldResult(b, Env{Clinic: c, Calendar: cal}, ra, t0.Add(5*time.Second))
	if len(eff) != 1 {
		t.Fatalf("stale result effects %v", eff)
	}
	if _, ok := eff[0].(ReleaseSlot); !ok {
		t.Errorf("stale result gave %T, want ReleaseSlot", eff[0])
	}
}
