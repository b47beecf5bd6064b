package actors

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/medspa/engine/internal/bus"
	"github.com/medspa/engine/internal/clock"
	"github.com/medspa/engine/internal/wait"
	"github.com/medspa/engine/messages"
	"github.com/medspa/engine/persistence"
)

// timerLoop turns due timers into inbound messages. Timers are rows written
// in the same transaction as the state that needs them; when one falls due
// it is published to its conversation's inbound subject like any other work
// (ordered with the lead's texts, deduplicated by its id) and then deleted.
// A crash between the two publishes it again, and the dedup key makes that
// harmless. Every engine node runs the loop; JetStream's dedup window and
// the store's dedup keys make the overlap harmless too. While the store
// fails, the loop polls less often and says so once a minute (storeOutage).
func (e *Engine) timerLoop(ctx context.Context) {
	e.pollTimers(ctx, wait.Sleep, clock.Start().Elapsed)
}

// pollTimers is the timer loop: wait(ctx, d) sleeps d between polls
// (false when ctx ended first), elapsed is the time since the loop began.
func (e *Engine) pollTimers(ctx context.Context, wait func(context.Context, time.Duration) bool, elapsed func() time.Duration) {
	pub := bus.Publisher{JS: e.cfg.JS}
	outage := storeOutage{poll: e.cfg.TimerPoll, max: timerMaxBackoff, logEvery: storeDownLogEvery}
	next := e.cfg.TimerPoll
	for wait(ctx, next) {
		err := e.fireAllDue(ctx, pub)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			var log bool
			next, log = outage.failed(elapsed())
			if log {
				e.cfg.Logger.Warn("timers: the store fails; polling less often until it answers",
					slog.String("error", err.Error()), slog.Int("failed_polls", outage.failures), slog.Duration("next_poll", next))
			}
		default:
			if failures, lasted, log := outage.answered(elapsed()); log {
				e.cfg.Logger.Info("timers: the store answers again", slog.Int("failed_polls", failures), slog.Duration("outage", lasted))
			}
			next = e.cfg.TimerPoll
		}
	}
}

// fireAllDue fires due timers a batch at a time until fewer than a batch
// are due.
func (e *Engine) fireAllDue(ctx context.Context, pub bus.Publisher) error {
	for {
		n, err := e.fireDue(ctx, pub)
		if err != nil || n < timerBatch {
			return err
		}
	}
}

// Pacing of the timer loop while its store fails.
const (
	// timerMaxBackoff bounds the wait between polls of a failing store: a
	// timer that fell due meanwhile fires at most this long after the
	// store answers again.
	timerMaxBackoff = 10 * time.Second
	// storeDownLogEvery is how often a failing store is logged at most.
	storeDownLogEvery = time.Minute
)

// storeOutage paces a polling loop while its store fails: the wait after
// a failed poll doubles from the poll interval up to max, and failures are
// logged at most once every logEvery (the first at once), however the
// store comes and goes; the store answering again is logged when its
// failure was. Times are durations measured since the loop began, not the
// business clock.
type storeOutage struct {
	poll, max, logEvery time.Duration

	failures int           // consecutive failed polls
	since    time.Duration // when the first of them failed
	logged   bool          // a failure of this outage was logged
	lastLog  time.Duration // when a failure was last logged
	everLog  bool          // a failure was ever logged
}

// failed records a failed poll at time at: it returns the wait before the
// next poll and whether to log this failure.
func (o *storeOutage) failed(at time.Duration) (wait time.Duration, log bool) {
	o.failures++
	if o.failures == 1 {
		o.since = at
	}
	wait = o.poll
	for i := 0; i < o.failures && wait < o.max; i++ {
		wait *= 2
	}
	wait = min(wait, o.max)
	if !o.everLog || at-o.lastLog >= o.logEvery {
		o.everLog, o.logged, o.lastLog = true, true, at
		return wait, true
	}
	return wait, false
}

// answered records a poll that succeeded at time at, ending any outage: it
// returns how many polls failed and for how long, and whether to log that
// the store answers again (when the outage was logged).
func (o *storeOutage) answered(at time.Duration) (failures int, lasted time.Duration, log bool) {
	failures, lasted, log = o.failures, at-o.since, o.logged
	if failures == 0 {
		return 0, 0, false
	}
	o.failures, o.logged = 0, false
	return failures, lasted, log
}

const timerBatch = 500

func (e *Engine) fireDue(ctx context.Context, pub bus.Publisher) (int, error) {
	now := e.cfg.Now()
	due, err := e.cfg.Store.DueTimers(ctx, now, timerBatch)
	if err != nil || len(due) == 0 {
		return 0, err
	}
	fired := make([]persistence.Timer, 0, len(due))
	for _, t := range due {
		env := messages.Envelope{V: messages.Version, ID: TimerMessageID(t), Kind: messages.KindTimer, ClinicID: t.ClinicID, LeadID: t.LeadID,
			Received: now, Timer: &messages.TimerFired{Name: t.Kind, Due: t.DueAt}}
		b, err := env.Encode()
		if err != nil {
			return 0, fmt.Errorf("encode timer: %w", err)
		}
		if err := pub.Publish(ctx, messages.InboundSubject(t.ClinicID, t.LeadID, messages.KindTimer), env.ID, b, now); err != nil {
			break // publish the rest next time; the fired ones are deleted below
		}
		fired = append(fired, t)
		e.cfg.Metrics.timersFired.Inc()
		e.cfg.Metrics.timerLag.Observe(now.Sub(t.DueAt).Seconds())
	}
	if err := e.cfg.Store.DeleteTimers(ctx, fired); err != nil {
		return 0, fmt.Errorf("delete fired timers: %w", err)
	}
	return len(fired), nil
}

// TimerMessageID is the idempotency key of one firing of a timer.
func TimerMessageID(t persistence.Timer) string {
	return fmt.Sprintf("timer:%s:%s:%s:%d", t.ClinicID, t.LeadID, t.ID, t.DueAt.UnixNano())
}
