package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/medspa/engine/persistence"
	"github.com/medspa/engine/persistence/internal/normalize"
)

// defaultTimerLimit is DueTimers' page size when limit <= 0.
const defaultTimerLimit = 100

const timerColumns = "clinic_id, lead_id, id, kind, due_at, payload"

func scanTimer(row scanner) (persistence.Timer, error) {
	var tm persistence.Timer
	var due int64
	err := row.Scan(&tm.ClinicID, &tm.LeadID, &tm.ID, &tm.Kind, &due, &tm.Payload)
	tm.DueAt = micros(due)
	return tm, err
}

// DueTimers returns up to limit timers due at or before t, earliest first.
func (s *Store) DueTimers(ctx context.Context, t time.Time, limit int) ([]persistence.Timer, error) {
	if limit <= 0 {
		limit = defaultTimerLimit
	}
	return queryAll(ctx, s.r, "due timers", scanTimer, "SELECT "+timerColumns+` FROM timers
		WHERE due_at <= ? ORDER BY due_at, clinic_id, lead_id, id LIMIT ?`, t.UnixMicro(), limit)
}

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

// LeadTimers returns a conversation's pending timers, earliest first.
func (s *Store) LeadTimers(ctx context.Context, clinicID, leadID string) ([]persistence.Timer, error) {
	return queryAll(ctx, s.r, "lead timers", scanTimer, "SELECT "+timerColumns+` FROM timers
		WHERE clinic_id = ? AND lead_id = ? ORDER BY due_at, id`, clinicID, leadID)
}
