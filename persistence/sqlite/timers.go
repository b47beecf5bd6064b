package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/medspa/engine/persistence"
	"github.com/medspa/engine/persistence/internal/normalize"
)

// DeleteTimers deletes each fired timer that is still due when it was.
func (s *Store) DeleteTimers(ctx context.Context, fired []persistence.Timer) error {
	if len(fired) == 0 {
		return nil
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("delete timers: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // no-op after commit
	stmt, err := tx.PrepareContext(ctx, "DELETE FROM timers WHERE clinic_id = ? AND lead_id = ? AND id = ? AND due_at = ?")
	if err != nil {
		return fmt.Errorf("delete timers: %w", err)
	}
	defer stmt.Close()
	for _, tm := range fired {
		due := normalize.Time(tm.DueAt, time.Time{}).UnixMicro()
		if _, err := stmt.ExecContext(ctx, tm.ClinicID, tm.LeadID, tm.ID, due); err != nil {
			return fmt.Errorf("delete timers: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("delete timers: %w", err)
	}
	return nil
}
