package postgres

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/medspa/engine/persistence"
	"github.com/medspa/engine/persistence/internal/sqlstore"
)

// takeRate counts a hit in the key's current window: a stored window that
// is not older than this one (the same, or begun by a process whose clock
// runs ahead) counts on while it has room; an older one starts over. No
// row is returned when the window is full.
const takeRate = `INSERT INTO rate_counts AS r (key, window_start, window_end, hits) VALUES ($1, $2, $3, 1)
	ON CONFLICT (key) DO UPDATE SET
		hits = CASE WHEN r.window_start >= EXCLUDED.window_start THEN r.hits + 1 ELSE 1 END,
		window_start = GREATEST(r.window_start, EXCLUDED.window_start),
		window_end = GREATEST(r.window_end, EXCLUDED.window_end)
	WHERE r.window_start < EXCLUDED.window_start OR r.hits < $4
	RETURNING r.hits`

// pruneRates deletes a few counts whose window ended, skipping rows other
// transactions hold, so it never waits.
const pruneRates = `DELETE FROM rate_counts WHERE key IN (
	SELECT key FROM rate_counts WHERE window_end < $1 ORDER BY window_end LIMIT 10 FOR UPDATE SKIP LOCKED)`

// TakeRate counts one hit against every check, all or nothing, in one
// transaction. Keys are taken in sorted order, so concurrent takers lock
// them in one order and cannot deadlock.
func (s *Store) TakeRate(ctx context.Context, at time.Time, checks []persistence.RateCheck) (persistence.RateResult, error) {
	if err := persistence.ValidateRateChecks(checks); err != nil {
		return persistence.RateResult{}, err
	}
	order := make([]int, len(checks))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return checks[order[a]].Key < checks[order[b]].Key })
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return persistence.RateResult{}, fmt.Errorf("take rate: %w", err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // no-op after commit
	for _, i := range order {
		c := checks[i]
		start, end := persistence.RateWindow(at, c.Window)
		var hits int
		err := tx.QueryRow(ctx, takeRate, c.Key, start, end, c.Max).Scan(&hits)
		if errors.Is(err, pgx.ErrNoRows) {
			_ = tx.Rollback(ctx)
			return s.fullCheck(ctx, at, checks, i)
		}
		if err != nil {
			return persistence.RateResult{}, fmt.Errorf("take rate: %w", err)
		}
	}
	if _, err := tx.Exec(ctx, pruneRates, at.UTC()); err != nil {
		return persistence.RateResult{}, fmt.Errorf("take rate: prune: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return persistence.RateResult{}, fmt.Errorf("take rate: %w", err)
	}
	return persistence.RateResult{OK: true}, nil
}

// fullCheck answers a refused take: the first check, in the order given,
// whose window is full now (found is the one the take ran into, answered
// when the counts moved on meanwhile).
func (s *Store) fullCheck(ctx context.Context, at time.Time, checks []persistence.RateCheck, found int) (persistence.RateResult, error) {
	counts, err := s.RateCounts(ctx, checks)
	if err != nil {
		return persistence.RateResult{}, fmt.Errorf("take rate: %w", err)
	}
	if r, full := sqlstore.FirstFull(at, checks, counts); full {
		return r, nil
	}
	_, end := persistence.RateWindow(at, checks[found].Window)
	if n, ok := counts[checks[found].Key]; ok && n.End.After(end) {
		end = n.End
	}
	return persistence.RateResult{Full: found, Until: end}, nil
}
