package actors

import (
	"context"
	"errors"
	"time"

	"github.com/medspa/engine/internal/clock"
	"github.com/medspa/engine/internal/wait"
	"github.com/medspa/engine/persistence"
)

// committer turns many concurrent single commits into few store
// transactions (group commit). Each lead actor blocks on its own commit while
// others queue behind the transaction in flight; when it finishes, everything
// that queued meanwhile goes into the next one.
type committer struct {
	store    batchStore
	reqs     chan commitReq
	maxBatch int
	batches  func(n int, took time.Duration) // observes each batch: its size and how long Apply took
}

type commitReq struct {
	ctx    context.Context
	commit persistence.Commit
	done   chan error
}

// batchStore writes batches of commits (persistence.Store.Apply).
type batchStore interface {
	Apply(ctx context.Context, commits []persistence.Commit) ([]error, error)
}

func newCommitter(store batchStore, workers, maxBatch int, observe func(int, time.Duration)) *committer {
	c := &committer{store: store, reqs: make(chan commitReq, maxBatch*workers), maxBatch: maxBatch, batches: observe}
	return c
}

// run applies batches until ctx ends. Several runs may share one committer.
func (c *committer) run(ctx context.Context) {
	batch := make([]commitReq, 0, c.maxBatch)
	commits := make([]persistence.Commit, 0, c.maxBatch)
	for {
		batch, commits = batch[:0], commits[:0]
		select {
		case r := <-c.reqs:
			batch = append(batch, r)
		case <-ctx.Done():
			return
		}
		batch = wait.Gather(c.reqs, batch, c.maxBatch)
		live := batch[:0]
		for _, r := range batch {
			if r.ctx.Err() != nil {
				r.done <- r.ctx.Err()
				continue
			}
			live = append(live, r)
			commits = append(commits, r.commit)
		}
		if len(live) == 0 {
			continue
		}
		began := clock.Start()
		results, err := c.store.Apply(ctx, commits)
		if c.batches != nil {
			c.batches(len(live), began.Elapsed())
		}
		if errors.Is(err, persistence.ErrRejected) && len(live) > 1 {
			// One commit the store refuses fails the whole transaction:
			// apply each alone, so that only that one fails.
			for i, r := range live {
				res, err := c.store.Apply(ctx, commits[i:i+1])
				if err == nil {
					err = res[0]
				}
				r.done <- err
			}
			continue
		}
		for i, r := range live {
			if err != nil {
				r.done <- err
			} else {
				r.done <- results[i]
			}
		}
	}
}

// commit applies one commit and waits for its result: nil,
// persistence.ErrDuplicate, persistence.ErrVersionConflict, an error
// wrapping persistence.ErrRejected (this commit, not another of its batch,
// is refused), or a transient error.
func (c *committer) commit(ctx context.Context, cm persistence.Commit) error {
	done := make(chan error, 1)
	select {
	case c.reqs <- commitReq{ctx: ctx, commit: cm, done: done}:
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}
