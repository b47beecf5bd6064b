package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/medspa/engine/persistence"
	"github.com/medspa/engine/persistence/internal/normalize"
)

// defaultOutboxLimit is PendingOutbox's page size when limit <= 0.
const defaultOutboxLimit = 100

// PendingOutbox returns up to limit rows created at or before olderThan,
// oldest first.
func (s *Store) PendingOutbox(ctx context.Context, olderThan time.Time, limit int) ([]persistence.OutboxRow, error) {
	if limit <= 0 {
		limit = defaultOutboxLimit
	}
	rows, err := s.pool.Query(ctx, `SELECT id, subject, payload, created_at FROM outbox
		WHERE created_at <= $1 ORDER BY created_at, seq LIMIT $2`, olderThan, limit)
	if err != nil {
		return nil, fmt.Errorf("pending outbox: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (persistence.OutboxRow, error) {
		var o persistence.OutboxRow
		err := r.Scan(&o.ID, &o.Subject, &o.Payload, &o.Created)
		o.Created = o.Created.UTC()
		return o, err
	})
	if err != nil {
		return nil, fmt.Errorf("pending outbox: %w", err)
	}
	return out, nil
}

// MarkPublished deletes the outbox rows with these ids.
func (s *Store) MarkPublished(ctx context.Context, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	if _, err := s.pool.Exec(ctx, "DELETE FROM outbox WHERE id = ANY($1)", ids); err != nil {
		return fmt.Errorf("mark published: %w", err)
	}
	return nil
}

// OutboxBacklog returns the number of outbox rows and the age of the oldest
// at now (0 when empty or in the future).
func (s *Store) OutboxBacklog(ctx context.Context, now time.Time) (int, time.Duration, error) {
	var n int
	var oldest *time.Time
	if err := s.pool.QueryRow(ctx, "SELECT count(*), min(created_at) FROM outbox").Scan(&n, &oldest); err != nil {
		return 0, 0, fmt.Errorf("outbox backlog: %w", err)
	}
	if oldest == nil {
		return n, 0, nil
	}
	return n, max(now.Sub(*oldest), 0), nil
}

// RecordSend stores a send record; persistence.ErrDuplicate when the
// command id is recorded already.
func (s *Store) RecordSend(ctx context.Context, send persistence.Send) error {
	tag, err := s.pool.Exec(ctx, `INSERT INTO sends (command_id, clinic_id, lead_id, carrier, provider_id, status, error_code, sent_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (command_id) DO NOTHING`,
		send.CommandID, send.ClinicID, send.LeadID, send.Carrier, send.ProviderID, send.Status, send.ErrorCode,
		normalize.Time(send.SentAt, s.now()))
	if err != nil {
		return fmt.Errorf("record send: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return persistence.ErrDuplicate
	}
	return nil
}

// RecordSends stores many send records in one round trip: a record in
// flight takes the new one, others already recorded are kept.
func (s *Store) RecordSends(ctx context.Context, sends []persistence.Send) error {
	if len(sends) == 0 {
		return nil
	}
	now := s.now()
	b := &pgx.Batch{}
	for _, send := range sends {
		b.Queue(`INSERT INTO sends (command_id, clinic_id, lead_id, carrier, provider_id, status, error_code, sent_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (command_id) DO UPDATE
		SET provider_id = EXCLUDED.provider_id, status = EXCLUDED.status, error_code = EXCLUDED.error_code, sent_at = EXCLUDED.sent_at
		WHERE sends.status IN ('in_flight', 'refused')`,
			send.CommandID, send.ClinicID, send.LeadID, send.Carrier, send.ProviderID, send.Status, send.ErrorCode, normalize.Time(send.SentAt, now))
	}
	// A batch outside an explicit transaction runs as one implicit one.
	if err := s.pool.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("record sends: %w", err)
	}
	return nil
}

// LookupSend returns a command's send record or persistence.ErrNotFound.
func (s *Store) LookupSend(ctx context.Context, commandID string) (persistence.Send, error) {
	var r persistence.Send
	err := s.pool.QueryRow(ctx, `SELECT command_id, clinic_id, lead_id, carrier, provider_id, status, error_code, sent_at
		FROM sends WHERE command_id = $1`, commandID).
		Scan(&r.CommandID, &r.ClinicID, &r.LeadID, &r.Carrier, &r.ProviderID, &r.Status, &r.ErrorCode, &r.SentAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return persistence.Send{}, persistence.ErrNotFound
	}
	if err != nil {
		return persistence.Send{}, fmt.Errorf("lookup send: %w", err)
	}
	r.SentAt = r.SentAt.UTC()
	return r, nil
}
