package postgres

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
	n := len(fired)
	clinic, lead, id := make([]string, n), make([]string, n), make([]string, n)
	due := make([]time.Time, n)
	for i, tm := range fired {
		clinic[i], lead[i], id[i] = tm.ClinicID, tm.LeadID, tm.ID
		due[i] = normalize.Time(tm.DueAt, time.Time{})
	}
	_, err := s.pool.Exec(ctx, `DELETE FROM timers USING unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[]) AS u(clinic_id, lead_id, id, due_at)
		WHERE timers.clinic_id = u.clinic_id AND timers.lead_id = u.lead_id AND timers.id = u.id AND timers.due_at = u.due_at`,
		clinic, lead, id, due)
	if err != nil {
		return fmt.Errorf("delete timers: %w", err)
	}
	return nil
}
