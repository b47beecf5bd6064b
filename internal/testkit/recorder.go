package testkit

import (
	"sync"
	"testing"
	"time"
)

// recorder keeps what a carrier stub accepted; both stubs embed it.
type recorder struct {
	mu   sync.Mutex
	sent []SentSMS
	seq  int
	// OnSend, when set, is called with every accepted text.
	OnSend func(SentSMS)
}

// attempt numbers one send request (1-based).
func (r *recorder) attempt() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.seq++
	return r.seq
}

// accept records an accepted text and calls OnSend.
func (r *recorder) accept(m SentSMS) {
	r.mu.Lock()
	r.sent = append(r.sent, m)
	onSend := r.OnSend
	r.mu.Unlock()
	if onSend != nil {
		onSend(m)
	}
}

// Sent returns a copy of everything accepted so far.
func (r *recorder) Sent() []SentSMS {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]SentSMS(nil), r.sent...)
}

// SentTo returns what was accepted for one recipient.
func (r *recorder) SentTo(to string) []SentSMS {
	var out []SentSMS
	for _, m := range r.Sent() {
		if m.To == to {
			out = append(out, m)
		}
	}
	return out
}

// WaitFor waits until at least n texts were accepted for to, or the timeout
// passes, and returns what was accepted for to.
func (r *recorder) WaitFor(t testing.TB, to string, n int, timeout time.Duration) []SentSMS {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		got := r.SentTo(to)
		if len(got) >= n || time.Now().After(deadline) {
			return got
		}
		time.Sleep(10 * time.Millisecond)
	}
}
