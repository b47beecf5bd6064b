package sqlite

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
	n, err := s.DB.Exec(ctx, `UPDATE admin_records SET status = $3, detail = $4, updated_at = $5
		WHERE kind = $1 AND external_id = $2 AND updated_at <= $5`, kind, externalID, status, detail, normalize.Time(at, s.now()))
	if err != nil {
		return fmt.Errorf("update admin record: %w", err)
	}
	if n > 0 {
		return nil
	}
	// Not updated: no such record, or a later update is stored already.
	_, err = s.GetAdminRecord(ctx, kind, externalID)
	return err
}
