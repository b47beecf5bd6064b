package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/medspa/engine/persistence"
	"github.com/medspa/engine/persistence/internal/normalize"
)

// defaultTimerLimit is DueTimers' page size when limit <= 0.
const defaultTimerLimit = 100

const timerColumns = "clinic_id, lead_id, id, kind, due_at, payload"

func scanTimer(r pgx.CollectableRow) (persistence.Timer, error) {
	var tm persistence.Timer
	err := r.Scan(&tm.ClinicID, &tm.LeadID, &tm.ID, &tm.Kind, &tm.DueAt, &tm.Payload)
	tm.DueAt = tm.DueAt.UTC()
	return tm, err
}

// DueTimers returns up to limit timers due at or before t, earliest first.
func (s *Store) DueTimers(ctx context.Context, t time.Time, limit int) ([]persistence.Timer, error) {
	if limit <= 0 {
		limit = defaultTimerLimit
	}
	rows, err := s.pool.Query(ctx, "SELECT "+timerColumns+` FROM timers
		WHERE due_at <= $1 ORDER BY due_at, clinic_id, lead_id, id LIMIT $2`, t, limit)
	if err != nil {
		return nil, fmt.Errorf("due timers: %w", err)
	}
	out, err := pgx.CollectRows(rows, scanTimer)
	if err != nil {
		return nil, fmt.Errorf("due timers: %w", err)
	}
	return out, nil
}

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

// LeadTimers returns a conversation's pending timers, earliest first.
func (s *Store) LeadTimers(ctx context.Context, clinicID, leadID string) ([]persistence.Timer, error) {
	rows, err := s.pool.Query(ctx, "SELECT "+timerColumns+` FROM timers
		WHERE clinic_id = $1 AND lead_id = $2 ORDER BY due_at, id`, clinicID, leadID)
	if err != nil {
		return nil, fmt.Errorf("lead timers: %w", err)
	}
	out, err := pgx.CollectRows(rows, scanTimer)
	if err != nil {
		return nil, fmt.Errorf("lead timers: %w", err)
	}
	return out, nil
}
