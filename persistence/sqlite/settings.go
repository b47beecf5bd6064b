package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/medspa/engine/persistence"
	"github.com/medspa/engine/persistence/internal/normalize"
)

const settingsColumns = "clinic_id, version, settings, updated_at, updated_by"

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
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO clinic_settings (`+settingsColumns+`)
		VALUES (?, 1, ?, ?, ?) ON CONFLICT (clinic_id) DO NOTHING`)
	if err != nil {
		return 0, fmt.Errorf("seed clinic settings: %w", err)
	}
	defer stmt.Close()
	now := s.now()
	stored := 0
	for _, c := range seeds {
		res, err := stmt.ExecContext(ctx, c.ClinicID, nonNil(c.Settings), normalize.Time(c.UpdatedAt, now).UnixMicro(), normalize.Text(c.UpdatedBy))
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
	at := normalize.Time(c.UpdatedAt, s.now()).UnixMicro()
	res, err := s.w.ExecContext(ctx, `UPDATE clinic_settings SET version = version + 1, settings = ?, updated_at = ?, updated_by = ?
		WHERE clinic_id = ? AND version = ?`, nonNil(c.Settings), at, normalize.Text(c.UpdatedBy), c.ClinicID, c.Version)
	if err != nil {
		return fmt.Errorf("save clinic settings: %w", err)
	}
	n, err := res.RowsAffected()
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

// LoadClinicSettings returns a clinic's settings with their stored version,
// or persistence.ErrNotFound.
func (s *Store) LoadClinicSettings(ctx context.Context, clinicID string) (persistence.ClinicSettings, error) {
	row := s.r.QueryRowContext(ctx, "SELECT "+settingsColumns+" FROM clinic_settings WHERE clinic_id = ?", clinicID)
	c, err := scanClinicSettings(row)
	if errors.Is(err, sql.ErrNoRows) {
		return persistence.ClinicSettings{}, persistence.ErrNotFound
	}
	if err != nil {
		return persistence.ClinicSettings{}, fmt.Errorf("load clinic settings: %w", err)
	}
	return c, nil
}

// ListClinicSettings returns every clinic's settings, ordered by clinic id.
func (s *Store) ListClinicSettings(ctx context.Context) ([]persistence.ClinicSettings, error) {
	return queryAll(ctx, s.r, "list clinic settings", scanClinicSettings, "SELECT "+settingsColumns+" FROM clinic_settings ORDER BY clinic_id")
}

func scanClinicSettings(row scanner) (persistence.ClinicSettings, error) {
	var c persistence.ClinicSettings
	var at int64
	err := row.Scan(&c.ClinicID, &c.Version, &c.Settings, &at, &c.UpdatedBy)
	c.UpdatedAt = micros(at)
	return c, err
}
