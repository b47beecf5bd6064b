package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/medspa/engine/persistence"
	"github.com/medspa/engine/persistence/internal/paging"
)

const snapshotColumns = "clinic_id, lead_id, phone, name, phase, version, state, created_at, updated_at"

func scanSnapshot(row pgx.Row) (persistence.Snapshot, error) {
	var s persistence.Snapshot
	err := row.Scan(&s.ClinicID, &s.LeadID, &s.Phone, &s.Name, &s.Phase, &s.Version, &s.State, &s.CreatedAt, &s.UpdatedAt)
	s.CreatedAt, s.UpdatedAt = s.CreatedAt.UTC(), s.UpdatedAt.UTC()
	return s, err
}

// LoadSnapshot returns a conversation's snapshot or persistence.ErrNotFound.
func (s *Store) LoadSnapshot(ctx context.Context, clinicID, leadID string) (persistence.Snapshot, error) {
	row := s.pool.QueryRow(ctx, "SELECT "+snapshotColumns+" FROM conversations WHERE clinic_id = $1 AND lead_id = $2", clinicID, leadID)
	snap, err := scanSnapshot(row)
	if errors.Is(err, pgx.ErrNoRows) {
		return persistence.Snapshot{}, persistence.ErrNotFound
	}
	if err != nil {
		return persistence.Snapshot{}, fmt.Errorf("load snapshot: %w", err)
	}
	return snap, nil
}

// ListConversations returns a page of a clinic's conversations, newest
// first.
func (s *Store) ListConversations(ctx context.Context, q persistence.ConversationQuery) (persistence.ConversationPage, error) {
	limit := paging.Limit(q.Limit)
	var sb strings.Builder
	sb.WriteString("SELECT " + snapshotColumns + " FROM conversations WHERE clinic_id = $1")
	args := []any{q.ClinicID}
	if q.Phone != "" {
		args = append(args, q.Phone)
		fmt.Fprintf(&sb, " AND phone = $%d", len(args))
	}
	if q.Cursor != "" {
		c, err := paging.Decode(q.Cursor)
		if err != nil {
			return persistence.ConversationPage{}, fmt.Errorf("list conversations: %w", err)
		}
		args = append(args, c.UpdatedAt, c.LeadID)
		fmt.Fprintf(&sb, " AND (updated_at, lead_id) < ($%d, $%d)", len(args)-1, len(args))
	}
	args = append(args, limit+1)
	fmt.Fprintf(&sb, " ORDER BY updated_at DESC, lead_id DESC LIMIT $%d", len(args))

	rows, err := s.pool.Query(ctx, sb.String(), args...)
	if err != nil {
		return persistence.ConversationPage{}, fmt.Errorf("list conversations: %w", err)
	}
	items, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (persistence.Snapshot, error) { return scanSnapshot(r) })
	if err != nil {
		return persistence.ConversationPage{}, fmt.Errorf("list conversations: %w", err)
	}
	var page persistence.ConversationPage
	if len(items) > limit {
		items = items[:limit]
		last := items[limit-1]
		page.NextCursor = paging.Encode(paging.Cursor{UpdatedAt: last.UpdatedAt, LeadID: last.LeadID})
	}
	page.Items = items
	return page, nil
}

// Transcript returns a conversation's messages oldest first; when limit > 0
// and the transcript is longer, the newest limit messages. Outbound entries
// carry the status of their send record.
func (s *Store) Transcript(ctx context.Context, clinicID, leadID string, limit int) ([]persistence.TranscriptEntry, error) {
	var lim any // NULL: no limit
	if limit > 0 {
		lim = limit
	}
	rows, err := s.pool.Query(ctx, `SELECT n.id, n.clinic_id, n.lead_id, n.direction, n.author, n.text, n.at, COALESCE(sd.status, '') FROM (
		SELECT seq, id, clinic_id, lead_id, direction, author, text, at FROM transcript
		WHERE clinic_id = $1 AND lead_id = $2 ORDER BY seq DESC LIMIT $3::bigint
	) n LEFT JOIN sends sd ON n.direction = 'out' AND sd.command_id = n.id
	ORDER BY n.seq`, clinicID, leadID, lim)
	if err != nil {
		return nil, fmt.Errorf("read transcript: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (persistence.TranscriptEntry, error) {
		var e persistence.TranscriptEntry
		err := r.Scan(&e.ID, &e.ClinicID, &e.LeadID, &e.Direction, &e.Author, &e.Text, &e.At, &e.Status)
		e.At = e.At.UTC()
		return e, err
	})
	if err != nil {
		return nil, fmt.Errorf("read transcript: %w", err)
	}
	return out, nil
}
