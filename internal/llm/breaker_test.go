package llm

import (
	"testing"
	"time"
)

func TestBreaker(t *testing.T) {
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	b := NewBreaker(3, 30*time.Second, func() time.Time { return now })
	for i := 0; i < 2; i++ {
		if !b.Allow() {
			t.Fatalf("call %d refused while closed", i)
		}
		b.Done(false)
	}
	if b.State() != BreakerClosed {
		t.Fatalf("after 2 failures: %v, want closed", b.State())
	}
	b.Allow()
	b.Done(true) // a success resets the count
	for i := 0; i < 3; i++ {
		b.Allow()
		b.Done(false)
	}
	if b.State() != BreakerOpen || b.Allow() {
		t.Fatalf("after 3 failures: %v, want open and refusing", b.State())
	}
	now = now.Add(30 * time.Second)
	if !b.Allow() {
		t.Fatal("trial call refused after the cool-down")
	}
	if b.Allow() {
		t.Fatal("second call allowed while the trial is in flight")
	}
	b.Done(false)
	if b.State() != BreakerOpen || b.Allow() {
		t.Fatalf("failed trial: %v, want open", b.State())
	}
	now = now.Add(31 * time.Second)
	if !b.Allow() {
		t.Fatal("trial refused after the second cool-down")
	}
	b.Done(true)
	if b.State() != BreakerClosed || !b.Allow() {
		t.Fatalf("good trial: %v, want closed", b.State())
	}
}
