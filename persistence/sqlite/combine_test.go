package sqlite

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/medspa/engine/persistence"
)

// Writes queued behind the writer run in one round, and one that fails
// fails alone: the others are stored.
func TestQueuedWritesFailAlone(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	// Hold the writer so that the writes below queue behind this one.
	release := make(chan struct{})
	holding := make(chan struct{})
	held := make(chan error, 1)
	go func() {
		held <- s.write(ctx, func(ctx context.Context, tx execer) error {
			close(holding)
			<-release
			return nil
		})
	}()
	<-holding
	const n = 20
	var wg sync.WaitGroup
	errs := make([]error, n)
	queued := make(chan struct{}, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			queued <- struct{}{}
			send := persistence.Send{CommandID: fmt.Sprintf("cmd-%d", i), ClinicID: "c", LeadID: "l", Carrier: "telnyx", Status: "sent", SentAt: time.Now()}
			if i == 7 {
				errs[i] = s.write(ctx, func(context.Context, execer) error { return errBoom })
				return
			}
			errs[i] = s.RecordSends(ctx, []persistence.Send{send})
		}()
	}
	for range n {
		<-queued
	}
	// Every writer has started; wait until all are queued behind the
	// holder (the queue is the barrier), then let the round go.
	for {
		s.comb.mu.Lock()
		k := len(s.comb.queue)
		s.comb.mu.Unlock()
		if k == n {
			break
		}
		time.Sleep(time.Millisecond)
	}
	close(release)
	wg.Wait()
	if err := <-held; err != nil {
		t.Fatalf("holder: %v", err)
	}
	for i, err := range errs {
		switch {
		case i == 7 && !errors.Is(err, errBoom):
			t.Errorf("failing write: %v, want errBoom", err)
		case i != 7 && err != nil:
			t.Errorf("write %d: %v", i, err)
		}
	}
	for i := range n {
		_, err := s.LookupSend(ctx, fmt.Sprintf("cmd-%d", i))
		if i != 7 && err != nil {
			t.Errorf("send %d not recorded: %v", i, err)
		}
	}
}

// A write whose context has ended is not run.
func TestWriteWithEndedContext(t *testing.T) {
	s := newStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ran := false
	err := s.write(ctx, func(context.Context, execer) error { ran = true; return nil })
	if !errors.Is(err, context.Canceled) || ran {
		t.Fatalf("write = %v (ran %v), want context.Canceled without running", err, ran)
	}
}

var errBoom = errors.New("boom")
