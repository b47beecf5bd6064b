package actors

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/medspa/engine/internal/bus"
	"github.com/medspa/engine/internal/clock"
	"github.com/medspa/engine/messages"
)

// partitionRun is one partition this node consumes: its consumer and its
// actor tree (partition -> clinics -> leads).
type partitionRun struct {
	p        int
	pid      *actor.PID
	cc       jetstream.ConsumeContext
	pending  atomic.Int64 // delivered and not yet acked, nacked or terminated
	inflight sync.Map     // *trackedMsg -> struct{}: the same messages, for keepAlive
}

// partitions is the set of partitions running on this node.
type partitions struct {
	mu   sync.Mutex
	runs map[int]*partitionRun
	gen  int
}

// startPartition spawns partition p's actor and starts consuming it.
func (e *Engine) startPartition(ctx context.Context, p int) error {
	e.parts.mu.Lock()
	defer e.parts.mu.Unlock()
	if e.parts.runs == nil {
		e.parts.runs = map[int]*partitionRun{}
	}
	if _, ok := e.parts.runs[p]; ok {
		return nil
	}
	e.parts.gen++
	name := fmt.Sprintf("p%d", p)
	if e.parts.gen > 1 {
		name = fmt.Sprintf("p%d.%d", p, e.parts.gen)
	}
	pid, err := e.system.Root.SpawnNamed(actor.PropsFromProducer(func() actor.Actor { return newPartition(e, p) }), name)
	if err != nil {
		return fmt.Errorf("spawn partition %d: %w", p, err)
	}
	r := &partitionRun{p: p, pid: pid}
	cc, err := e.consume(ctx, r)
	if err != nil {
		_ = e.system.Root.StopFuture(pid).Wait()
		return err
	}
	r.cc = cc
	e.parts.runs[p] = r
	e.cfg.Metrics.partitionsOwned.Set(float64(len(e.parts.runs)))
	return nil
}

// stopPartitions stops consuming the given partitions (all when ps is nil),
// lets their in-flight messages commit and ack within grace, stops their
// actor trees and unpins them so the next owner takes them at once.
func (e *Engine) stopPartitions(ps []int, grace time.Duration) {
	e.parts.mu.Lock()
	var runs []*partitionRun
	if ps == nil {
		for _, r := range e.parts.runs {
			runs = append(runs, r)
		}
	} else {
		for _, p := range ps {
			if r, ok := e.parts.runs[p]; ok {
				runs = append(runs, r)
			}
		}
	}
	e.parts.mu.Unlock()
	for _, r := range runs {
		r.cc.Drain()
	}
	for _, r := range runs {
		<-r.cc.Closed()
	}
	waited := clock.Start()
	for _, r := range runs {
		for r.pending.Load() > 0 && waited.Within(grace) {
			time.Sleep(5 * time.Millisecond)
		}
		if n := r.pending.Load(); n > 0 {
			e.cfg.Logger.Warn("partition stopped with messages in flight; they will be redelivered",
				slog.Int("partition", r.p), slog.Int64("in_flight", n))
		}
		if err := e.system.Root.PoisonFuture(r.pid).Wait(); err != nil {
			e.cfg.Logger.Debug("stop partition actor", slog.Int("partition", r.p), slog.String("error", err.Error()))
		}
	}
	e.parts.mu.Lock()
	stopped := make([]int, 0, len(runs))
	for _, r := range runs {
		delete(e.parts.runs, r.p)
		stopped = append(stopped, r.p)
	}
	e.cfg.Metrics.ops.phases.drop(stopped)
	e.cfg.Metrics.partitionsOwned.Set(float64(len(e.parts.runs)))
	e.parts.mu.Unlock()
	for _, r := range runs {
		e.unpin(r.p)
	}
}

// running lists the partitions consumed now.
func (e *Engine) running() []int {
	e.parts.mu.Lock()
	defer e.parts.mu.Unlock()
	out := make([]int, 0, len(e.parts.runs))
	for p := range e.parts.runs {
		out = append(out, p)
	}
	return out
}

// unpin releases partition p's pin, so a successor does not wait for the
// pin to time out.
func (e *Engine) unpin(p int) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := e.stream.UnpinConsumer(ctx, messages.PartitionConsumer(p), bus.PriorityGroup); err != nil {
		e.cfg.Logger.Debug("unpin partition", slog.Int("partition", p), slog.String("error", err.Error()))
	}
}

// trackedMsg counts a delivery as finished once it is acked, nacked or
// terminated, so a partition can be stopped after its in-flight work.
type trackedMsg struct {
	jetstream.Msg
	run  *partitionRun
	held clock.Stopwatch // since delivery to this node
	done atomic.Bool
}

func newTrackedMsg(m jetstream.Msg, r *partitionRun) *trackedMsg {
	t := &trackedMsg{Msg: m, run: r, held: clock.Start()}
	r.pending.Add(1)
	r.inflight.Store(t, struct{}{})
	return t
}

func (m *trackedMsg) finish() {
	if m.done.CompareAndSwap(false, true) {
		m.run.pending.Add(-1)
		m.run.inflight.Delete(m)
	}
}

// keepAlive tells JetStream that the messages this node holds are still
// being worked on: every interval, each one delivered more than an
// interval ago gets an in-progress ack, which restarts its ack wait. The
// inbound consumers' ack wait can then be short (bus.Topology.InboundAckWait),
// so a message held by a node that dies is redelivered to the partition's
// next owner within seconds, while a message queued behind a slow one on a
// live node is never redelivered.
func (e *Engine) keepAlive(ctx context.Context) {
	interval := e.cfg.Topology.InboundAck() / 3
	if interval <= 0 {
		return
	}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		e.parts.mu.Lock()
		runs := make([]*partitionRun, 0, len(e.parts.runs))
		for _, r := range e.parts.runs {
			runs = append(runs, r)
		}
		e.parts.mu.Unlock()
		for _, r := range runs {
			r.inflight.Range(func(k, _ any) bool {
				if m := k.(*trackedMsg); m.held.Elapsed() > interval && !m.done.Load() {
					_ = m.Msg.InProgress()
					e.cfg.Metrics.keptAlive.Inc()
				}
				return true
			})
		}
	}
}

func (m *trackedMsg) Ack() error { defer m.finish(); return m.Msg.Ack() }
func (m *trackedMsg) DoubleAck(ctx context.Context) error {
	defer m.finish()
	return m.Msg.DoubleAck(ctx)
}
func (m *trackedMsg) Nak() error { defer m.finish(); return m.Msg.Nak() }
func (m *trackedMsg) NakWithDelay(d time.Duration) error {
	defer m.finish()
	return m.Msg.NakWithDelay(d)
}
func (m *trackedMsg) Term() error { defer m.finish(); return m.Msg.Term() }
func (m *trackedMsg) TermWithReason(reason string) error {
	defer m.finish()
	return m.Msg.TermWithReason(reason)
}
