package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/medspa/engine/persistence"
)

// takeRate counts a hit in the key's current window: a stored window that
// is not older than this one (the same, or begun by a process whose clock
// runs ahead) counts on while it has room; an older one starts over. No
// row is returned when the window is full.
const takeRate = `INSERT INTO rate_counts (key, window_start, window_end, hits) VALUES (?, ?, ?, 1)
	ON CONFLICT (key) DO UPDATE SET
		hits = CASE WHEN rate_counts.window_start >= excluded.window_start THEN rate_counts.hits + 1 ELSE 1 END,
		window_start = MAX(rate_counts.window_start, excluded.window_start),
		window_end = MAX(rate_counts.window_end, excluded.window_end)
	WHERE rate_counts.window_start < excluded.window_start OR rate_counts.hits < ?
	RETURNING hits`

// pruneRates deletes a few counts whose window ended.
const pruneRates = `DELETE FROM rate_counts WHERE key IN (
	SELECT key FROM rate_counts WHERE window_end < ? ORDER BY window_end LIMIT 10)`

// TakeRate counts one hit against every check, all or nothing, in one
// write transaction (SQLite has one writer at a time).
func (s *Store) TakeRate(ctx context.Context, at time.Time, checks []persistence.RateCheck) (persistence.RateResult, error) {
	if err := persistence.ValidateRateChecks(checks); err != nil {
		return persistence.RateResult{}, err
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return persistence.RateResult{}, fmt.Errorf("take rate: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // no-op after commit
	for i, c := range checks {
		start, end := persistence.RateWindow(at, c.Window)
		var hits int
		err := tx.QueryRowContext(ctx, takeRate, c.Key, start.UnixMicro(), end.UnixMicro(), c.Max).Scan(&hits)
		if errors.Is(err, sql.ErrNoRows) {
			// The writer is this transaction's alone: the stored window is
			// the one that refused.
			var until int64
			if err := tx.QueryRowContext(ctx, `SELECT window_end FROM rate_counts WHERE key = ?`, c.Key).Scan(&until); err != nil {
				return persistence.RateResult{}, fmt.Errorf("take rate: %w", err)
			}
			return persistence.RateResult{Full: i, Until: micros(until)}, nil
		}
		if err != nil {
			return persistence.RateResult{}, fmt.Errorf("take rate: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, pruneRates, at.UnixMicro()); err != nil {
		return persistence.RateResult{}, fmt.Errorf("take rate: prune: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return persistence.RateResult{}, fmt.Errorf("take rate: %w", err)
	}
	return persistence.RateResult{OK: true}, nil
}
