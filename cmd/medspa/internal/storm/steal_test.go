package storm

import (
	"math"
	"testing"
)

func TestStolenShare(t *testing.T) {
	a := parseMachineTicks("cpu  100 0 50 800 10 0 5 35 0 0\n")
	b := parseMachineTicks("cpu  200 0 80 900 10 0 5 105 7 0\n")
	if !a.ok || !b.ok || a.total != 1000 || a.steal != 35 {
		t.Fatalf("parsed %+v and %+v", a, b)
	}
	// 70 of the 300 ticks between the two readings were stolen.
	if got := stolenShare(a, b); math.Abs(got-70.0/300) > 1e-9 {
		t.Errorf("stolen share = %v, want %v", got, 70.0/300)
	}
	for _, bad := range []string{"", "cpu0 1 2 3 4 5 6 7 8", "cpu 1 2 3", "cpu 1 2 3 4 5 6 7 x"} {
		if m := parseMachineTicks(bad); m.ok {
			t.Errorf("parseMachineTicks(%q) ok", bad)
		}
	}
	if got := stolenShare(a, a); got != -1 {
		t.Errorf("no time between readings: %v, want -1", got)
	}
	if got := stolenShare(machineTicks{}, b); got != -1 {
		t.Errorf("unreadable: %v, want -1", got)
	}
}
