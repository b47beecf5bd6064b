package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/medspa/engine/persistence"
	"github.com/medspa/engine/persistence/internal/normalize"
)

// ConsentLedger returns the consent events of a clinic's number, oldest
// first (in the order written when times tie).
func (s *Store) ConsentLedger(ctx context.Context, clinicID, phone string) ([]persistence.ConsentEvent, error) {
	return queryAll(ctx, s.r, "consent ledger", func(row scanner) (persistence.ConsentEvent, error) {
		var e persistence.ConsentEvent
		var at int64
		err := row.Scan(&e.ClinicID, &e.Phone, &at, &e.Kind, &e.Source, &e.Text)
		e.At = micros(at)
		return e, err
	}, `SELECT clinic_id, phone, at, kind, source, text FROM consent_events
		WHERE clinic_id = ? AND phone = ? ORDER BY at, seq`, clinicID, phone)
}

// SaveClinic writes a clinic snapshot if the stored version is c.Version
// (0: none stored); the stored version becomes c.Version+1.
func (s *Store) SaveClinic(ctx context.Context, c persistence.ClinicSnapshot) error {
	at := normalize.Time(c.UpdatedAt, s.now()).UnixMicro()
	state := c.State
	if state == nil {
		state = []byte{}
	}
	var res sql.Result
	var err error
	if c.Version == 0 {
		res, err = s.w.ExecContext(ctx, `INSERT INTO clinics (clinic_id, version, state, updated_at) VALUES (?, 1, ?, ?)
			ON CONFLICT (clinic_id) DO NOTHING`, c.ClinicID, state, at)
	} else {
		res, err = s.w.ExecContext(ctx, `UPDATE clinics SET version = version + 1, state = ?, updated_at = ?
			WHERE clinic_id = ? AND version = ?`, state, at, c.ClinicID, c.Version)
	}
	if err != nil {
		return rejected(fmt.Errorf("save clinic: %w", err))
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("save clinic: %w", err)
	}
	if n == 0 {
		return persistence.ErrVersionConflict
	}
	return nil
}

// LoadClinic returns a clinic snapshot with its stored version, or
// persistence.ErrNotFound.
func (s *Store) LoadClinic(ctx context.Context, clinicID string) (persistence.ClinicSnapshot, error) {
	var c persistence.ClinicSnapshot
	var at int64
	err := s.r.QueryRowContext(ctx, "SELECT clinic_id, version, state, updated_at FROM clinics WHERE clinic_id = ?", clinicID).
		Scan(&c.ClinicID, &c.Version, &c.State, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return persistence.ClinicSnapshot{}, persistence.ErrNotFound
	}
	if err != nil {
		return persistence.ClinicSnapshot{}, fmt.Errorf("load clinic: %w", err)
	}
	c.UpdatedAt = micros(at)
	return c, nil
}
