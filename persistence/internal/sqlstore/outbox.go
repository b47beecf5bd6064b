package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/medspa/engine/persistence"
	"github.com/medspa/engine/persistence/internal/normalize"
)

// defaultOutboxLimit is PendingOutbox's page size when limit <= 0.
const defaultOutboxLimit = 100

// PendingOutbox returns up to limit rows created at or before olderThan,
// oldest first.
func (s Store) PendingOutbox(ctx context.Context, olderThan time.Time, limit int) ([]persistence.OutboxRow, error) {
	if limit <= 0 {
		limit = defaultOutboxLimit
	}
	return all(ctx, s.DB, "pending outbox", func(row Row) (persistence.OutboxRow, error) {
		var o persistence.OutboxRow
		err := row.Scan(&o.ID, &o.Subject, &o.Payload, asTime(&o.Created))
		return o, err
	}, `SELECT id, subject, payload, created_at FROM outbox
		WHERE created_at <= $1 ORDER BY created_at, seq LIMIT $2`, olderThan, limit)
}

// OutboxBacklog returns the number of outbox rows and the age of the oldest
// at now (0 when empty or in the future).
func (s Store) OutboxBacklog(ctx context.Context, now time.Time) (int, time.Duration, error) {
	var n int
	var oldest time.Time
	if err := s.DB.QueryRow(ctx, "SELECT count(*), min(created_at) FROM outbox").Scan(&n, asTime(&oldest)); err != nil {
		return 0, 0, fmt.Errorf("outbox backlog: %w", err)
	}
	if oldest.IsZero() {
		return n, 0, nil
	}
	return n, max(now.Sub(oldest), 0), nil
}

const insertSend = `INSERT INTO sends (command_id, clinic_id, lead_id, carrier, provider_id, status, error_code, sent_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`

// RecordSendSQL stores a send record (SendArgs) unless one is stored that
// is neither in flight nor refused: those take the new one.
const RecordSendSQL = insertSend + ` ON CONFLICT (command_id) DO UPDATE
		SET provider_id = excluded.provider_id, status = excluded.status, error_code = excluded.error_code, sent_at = excluded.sent_at
		WHERE sends.status IN ('in_flight', 'refused')`

// SendArgs are the parameters of RecordSendSQL for send; its time
// defaults to now.
func SendArgs(send persistence.Send, now time.Time) []any {
	return []any{send.CommandID, send.ClinicID, send.LeadID, send.Carrier, send.ProviderID, send.Status, send.ErrorCode,
		normalize.Time(send.SentAt, now)}
}

// RecordSend stores a send record; persistence.ErrDuplicate when the
// command id is recorded already.
func (s Store) RecordSend(ctx context.Context, send persistence.Send) error {
	return change(ctx, s.DB, "record send", persistence.ErrDuplicate,
		insertSend+" ON CONFLICT (command_id) DO NOTHING", SendArgs(send, s.Now())...)
}

// LookupSend returns a command's send record or persistence.ErrNotFound.
func (s Store) LookupSend(ctx context.Context, commandID string) (persistence.Send, error) {
	return one(ctx, s.DB, "lookup send", func(row Row) (persistence.Send, error) {
		var r persistence.Send
		err := row.Scan(&r.CommandID, &r.ClinicID, &r.LeadID, &r.Carrier, &r.ProviderID, &r.Status, &r.ErrorCode, asTime(&r.SentAt))
		return r, err
	}, `SELECT command_id, clinic_id, lead_id, carrier, provider_id, status, error_code, sent_at
		FROM sends WHERE command_id = $1`, commandID)
}

// sendCheck is the statement of SendCheck: one row whatever exists, the
// lead's number NULL when it has no conversation (phone is never NULL). The
// consent state is the kind of the number's latest event by time, the
// last written among equal times (seq), of the kinds
// compliance.Consent.State reads.
const sendCheck = `SELECT
	(SELECT phone FROM conversations WHERE clinic_id = $2 AND lead_id = $3),
	COALESCE((SELECT kind FROM consent_events
		WHERE clinic_id = $2 AND phone = $4 AND kind IN ('granted', 'revoked', 'regranted')
		ORDER BY at DESC, seq DESC LIMIT 1), ''),
	s.command_id, s.clinic_id, s.lead_id, s.carrier, s.provider_id, s.status, s.error_code, s.sent_at
	FROM (SELECT 1 AS one) AS one LEFT JOIN sends s ON s.command_id = $1`

// SendCheck reads the command's send record, the lead's stored number and
// the recipient's consent state in one statement.
func (s Store) SendCheck(ctx context.Context, commandID, clinicID, leadID, phone string) (persistence.SendCheck, error) {
	var (
		c                                                            persistence.SendCheck
		leadPhone, id, clinic, lead, carrier, provider, status, code sql.NullString
	)
	err := s.DB.QueryRow(ctx, sendCheck, commandID, clinicID, leadID, phone).Scan(&leadPhone, &c.Consent,
		&id, &clinic, &lead, &carrier, &provider, &status, &code, asTime(&c.Send.SentAt))
	if err != nil {
		return persistence.SendCheck{}, fmt.Errorf("send check: %w", err)
	}
	c.LeadPhone, c.HasLead = leadPhone.String, leadPhone.Valid
	if c.HasSend = id.Valid; c.HasSend {
		c.Send.CommandID, c.Send.ClinicID, c.Send.LeadID = id.String, clinic.String, lead.String
		c.Send.Carrier, c.Send.ProviderID, c.Send.Status, c.Send.ErrorCode = carrier.String, provider.String, status.String, code.String
	}
	return c, nil
}
