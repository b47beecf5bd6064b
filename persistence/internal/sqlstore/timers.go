package sqlstore

import (
	"context"
	"time"

	"github.com/medspa/engine/persistence"
)

// defaultTimerLimit is DueTimers' page size when limit <= 0.
const defaultTimerLimit = 100

const timerColumns = "clinic_id, lead_id, id, kind, due_at, payload"

func scanTimer(row Row) (persistence.Timer, error) {
	var tm persistence.Timer
	err := row.Scan(&tm.ClinicID, &tm.LeadID, &tm.ID, &tm.Kind, asTime(&tm.DueAt), &tm.Payload)
	return tm, err
}

// DueTimers returns up to limit timers due at or before t, earliest first.
func (s Store) DueTimers(ctx context.Context, t time.Time, limit int) ([]persistence.Timer, error) {
	if limit <= 0 {
		limit = defaultTimerLimit
	}
	return all(ctx, s.DB, "due timers", scanTimer, "SELECT "+timerColumns+` FROM timers
		WHERE due_at <= $1 ORDER BY due_at, clinic_id, lead_id, id LIMIT $2`, t, limit)
}

// LeadTimers returns a conversation's pending timers, earliest first.
func (s Store) LeadTimers(ctx context.Context, clinicID, leadID string) ([]persistence.Timer, error) {
	return all(ctx, s.DB, "lead timers", scanTimer, "SELECT "+timerColumns+` FROM timers
		WHERE clinic_id = $1 AND lead_id = $2 ORDER BY due_at, id`, clinicID, leadID)
}
