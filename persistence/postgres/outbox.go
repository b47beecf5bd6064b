package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/medspa/engine/persistence"
	"github.com/medspa/engine/persistence/internal/sqlstore"
)

// MarkPublished deletes the outbox rows with these ids.
func (s *Store) MarkPublished(ctx context.Context, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	if _, err := s.pool.Exec(ctx, "DELETE FROM outbox WHERE id = ANY($1)", ids); err != nil {
		return fmt.Errorf("mark published: %w", err)
	}
	return nil
}

// RecordSends stores many send records in one round trip: a record in
// flight takes the new one, others already recorded are kept.
func (s *Store) RecordSends(ctx context.Context, sends []persistence.Send) error {
	if len(sends) == 0 {
		return nil
	}
	now := s.now()
	b := &pgx.Batch{}
	for _, send := range sends {
		b.Queue(sqlstore.RecordSendSQL, sqlstore.SendArgs(send, now)...)
	}
	// A batch outside an explicit transaction runs as one implicit one.
	if err := s.pool.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("record sends: %w", err)
	}
	return nil
}
