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
	"github.com/medspa/engine/persistence/internal/paging"
)

const snapshotColumns = "clinic_id, lead_id, phone, name, phase, has_booking, version, state, created_at, updated_at"

type scanner interface{ Scan(dest ...any) error }

func scanSnapshot(row scanner) (persistence.Snapshot, error) {
	var s persistence.Snapshot
	var created, updated int64
	err := row.Scan(&s.ClinicID, &s.LeadID, &s.Phone, &s.Name, &s.Phase, &s.HasBooking, &s.Version, &s.State, &created, &updated)
	s.CreatedAt, s.UpdatedAt = micros(created), micros(updated)
	return s, err
}

func micros(us int64) time.Time { return time.UnixMicro(us).UTC() }

// LoadSnapshot returns a conversation's snapshot or persistence.ErrNotFound.
func (s *Store) LoadSnapshot(ctx context.Context, clinicID, leadID string) (persistence.Snapshot, error) {
	row := s.r.QueryRowContext(ctx, "SELECT "+snapshotColumns+" FROM conversations WHERE clinic_id = ? AND lead_id = ?", clinicID, leadID)
	snap, err := scanSnapshot(row)
	if errors.Is(err, sql.ErrNoRows) {
		return persistence.Snapshot{}, persistence.ErrNotFound
	}
	if err != nil {
		return persistence.Snapshot{}, fmt.Errorf("load snapshot: %w", err)
	}
	return snap, nil
}

// LeadPhone returns the number stored with a conversation or
// persistence.ErrNotFound.
func (s *Store) LeadPhone(ctx context.Context, clinicID, leadID string) (string, error) {
	var phone string
	err := s.r.QueryRowContext(ctx, "SELECT phone FROM conversations WHERE clinic_id = ? AND lead_id = ?", clinicID, leadID).Scan(&phone)
	if errors.Is(err, sql.ErrNoRows) {
		return "", persistence.ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("lead phone: %w", err)
	}
	return phone, nil
}

// ListConversations returns a page of a clinic's conversations, newest
// first. The filters are conditions of one query over the clinic's rows in
// the order of the keyset cursor; see migration 0005 for the indexes.
func (s *Store) ListConversations(ctx context.Context, q persistence.ConversationQuery) (persistence.ConversationPage, error) {
	q = normalize.Query(q)
	limit := paging.Limit(q.Limit)
	var sb strings.Builder
	sb.WriteString("SELECT " + snapshotColumns + " FROM conversations WHERE clinic_id = ?")
	args := []any{q.ClinicID}
	if q.Phone != "" {
		sb.WriteString(" AND phone = ?")
		args = append(args, q.Phone)
	}
	if len(q.Phases) > 0 {
		sb.WriteString(" AND phase IN (?" + strings.Repeat(", ?", len(q.Phases)-1) + ")")
		for _, p := range q.Phases {
			args = append(args, p)
		}
	}
	if !q.UpdatedSince.IsZero() {
		sb.WriteString(" AND updated_at >= ?")
		args = append(args, q.UpdatedSince.UnixMicro())
	}
	if q.HasBooking != nil {
		sb.WriteString(" AND has_booking = ?")
		args = append(args, *q.HasBooking)
	}
	if q.Text != "" {
		name, number := paging.TextPatterns(q.Text)
		sb.WriteString(" AND (" + lowerFunc + `(name) LIKE ? ESCAPE '\'`)
		args = append(args, name)
		if number != "" {
			sb.WriteString(" OR phone LIKE ?")
			args = append(args, number)
		}
		sb.WriteString(")")
	}
	if q.Cursor != "" {
		c, err := paging.Decode(q.Cursor)
		if err != nil {
			return persistence.ConversationPage{}, fmt.Errorf("list conversations: %w", err)
		}
		sb.WriteString(" AND (updated_at, lead_id) < (?, ?)")
		args = append(args, c.UpdatedAt.UnixMicro(), c.LeadID)
	}
	sb.WriteString(" ORDER BY updated_at DESC, lead_id DESC LIMIT ?")
	args = append(args, limit+1)

	items, err := queryAll(ctx, s.r, "list conversations", scanSnapshot, sb.String(), args...)
	if err != nil {
		return persistence.ConversationPage{}, err
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
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	return queryAll(ctx, s.r, "read transcript", func(row scanner) (persistence.TranscriptEntry, error) {
		var e persistence.TranscriptEntry
		var at int64
		err := row.Scan(&e.ID, &e.ClinicID, &e.LeadID, &e.Direction, &e.Author, &e.Text, &at, &e.Status)
		e.At = micros(at)
		return e, err
	}, `SELECT n.id, n.clinic_id, n.lead_id, n.direction, n.author, n.text, n.at, COALESCE(sd.status, '') FROM (
		SELECT seq, id, clinic_id, lead_id, direction, author, text, at FROM transcript
		WHERE clinic_id = ? AND lead_id = ? ORDER BY seq DESC LIMIT ?
	) n LEFT JOIN sends sd ON n.direction = 'out' AND sd.command_id = n.id
	ORDER BY n.seq`, clinicID, leadID, limit)
}

// ReadConversation returns the staff's read model of a conversation
// (persistence.ReadConversation).
func (s *Store) ReadConversation(ctx context.Context, clinicID, leadID string, transcriptLimit int) (persistence.ConversationRecord, error) {
	return persistence.ReadConversation(ctx, s, clinicID, leadID, transcriptLimit)
}
