package sqlite

import (
	"context"
	"fmt"

	"github.com/medspa/engine/persistence"
	"github.com/medspa/engine/persistence/internal/normalize"
	"github.com/medspa/engine/persistence/internal/sqlstore"
)

// SeedClinicSettings stores each clinic's settings as version 1 unless the
// clinic has settings already, in one transaction, and returns how many it
// stored. Of one clinic listed twice, the first is stored.
func (s *Store) SeedClinicSettings(ctx context.Context, seeds []persistence.ClinicSettings) (int, error) {
	if len(seeds) == 0 {
		return 0, nil
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("seed clinic settings: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // no-op after commit
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO clinic_settings (`+sqlstore.SettingsColumns+`)
		VALUES (?, 1, ?, ?, ?) ON CONFLICT (clinic_id) DO NOTHING`)
	if err != nil {
		return 0, fmt.Errorf("seed clinic settings: %w", err)
	}
	defer stmt.Close()
	now := s.now()
	stored := 0
	for _, c := range seeds {
		res, err := stmt.ExecContext(ctx, c.ClinicID, normalize.Bytes(c.Settings), normalize.Time(c.UpdatedAt, now).UnixMicro(), normalize.Text(c.UpdatedBy))
		if err != nil {
			return 0, fmt.Errorf("seed clinic settings: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return 0, fmt.Errorf("seed clinic settings: %w", err)
		}
		stored += int(n)
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("seed clinic settings: %w", err)
	}
	return stored, nil
}

// SaveClinicSettings replaces a clinic's settings if the stored version is
// c.Version, which becomes c.Version+1; persistence.ErrNotFound when the
// clinic has no settings, persistence.ErrVersionConflict when the version
// is not the stored one.
func (s *Store) SaveClinicSettings(ctx context.Context, c persistence.ClinicSettings) error {
	n, err := s.DB.Exec(ctx, `UPDATE clinic_settings SET version = version + 1, settings = $3, updated_at = $4, updated_by = $5
		WHERE clinic_id = $1 AND version = $2`,
		c.ClinicID, c.Version, normalize.Bytes(c.Settings), normalize.Time(c.UpdatedAt, s.now()), normalize.Text(c.UpdatedBy))
	if err != nil {
		return fmt.Errorf("save clinic settings: %w", err)
	}
	if n > 0 {
		return nil
	}
	// Settings are never deleted, so a clinic seen here had settings when
	// the update missed: its version was not the expected one.
	var exists bool
	err = s.r.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM clinic_settings WHERE clinic_id = ?)", c.ClinicID).Scan(&exists)
	if err != nil {
		return fmt.Errorf("save clinic settings: %w", err)
	}
	if !exists {
		return persistence.ErrNotFound
	}
	return persistence.ErrVersionConflict
}
