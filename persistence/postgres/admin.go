package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/medspa/engine/persistence"
	"github.com/medspa/engine/persistence/internal/normalize"
)

// UpdateAdminRecordStatus sets a record's status and detail as of at,
// unless the record was updated later than at.
func (s *Store) UpdateAdminRecordStatus(ctx context.Context, kind, externalID, status, detail string, at time.Time) error {
	if externalID == "" {
		return persistence.ErrNotFound
	}
	// One statement: the update, or whether the record exists at all.
	var updated, exists bool
	err := s.pool.QueryRow(ctx, `WITH u AS (
			UPDATE admin_records SET status = $3, detail = $4, updated_at = $5
			WHERE kind = $1 AND external_id = $2 AND updated_at <= $5
			RETURNING 1)
		SELECT EXISTS (SELECT 1 FROM u),
			EXISTS (SELECT 1 FROM admin_records WHERE kind = $1 AND external_id = $2)`,
		kind, externalID, status, detail, normalize.Time(at, s.now())).Scan(&updated, &exists)
	if err != nil {
		return fmt.Errorf("update admin record: %w", err)
	}
	if !updated && !exists {
		return persistence.ErrNotFound
	}
	return nil // updated, or a later update is stored already
}
