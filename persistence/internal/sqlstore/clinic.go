package sqlstore

import (
	"context"
	"time"

	"github.com/medspa/engine/persistence"
	"github.com/medspa/engine/persistence/internal/normalize"
)

// ConsentLedger returns the consent events of a clinic's number, oldest
// first (in the order written when times tie).
func (s Store) ConsentLedger(ctx context.Context, clinicID, phone string) ([]persistence.ConsentEvent, error) {
	return all(ctx, s.DB, "consent ledger", func(row Row) (persistence.ConsentEvent, error) {
		var e persistence.ConsentEvent
		err := row.Scan(&e.ClinicID, &e.Phone, asTime(&e.At), &e.Kind, &e.Source, &e.Text)
		return e, err
	}, `SELECT clinic_id, phone, at, kind, source, text FROM consent_events
		WHERE clinic_id = $1 AND phone = $2 ORDER BY at, seq`, clinicID, phone)
}

// SaveClinic writes a clinic snapshot if the stored version is c.Version
// (0: none stored); the stored version becomes c.Version+1.
func (s Store) SaveClinic(ctx context.Context, c persistence.ClinicSnapshot) error {
	query := `UPDATE clinics SET version = version + 1, state = $3, updated_at = $4
		WHERE clinic_id = $1 AND version = $2`
	if c.Version == 0 {
		query = `INSERT INTO clinics (clinic_id, version, state, updated_at) VALUES ($1, $2 + 1, $3, $4)
			ON CONFLICT (clinic_id) DO NOTHING`
	}
	return s.Rejected(change(ctx, s.DB, "save clinic", persistence.ErrVersionConflict, query,
		c.ClinicID, c.Version, normalize.Bytes(c.State), normalize.Time(c.UpdatedAt, s.Now())))
}

// LoadClinic returns a clinic snapshot with its stored version, or
// persistence.ErrNotFound.
func (s Store) LoadClinic(ctx context.Context, clinicID string) (persistence.ClinicSnapshot, error) {
	return one(ctx, s.DB, "load clinic", func(row Row) (persistence.ClinicSnapshot, error) {
		var c persistence.ClinicSnapshot
		err := row.Scan(&c.ClinicID, &c.Version, &c.State, asTime(&c.UpdatedAt))
		return c, err
	}, "SELECT clinic_id, version, state, updated_at FROM clinics WHERE clinic_id = $1", clinicID)
}

// FunnelStages returns the funnel rows of the clinic's conversations
// created in [from, to), ordered by lead and time.
func (s Store) FunnelStages(ctx context.Context, clinicID string, from, to time.Time) ([]persistence.FunnelStage, error) {
	from, to = normalize.Time(from, from), normalize.Time(to, to)
	return all(ctx, s.DB, "funnel stages", func(row Row) (persistence.FunnelStage, error) {
		var f persistence.FunnelStage
		err := row.Scan(&f.ClinicID, &f.LeadID, &f.Stage, &f.Ref, asTime(&f.At), &f.AmountCents, &f.Source, &f.UTMSource, &f.UTMCampaign)
		return f, err
	}, `SELECT f.clinic_id, f.lead_id, f.stage, f.ref, f.at, f.amount_cents, f.source, f.utm_source, f.utm_campaign
		FROM funnel_stages f
		JOIN funnel_stages c ON c.clinic_id = f.clinic_id AND c.lead_id = f.lead_id AND c.stage = 'created' AND c.ref = ''
		WHERE c.clinic_id = $1 AND c.at >= $2 AND c.at < $3
		ORDER BY f.lead_id, f.at, f.stage, f.ref`, clinicID, from, to)
}

// SettingsColumns are the columns of clinic_settings in the order
// LoadClinicSettings reads them.
const SettingsColumns = "clinic_id, version, settings, updated_at, updated_by"

func scanClinicSettings(row Row) (persistence.ClinicSettings, error) {
	var c persistence.ClinicSettings
	err := row.Scan(&c.ClinicID, &c.Version, &c.Settings, asTime(&c.UpdatedAt), &c.UpdatedBy)
	return c, err
}

// LoadClinicSettings returns a clinic's settings with their stored version,
// or persistence.ErrNotFound.
func (s Store) LoadClinicSettings(ctx context.Context, clinicID string) (persistence.ClinicSettings, error) {
	return one(ctx, s.DB, "load clinic settings", scanClinicSettings,
		"SELECT "+SettingsColumns+" FROM clinic_settings WHERE clinic_id = $1", clinicID)
}

// ListClinicSettings returns every clinic's settings, ordered by clinic id
// byte by byte, whatever the database's collation.
func (s Store) ListClinicSettings(ctx context.Context) ([]persistence.ClinicSettings, error) {
	return all(ctx, s.DB, "list clinic settings", scanClinicSettings,
		"SELECT "+SettingsColumns+" FROM clinic_settings ORDER BY clinic_id COLLATE "+s.DB.Dialect().ByteOrder)
}
