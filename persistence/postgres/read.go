package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/medspa/engine/persistence"
	"github.com/medspa/engine/persistence/internal/normalize"
	"github.com/medspa/engine/persistence/internal/paging"
)

const snapshotColumns = "clinic_id, lead_id, phone, name, phase, has_booking, version, state, created_at, updated_at"

func scanSnapshot(row pgx.Row) (persistence.Snapshot, error) {
	var s persistence.Snapshot
	err := row.Scan(&s.ClinicID, &s.LeadID, &s.Phone, &s.Name, &s.Phase, &s.HasBooking, &s.Version, &s.State, &s.CreatedAt, &s.UpdatedAt)
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

// LeadPhone returns the number stored with a conversation or
// persistence.ErrNotFound.
func (s *Store) LeadPhone(ctx context.Context, clinicID, leadID string) (string, error) {
	var phone string
	err := s.pool.QueryRow(ctx, "SELECT phone FROM conversations WHERE clinic_id = $1 AND lead_id = $2", clinicID, leadID).Scan(&phone)
	if errors.Is(err, pgx.ErrNoRows) {
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
	var args []any
	// arg adds a parameter and returns its placeholder.
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	sb.WriteString("SELECT " + snapshotColumns + " FROM conversations WHERE clinic_id = " + arg(q.ClinicID))
	if q.Phone != "" {
		sb.WriteString(" AND phone = " + arg(q.Phone))
	}
	switch len(q.Phases) {
	case 0:
	case 1: // equality lets the planner read conversations_phase in order
		sb.WriteString(" AND phase = " + arg(q.Phases[0]))
	default:
		sb.WriteString(" AND phase = ANY(" + arg(q.Phases) + "::text[])")
	}
	if !q.UpdatedSince.IsZero() {
		sb.WriteString(" AND updated_at >= " + arg(q.UpdatedSince))
	}
	if q.HasBooking != nil {
		sb.WriteString(" AND has_booking = " + arg(*q.HasBooking))
	}
	if q.Text != "" {
		// lower() folds every letter in a database with a UTF-8 ctype
		// (not in the C locale, where it folds ASCII only).
		name, number := paging.TextPatterns(q.Text)
		sb.WriteString(` AND (lower(name) LIKE ` + arg(name) + ` ESCAPE '\'`)
		if number != "" {
			sb.WriteString(" OR phone LIKE " + arg(number))
		}
		sb.WriteString(")")
	}
	if q.Cursor != "" {
		c, err := paging.Decode(q.Cursor)
		if err != nil {
			return persistence.ConversationPage{}, fmt.Errorf("list conversations: %w", err)
		}
		sb.WriteString(" AND (updated_at, lead_id) < (" + arg(c.UpdatedAt) + ", " + arg(c.LeadID) + ")")
	}
	sb.WriteString(" ORDER BY updated_at DESC, lead_id DESC LIMIT " + arg(limit+1))

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

// ReadConversation returns the staff's read model of a conversation
// (persistence.ReadConversation).
func (s *Store) ReadConversation(ctx context.Context, clinicID, leadID string, transcriptLimit int) (persistence.ConversationRecord, error) {
	return persistence.ReadConversation(ctx, s, clinicID, leadID, transcriptLimit)
}
