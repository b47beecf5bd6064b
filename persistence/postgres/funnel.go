package postgres

import (
	"context"
	"fmt"

	"time"

	"github.com/jackc/pgx/v5"

	"github.com/medspa/engine/persistence"
	"github.com/medspa/engine/persistence/internal/normalize"
)

// FunnelStages returns the funnel rows of the clinic's conversations
// created in [from, to), ordered by lead and time.
func (s *Store) FunnelStages(ctx context.Context, clinicID string, from, to time.Time) ([]persistence.FunnelStage, error) {
	from, to = normalize.Time(from, from), normalize.Time(to, to)
	rows, err := s.pool.Query(ctx, `SELECT f.clinic_id, f.lead_id, f.stage, f.ref, f.at, f.amount_cents, f.source, f.utm_source, f.utm_campaign
		FROM funnel_stages f
		JOIN funnel_stages c ON c.clinic_id = f.clinic_id AND c.lead_id = f.lead_id AND c.stage = 'created' AND c.ref = ''
		WHERE c.clinic_id = $1 AND c.at >= $2 AND c.at < $3
		ORDER BY f.lead_id, f.at, f.stage, f.ref`, clinicID, from, to)
	if err != nil {
		return nil, fmt.Errorf("funnel stages: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (persistence.FunnelStage, error) {
		var f persistence.FunnelStage
		err := r.Scan(&f.ClinicID, &f.LeadID, &f.Stage, &f.Ref, &f.At, &f.AmountCents, &f.Source, &f.UTMSource, &f.UTMCampaign)
		f.At = f.At.UTC()
		return f, err
	})
	if err != nil {
		return nil, fmt.Errorf("funnel stages: %w", err)
	}
	return out, nil
}
