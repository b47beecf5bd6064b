package actors

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
)

// Every run scheduled from many goroutines at once runs exactly once.
func TestWorkersRunEveryScheduledRunOnce(t *testing.T) {
	w := newWorkers(300, 8)
	defer w.stop()
	const n = 2000
	var ran [n]atomic.Int32
	var wg sync.WaitGroup
	wg.Add(n)
	for g := 0; g < 4; g++ {
		go func() {
			for i := g; i < n; i += 4 {
				w.Schedule(func() { ran[i].Add(1); wg.Done() })
			}
		}()
	}
	wg.Wait()
	for i := range ran {
		if got := ran[i].Load(); got != 1 {
			t.Fatalf("run %d ran %d times", i, got)
		}
	}
	if k := w.kept.Load(); k > 8 {
		t.Fatalf("%d workers kept, want at most 8", k)
	}
}

// Runs that block do not hold back the others: past max kept workers, a
// run gets a goroutine of its own.
func TestWorkersNeverWaitForABusyWorker(t *testing.T) {
	w := newWorkers(300, 2)
	defer w.stop()
	release := make(chan struct{})
	started := make(chan int, 5)
	for i := range 5 {
		w.Schedule(func() { started <- i; <-release })
	}
	seen := map[int]bool{}
	for range 5 {
		seen[<-started] = true // all five run at the same time
	}
	close(release)
	if len(seen) != 5 {
		t.Fatalf("started %v", seen)
	}
	if k := w.kept.Load(); k != 2 {
		t.Fatalf("%d workers kept, want 2", k)
	}
}

// A worker that finished waits and takes the next run; stop ends it.
func TestWorkersReuseAWaitingWorkerAndStop(t *testing.T) {
	w := newWorkers(300, 4)
	done := make(chan struct{})
	w.Schedule(func() { done <- struct{}{} })
	<-done
	// Once the worker waits, a run is handed to it rather than to a new
	// goroutine: keep scheduling until one was handed over.
	for handed := false; !handed; {
		select {
		case w.work <- func() { done <- struct{}{} }:
			handed = true
			<-done
		default:
			runtime.Gosched()
		}
	}
	if k := w.kept.Load(); k != 1 {
		t.Fatalf("%d workers kept, want the one reused", k)
	}
	w.stop()
	for w.kept.Load() != 0 {
		runtime.Gosched()
	}
	w.stop() // twice is fine
	w.Schedule(func() { done <- struct{}{} })
	<-done // runs after stop still run
}
