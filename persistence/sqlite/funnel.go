package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/medspa/engine/persistence"
	"github.com/medspa/engine/persistence/internal/normalize"
)

// FunnelStages returns the funnel rows of the clinic's conversations
// created in [from, to), ordered by lead and time.
func (s *Store) FunnelStages(ctx context.Context, clinicID string, from, to time.Time) ([]persistence.FunnelStage, error) {
	from, to = normalize.Time(from, from), normalize.Time(to, to)
	rows, err := s.r.QueryContext(ctx, `SELECT f.clinic_id, f.lead_id, f.stage, f.ref, f.at, f.amount_cents, f.source, f.utm_source, f.utm_campaign
		FROM funnel_stages f
		JOIN funnel_stages c ON c.clinic_id = f.clinic_id AND c.lead_id = f.lead_id AND c.stage = 'created' AND c.ref = ''
		WHERE c.clinic_id = ? AND c.at >= ? AND c.at < ?
		ORDER BY f.lead_id, f.at, f.stage, f.ref`, clinicID, from.UnixMicro(), to.UnixMicro())
	if err != nil {
		return nil, fmt.Errorf("funnel stages: %w", err)
	}
	defer rows.Close()
	var out []persistence.FunnelStage
	for rows.Next() {
		var f persistence.FunnelStage
		var at int64
		if err := rows.Scan(&f.ClinicID, &f.LeadID, &f.Stage, &f.Ref, &at, &f.AmountCents, &f.Source, &f.UTMSource, &f.UTMCampaign); err != nil {
			return nil, fmt.Errorf("funnel stages: %w", err)
		}
		f.At = micros(at)
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("funnel stages: %w", err)
	}
	return out, nil
}
