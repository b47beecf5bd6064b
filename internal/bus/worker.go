package bus

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/medspa/engine/internal/wait"
	"github.com/medspa/engine/messages"
)

// This file holds what the workers that turn JetStream commands into calls
// to an outside service (the sender, the payments worker) share: consuming
// a durable consumer in lanes, retrying a failing call, and moving a
// command that can never succeed to the dead-letter subject.

// Consume looks up the durable consumer name of stream and hands its
// messages to handle in lanes (ConsumeInLanes) until ctx ends. A ctx that
// ends while the consumer is looked up is a stop, not an error.
func Consume(ctx context.Context, js jetstream.JetStream, stream, name string, lanes, maxMessages int, handle func(jetstream.Msg)) error {
	cons, err := js.Consumer(ctx, stream, name)
	if err != nil {
		if ctx.Err() != nil {
			return nil // stopped while starting
		}
		return fmt.Errorf("%s consumer: %w", name, err)
	}
	if err := ConsumeInLanes(ctx, cons, lanes, maxMessages, handle); err != nil {
		return fmt.Errorf("%s consume: %w", name, err)
	}
	return nil
}

// Retry is how a worker retries a call that failed for a while: at most
// MaxAttempts calls, with exponential backoff and full jitter between them.
type Retry struct {
	MaxAttempts             int
	BaseBackoff, MaxBackoff time.Duration
}

// WithDefaults fills the settings left zero: 8 attempts, backoff from
// 200 ms up to 10 s.
func (r Retry) WithDefaults() Retry {
	if r.MaxAttempts <= 0 {
		r.MaxAttempts = 8
	}
	if r.BaseBackoff <= 0 {
		r.BaseBackoff = 200 * time.Millisecond
	}
	if r.MaxBackoff <= 0 {
		r.MaxBackoff = 10 * time.Second
	}
	return r
}

// Backoff is the wait after attempt (0-based): exponential with full
// jitter, a random wait in [d/2, d].
func (r Retry) Backoff(attempt int) time.Duration {
	return wait.Backoff{Base: r.BaseBackoff, Max: r.MaxBackoff, Jitter: true}.Delay(attempt)
}

// Do calls call until it succeeds, fails for good (retryable reports
// false), ctx ends, or the attempts run out, and returns the last error.
// Before each retry it calls retried (to count it), marks m in progress, so
// that JetStream does not hand it to another worker meanwhile, and waits
// the backoff.
func (r Retry) Do(ctx context.Context, m jetstream.Msg, retryable func(error) bool, retried func(), call func() error) error {
	var last error
	for attempt := 0; attempt < r.MaxAttempts; attempt++ {
		if attempt > 0 {
			retried()
			_ = m.InProgress()
			if !wait.Sleep(ctx, r.Backoff(attempt-1)) {
				return ctx.Err()
			}
		}
		err := call()
		if err == nil {
			return nil
		}
		last = err
		if !retryable(err) || ctx.Err() != nil {
			return err
		}
	}
	return last
}

// Terminate stores dl, the dead letter of m, on the dead-letter subject and
// terminates m with reason label. When the dead letter cannot be stored, m
// is put back to be redelivered in 5 s instead: nothing is lost silently.
func Terminate(ctx context.Context, js jetstream.JetStream, m jetstream.Msg, dl messages.DeadLetter, label string, log *slog.Logger) {
	if _, err := PublishDeadLetter(ctx, js, dl); err != nil {
		log.Error("dead-letter publish failed; message will be redelivered", slog.String("error", err.Error()))
		_ = m.NakWithDelay(5 * time.Second)
		return
	}
	_ = m.TermWithReason(label)
}

// NewDeadLetterCounter is the counter of the messages of source moved to a
// dead-letter subject, by reason (medspa_dead_letters_total).
func NewDeadLetterCounter(source string) *prometheus.CounterVec {
	return prometheus.NewCounterVec(prometheus.CounterOpts{Name: "medspa_dead_letters_total", Help: "Messages moved to a dead-letter subject.",
		ConstLabels: prometheus.Labels{"source": source}}, []string{"reason"})
}
