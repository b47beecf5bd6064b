package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/medspa/engine/persistence"
	"github.com/medspa/engine/persistence/internal/normalize"
	"github.com/medspa/engine/persistence/internal/sqlstore"
)

// SeedClinicSettings stores each clinic's settings as version 1 unless the
// clinic has settings already, in one statement, and returns how many it
// stored. Rows are inserted in clinic id order, so concurrent seeders take
// their locks in one order and cannot deadlock; of one clinic listed twice,
// the first is stored.
func (s *Store) SeedClinicSettings(ctx context.Context, seeds []persistence.ClinicSettings) (int, error) {
	if len(seeds) == 0 {
		return 0, nil
	}
	now := s.now()
	ids := make([]string, len(seeds))
	settings := make([][]byte, len(seeds))
	ats := make([]time.Time, len(seeds))
	bys := make([]string, len(seeds))
	for i, c := range seeds {
		ids[i], settings[i], ats[i], bys[i] = c.ClinicID, normalize.Bytes(c.Settings), normalize.Time(c.UpdatedAt, now), normalize.Text(c.UpdatedBy)
	}
	tag, err := s.pool.Exec(ctx, `INSERT INTO clinic_settings (`+sqlstore.SettingsColumns+`)
		SELECT u.clinic_id, 1, u.settings, u.updated_at, u.updated_by
		FROM unnest($1::text[], $2::bytea[], $3::timestamptz[], $4::text[])
		     WITH ORDINALITY AS u(clinic_id, settings, updated_at, updated_by, ord)
		ORDER BY u.clinic_id, u.ord
		ON CONFLICT (clinic_id) DO NOTHING`, ids, settings, ats, bys)
	if err != nil {
		return 0, fmt.Errorf("seed clinic settings: %w", err)
	}
	return int(tag.RowsAffected()), nil
}

// SaveClinicSettings replaces a clinic's settings if the stored version is
// c.Version, which becomes c.Version+1; persistence.ErrNotFound when the
// clinic has no settings, persistence.ErrVersionConflict when the version
// is not the stored one.
func (s *Store) SaveClinicSettings(ctx context.Context, c persistence.ClinicSettings) error {
	// One statement: the update, or whether the clinic has settings at all.
	var updated, exists bool
	err := s.pool.QueryRow(ctx, `WITH u AS (
			UPDATE clinic_settings SET version = version + 1, settings = $3, updated_at = $4, updated_by = $5
			WHERE clinic_id = $1 AND version = $2
			RETURNING 1)
		SELECT EXISTS (SELECT 1 FROM u), EXISTS (SELECT 1 FROM clinic_settings WHERE clinic_id = $1)`,
		c.ClinicID, c.Version, normalize.Bytes(c.Settings), normalize.Time(c.UpdatedAt, s.now()), normalize.Text(c.UpdatedBy)).
		Scan(&updated, &exists)
	switch {
	case err != nil:
		return fmt.Errorf("save clinic settings: %w", err)
	case updated:
		return nil
	case !exists:
		return persistence.ErrNotFound
	default:
		return persistence.ErrVersionConflict
	}
}
