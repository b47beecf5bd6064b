package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

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
	res, err := s.w.ExecContext(ctx, `INSERT INTO admin_records (`+adminColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		r.ID, r.Kind, r.ClinicID, r.ExternalID, r.Status, r.Detail, nonNil(r.Request), nonNil(r.Response),
		created.UnixMicro(), updated.UnixMicro())
	if err != nil {
		return fmt.Errorf("save admin record: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("save admin record: %w", err)
	}
	if n == 0 {
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
	us := normalize.Time(at, s.now()).UnixMicro()
	res, err := s.w.ExecContext(ctx, `UPDATE admin_records SET status = ?, detail = ?, updated_at = ?
		WHERE kind = ? AND external_id = ? AND updated_at <= ?`, status, detail, us, kind, externalID, us)
	if err != nil {
		return fmt.Errorf("update admin record: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("update admin record: %w", err)
	}
	if n > 0 {
		return nil
	}
	if _, err := s.GetAdminRecord(ctx, kind, externalID); err != nil {
		return err
	}
	return nil // a later update is stored already
}

// GetAdminRecord returns the record of kind with externalID or
// persistence.ErrNotFound.
func (s *Store) GetAdminRecord(ctx context.Context, kind, externalID string) (persistence.AdminRecord, error) {
	if externalID == "" {
		return persistence.AdminRecord{}, persistence.ErrNotFound
	}
	row := s.r.QueryRowContext(ctx, "SELECT "+adminColumns+" FROM admin_records WHERE kind = ? AND external_id = ?", kind, externalID)
	r, err := scanAdminRecord(row)
	if errors.Is(err, sql.ErrNoRows) {
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
	return queryAll(ctx, s.r, "list admin records", scanAdminRecord, "SELECT "+adminColumns+` FROM admin_records
		WHERE (? = '' OR kind = ?) AND (? = '' OR clinic_id = ?)
		ORDER BY created_at DESC, id DESC LIMIT ?`, kind, kind, clinicID, clinicID, paging.Limit(limit))
}

func scanAdminRecord(row scanner) (persistence.AdminRecord, error) {
	var r persistence.AdminRecord
	var created, updated int64
	err := row.Scan(&r.ID, &r.Kind, &r.ClinicID, &r.ExternalID, &r.Status, &r.Detail, &r.Request, &r.Response, &created, &updated)
	r.CreatedAt, r.UpdatedAt = micros(created), micros(updated)
	return r, err
}

func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}
