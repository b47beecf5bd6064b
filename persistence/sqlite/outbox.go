package sqlite

import (
	"context"
	"fmt"
	"strings"

	"github.com/medspa/engine/persistence"
	"github.com/medspa/engine/persistence/internal/sqlstore"
)

// MarkPublished deletes the outbox rows with these ids.
func (s *Store) MarkPublished(ctx context.Context, ids []string) error {
	const chunk = 500 // stay far below SQLite's bound-parameter limit
	for len(ids) > 0 {
		n := min(len(ids), chunk)
		args := make([]any, n)
		for i, id := range ids[:n] {
			args[i] = id
		}
		q := "DELETE FROM outbox WHERE id IN (?" + strings.Repeat(", ?", n-1) + ")"
		if err := s.write(ctx, func(ctx context.Context, tx execer) error {
			// Unprepared: one statement per chunk size would fill the cache.
			_, err := tx.(preparedTx).tx.ExecContext(ctx, q, args...)
			return err
		}); err != nil {
			return fmt.Errorf("mark published: %w", err)
		}
		ids = ids[n:]
	}
	return nil
}

// RecordSends stores many send records in one transaction (shared with
// other writes waiting at the same time, combine.go), ignoring those
// already recorded.
func (s *Store) RecordSends(ctx context.Context, sends []persistence.Send) error {
	if len(sends) == 0 {
		return nil
	}
	now := s.now()
	err := s.write(ctx, func(ctx context.Context, tx execer) error {
		for _, send := range sends {
			if _, err := tx.ExecContext(ctx, sqlstore.RecordSendSQL, bind(sqlstore.SendArgs(send, now))...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("record sends: %w", err)
	}
	return nil
}
