package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/medspa/engine/persistence"
)

// ConversationsByPhase counts the stored conversations of every clinic by
// phase, ordered by clinic and phase. It reads the conversations_phase
// index (clinic_id, phase, ...), not the rows.
func (s *Store) ConversationsByPhase(ctx context.Context) ([]persistence.PhaseCount, error) {
	rows, err := s.pool.Query(ctx, `SELECT clinic_id, phase, count(*) FROM conversations
		GROUP BY clinic_id, phase ORDER BY clinic_id, phase`)
	if err != nil {
		return nil, fmt.Errorf("conversations by phase: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (persistence.PhaseCount, error) {
		var c persistence.PhaseCount
		err := r.Scan(&c.ClinicID, &c.Phase, &c.N)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("conversations by phase: %w", err)
	}
	return out, nil
}
