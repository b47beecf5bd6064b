package postgres

import (
	"context"

	"github.com/medspa/engine/persistence"
	"github.com/medspa/engine/persistence/internal/sqlstore"
)

// ReadConversation returns the staff's read model of a conversation.
func (s *Store) ReadConversation(ctx context.Context, clinicID, leadID string, transcriptLimit int) (persistence.ConversationRecord, error) {
	return sqlstore.ReadConversation(ctx, s.DB, clinicID, leadID, transcriptLimit)
}
