package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/medspa/engine/persistence"
	"github.com/medspa/engine/persistence/internal/normalize"
)

var _ persistence.BulkLoader = (*Store)(nil)

// BulkLoad writes new conversations, their dedup keys and transcripts in one
// transaction, one COPY per table. The rows are those Apply writes for the
// same commits. A conversation or dedup key that is stored already fails
// the load, which then writes nothing.
func (s *Store) BulkLoad(ctx context.Context, commits []persistence.Commit) error {
	if len(commits) == 0 {
		return nil
	}
	now := s.now()
	snapshots := make([][]any, 0, len(commits))
	var keys, transcript [][]any
	for i, c := range commits {
		if v := c.Snapshot.Version; v != 0 {
			return fmt.Errorf("bulk load commit %d: snapshot version %d, want 0", i, v)
		}
		c = normalize.Commit(c, now)
		sn := c.Snapshot
		snapshots = append(snapshots, []any{sn.ClinicID, sn.LeadID, sn.Phone, sn.Name, sn.Phase, sn.HasBooking, int64(1), sn.State, sn.CreatedAt, sn.UpdatedAt})
		if c.DedupKey != "" {
			keys = append(keys, []any{c.DedupKey, sn.ClinicID, sn.LeadID, sn.UpdatedAt})
		}
		for _, e := range c.Transcript {
			transcript = append(transcript, []any{e.ID, sn.ClinicID, sn.LeadID, e.Direction, e.Author, e.Text, e.At})
		}
	}
	copies := []struct {
		what  string
		table string
		cols  []string
		rows  [][]any
	}{
		{"snapshots", "conversations", []string{"clinic_id", "lead_id", "phone", "name", "phase", "has_booking", "version", "state", "created_at", "updated_at"}, snapshots},
		{"dedup keys", "applied_messages", []string{"dedup_key", "clinic_id", "lead_id", "applied_at"}, keys},
		// seq is generated in row order, which keeps each conversation's
		// entries in the order given.
		{"transcript", "transcript", []string{"id", "clinic_id", "lead_id", "direction", "author", "text", "at"}, transcript},
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		for _, c := range copies {
			if len(c.rows) == 0 {
				continue
			}
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{c.table}, c.cols, pgx.CopyFromRows(c.rows)); err != nil {
				return fmt.Errorf("copy %s: %w", c.what, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("bulk load: %w", err)
	}
	return nil
}
