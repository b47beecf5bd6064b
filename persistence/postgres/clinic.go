package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/medspa/engine/persistence"
	"github.com/medspa/engine/persistence/internal/normalize"
)

// ConsentLedger returns the consent events of a clinic's number, oldest
// first (in the order written when times tie).
func (s *Store) ConsentLedger(ctx context.Context, clinicID, phone string) ([]persistence.ConsentEvent, error) {
	rows, err := s.pool.Query(ctx, `SELECT clinic_id, phone, at, kind, source, text FROM consent_events
		WHERE clinic_id = $1 AND phone = $2 ORDER BY at, seq`, clinicID, phone)
	if err != nil {
		return nil, fmt.Errorf("consent ledger: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (persistence.ConsentEvent, error) {
		var e persistence.ConsentEvent
		err := r.Scan(&e.ClinicID, &e.Phone, &e.At, &e.Kind, &e.Source, &e.Text)
		e.At = e.At.UTC()
		return e, err
	})
	if err != nil {
		return nil, fmt.Errorf("consent ledger: %w", err)
	}
	return out, nil
}

// SaveClinic writes a clinic snapshot if the stored version is c.Version
// (0: none stored); the stored version becomes c.Version+1.
func (s *Store) SaveClinic(ctx context.Context, c persistence.ClinicSnapshot) error {
	at := normalize.Time(c.UpdatedAt, s.now())
	state := c.State
	if state == nil {
		state = []byte{}
	}
	var sql string
	if c.Version == 0 {
		sql = `INSERT INTO clinics (clinic_id, version, state, updated_at) VALUES ($1, $2 + 1, $3, $4)
			ON CONFLICT (clinic_id) DO NOTHING`
	} else {
		sql = `UPDATE clinics SET version = version + 1, state = $3, updated_at = $4
			WHERE clinic_id = $1 AND version = $2`
	}
	tag, err := s.pool.Exec(ctx, sql, c.ClinicID, c.Version, state, at)
	if err != nil {
		return rejected(fmt.Errorf("save clinic: %w", err))
	}
	if tag.RowsAffected() == 0 {
		return persistence.ErrVersionConflict
	}
	return nil
}

// LoadClinic returns a clinic snapshot with its stored version, or
// persistence.ErrNotFound.
func (s *Store) LoadClinic(ctx context.Context, clinicID string) (persistence.ClinicSnapshot, error) {
	var c persistence.ClinicSnapshot
	err := s.pool.QueryRow(ctx, "SELECT clinic_id, version, state, updated_at FROM clinics WHERE clinic_id = $1", clinicID).
		Scan(&c.ClinicID, &c.Version, &c.State, &c.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return persistence.ClinicSnapshot{}, persistence.ErrNotFound
	}
	if err != nil {
		return persistence.ClinicSnapshot{}, fmt.Errorf("load clinic: %w", err)
	}
	c.UpdatedAt = c.UpdatedAt.UTC()
	return c, nil
}
