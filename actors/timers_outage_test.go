package actors

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/medspa/engine/persistence"
)

// flakyTimerStore fails DueTimers while down is set.
type flakyTimerStore struct {
	persistence.Store
	down  bool
	polls int
}

func (s *flakyTimerStore) DueTimers(context.Context, time.Time, int) ([]persistence.Timer, error) {
	s.polls++
	if s.down {
		return nil, errors.New("due timers: failed to connect to `user=medspa database=medspa`: dial tcp 10.0.0.5:5432: connect: connection refused")
	}
	return nil, nil
}

// logRecorder keeps the message of every record logged.
type logRecorder struct {
	mu   sync.Mutex
	msgs []string
}

func (r *logRecorder) Enabled(context.Context, slog.Level) bool { return true }
func (r *logRecorder) Handle(_ context.Context, rec slog.Record) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, rec.Message)
	return nil
}
func (r *logRecorder) WithAttrs([]slog.Attr) slog.Handler { return r }
func (r *logRecorder) WithGroup(string) slog.Handler      { return r }

func (r *logRecorder) count(msg string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, m := range r.msgs {
		if m == msg {
			n++
		}
	}
	return n
}

const (
	logStoreFails   = "timers: the store fails; polling less often until it answers"
	logStoreAnswers = "timers: the store answers again"
)

// While the store fails, the timer loop waits longer and longer between
// polls (up to timerMaxBackoff) and logs at most once a minute; when the
// store answers it says so once and polls at its usual pace again. Time is
// the loop's own: each wait advances it by exactly the wait.
func TestTimerLoopBacksOffWhileTheStoreIsDown(t *testing.T) {
	store := &flakyTimerStore{}
	logs := &logRecorder{}
	e := New(Config{Store: store, Logger: slog.New(logs), TimerPoll: 250 * time.Millisecond})

	// Polls 0-399: down (about an hour); 400-404: up; 405-2404: down at
	// every other poll (about ten minutes).
	const outage, up, flapping = 400, 5, 2000
	type mark struct {
		at           time.Duration
		fails, backs int
		waits        int
	}
	var elapsed time.Duration
	var waits []time.Duration
	marks := map[int]mark{}
	i := 0
	e.pollTimers(context.Background(), func(_ context.Context, d time.Duration) bool {
		waits = append(waits, d)
		elapsed += d
		marks[i] = mark{at: elapsed, fails: logs.count(logStoreFails), backs: logs.count(logStoreAnswers), waits: len(waits)}
		switch {
		case i < outage:
			store.down = true
		case i < outage+up:
			store.down = false
		case i < outage+up+flapping:
			store.down = (i-outage-up)%2 == 0
		default:
			return false
		}
		i++
		return true
	}, func() time.Duration { return elapsed })
	if store.polls != outage+up+flapping {
		t.Fatalf("%d polls, want %d", store.polls, outage+up+flapping)
	}

	// The outage.
	want := []time.Duration{250 * time.Millisecond, 500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 10 * time.Second, 10 * time.Second}
	for k, w := range want {
		if waits[k] != w {
			t.Fatalf("waits = %v…, want %v…", waits[:len(want)], want)
		}
	}
	for _, w := range waits {
		if w > timerMaxBackoff {
			t.Fatalf("waited %v, more than %v", w, timerMaxBackoff)
		}
	}
	down := marks[outage].at - marks[0].at
	minutes := int(down / time.Minute)
	if n := marks[outage].fails; n < minutes || n > minutes+1 {
		t.Errorf("%d failure logs over %v of outage (%d polls), want one a minute", n, down, outage)
	}
	if n := marks[outage].backs; n != 0 {
		t.Errorf("%d recovery logs while the store was down", n)
	}

	// The store answers: said once, and the loop is back to its pace.
	if n := marks[outage+up].backs; n != 1 {
		t.Errorf("%d recovery logs, want 1", n)
	}
	if n := marks[outage+up].fails; n != marks[outage].fails {
		t.Errorf("%d failure logs after the store answered, want %d", n, marks[outage].fails)
	}
	if w := waits[marks[outage+up].waits-1]; w != 250*time.Millisecond {
		t.Errorf("wait after the store answered = %v, want 250ms", w)
	}

	// A store that comes and goes at every poll is still logged at most
	// once a minute, recoveries included.
	end := marks[outage+up+flapping]
	flap := end.at - marks[outage+up].at
	minutes = int(flap/time.Minute) + 1
	if n := end.fails - marks[outage+up].fails; n > minutes {
		t.Errorf("%d failure logs over %v of a flapping store, want at most %d", n, flap, minutes)
	}
	if n := end.backs - marks[outage+up].backs; n > minutes {
		t.Errorf("%d recovery logs over %v of a flapping store, want at most %d", n, flap, minutes)
	}
	if end.fails == marks[outage+up].fails {
		t.Errorf("a flapping store over %v was never logged", flap)
	}
}
