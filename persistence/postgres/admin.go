package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/medspa/engine/persistence"
	"github.com/medspa/engine/persistence/internal/normalize"
	"github.com/medspa/engine/persistence/internal/paging"
)

const adminColumns = "id, kind, clinic_id, external_id, status, detail, request, response, created_at, updated_at"

// SaveAdminRecord stores a new admin record; persistence.ErrDuplicate when
// its id, or its kind and external id, are stored already.
func (s *Store) SaveAdminRecord(ctx context.Context, r persistence.AdminRecord) error {
	created := normalize.Time(r.CreatedAt, s.now())
	updated := normalize.Time(r.UpdatedAt, created)
	tag, err := s.pool.Exec(ctx, `INSERT INTO admin_records (`+adminColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING`,
		r.ID, r.Kind, r.ClinicID, r.ExternalID, r.Status, r.Detail, nonNil(r.Request), nonNil(r.Response), created, updated)
	if err != nil {
		return fmt.Errorf("save admin record: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return persistence.ErrDuplicate
	}
	return nil
}

// UpdateAdminRecordStatus sets a record's status and detail as of at,
// unless the record was updated later than at.
func (s *Store) UpdateAdminRecordStatus(ctx context.Context, kind, externalID, status, detail string, at time.Time) error {
	if externalID == "" {
		return persistence.ErrNotFound
	}
	// One statement: the update, or whether the record exists at all.
	var updated, exists bool
	err := s.pool.QueryRow(ctx, `WITH u AS (
			UPDATE admin_records SET status = $3, detail = $4, updated_at = $5
			WHERE kind = $1 AND external_id = $2 AND updated_at <= $5
			RETURNING 1)
		SELECT EXISTS (SELECT 1 FROM u),
			EXISTS (SELECT 1 FROM admin_records WHERE kind = $1 AND external_id = $2)`,
		kind, externalID, status, detail, normalize.Time(at, s.now())).Scan(&updated, &exists)
	if err != nil {
		return fmt.Errorf("update admin record: %w", err)
	}
	if !updated && !exists {
		return persistence.ErrNotFound
	}
	return nil // updated, or a later update is stored already
}

// GetAdminRecord returns the record of kind with externalID or
// persistence.ErrNotFound.
func (s *Store) GetAdminRecord(ctx context.Context, kind, externalID string) (persistence.AdminRecord, error) {
	if externalID == "" {
		return persistence.AdminRecord{}, persistence.ErrNotFound
	}
	rows, err := s.pool.Query(ctx, "SELECT "+adminColumns+" FROM admin_records WHERE kind = $1 AND external_id = $2", kind, externalID)
	if err != nil {
		return persistence.AdminRecord{}, fmt.Errorf("get admin record: %w", err)
	}
	r, err := pgx.CollectExactlyOneRow(rows, scanAdminRecord)
	if errors.Is(err, pgx.ErrNoRows) {
		return persistence.AdminRecord{}, persistence.ErrNotFound
	}
	if err != nil {
		return persistence.AdminRecord{}, fmt.Errorf("get admin record: %w", err)
	}
	return r, nil
}

// ListAdminRecords returns up to limit records, newest first, of kind and
// clinicID (empty: any).
func (s *Store) ListAdminRecords(ctx context.Context, kind, clinicID string, limit int) ([]persistence.AdminRecord, error) {
	rows, err := s.pool.Query(ctx, "SELECT "+adminColumns+` FROM admin_records
		WHERE ($1 = '' OR kind = $1) AND ($2 = '' OR clinic_id = $2)
		ORDER BY created_at DESC, id DESC LIMIT $3`, kind, clinicID, paging.Limit(limit))
	if err != nil {
		return nil, fmt.Errorf("list admin records: %w", err)
	}
	out, err := pgx.CollectRows(rows, scanAdminRecord)
	if err != nil {
		return nil, fmt.Errorf("list admin records: %w", err)
	}
	return out, nil
}

func scanAdminRecord(row pgx.CollectableRow) (persistence.AdminRecord, error) {
	var r persistence.AdminRecord
	err := row.Scan(&r.ID, &r.Kind, &r.ClinicID, &r.ExternalID, &r.Status, &r.Detail, &r.Request, &r.Response, &r.CreatedAt, &r.UpdatedAt)
	r.CreatedAt, r.UpdatedAt = r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	return r, err
}

func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}
