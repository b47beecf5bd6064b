package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/medspa/engine/persistence"
	"github.com/medspa/engine/persistence/internal/normalize"
)

var _ persistence.BulkLoader = (*Store)(nil)

// The statements of a bulk load: single-row INSERTs, which SQLite runs
// without the statement journal a multi-row INSERT keeps to undo itself.
const (
	bulkSnapshot = `INSERT INTO conversations (clinic_id, lead_id, phone, name, phase, has_booking, version, state, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?)`
	bulkDedupKey   = "INSERT INTO applied_messages (dedup_key, clinic_id, lead_id, applied_at) VALUES (?, ?, ?, ?)"
	bulkTranscript = "INSERT INTO transcript (id, clinic_id, lead_id, direction, author, text, at) VALUES (?, ?, ?, ?, ?, ?, ?)"
)

// BulkLoad writes new conversations, their dedup keys and transcripts in one
// transaction, through INSERTs prepared once per load. The rows are those
// Apply writes for the same commits. A conversation or dedup key that is
// stored already fails the load, which then writes nothing.
//
// Conversations are written in key order: lead ids are hashes, so in the
// order given every row would land on a random page of the conversation
// and transcript indexes, and the small page cache would write and read
// back each page many times; in key order a load sweeps each index once.
func (s *Store) BulkLoad(ctx context.Context, commits []persistence.Commit) error {
	if len(commits) == 0 {
		return nil
	}
	now := s.now()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("bulk load: begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // no-op after commit
	var st [3]*sql.Stmt
	for i, q := range []string{bulkSnapshot, bulkDedupKey, bulkTranscript} {
		if st[i], err = tx.PrepareContext(ctx, q); err != nil {
			return fmt.Errorf("bulk load: prepare: %w", err)
		}
		defer st[i].Close()
	}
	snapshot, dedupKey, transcript := st[0], st[1], st[2]
	for _, i := range keyOrder(commits) {
		c := commits[i]
		if v := c.Snapshot.Version; v != 0 {
			return fmt.Errorf("bulk load commit %d: snapshot version %d, want 0", i, v)
		}
		c = normalize.Commit(c, now)
		sn := c.Snapshot
		if _, err := snapshot.ExecContext(ctx, sn.ClinicID, sn.LeadID, sn.Phone, sn.Name, sn.Phase, sn.HasBooking, sn.State,
			sn.CreatedAt.UnixMicro(), sn.UpdatedAt.UnixMicro()); err != nil {
			return fmt.Errorf("bulk load commit %d: write snapshot: %w", i, err)
		}
		if c.DedupKey != "" {
			if _, err := dedupKey.ExecContext(ctx, c.DedupKey, sn.ClinicID, sn.LeadID, sn.UpdatedAt.UnixMicro()); err != nil {
				return fmt.Errorf("bulk load commit %d: record dedup key: %w", i, err)
			}
		}
		for _, e := range c.Transcript {
			if _, err := transcript.ExecContext(ctx, e.ID, sn.ClinicID, sn.LeadID, e.Direction, e.Author, e.Text, e.At.UnixMicro()); err != nil {
				return fmt.Errorf("bulk load commit %d: write transcript: %w", i, err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("bulk load: commit: %w", err)
	}
	return nil
}

// keyOrder returns the indexes of commits ordered by conversation key.
func keyOrder(commits []persistence.Commit) []int {
	order := make([]int, len(commits))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		x, y := &commits[a].Snapshot, &commits[b].Snapshot
		return cmp.Or(strings.Compare(x.ClinicID, y.ClinicID), strings.Compare(x.LeadID, y.LeadID))
	})
	return order
}
