package storm

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

// Tally counts what was posted and how the gateway answered.
type Tally struct {
	Messages     int `json:"messages"`      // script messages posted (first attempts)
	Retries      int `json:"retries"`       // re-posts after a transport error or 5xx
	DupPosted    int `json:"dup_posted"`    // duplicate deliveries of accepted webhooks
	DupAccepted  int `json:"dup_accepted"`  // ... answered 200
	BadPosted    int `json:"bad_posted"`    // forged webhooks
	BadRejected  int `json:"bad_rejected"`  // ... refused (401 Telnyx, 403 Twilio)
	BadAccepted  int `json:"bad_accepted"`  // ... answered 2xx: a forgery got in
	Skipped      int `json:"skipped"`       // open-loop arrivals with no free lead
	ReplyTimeout int `json:"reply_timeout"` // leads that stopped waiting (timeout or end of drain)
	StubRefused  int `json:"stub_refused"`  // engine requests the stub refused (bad key or body)
	// Errors counts failed posts by kind: "http_503", "timeout", "transport",
	// "dup_http_503", "bad_http_200", ...
	Errors map[string]int `json:"errors"`
}

// step sends a lead's next message and waits for its replies. It reports
// whether the lead may go on; a lead whose message failed or whose replies
// did not come in time sends nothing more, so that every reply it gets can
// still be told apart.
func (r *runner) step(ctx context.Context, l *lead) bool {
	st := l.script[l.step%len(l.script)]
	text := fill(st.Text, l.name)
	if r.roll(r.o.BadSigShare) {
		r.forge(ctx, l, text)
	}
	l.dropReplies()
	eventID := fmt.Sprintf("storm-%s-%d-%d", r.runID, l.idx, l.step)
	body := r.post.body(eventID, l.number, l.target.Number, text, time.Now())
	s := Sent{Lead: l.number, ClinicNumber: l.target.Number, Name: l.name, Step: l.step, Expected: st.Replies, At: time.Now()}
	if l.step < len(l.script) {
		s.Expect = st.Expect // checked on the script's first round only
	}
	r.count(func(t *Tally) { t.Messages++ })
	r.deliver(ctx, body, &s)
	r.mu.Lock()
	r.sent = append(r.sent, s)
	r.mu.Unlock()
	if !s.Accepted {
		return false
	}
	if r.roll(r.o.DupShare) {
		r.postAgain(ctx, body)
	}
	if !r.awaitReplies(ctx, l, st.Replies) {
		return false
	}
	l.step++
	return true
}

// dropReplies forgets the signals of replies that came before this step.
func (l *lead) dropReplies() {
	for {
		select {
		case <-l.replies:
		default:
			return
		}
	}
}

// deliver posts body until the gateway takes it, refuses it, or Retries
// re-posts after transport errors and 5xx answers are spent, and records
// the outcome in s.
func (r *runner) deliver(ctx context.Context, body []byte, s *Sent) {
	for attempt := 0; attempt <= r.o.Retries; attempt++ {
		if attempt > 0 {
			r.count(func(t *Tally) { t.Retries++ })
			select {
			case <-ctx.Done():
			case <-time.After(time.Duration(attempt) * 200 * time.Millisecond):
			}
		}
		status, err := r.post.post(ctx, body)
		if err == nil && status == http.StatusOK {
			s.Accepted, s.Uncertain = true, false
			return
		}
		r.count(func(t *Tally) { t.Errors[errKind(status, err)]++ })
		if err == nil && status < 500 {
			return // refused: it will not be taken on a retry either
		}
		s.Uncertain = true
		if ctx.Err() != nil {
			return
		}
	}
}

// postAgain posts an accepted webhook once more, as a carrier retry does:
// the same event id, signed anew.
func (r *runner) postAgain(ctx context.Context, body []byte) {
	status, err := r.post.post(ctx, body)
	r.count(func(t *Tally) {
		t.DupPosted++
		if err == nil && status == http.StatusOK {
			t.DupAccepted++
		} else {
			t.Errors["dup_"+errKind(status, err)]++
		}
	})
}

// awaitReplies waits for n replies to the lead; it reports false when they
// did not come within ReplyTimeout or the drain, or the run ended.
func (r *runner) awaitReplies(ctx context.Context, l *lead, n int) bool {
	if n == 0 {
		return true
	}
	timeout := time.NewTimer(r.o.ReplyTimeout)
	defer timeout.Stop()
	for range n {
		select {
		case <-l.replies:
		case <-timeout.C:
			r.count(func(t *Tally) { t.ReplyTimeout++ })
			return false
		case <-r.drained:
			r.count(func(t *Tally) { t.ReplyTimeout++ })
			return false
		case <-ctx.Done():
			return false
		}
	}
	return true
}

// forge posts a webhook with a bad signature from the lead's ghost number;
// the gateway must answer 401 and nothing may come of it.
func (r *runner) forge(ctx context.Context, l *lead, text string) {
	r.mu.Lock()
	kind := r.badKind
	r.badKind = (r.badKind + 1) % badSigKinds
	r.mu.Unlock()
	eventID := fmt.Sprintf("storm-%s-%d-%d-forged", r.runID, l.idx, l.step)
	body := r.post.body(eventID, l.ghost, l.target.Number, text, time.Now())
	status, err := r.post.postBad(ctx, body, kind)
	r.count(func(t *Tally) {
		t.BadPosted++
		switch {
		case err == nil && status == r.post.refused():
			t.BadRejected++
		case err == nil && status < 300:
			t.BadAccepted++
			t.Errors["bad_"+errKind(status, err)]++
		default:
			t.Errors["bad_"+errKind(status, err)]++
		}
	})
}

func (r *runner) count(f func(*Tally)) {
	r.mu.Lock()
	f(&r.tally)
	r.mu.Unlock()
}
