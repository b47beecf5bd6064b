package actors

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/medspa/engine/internal/conversation"
	"github.com/medspa/engine/persistence"
)

// askClinic runs the calendar requests a committed decision made: each goes
// to the clinic actor, which decides for all its leads one request at a
// time, and its answer is applied to the conversation and committed in
// turn. The lead's mailbox waits meanwhile, so the answer is applied before
// the lead's next message. key derives the dedup keys of the answers.
func (a *leadActor) askClinic(actx actor.Context, key string, reqs []conversation.HoldRequest, origin time.Time) {
	for i := 0; i < len(reqs); i++ {
		res, err := a.callClinic(actx, reqs[i])
		if err != nil {
			// The request stays pending in the state and is asked again
			// when the conversation is next activated.
			a.log.Warn("calendar request failed", slog.String("op", reqs[i].Op), slog.String("error", err.Error()))
			return
		}
		now := a.engine.cfg.Now()
		next, effects := conversation.ApplyHoldResult(a.state, a.env(), res, now)
		prev := a.state
		k := fmt.Sprintf("%s/clinic/%d", key, i)
		step := conversation.Settle(k, &prev, next, nil, effects, now)
		for attempt := 0; ; attempt++ {
			more, err := a.commit(decision{key: k, step: step, origin: origin}, now)
			if err == nil || errors.Is(err, persistence.ErrDuplicate) {
				reqs = append(reqs, more...)
				break
			}
			var perm *permanentError
			if errors.As(err, &perm) || a.engine.ctx.Err() != nil || attempt >= 20 {
				a.log.Error("applying the clinic's answer failed", slog.String("error", err.Error()))
				return
			}
			if errors.Is(err, persistence.ErrVersionConflict) {
				a.loaded = false
				return // another node owns the conversation now
			}
			sleepCtx(a.engine.ctx, backoff(attempt))
		}
	}
}

// callClinic sends one request to the clinic actor and waits for its answer.
func (a *leadActor) callClinic(actx actor.Context, req conversation.HoldRequest) (conversation.HoldResult, error) {
	for attempt := 0; attempt < 5; attempt++ {
		reply, err := actx.RequestFuture(actx.Parent(), &holdCall{req: req}, 15*time.Second).Result()
		if err == nil {
			r, ok := reply.(*holdReply)
			if !ok {
				return conversation.HoldResult{}, fmt.Errorf("unexpected reply %T", reply)
			}
			if r.err == nil {
				return r.res, nil
			}
			var perm *permanentError
			if errors.As(r.err, &perm) {
				return conversation.HoldResult{}, r.err // asking again cannot help
			}
			err = r.err
		}
		if a.engine.ctx.Err() != nil {
			return conversation.HoldResult{}, err
		}
		a.log.Warn("calendar request; retrying", slog.Int("attempt", attempt+1), slog.String("error", err.Error()))
		sleepCtx(a.engine.ctx, backoff(attempt+3))
	}
	return conversation.HoldResult{}, errors.New("clinic did not answer")
}
