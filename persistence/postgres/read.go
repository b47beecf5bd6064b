package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/medspa/engine/persistence"
	"github.com/medspa/engine/persistence/internal/sqlstore"
)

// readOnly is the transaction of ReadConversation: one snapshot of the
// database for all its reads.
var readOnly = pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}

// ReadConversation returns the staff's read model of a conversation, read
// in one read-only repeatable-read transaction, so that every part of it is
// of the same moment.
func (s *Store) ReadConversation(ctx context.Context, clinicID, leadID string, transcriptLimit int) (persistence.ConversationRecord, error) {
	tx, err := s.pool.BeginTx(ctx, readOnly)
	if err != nil {
		return persistence.ConversationRecord{}, fmt.Errorf("read conversation: %w", err)
	}
	defer tx.Rollback(context.Background()) //nolint:errcheck // no-op after commit
	rec, err := sqlstore.ReadConversation(ctx, pgDB{tx}, clinicID, leadID, transcriptLimit)
	if err != nil {
		return persistence.ConversationRecord{}, err
	}
	if err := tx.Commit(ctx); err != nil {
		return persistence.ConversationRecord{}, fmt.Errorf("read conversation: %w", err)
	}
	return rec, nil
}
