package clock_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/medspa/engine/internal/clock"
)

func TestTestClockStartsAtTheInstantAndRuns(t *testing.T) {
	at := time.Date(2026, 3, 8, 2, 30, 0, 0, time.FixedZone("CST", -6*3600))
	c := clock.NewTest(at)
	got := c.Now()
	if d := got.Sub(at); d < 0 || d > time.Second {
		t.Fatalf("Now = %v, want %v or just after", got, at)
	}
	c.Advance(5*time.Hour + 30*time.Minute)
	if d := c.Now().Sub(at.Add(5*time.Hour + 30*time.Minute)); d < 0 || d > time.Second {
		t.Fatalf("after Advance, Now = %v", c.Now())
	}
	c.Set(at)
	if d := c.Now().Sub(at); d < 0 || d > time.Second {
		t.Fatalf("after Set, Now = %v", c.Now())
	}
	a := c.Now()
	time.Sleep(5 * time.Millisecond)
	if !c.Now().After(a) {
		t.Fatal("the test clock runs with real time")
	}
}

func TestTestClockIsSafeForConcurrentUse(t *testing.T) {
	c := clock.NewTest(time.Date(2026, 12, 8, 14, 0, 0, 0, time.UTC))
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				c.Advance(time.Minute)
				_ = c.Now()
			}
		}()
	}
	wg.Wait()
	want := time.Date(2026, 12, 8, 14, 0, 0, 0, time.UTC).Add(800 * time.Minute)
	if d := c.Now().Sub(want); d < 0 || d > time.Second {
		t.Fatalf("Now = %v, want %v", c.Now(), want)
	}
}

func TestStopwatchIgnoresTheTestClock(t *testing.T) {
	s := clock.Start()
	c := clock.NewTest(time.Now())
	c.Advance(time.Hour)
	if s.Elapsed() > time.Minute || !s.Within(time.Minute) {
		t.Fatalf("Elapsed = %v", s.Elapsed())
	}
	if _, ok := clock.Remaining(context.Background()); ok {
		t.Fatal("no deadline")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if d, ok := clock.Remaining(ctx); !ok || d <= 0 || d > time.Minute {
		t.Fatalf("Remaining = %v, %v", d, ok)
	}
}
