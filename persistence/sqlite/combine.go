package sqlite

import (
	"context"
	"fmt"
	"sync"
)

// The store's frequent writes (Apply, RecordSends, MarkPublished) come from
// different roles at once: the engine's committers, the sender, the outbox
// relay. SQLite has one writer and every transaction ends with an fsync of
// the WAL, so each of them taking the writer in turn costs a sync apiece.
// combiner puts whatever writes are waiting when the writer comes free into
// one transaction: one sync for all of them (group commit across roles).
//
// There is no goroutine of its own: the first caller to find no round
// running leads one; callers arriving meanwhile queue, and when the round
// ends the first of them leads the next, with everything queued by then.
type combiner struct {
	mu      sync.Mutex
	queue   []*writeJob
	leading bool
}

// writeJob is one caller's writes. fn may run more than once (alone, after
// a combined round failed) and must keep no effect of an earlier run.
type writeJob struct {
	ctx  context.Context
	fn   func(ctx context.Context, tx execer) error
	done chan error    // the job's outcome
	lead chan struct{} // this caller leads the next round
}

// write runs fn in a write transaction, shared with other writes waiting
// at the same time. fn's error fails that transaction: the writes of the
// round are then tried again each in a transaction of its own, so only the
// failing one fails.
func (s *Store) write(ctx context.Context, fn func(ctx context.Context, tx execer) error) error {
	j := &writeJob{ctx: ctx, fn: fn, done: make(chan error, 1), lead: make(chan struct{}, 1)}
	c := &s.comb
	c.mu.Lock()
	c.queue = append(c.queue, j)
	if !c.leading {
		c.leading = true
		j.lead <- struct{}{}
	}
	c.mu.Unlock()
	select {
	case err := <-j.done:
		return err
	case <-j.lead:
	}
	c.mu.Lock()
	jobs := c.queue
	c.queue = nil
	c.mu.Unlock()
	s.round(jobs) // j is among them
	c.mu.Lock()
	if len(c.queue) > 0 {
		c.queue[0].lead <- struct{}{}
	} else {
		c.leading = false
	}
	c.mu.Unlock()
	return <-j.done
}

// round runs jobs in one transaction, or each alone when that fails.
func (s *Store) round(jobs []*writeJob) {
	live := jobs[:0:0]
	for _, j := range jobs {
		if err := j.ctx.Err(); err != nil {
			j.done <- err
			continue
		}
		live = append(live, j)
	}
	switch len(live) {
	case 0:
		return
	case 1:
		live[0].done <- s.runTx(live)
		return
	}
	if err := s.runTx(live); err == nil {
		for _, j := range live {
			j.done <- nil
		}
		return
	}
	for _, j := range live {
		if err := j.ctx.Err(); err != nil {
			j.done <- err
			continue
		}
		j.done <- s.runTx([]*writeJob{j})
	}
}

// runTx runs jobs in one transaction on the writer.
func (s *Store) runTx(jobs []*writeJob) error {
	// The transaction outlives any one caller's context: each job's
	// statements run on its own.
	ctx := context.WithoutCancel(jobs[0].ctx)
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // no-op after commit
	ptx := preparedTx{tx: tx, cache: s.stmts}
	for _, j := range jobs {
		if err := j.fn(j.ctx, ptx); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	s.stmts.prepareMissing(ctx)
	return nil
}
