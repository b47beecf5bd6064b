package actors

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/medspa/engine/internal/bus"
	"github.com/medspa/engine/messages"
	"github.com/medspa/engine/persistence"
)

// timerLoop turns due timers into inbound messages. Timers are rows written
// in the same transaction as the state that needs them; when one falls due
// it is published to its conversation's inbound subject like any other work
// (ordered with the lead's texts, deduplicated by its id) and then deleted.
// A crash between the two publishes it again, and the dedup key makes that
// harmless. Every engine node runs the loop; JetStream's dedup window and
// the store's dedup keys make the overlap harmless too.
func (e *Engine) timerLoop(ctx context.Context) {
	tick := time.NewTicker(e.cfg.TimerPoll)
	defer tick.Stop()
	pub := bus.Publisher{JS: e.cfg.JS}
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		for {
			n, err := e.fireDue(ctx, pub)
			if err != nil {
				if ctx.Err() == nil {
					e.cfg.Logger.Warn("timers", slog.String("error", err.Error()))
				}
				break
			}
			if n < timerBatch {
				break
			}
		}
	}
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
