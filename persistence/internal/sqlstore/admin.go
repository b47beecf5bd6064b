package sqlstore

import (
	"context"

	"github.com/medspa/engine/persistence"
	"github.com/medspa/engine/persistence/internal/normalize"
	"github.com/medspa/engine/persistence/internal/paging"
)

const adminColumns = "id, kind, clinic_id, external_id, status, detail, request, response, created_at, updated_at"

func scanAdminRecord(row Row) (persistence.AdminRecord, error) {
	var r persistence.AdminRecord
	err := row.Scan(&r.ID, &r.Kind, &r.ClinicID, &r.ExternalID, &r.Status, &r.Detail, &r.Request, &r.Response, asTime(&r.CreatedAt), asTime(&r.UpdatedAt))
	return r, err
}

// SaveAdminRecord stores a new admin record; persistence.ErrDuplicate when
// its id, or its kind and external id, are stored already.
func (s Store) SaveAdminRecord(ctx context.Context, r persistence.AdminRecord) error {
	created := normalize.Time(r.CreatedAt, s.Now())
	updated := normalize.Time(r.UpdatedAt, created)
	return change(ctx, s.DB, "save admin record", persistence.ErrDuplicate, `INSERT INTO admin_records (`+adminColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING`,
		r.ID, r.Kind, r.ClinicID, r.ExternalID, r.Status, r.Detail, normalize.Bytes(r.Request), normalize.Bytes(r.Response), created, updated)
}

// GetAdminRecord returns the record of kind with externalID or
// persistence.ErrNotFound.
func (s Store) GetAdminRecord(ctx context.Context, kind, externalID string) (persistence.AdminRecord, error) {
	if externalID == "" {
		return persistence.AdminRecord{}, persistence.ErrNotFound
	}
	return one(ctx, s.DB, "get admin record", scanAdminRecord,
		"SELECT "+adminColumns+" FROM admin_records WHERE kind = $1 AND external_id = $2", kind, externalID)
}

// ListAdminRecords returns up to limit records, newest first, of kind and
// clinicID (empty: any).
func (s Store) ListAdminRecords(ctx context.Context, kind, clinicID string, limit int) ([]persistence.AdminRecord, error) {
	return all(ctx, s.DB, "list admin records", scanAdminRecord, "SELECT "+adminColumns+` FROM admin_records
		WHERE ($1 = '' OR kind = $1) AND ($2 = '' OR clinic_id = $2)
		ORDER BY created_at DESC, id DESC LIMIT $3`, kind, clinicID, paging.Limit(limit))
}
