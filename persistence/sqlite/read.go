package sqlite

import (
	"context"
	"fmt"

	"github.com/medspa/engine/persistence"
	"github.com/medspa/engine/persistence/internal/sqlstore"
)

// ReadConversation returns the staff's read model of a conversation, read
// in one read transaction: in WAL mode it sees the database as of its first
// read throughout, so that every part of the record is of the same moment.
func (s *Store) ReadConversation(ctx context.Context, clinicID, leadID string, transcriptLimit int) (persistence.ConversationRecord, error) {
	tx, err := s.r.BeginTx(ctx, nil)
	if err != nil {
		return persistence.ConversationRecord{}, fmt.Errorf("read conversation: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // no-op after commit
	rec, err := sqlstore.ReadConversation(ctx, liteDB{r: tx}, clinicID, leadID, transcriptLimit)
	if err != nil {
		return persistence.ConversationRecord{}, err
	}
	if err := tx.Commit(); err != nil {
		return persistence.ConversationRecord{}, fmt.Errorf("read conversation: %w", err)
	}
	return rec, nil
}
