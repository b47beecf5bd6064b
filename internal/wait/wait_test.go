package wait

import (
	"context"
	"testing"
	"time"
)

func TestGather(t *testing.T) {
	ch := make(chan int, 10)
	for i := range 5 {
		ch <- i
	}
	if got := Gather(ch, []int{-1}, 3); len(got) != 3 || got[0] != -1 || got[2] != 1 {
		t.Errorf("Gather up to 3 = %v", got)
	}
	if got := Gather(ch, nil, 10); len(got) != 3 {
		t.Errorf("Gather of what is waiting = %v, want the 3 left", got)
	}
	ch <- 9
	close(ch)
	if got := Gather(ch, nil, 10); len(got) != 1 || got[0] != 9 {
		t.Errorf("Gather of a closed channel = %v", got)
	}
}

func TestBackoff(t *testing.T) {
	b := Backoff{Base: 50 * time.Millisecond, Max: 5 * time.Second}
	for attempt, want := range []time.Duration{50 * time.Millisecond, 100 * time.Millisecond, 200 * time.Millisecond} {
		if got := b.Delay(attempt); got != want {
			t.Errorf("Delay(%d) = %v, want %v", attempt, got, want)
		}
	}
	if got := b.Delay(40); got != 5*time.Second {
		t.Errorf("Delay(40) = %v, want the cap", got)
	}
	j := Backoff{Base: time.Second, Max: time.Minute, Jitter: true}
	for range 100 {
		if d := j.Delay(2); d < 2*time.Second || d > 4*time.Second {
			t.Fatalf("jittered Delay(2) = %v, want within [2s, 4s]", d)
		}
	}
}

func TestSleepEndsWithItsContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if Sleep(ctx, time.Hour) {
		t.Error("Sleep waited past its context")
	}
	if !Sleep(context.Background(), 0) {
		t.Error("Sleep(0) did not wait its time")
	}
}
