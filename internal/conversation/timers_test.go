package conversation

import (
	"reflect"
	"testing"
	"time"

	"github.com/medspa/engine/messages"
)

func TestTimersFollowTheHold(t *testing.T) {
	until := time.Date(2026, 11, 20, 18, 25, 0, 0, time.UTC)
	held := State{Phase: PhaseHeld, Hold: &Hold{AppointmentID: "a1", Until: until}}
	got := Timers(held)
	if len(got) != 1 || got[0].Name != TimerHoldExpiry || !got[0].At.Equal(until) {
		t.Fatalf("Timers(held) = %+v, want one hold-expiry at %v", got, until)
	}
	for _, s := range []State{{Phase: PhaseQualifying}, {Phase: PhaseOffering}, {Phase: PhaseHeld}} {
		if got := Timers(s); len(got) != 0 {
			t.Errorf("Timers(%s, hold=%v) = %+v, want none", s.Phase, s.Hold, got)
		}
	}
}

func TestTimersTable(t *testing.T) {
	at := func(h, m int) time.Time { return time.Date(2026, 11, 20, h, m, 0, 0, time.UTC) }
	start := time.Date(2026, 11, 23, 21, 0, 0, 0, time.UTC)
	booked := Appointment{ID: "a1", Status: ApptBooked, Start: start, BookedAt: at(18, 0)}
	cases := []struct {
		name string
		s    State
		want map[string]time.Time
	}{
		{"held", State{Phase: PhaseHeld, Hold: &Hold{Until: at(18, 25)}}, map[string]time.Time{TimerHoldExpiry: at(18, 25)}},
		{"deposit", State{Phase: PhaseDeposit, Hold: &Hold{Until: at(18, 25)}}, map[string]time.Time{TimerDepositExpiry: at(18, 25)}},
		{"quiet lead", State{Phase: PhaseOffering, Consent: "inbound_text", LastInboundAt: at(18, 0)},
			map[string]time.Time{TimerFollowUp: at(20, 0)}},
		{"followed up", State{Phase: PhaseOffering, Consent: "inbound_text", LastInboundAt: at(18, 0), FollowedUp: at(18, 0)}, nil},
		{"no consent", State{Phase: PhaseQualifying, LastInboundAt: at(18, 0)}, nil},
		{"booked", State{Phase: PhaseBooked, Appointments: []Appointment{booked}},
			map[string]time.Time{TimerReminder24h: start.Add(-24 * time.Hour), TimerReminder2h: start.Add(-2 * time.Hour)}},
		{"reminded", State{Phase: PhaseBooked, Appointments: []Appointment{func() Appointment { a := booked; a.Reminded24 = true; return a }()}},
			map[string]time.Time{TimerReminder2h: start.Add(-2 * time.Hour)}},
		{"booked late", State{Phase: PhaseBooked, Appointments: []Appointment{func() Appointment { a := booked; a.BookedAt = start.Add(-3 * time.Hour); return a }()}},
			map[string]time.Time{TimerReminder2h: start.Add(-2 * time.Hour)}},
		{"cancelled", State{Phase: PhaseLost, Appointments: []Appointment{func() Appointment { a := booked; a.Status = ApptCancelled; return a }()}}, nil},
		{"opted out", State{Phase: PhaseOptedOut, Appointments: []Appointment{booked}}, nil},
	}
	for _, c := range cases {
		got := map[string]time.Time{}
		for _, w := range Timers(c.s) {
			got[w.Name] = w.At
		}
		if len(got) != len(c.want) {
			t.Errorf("%s: Timers = %v, want %v", c.name, got, c.want)
			continue
		}
		for n, at := range c.want {
			if !got[n].Equal(at) {
				t.Errorf("%s: %s at %v, want %v", c.name, n, got[n], at)
			}
		}
	}
}

// TestStaleTimerDoesNothing: a firing whose due is not what the state now
// needs, or whose name it no longer needs, changes nothing; the fresh one
// does its work once.
func TestStaleTimerDoesNothing(t *testing.T) {
	c := glow(t)
	s := started(t, c)
	start := time.Date(2026, 11, 23, 21, 0, 0, 0, time.UTC)
	s.Phase = PhaseBooked
	s.Appointments = []Appointment{{ID: "a1", ServiceID: "botox", Status: ApptBooked, Start: start, BookedAt: t0}}
	due := start.Add(-24 * time.Hour)
	fire := func(s State, name string, due, now time.Time) (State, []Effect) {
		in := messages.Envelope{V: messages.Version, ID: "timer:" + name + due.String(), Kind: messages.KindTimer, ClinicID: c.ID, LeadID: s.LeadID,
			Timer: &messages.TimerFired{Name: name, Due: due}}
		got, effects, err := Decide(s, c, in, now)
		if err != nil {
			t.Fatal(err)
		}
		return got, effects
	}
	for _, stale := range []struct {
		name string
		due  time.Time
	}{{TimerReminder24h, due.Add(-time.Hour)}, {TimerHoldExpiry, due}, {TimerFollowUp, due}} {
		if got, effects := fire(s, stale.name, stale.due, due.Add(time.Minute)); len(effects) != 0 || !reflect.DeepEqual(got, s) {
			t.Errorf("stale %s at %v: %+v", stale.name, stale.due, effects)
		}
	}
	if got, effects := fire(s, TimerReminder24h, due, due.Add(-time.Minute)); len(effects) != 0 || !reflect.DeepEqual(got, s) {
		t.Errorf("early firing did something: %+v", effects)
	}
	got, effects := fire(s, TimerReminder24h, due, due)
	if len(replies(effects)) != 1 {
		t.Fatalf("fresh reminder: %+v", effects)
	}
	if _, effects := fire(got, TimerReminder24h, due, due.Add(time.Second)); len(effects) != 0 {
		t.Errorf("reminder sent twice: %+v", effects)
	}
	// Moving the booking moves the reminder: the old firing is stale.
	moved := got
	moved.Appointments = []Appointment{{ID: "a1", ServiceID: "botox", Status: ApptBooked, Start: start.Add(48 * time.Hour), BookedAt: due}}
	if _, effects := fire(moved, TimerReminder24h, due, due); len(effects) != 0 {
		t.Errorf("reminder for the old time after a move: %+v", effects)
	}
}
