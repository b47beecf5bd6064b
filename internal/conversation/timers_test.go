package conversation

import (
	"testing"
	"time"
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
