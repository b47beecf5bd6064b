package actors

import (
	"sync"
	"sync/atomic"

	"github.com/asynkron/protoactor-go/actor"
)

// workers is the dispatcher of the clinic and lead actors' mailboxes. The
// default dispatcher starts a goroutine every time a mailbox gets work,
// and a goroutine starts with a small stack: a lead actor's decision runs
// deep enough to grow it several times, each time copying it (2-3 % of
// the engine's CPU under a storm, docs/PERFORMANCE.md). workers hands the
// mailbox's run to a goroutine that finished an earlier one and waits for
// the next, whose stack has already grown; when none waits, it starts one.
// It keeps at most max of them waiting; the rest end when their run does,
// as with the default dispatcher.
//
// Schedule never blocks, so a mailbox whose actor waits (for its commit,
// say) holds one goroutine, never the others' work.
type workers struct {
	throughput int
	max        int32
	work       chan func() // unbuffered: a send succeeds only into a waiting worker
	quit       chan struct{}
	stopOnce   sync.Once
	kept       atomic.Int32 // goroutines that wait for work after their run
}

var _ actor.Dispatcher = (*workers)(nil)

// newWorkers returns a dispatcher that runs throughput messages of a
// mailbox per turn and keeps up to keep goroutines.
func newWorkers(throughput, keep int) *workers {
	return &workers{throughput: throughput, max: int32(keep), work: make(chan func()), quit: make(chan struct{})}
}

// Schedule runs fn on a waiting worker, on a new worker while fewer than
// max are kept, else on a goroutine of its own.
func (w *workers) Schedule(fn func()) {
	select {
	case w.work <- fn:
		return
	default:
	}
	if w.kept.Add(1) <= w.max {
		go w.loop(fn)
		return
	}
	w.kept.Add(-1)
	go fn()
}

// Throughput is how many messages a mailbox processes before it yields.
func (w *workers) Throughput() int { return w.throughput }

// stop lets every waiting worker end; runs scheduled later start their own
// goroutines.
func (w *workers) stop() { w.stopOnce.Do(func() { close(w.quit) }) }

// loop runs fn, then each run handed to it, until stop.
func (w *workers) loop(fn func()) {
	defer w.kept.Add(-1)
	for {
		fn()
		select {
		case fn = <-w.work:
		case <-w.quit:
			return
		}
	}
}
