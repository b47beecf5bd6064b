package actors

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/medspa/engine/internal/bus"
	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/internal/clock"
	"github.com/medspa/engine/internal/conversation"
	"github.com/medspa/engine/internal/stage"
	"github.com/medspa/engine/internal/wait"
	"github.com/medspa/engine/messages"
	"github.com/medspa/engine/persistence"
)

// leadActor is one lead's conversation. It applies the lead's messages one at
// a time, in the order JetStream delivered them: a message that fails is
// retried in place and the ones behind it wait in the mailbox.
type leadActor struct {
	engine *Engine
	view   *clinicView
	// clinic is the clinic's settings for the message in hand: read from
	// the view as each message starts, so a settings update applies from
	// the next message on.
	clinic *clinic.Clinic
	leadID string
	log    *slog.Logger

	loaded    bool
	exists    bool // a snapshot is stored
	version   int64
	state     conversation.State
	processed uint64
	caughtUp  bool                            // earlier pending messages of this lead were looked for
	assisted  map[string]*conversation.Assist // the model's reading of the message in hand
	// phase is the phase the store has for the conversation ("" when none
	// is stored), as medspa_conversations_by_phase counts it; known once
	// loaded.
	phase      string
	phaseKnown bool
	// broken is the stored snapshot that could not be decoded, until it is
	// safe in a dead letter.
	broken *persistence.Snapshot
}

func newLeadActor(e *Engine, view *clinicView, leadID string) *leadActor {
	c := view.clinic()
	return &leadActor{engine: e, view: view, clinic: c, leadID: leadID,
		log: e.cfg.Logger.With(slog.String("clinic_id", c.ID), slog.String("lead_id", leadID))}
}

func (a *leadActor) Receive(ctx actor.Context) {
	switch m := ctx.Message().(type) {
	case *actor.Started:
		a.engine.cfg.Metrics.activeLeads.Inc()
		a.engine.live.Store(a.key(), ctx.Self())
		ctx.SetReceiveTimeout(a.engine.cfg.IdleTimeout)
	case *actor.Stopped:
		a.engine.cfg.Metrics.activeLeads.Dec()
		a.engine.live.CompareAndDelete(a.key(), ctx.Self())
	case *stateQuery:
		ctx.Respond(a.liveState())
	case *actor.ReceiveTimeout:
		ctx.Send(ctx.Parent(), &passivate{pid: ctx.Self(), leadID: a.leadID, processed: a.processed})
	case *delivery:
		now := a.engine.cfg.Now()
		a.engine.cfg.Metrics.queued.Observe(now.Sub(m.arrived).Seconds())
		a.engine.cfg.Metrics.stages.Observe(stage.ActorQueue, now.Sub(m.arrived))
		a.engine.cfg.Metrics.stages.Since(stage.Delivery, m.origin, m.arrived)
		a.clinic = a.view.clinic()
		if !a.caughtUp {
			a.catchUp(ctx, m)
		}
		a.handle(ctx, m)
		a.processed++
		a.engine.inflight.Add(-1)
	}
}

// catchUp applies, ahead of d, any earlier message of this lead that is
// still pending in the stream: one delivered to a node that died before
// acking it and not redelivered yet. This keeps a conversation's messages
// in order across failover; the redelivery itself is then a duplicate.
func (a *leadActor) catchUp(actx actor.Context, d *delivery) {
	subject := messages.LeadSubject(d.partition, d.clinicID, d.leadID)
	next := uint64(1)
	for {
		ctx, cancel := context.WithTimeout(a.engine.ctx, 5*time.Second)
		raw, err := a.engine.stream.GetMsg(ctx, next, jetstream.WithGetMsgSubject(subject))
		cancel()
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			break
		}
		if err != nil {
			if a.engine.ctx.Err() != nil {
				return
			}
			a.log.Warn("catch-up lookup failed; retrying", slog.String("error", err.Error()))
			d.inProgress()
			sleepCtx(a.engine.ctx, time.Second)
			continue
		}
		if raw.Sequence >= d.seq {
			break
		}
		earlier := &delivery{data: raw.Data, seq: raw.Sequence, partition: d.partition, clinicID: d.clinicID, leadID: d.leadID,
			kind: d.kind, origin: bus.Origin(raw.Header), arrived: a.engine.cfg.Now()}
		a.engine.cfg.Metrics.catchUp.Inc()
		a.handle(actx, earlier)
		next = raw.Sequence + 1
	}
	a.caughtUp = true
}

// handle applies one delivery: decide, commit, ack, then publish effects.
func (a *leadActor) handle(actx actor.Context, d *delivery) {
	e := a.engine
	env, err := messages.DecodeEnvelope(d.data)
	if err == nil && (env.ClinicID != d.clinicID || env.LeadID != d.leadID) {
		err = fmt.Errorf("%w: envelope for %s/%s on subject of %s/%s", messages.ErrInvalid, env.ClinicID, env.LeadID, d.clinicID, d.leadID)
	}
	if err != nil {
		a.dead(d, err, "invalid", nil)
		return
	}
	for attempt := 0; ; attempt++ {
		if e.ctx.Err() != nil {
			return // shutting down; JetStream redelivers
		}
		outcome, holds, err := a.apply(actx, d, env)
		if errors.Is(err, conversation.ErrNoConversation) {
			a.dead(d, err, "unknown_conversation", nil)
			return
		}
		if err == nil {
			e.cfg.Metrics.processed.WithLabelValues(string(env.Kind), outcome).Inc()
			e.cfg.Metrics.latency.Observe(e.cfg.Now().Sub(d.arrived).Seconds())
			d.ack()
			a.askClinic(actx, env.ID, holds, d.origin)
			return
		}
		var perm *permanentError
		if errors.As(err, &perm) {
			if attempt+1 < e.cfg.MaxAttempts {
				e.cfg.Metrics.retries.WithLabelValues(perm.reason).Inc()
				continue
			}
			a.giveUp(d, perm)
			return
		}
		reason := "store"
		if errors.Is(err, persistence.ErrVersionConflict) {
			reason = "version_conflict"
			a.loaded = false // someone else wrote: reload and decide again
		}
		e.cfg.Metrics.retries.WithLabelValues(reason).Inc()
		if attempt%10 == 0 {
			a.log.Warn("applying message failed; retrying in place", slog.String("reason", reason), slog.Int("attempt", attempt+1), slog.String("error", err.Error()))
		}
		d.inProgress()
		sleepCtx(e.ctx, backoff(attempt))
	}
}

// apply runs one decision and commits it. It returns the outcome label and
// the calendar requests to run after the commit, or a *permanentError when
// the decision itself fails, or a store error.
func (a *leadActor) apply(actx actor.Context, d *delivery, env messages.Envelope) (string, []conversation.HoldRequest, error) {
	if err := a.load(actx); err != nil {
		return "", nil, err
	}
	now := a.engine.cfg.Now()
	var prev *conversation.State
	start := conversation.State{}
	if a.exists {
		prev, start = &a.state, a.state
	}
	denv := a.env()
	denv.Assist = a.assist(env, start, now)
	decided := clock.Start()
	step, err := safeApply(env.ID, prev, denv, env, now)
	a.engine.cfg.Metrics.stages.Observe(stage.Decide, decided.Elapsed())
	if errors.Is(err, conversation.ErrNoConversation) {
		return "", nil, err
	}
	if err != nil {
		return "", nil, &permanentError{err: err, reason: "decide_failed"}
	}
	if !step.Store {
		// Nothing to fire, mark or act on for a conversation that does
		// not exist: acknowledged, not stored.
		return "no_conversation", nil, nil
	}
	holds, err := a.commit(decision{key: env.ID, in: &env, step: step, origin: d.origin}, now)
	if errors.Is(err, persistence.ErrDuplicate) {
		return "duplicate", nil, nil
	}
	if err != nil {
		return "", nil, err
	}
	return "applied", holds, nil
}

func (a *leadActor) env() conversation.Env {
	return conversation.Env{Clinic: a.clinic, Calendar: a.view.load()}
}

// commit writes one decision and, once it is stored, adopts the new state
// and hands the outbox rows to the relay.
func (a *leadActor) commit(d decision, now time.Time) ([]conversation.HoldRequest, error) {
	c, holds, err := a.buildCommit(d, now)
	if err != nil {
		return nil, &permanentError{err: err, reason: "decide_failed"}
	}
	ctx, cancel := context.WithTimeout(a.engine.ctx, 30*time.Second)
	defer cancel()
	began := clock.Start()
	err = a.engine.commit.commit(ctx, c)
	a.engine.cfg.Metrics.stages.Observe(stage.Commit, began.Elapsed())
	if err != nil {
		if errors.Is(err, persistence.ErrRejected) {
			return nil, &permanentError{err: err, reason: "store_rejected"}
		}
		return nil, err
	}
	a.state, a.exists = d.step.State, true
	a.version++
	a.engine.cfg.Metrics.committed(a.clinic.ID, a.phase, d)
	a.phase = string(d.step.State.Phase)
	a.engine.relay.Enqueue(c.Outbox)
	return holds, nil
}

func (a *leadActor) load(actx actor.Context) error {
	if a.loaded {
		return nil
	}
	defer func() {
		// A hold asked of the clinic before a crash and never answered is
		// asked again; the clinic's answer to a repeated request is the same.
		if a.loaded && a.exists && a.state.Pending != nil {
			req := a.state.Pending.Request(a.leadID)
			a.askClinic(actx, fmt.Sprintf("pending-%d", a.version), []conversation.HoldRequest{req}, time.Time{})
		}
	}()
	ctx, cancel := context.WithTimeout(a.engine.ctx, 10*time.Second)
	defer cancel()
	snap, err := a.engine.cfg.Store.LoadSnapshot(ctx, a.clinic.ID, a.leadID)
	switch {
	case errors.Is(err, persistence.ErrNotFound):
		a.exists, a.version, a.state = false, 0, conversation.State{}
		snap = persistence.Snapshot{}
	case err != nil:
		return fmt.Errorf("load snapshot: %w", err)
	default:
		var s conversation.State
		if err := json.Unmarshal(snap.State, &s); err != nil {
			a.broken = &snap
			return &permanentError{err: fmt.Errorf("decode snapshot: %w", err), reason: reasonSnapshot}
		}
		a.exists, a.version, a.state = true, snap.Version, s
	}
	a.broken = nil
	a.storedPhase(snap.Phase)
	a.loaded = true
	return nil
}

// storedPhase records the phase the store has for the conversation. A
// phase other than the one last committed here (a commit whose answer was
// lost, another node's write) moves the conversation in the count.
func (a *leadActor) storedPhase(phase string) {
	if a.phaseKnown && a.phase != phase {
		a.engine.cfg.Metrics.ops.phases.move(a.clinic.ID, a.phase, phase)
	}
	a.phase, a.phaseKnown = phase, true
}

// giveUp dead-letters a message that failed for a reason retrying cannot
// fix, and lets the conversation go on with its next message. When the
// reason is a stored snapshot that cannot be decoded, the snapshot goes
// into the dead letter and the conversation starts again from a new state
// over the stored version: the next commit replaces the snapshot.
func (a *leadActor) giveUp(d *delivery, perm *permanentError) {
	var broken *persistence.Snapshot
	if perm.reason == reasonSnapshot {
		broken = a.broken
	}
	if !a.dead(d, perm, perm.reason, broken) || broken == nil {
		return
	}
	a.log.Error("stored conversation cannot be decoded; it starts again from a new state, the snapshot is kept in the dead letter",
		slog.Int64("version", broken.Version))
	a.engine.cfg.Metrics.restarted.Inc()
	a.exists, a.version, a.state, a.broken = false, broken.Version, conversation.State{}, nil
	a.storedPhase(broken.Phase)
	a.loaded = true
}

// dead moves d to the dead-letter subject, with the snapshot that could not
// be decoded when there is one; it reports whether it is there.
func (a *leadActor) dead(d *delivery, err error, label string, broken *persistence.Snapshot) bool {
	if d.msg == nil {
		// A catch-up copy: its own redelivery will reach the same verdict.
		return false
	}
	info := deadInfo{clinicID: d.clinicID, leadID: d.leadID, kind: d.kind}
	if broken != nil {
		info.snapshot, info.restarted = broken.State, true
	}
	if !a.engine.deadLetter(d.msg, err, label, info) {
		return false
	}
	a.engine.cfg.Metrics.processed.WithLabelValues(string(d.kind), "dead_letter").Inc()
	return true
}

// permanentError marks a failure that retrying cannot fix; reason labels
// it (decide_failed, store_rejected, snapshot_undecodable).
type permanentError struct {
	err    error
	reason string
}

// reasonSnapshot: the stored snapshot cannot be decoded.
const reasonSnapshot = "snapshot_undecodable"

func (p *permanentError) Error() string { return p.err.Error() }
func (p *permanentError) Unwrap() error { return p.err }

// safeApply runs the pure core and turns a panic into an error, so one bad
// message cannot take its conversation down with it.
func safeApply(key string, prev *conversation.State, env conversation.Env, in messages.Envelope, now time.Time) (step conversation.Step, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("decide panicked: %v", r)
		}
	}()
	return conversation.Apply(key, prev, env, in, now)
}

// retryBackoff is how long a failed step waits before it is tried again.
var retryBackoff = wait.Backoff{Base: 50 * time.Millisecond, Max: 5 * time.Second}

func backoff(attempt int) time.Duration { return retryBackoff.Delay(attempt) }

// sleepCtx waits d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) { wait.Sleep(ctx, d) }
