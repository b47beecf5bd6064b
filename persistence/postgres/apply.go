package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/medspa/engine/persistence"
	"github.com/medspa/engine/persistence/internal/normalize"
)

// outcome is what one commit statement reports.
type outcome struct {
	wrote    bool // the snapshot was written
	recorded bool // the dedup key was recorded
	seen     bool // the dedup key was already applied
}

// Apply writes the batch in one transaction, pipelined in one round trip.
func (s *Store) Apply(ctx context.Context, commits []persistence.Commit) ([]error, error) {
	cs, err := normalize.Commits(commits, s.now())
	if err != nil || len(cs) == 0 {
		return nil, err
	}
	if !s.savepoints {
		results, raced, err := s.applyPipelined(ctx, cs)
		if err != nil || !raced {
			return results, rejected(err)
		}
		s.log.WarnContext(ctx, "apply raced on a dedup key, retrying with savepoints")
	}
	results, err := s.applySavepoints(ctx, cs)
	return results, rejected(err)
}

// applyPipelined sends every commit statement in one batch. raced reports a
// commit whose parts disagreed; the transaction is then rolled back.
func (s *Store) applyPipelined(ctx context.Context, cs []persistence.Commit) (results []error, raced bool, err error) {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return nil, false, fmt.Errorf("apply: begin: %w", err)
	}
	defer tx.Rollback(context.Background()) //nolint:errcheck // no-op after commit

	b := &pgx.Batch{}
	for _, c := range cs {
		queueCommit(b, c)
	}
	outs := make([]outcome, len(cs))
	br := tx.SendBatch(ctx, b)
	for i := range cs {
		if err := br.QueryRow().Scan(&outs[i].wrote, &outs[i].recorded, &outs[i].seen); err != nil {
			br.Close()
			return nil, false, fmt.Errorf("apply commit %d: %w", i, err)
		}
	}
	if err := br.Close(); err != nil {
		return nil, false, fmt.Errorf("apply: %w", err)
	}
	results = make([]error, len(cs))
	for i, o := range outs {
		switch {
		case o.wrote && (o.recorded || cs[i].DedupKey == ""):
		case !o.wrote && !o.recorded:
			results[i] = persistence.ErrVersionConflict
			if o.seen {
				results[i] = persistence.ErrDuplicate
			}
		default:
			return nil, true, nil
		}
	}
	if err := classify(ctx, tx, cs, results); err != nil {
		return nil, false, err
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, false, fmt.Errorf("apply: commit: %w", err)
	}
	return results, false, nil
}

// applySavepoints runs each commit statement inside a savepoint and rolls
// back to it when the commit's parts disagree.
func (s *Store) applySavepoints(ctx context.Context, cs []persistence.Commit) ([]error, error) {
	results := make([]error, len(cs))
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		for i, c := range cs {
			b := &pgx.Batch{}
			b.Queue("SAVEPOINT apply_commit")
			queueCommit(b, c)
			var o outcome
			br := tx.SendBatch(ctx, b)
			_, err := br.Exec()
			if err == nil {
				err = br.QueryRow().Scan(&o.wrote, &o.recorded, &o.seen)
			}
			if cerr := br.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return fmt.Errorf("apply commit %d: %w", i, err)
			}
			end := "RELEASE SAVEPOINT apply_commit"
			switch {
			case o.wrote && (o.recorded || c.DedupKey == ""):
			case o.wrote: // the key was recorded concurrently
				results[i] = persistence.ErrDuplicate
				end = "ROLLBACK TO SAVEPOINT apply_commit; RELEASE SAVEPOINT apply_commit"
			default:
				results[i] = persistence.ErrVersionConflict
				if o.seen {
					results[i] = persistence.ErrDuplicate
				}
			}
			if _, err := tx.Exec(ctx, end); err != nil {
				return fmt.Errorf("apply commit %d: %w", i, err)
			}
		}
		return classify(ctx, tx, cs, results)
	})
	if err != nil {
		return nil, fmt.Errorf("apply: %w", err)
	}
	return results, nil
}

// classify turns a version conflict into a duplicate when the commit's dedup
// key is applied by now: a concurrent transaction applied the same message
// while this one waited for the row.
func classify(ctx context.Context, tx pgx.Tx, cs []persistence.Commit, results []error) error {
	var keys []string
	for i, r := range results {
		if r == persistence.ErrVersionConflict && cs[i].DedupKey != "" {
			keys = append(keys, cs[i].DedupKey)
		}
	}
	if len(keys) == 0 {
		return nil
	}
	rows, err := tx.Query(ctx, "SELECT dedup_key FROM applied_messages WHERE dedup_key = ANY($1)", keys)
	if err != nil {
		return fmt.Errorf("classify conflicts: %w", err)
	}
	applied, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return fmt.Errorf("classify conflicts: %w", err)
	}
	seen := make(map[string]bool, len(applied))
	for _, k := range applied {
		seen[k] = true
	}
	for i, r := range results {
		if r == persistence.ErrVersionConflict && seen[cs[i].DedupKey] {
			results[i] = persistence.ErrDuplicate
		}
	}
	return nil
}
