package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/medspa/engine/persistence"
	"github.com/medspa/engine/persistence/internal/normalize"
)

// Apply writes the batch in one transaction, which it may share with other
// writes waiting for the writer at the same time (combine.go). The
// transaction holds the database's write lock from BEGIN (IMMEDIATE), and
// each commit claims its dedup key and passes its version fence before it
// writes anything else; a commit that fails the fence takes its key back,
// so a failed commit leaves nothing behind without the cost of a
// savepoint.
func (s *Store) Apply(ctx context.Context, commits []persistence.Commit) ([]error, error) {
	cs, err := normalize.Commits(commits, s.now())
	if err != nil || len(cs) == 0 {
		return nil, err
	}
	results := make([]error, len(cs))
	err = s.write(ctx, func(ctx context.Context, tx execer) error {
		for i, c := range cs {
			var err error
			results[i], err = applyOne(ctx, tx, c)
			if err != nil {
				return rejected(fmt.Errorf("apply commit %d: %w", i, err))
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("apply: %w", err)
	}
	return results, nil
}

// applyOne writes one commit or returns the reason it wrote nothing.
func applyOne(ctx context.Context, tx execer, c persistence.Commit) (result, err error) {
	sn := c.Snapshot
	if c.DedupKey != "" {
		// Claiming the key is also the check that it is new: one statement
		// instead of a lookup and an insert.
		res, err := tx.ExecContext(ctx, `INSERT INTO applied_messages (dedup_key, clinic_id, lead_id, applied_at)
			VALUES (?, ?, ?, ?) ON CONFLICT (dedup_key) DO NOTHING`, c.DedupKey, sn.ClinicID, sn.LeadID, sn.UpdatedAt.UnixMicro())
		if n, err := affected(res, err); err != nil {
			return nil, fmt.Errorf("record dedup key: %w", err)
		} else if n == 0 {
			return persistence.ErrDuplicate, nil
		}
	}
	n, err := affected(writeSnapshot(ctx, tx, sn))
	if err != nil {
		return nil, fmt.Errorf("write snapshot: %w", err)
	}
	if n == 0 {
		if c.DedupKey != "" {
			if _, err := tx.ExecContext(ctx, "DELETE FROM applied_messages WHERE dedup_key = ?", c.DedupKey); err != nil {
				return nil, fmt.Errorf("release dedup key: %w", err)
			}
		}
		return persistence.ErrVersionConflict, nil
	}
	for _, e := range c.Transcript {
		if _, err := tx.ExecContext(ctx, `INSERT INTO transcript (id, clinic_id, lead_id, direction, author, text, at)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
			e.ID, sn.ClinicID, sn.LeadID, e.Direction, e.Author, e.Text, e.At.UnixMicro()); err != nil {
			return nil, fmt.Errorf("write transcript: %w", err)
		}
	}
	for _, o := range c.Outbox {
		if _, err := tx.ExecContext(ctx, `INSERT INTO outbox (id, subject, payload, created_at)
			VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
			o.ID, o.Subject, o.Payload, o.Created.UnixMicro()); err != nil {
			return nil, fmt.Errorf("write outbox: %w", err)
		}
	}
	if err := applyExtras(ctx, tx, c); err != nil {
		return nil, err
	}
	return nil, nil
}

// writeSnapshot inserts the first snapshot of a conversation or updates
// the one at the version the commit expects; no row changes on a conflict.
func writeSnapshot(ctx context.Context, tx execer, sn persistence.Snapshot) (sql.Result, error) {
	if sn.Version == 0 {
		return tx.ExecContext(ctx, `INSERT INTO conversations
			(clinic_id, lead_id, phone, name, phase, has_booking, version, state, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?) ON CONFLICT (clinic_id, lead_id) DO NOTHING`,
			sn.ClinicID, sn.LeadID, sn.Phone, sn.Name, sn.Phase, sn.HasBooking, sn.State, sn.CreatedAt.UnixMicro(), sn.UpdatedAt.UnixMicro())
	}
	return tx.ExecContext(ctx, `UPDATE conversations
		SET version = version + 1, phone = ?, name = ?, phase = ?, has_booking = ?, state = ?, updated_at = ?
		WHERE clinic_id = ? AND lead_id = ? AND version = ?`,
		sn.Phone, sn.Name, sn.Phase, sn.HasBooking, sn.State, sn.UpdatedAt.UnixMicro(), sn.ClinicID, sn.LeadID, sn.Version)
}

// affected is the number of rows a statement changed.
func affected(res sql.Result, err error) (int64, error) {
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// applyExtras writes a commit's timers, timer cancellations, consent events,
// delivery receipts and funnel stages.
func applyExtras(ctx context.Context, tx execer, c persistence.Commit) error {
	for _, tm := range c.Timers {
		if _, err := tx.ExecContext(ctx, `INSERT INTO timers (clinic_id, lead_id, id, kind, due_at, payload)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (clinic_id, lead_id, id)
			DO UPDATE SET kind = excluded.kind, due_at = excluded.due_at, payload = excluded.payload`,
			tm.ClinicID, tm.LeadID, tm.ID, tm.Kind, tm.DueAt.UnixMicro(), tm.Payload); err != nil {
			return fmt.Errorf("write timer: %w", err)
		}
	}
	for _, id := range c.CancelTimers {
		if _, err := tx.ExecContext(ctx, "DELETE FROM timers WHERE clinic_id = ? AND lead_id = ? AND id = ?",
			c.Snapshot.ClinicID, c.Snapshot.LeadID, id); err != nil {
			return fmt.Errorf("cancel timer: %w", err)
		}
	}
	for _, e := range c.Consent {
		if _, err := tx.ExecContext(ctx, `INSERT INTO consent_events (clinic_id, phone, at, kind, source, text)
			VALUES (?, ?, ?, ?, ?, ?)`, e.ClinicID, e.Phone, e.At.UnixMicro(), e.Kind, e.Source, e.Text); err != nil {
			return fmt.Errorf("write consent: %w", err)
		}
	}
	for _, d := range c.Deliveries {
		// By the carrier's id, or by the command the callback URL names,
		// which also records the carrier's id of a send still in flight.
		if _, err := tx.ExecContext(ctx, `UPDATE sends SET status = ?, error_code = ?,
			provider_id = CASE WHEN provider_id = '' THEN ? ELSE provider_id END
			WHERE (provider_id = ? AND ? <> '') OR (command_id = ? AND ? <> '')`,
			d.Status, d.ErrorCode, d.ProviderID, d.ProviderID, d.ProviderID, d.CommandID, d.CommandID); err != nil {
			return fmt.Errorf("record delivery: %w", err)
		}
	}
	for _, f := range c.Funnel {
		if _, err := tx.ExecContext(ctx, `INSERT INTO funnel_stages (clinic_id, lead_id, stage, ref, at, amount_cents, source, utm_source, utm_campaign)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (clinic_id, lead_id, stage, ref) DO NOTHING`,
			f.ClinicID, f.LeadID, f.Stage, f.Ref, f.At.UnixMicro(), f.AmountCents, f.Source, f.UTMSource, f.UTMCampaign); err != nil {
			return fmt.Errorf("write funnel stage: %w", err)
		}
	}
	return nil
}
