package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

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
	return queryAll(ctx, s.r, "pending outbox", func(row scanner) (persistence.OutboxRow, error) {
		var o persistence.OutboxRow
		var created int64
		err := row.Scan(&o.ID, &o.Subject, &o.Payload, &created)
		o.Created = micros(created)
		return o, err
	}, `SELECT id, subject, payload, created_at FROM outbox
		WHERE created_at <= ? ORDER BY created_at, seq LIMIT ?`, olderThan.UnixMicro(), limit)
}

// MarkPublished deletes the outbox rows with these ids.
func (s *Store) MarkPublished(ctx context.Context, ids []string) error {
	const chunk = 500 // stay far below SQLite's bound-parameter limit
	for len(ids) > 0 {
		n := min(len(ids), chunk)
		args := make([]any, n)
		for i, id := range ids[:n] {
			args[i] = id
		}
		q := "DELETE FROM outbox WHERE id IN (?" + strings.Repeat(", ?", n-1) + ")"
		if err := s.write(ctx, func(ctx context.Context, tx execer) error {
			// Unprepared: one statement per chunk size would fill the cache.
			_, err := tx.(preparedTx).tx.ExecContext(ctx, q, args...)
			return err
		}); err != nil {
			return fmt.Errorf("mark published: %w", err)
		}
		ids = ids[n:]
	}
	return nil
}

// OutboxBacklog returns the number of outbox rows and the age of the oldest
// at now (0 when empty or in the future).
func (s *Store) OutboxBacklog(ctx context.Context, now time.Time) (int, time.Duration, error) {
	var n int
	var oldest sql.NullInt64
	if err := s.r.QueryRowContext(ctx, "SELECT count(*), min(created_at) FROM outbox").Scan(&n, &oldest); err != nil {
		return 0, 0, fmt.Errorf("outbox backlog: %w", err)
	}
	if !oldest.Valid {
		return n, 0, nil
	}
	return n, max(now.Sub(micros(oldest.Int64)), 0), nil
}

// RecordSend stores a send record; persistence.ErrDuplicate when the
// command id is recorded already.
func (s *Store) RecordSend(ctx context.Context, send persistence.Send) error {
	res, err := s.w.ExecContext(ctx, `INSERT INTO sends (command_id, clinic_id, lead_id, carrier, provider_id, status, error_code, sent_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (command_id) DO NOTHING`,
		send.CommandID, send.ClinicID, send.LeadID, send.Carrier, send.ProviderID, send.Status, send.ErrorCode,
		normalize.Time(send.SentAt, s.now()).UnixMicro())
	if err != nil {
		return fmt.Errorf("record send: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("record send: %w", err)
	}
	if n == 0 {
		return persistence.ErrDuplicate
	}
	return nil
}

// RecordSends stores many send records in one transaction (shared with
// other writes waiting at the same time, combine.go), ignoring those
// already recorded.
func (s *Store) RecordSends(ctx context.Context, sends []persistence.Send) error {
	if len(sends) == 0 {
		return nil
	}
	now := s.now()
	err := s.write(ctx, func(ctx context.Context, tx execer) error {
		for _, send := range sends {
			if _, err := tx.ExecContext(ctx, recordSendSQL, send.CommandID, send.ClinicID, send.LeadID, send.Carrier, send.ProviderID,
				send.Status, send.ErrorCode, normalize.Time(send.SentAt, now).UnixMicro()); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("record sends: %w", err)
	}
	return nil
}

const recordSendSQL = `INSERT INTO sends (command_id, clinic_id, lead_id, carrier, provider_id, status, error_code, sent_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (command_id) DO UPDATE
		SET provider_id = excluded.provider_id, status = excluded.status, error_code = excluded.error_code, sent_at = excluded.sent_at
		WHERE sends.status IN ('in_flight', 'refused')`

// LookupSend returns a command's send record or persistence.ErrNotFound.
func (s *Store) LookupSend(ctx context.Context, commandID string) (persistence.Send, error) {
	var r persistence.Send
	var sent int64
	err := s.r.QueryRowContext(ctx, `SELECT command_id, clinic_id, lead_id, carrier, provider_id, status, error_code, sent_at
		FROM sends WHERE command_id = ?`, commandID).
		Scan(&r.CommandID, &r.ClinicID, &r.LeadID, &r.Carrier, &r.ProviderID, &r.Status, &r.ErrorCode, &sent)
	if errors.Is(err, sql.ErrNoRows) {
		return persistence.Send{}, persistence.ErrNotFound
	}
	if err != nil {
		return persistence.Send{}, fmt.Errorf("lookup send: %w", err)
	}
	r.SentAt = micros(sent)
	return r, nil
}
