package sqlite

import (
	"context"

	"github.com/medspa/engine/persistence"
)

// ConversationsByPhase counts the stored conversations of every clinic by
// phase, ordered by clinic and phase. It reads the conversations_phase
// index (clinic_id, phase, ...), not the rows.
func (s *Store) ConversationsByPhase(ctx context.Context) ([]persistence.PhaseCount, error) {
	return queryAll(ctx, s.r, "conversations by phase", func(row scanner) (persistence.PhaseCount, error) {
		var c persistence.PhaseCount
		err := row.Scan(&c.ClinicID, &c.Phase, &c.N)
		return c, err
	}, `SELECT clinic_id, phase, count(*) FROM conversations GROUP BY clinic_id, phase ORDER BY clinic_id, phase`)
}
