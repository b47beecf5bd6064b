package gateway

import (
	"testing"
	"time"
)

func TestLimiter(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := newLimiter(RateLimit{Burst: 3, Per: 30 * time.Second}) // one token per 10 s
	for i := range 3 {
		if ok, _ := l.allow("a", t0); !ok {
			t.Fatalf("request %d refused within the burst", i+1)
		}
	}
	ok, wait := l.allow("a", t0)
	if ok || wait != 10*time.Second {
		t.Fatalf("4th = %v, wait %v; want refused, 10s", ok, wait)
	}
	if ok, _ := l.allow("b", t0); !ok {
		t.Fatal("another key shares the bucket")
	}
	if ok, wait := l.allow("a", t0.Add(4*time.Second)); ok || wait != 6*time.Second {
		t.Fatalf("after 4s = %v, wait %v; want refused, 6s", ok, wait)
	}
	if ok, _ := l.allow("a", t0.Add(10*time.Second)); !ok {
		t.Fatal("refused after a token was earned")
	}
	if ok, _ := l.allow("a", t0.Add(10*time.Second)); ok {
		t.Fatal("two requests on one earned token")
	}
	// A long pause refills to the burst, not beyond.
	later := t0.Add(time.Hour)
	for i := range 3 {
		if ok, _ := l.allow("a", later); !ok {
			t.Fatalf("request %d refused after a long pause", i+1)
		}
	}
	if ok, _ := l.allow("a", later); ok {
		t.Fatal("bucket filled beyond its burst")
	}
}

func TestLimiterPrunesFullBuckets(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := newLimiter(RateLimit{Burst: 1, Per: time.Second})
	l.allow("a", t0)
	l.allow("b", t0.Add(time.Hour))
	l.prune(t0.Add(time.Hour))
	if _, ok := l.buckets["a"]; ok {
		t.Error("a full bucket was kept")
	}
	if _, ok := l.buckets["b"]; !ok {
		t.Error("an empty bucket was dropped")
	}
}
