package sqlstore

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/medspa/engine/persistence"
)

// RateCount is the stored count of a rate key: its window and hits.
type RateCount struct {
	Start, End time.Time
	Hits       int
}

// RateCounts reads the stored counts of the checks' keys, by key.
func (s Store) RateCounts(ctx context.Context, checks []persistence.RateCheck) (map[string]RateCount, error) {
	args := make([]any, len(checks))
	ps := make([]string, len(checks))
	for i, c := range checks {
		args[i], ps[i] = c.Key, "$"+strconv.Itoa(i+1)
	}
	type keyed struct {
		key string
		RateCount
	}
	rows, err := all(ctx, s.DB, "rate counts", func(row Row) (keyed, error) {
		var k keyed
		err := row.Scan(&k.key, asTime(&k.Start), asTime(&k.End), &k.Hits)
		return k, err
	}, `SELECT key, window_start, window_end, hits FROM rate_counts WHERE key IN (`+strings.Join(ps, ", ")+`)`, args...)
	if err != nil {
		return nil, err
	}
	counts := make(map[string]RateCount, len(rows))
	for _, r := range rows {
		counts[r.key] = r.RateCount
	}
	return counts, nil
}

// FirstFull returns the first check, in the order given, whose current
// window at at is full by counts, and when that window ends; ok is false
// when every check has room.
func FirstFull(at time.Time, checks []persistence.RateCheck, counts map[string]RateCount) (r persistence.RateResult, ok bool) {
	for i, c := range checks {
		start, _ := persistence.RateWindow(at, c.Window)
		if n, stored := counts[c.Key]; stored && !n.Start.Before(start) && n.Hits >= c.Max {
			return persistence.RateResult{Full: i, Until: n.End}, true
		}
	}
	return persistence.RateResult{}, false
}

// PeekRate reports whether a take of checks at at would be refused,
// counting nothing.
func (s Store) PeekRate(ctx context.Context, at time.Time, checks []persistence.RateCheck) (persistence.RateResult, error) {
	if err := persistence.ValidateRateChecks(checks); err != nil {
		return persistence.RateResult{}, err
	}
	counts, err := s.RateCounts(ctx, checks)
	if err != nil {
		return persistence.RateResult{}, fmt.Errorf("peek rate: %w", err)
	}
	if r, full := FirstFull(at, checks, counts); full {
		return r, nil
	}
	return persistence.RateResult{OK: true}, nil
}
