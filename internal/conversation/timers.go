package conversation

import "time"

// Wake is a moment at which a conversation wants a timer message
// (messages.KindTimer). Timers are derived from the state, not scheduled by
// effects: after every decision the engine stores exactly the timers that
// Timers(next) lists, so a timer can never outlive the reason it was set
// for, and replaying a decision sets the same timers.
type Wake struct {
	Name string
	At   time.Time
}

// Timer names.
const (
	TimerHoldExpiry = "hold-expiry"
	// TimerDeferredSend wakes the conversation when the window of its
	// earliest deferred text opens.
	TimerDeferredSend = "deferred-send"
)

// Timers returns the timers state s needs.
func Timers(s State) []Wake {
	var w []Wake
	if s.Phase == PhaseHeld && s.Hold != nil {
		w = append(w, Wake{Name: TimerHoldExpiry, At: s.Hold.Until})
	}
	if s.Phase != PhaseOptedOut && len(s.Deferred) > 0 {
		at := s.Deferred[0].NotBefore
		for _, d := range s.Deferred[1:] {
			if d.NotBefore.Before(at) {
				at = d.NotBefore
			}
		}
		w = append(w, Wake{Name: TimerDeferredSend, At: at})
	}
	return w
}
