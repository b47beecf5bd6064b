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
//
// Every web lead takes the same global and clinic keys, so their rows are
// hot: each take holds their locks until it commits, and takes queue
// behind one another. The statements go in one round trip (a batch), and
// the commit does not wait for the WAL to reach the disk
// (synchronous_commit off for this transaction only): a crash may forget
// the hits of the last fraction of a second, which at worst lets a few
// more requests through, while the locks are held for two round trips
// instead of five and an fsync.
//
// At most maxConcurrentTakes takes run at once; the others wait here, not
// in the database: a take waiting for a hot row's lock holds one of the
// pool's connections, and a burst of web leads would otherwise hold all of
// them while the engine's commits and the sender wait for one.
func (s *Store) TakeRate(ctx context.Context, at time.Time, checks []persistence.RateCheck) (persistence.RateResult, error) {
	if err := persistence.ValidateRateChecks(checks); err != nil {
		return persistence.RateResult{}, err
	}
	select {
	case s.takes <- struct{}{}:
		defer func() { <-s.takes }()
	case <-ctx.Done():
		return persistence.RateResult{}, fmt.Errorf("take rate: %w", ctx.Err())
	}
	order := make([]int, len(checks))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return checks[order[a]].Key < checks[order[b]].Key })
	full := -1
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		b.Queue("SET LOCAL synchronous_commit TO OFF")
		for _, i := range order {
			c := checks[i]
			start, end := persistence.RateWindow(at, c.Window)
			b.Queue(takeRate, c.Key, start, end, c.Max)
		}
		// Last, and skipping rows others hold: a prune that locked an
		// ended window another take is about to start again, before
		// taking its own keys, could deadlock with that take.
		b.Queue(pruneRates, at.UTC())
		br := tx.SendBatch(ctx, b)
		defer br.Close()
		if _, err := br.Exec(); err != nil {
			return fmt.Errorf("asynchronous commit: %w", err)
		}
		for _, i := range order {
			var hits int
			err := br.QueryRow().Scan(&hits)
			if errors.Is(err, pgx.ErrNoRows) {
				full = i
				return errRateFull
			}
			if err != nil {
				return err
			}
		}
		if _, err := br.Exec(); err != nil {
			return fmt.Errorf("prune: %w", err)
		}
		return br.Close()
	})
	if full >= 0 {
		return s.fullCheck(ctx, at, checks, full)
	}
	if err != nil {
		return persistence.RateResult{}, fmt.Errorf("take rate: %w", err)
	}
	return persistence.RateResult{OK: true}, nil
}

// maxConcurrentTakes bounds the rate takes in the database at once. Takes
// of web leads share their global and clinic keys and so run one after
// another whatever their number; a few keep the next one ready.
const maxConcurrentTakes = 4

// errRateFull rolls back a take that ran into a full window.
var errRateFull = errors.New("rate window full")

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
