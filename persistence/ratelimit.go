package persistence

import (
	"fmt"
	"time"
)

// RateCheck is one limit on a kind of request: at most Max hits of Key in
// each fixed window of length Window (windows are aligned to multiples of
// Window, the same for every process). Keys are opaque to the store;
// callers hash anything personal (an address, a phone number) into them.
type RateCheck struct {
	Key    string
	Max    int
	Window time.Duration
}

// MinRateWindow is the shortest RateCheck.Window a store accepts.
const MinRateWindow = time.Millisecond

// RateResult is the outcome of TakeRate.
type RateResult struct {
	// OK: every check had room and one hit was counted against each.
	OK bool
	// Full is, when not OK, the index of the first check (in the order
	// given) whose window is full; Until is when that window ends.
	Full  int
	Until time.Time
}

// ValidateRateChecks reports checks a store cannot take: an empty or
// repeated key, a Max below 1, a window shorter than MinRateWindow.
func ValidateRateChecks(checks []RateCheck) error {
	seen := make(map[string]bool, len(checks))
	for i, c := range checks {
		switch {
		case c.Key == "":
			return fmt.Errorf("rate check %d: empty key", i)
		case seen[c.Key]:
			return fmt.Errorf("rate check %d: key %q repeated", i, c.Key)
		case c.Max < 1:
			return fmt.Errorf("rate check %q: max %d, want at least 1", c.Key, c.Max)
		case c.Window < MinRateWindow:
			return fmt.Errorf("rate check %q: window %s, want at least %s", c.Key, c.Window, MinRateWindow)
		}
		seen[c.Key] = true
	}
	return nil
}

// RateWindow is the window of a check that at falls in: its start and end.
func RateWindow(at time.Time, window time.Duration) (time.Time, time.Time) {
	start := at.UTC().Truncate(window)
	return start, start.Add(window)
}
