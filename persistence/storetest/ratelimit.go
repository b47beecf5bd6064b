package storetest

import (
	"sync"
	"testing"
	"time"

	"github.com/medspa/engine/persistence"
)

func take(t *testing.T, s persistence.Store, at time.Time, checks ...persistence.RateCheck) persistence.RateResult {
	t.Helper()
	r, err := s.TakeRate(ctx(t), at, checks)
	if err != nil {
		t.Fatalf("TakeRate: %v", err)
	}
	return r
}

// A window takes Max hits; the next is refused with the end of the window,
// and counts nothing against the other checks of the same take; the next
// window starts over.
func testRateLimits(t *testing.T, s persistence.Store) {
	hour := persistence.RateCheck{Key: "ip:a", Max: 2, Window: time.Hour}
	wide := persistence.RateCheck{Key: "global", Max: 4, Window: time.Hour}
	_, end := persistence.RateWindow(t0, time.Hour)
	for i := range 2 {
		if r := take(t, s, t0.Add(time.Duration(i)*time.Minute), wide, hour); !r.OK {
			t.Fatalf("hit %d refused: %+v", i+1, r)
		}
	}
	r := take(t, s, t0.Add(2*time.Minute), wide, hour)
	if r.OK || r.Full != 1 || !r.Until.Equal(end) {
		t.Fatalf("third hit = %+v, want check 1 full until %s", r, end)
	}
	// The refused take counted nothing against "global": two more fit.
	other := persistence.RateCheck{Key: "ip:b", Max: 5, Window: time.Hour}
	for i := range 2 {
		if r := take(t, s, t0.Add(3*time.Minute), other, wide); !r.OK {
			t.Fatalf("other key, hit %d refused: %+v", i+1, r)
		}
	}
	r = take(t, s, t0.Add(4*time.Minute), other, wide)
	if r.OK || r.Full != 1 {
		t.Fatalf("fifth global hit = %+v, want check 1 (global) full", r)
	}
	// Of several full checks, the first in the order given is named.
	if r := take(t, s, t0.Add(5*time.Minute), hour, wide); r.OK || r.Full != 0 {
		t.Errorf("two full checks = %+v, want check 0", r)
	}
	// The next window starts over.
	if r := take(t, s, end, wide, hour); !r.OK {
		t.Errorf("next window refused: %+v", r)
	}
	// A time late in the earlier window, from a process whose clock runs
	// behind, counts against the later window the others began.
	if r := take(t, s, end.Add(-time.Second), hour); !r.OK {
		t.Errorf("late hit refused: %+v", r)
	}
	if r := take(t, s, end.Add(time.Minute), hour); r.OK || !r.Until.Equal(end.Add(time.Hour)) {
		t.Errorf("third hit of the second window = %+v, want full until %s", r, end.Add(time.Hour))
	}
}

// Windows of different lengths are counted apart, and counts of windows
// long over are forgotten without changing any answer.
func testRateLimitsWindows(t *testing.T, s persistence.Store) {
	minute := persistence.RateCheck{Key: "m", Max: 1, Window: time.Minute}
	day := persistence.RateCheck{Key: "d", Max: 3, Window: 24 * time.Hour}
	at := t0
	for i := range 3 {
		if r := take(t, s, at, minute, day); !r.OK {
			t.Fatalf("hit %d refused: %+v", i+1, r)
		}
		if r := take(t, s, at, minute, day); r.OK || r.Full != 0 {
			t.Fatalf("second hit in a minute = %+v, want check 0 full", r)
		}
		at = at.Add(time.Minute)
	}
	if r := take(t, s, at, minute, day); r.OK || r.Full != 1 {
		t.Fatalf("fourth hit of the day = %+v, want check 1 full", r)
	}
	// Many keys whose windows end, then takes long after: each fits.
	for i := range 30 {
		take(t, s, t0, persistence.RateCheck{Key: "old:" + string(rune('a'+i)), Max: 1, Window: time.Minute})
	}
	later := t0.Add(48 * time.Hour)
	for i := range 30 {
		if r := take(t, s, later, persistence.RateCheck{Key: "old:" + string(rune('a'+i)), Max: 1, Window: time.Minute}); !r.OK {
			t.Fatalf("key %d in a new window refused: %+v", i, r)
		}
	}
}

// Concurrent takers of one key (several gateways) get exactly Max hits.
func testRateLimitsConcurrent(t *testing.T, s persistence.Store) {
	const max = 3
	check := persistence.RateCheck{Key: "phone:x", Max: max, Window: time.Hour}
	results := make([]persistence.RateResult, racers)
	errs := make([]error, racers)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range racers {
		// Each racer lists the keys in its own order.
		checks := []persistence.RateCheck{check, {Key: "global", Max: 1000, Window: time.Hour}}
		if i%2 == 1 {
			checks[0], checks[1] = checks[1], checks[0]
		}
		wg.Go(func() {
			<-start
			results[i], errs[i] = s.TakeRate(ctx(t), t0, checks)
		})
	}
	close(start)
	wg.Wait()
	ok := 0
	for i := range racers {
		if errs[i] != nil {
			t.Fatalf("racer %d: %v", i, errs[i])
		}
		if results[i].OK {
			ok++
		}
	}
	if ok != max {
		t.Errorf("%d of %d racers took a hit, want %d", ok, racers, max)
	}
}

func testRateLimitsRefuseBadChecks(t *testing.T, s persistence.Store) {
	for name, checks := range map[string][]persistence.RateCheck{
		"empty key":    {{Key: "", Max: 1, Window: time.Hour}},
		"zero max":     {{Key: "k", Max: 0, Window: time.Hour}},
		"no window":    {{Key: "k", Max: 1}},
		"repeated key": {{Key: "k", Max: 1, Window: time.Hour}, {Key: "k", Max: 2, Window: time.Minute}},
	} {
		if _, err := s.TakeRate(ctx(t), t0, checks); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
