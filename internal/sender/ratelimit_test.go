package sender

import (
	"testing"
	"time"
)

func TestLimiterPerNumber(t *testing.T) {
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	l := newLimiter(1, 5)
	l.now = func() time.Time { return now }
	for i := 0; i < 5; i++ {
		if d := l.reserve("+17735550100"); d != 0 {
			t.Fatalf("burst text %d waits %s", i+1, d)
		}
	}
	// Past the burst, texts queue one second apart, in order.
	for i := 1; i <= 3; i++ {
		if d := l.reserve("+17735550100"); d != time.Duration(i)*time.Second {
			t.Fatalf("text %d waits %s, want %ds", 5+i, d, i)
		}
	}
	if d := l.reserve("+17735550101"); d != 0 {
		t.Fatalf("another number waits %s", d)
	}
	// Ten seconds later the bucket has refilled (to its burst, no more).
	now = now.Add(10 * time.Second)
	for i := 0; i < 2; i++ {
		if d := l.reserve("+17735550100"); d != 0 {
			t.Fatalf("after the refill, text %d waits %s", i+1, d)
		}
	}
	if unlimited := newLimiter(-1, 5); unlimited.reserve("x") != 0 {
		t.Fatal("a negative rate limits")
	}
}
