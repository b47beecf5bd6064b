package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/medspa/engine/persistence"
	"github.com/medspa/engine/persistence/internal/normalize"
	"github.com/medspa/engine/persistence/internal/paging"
)

const snapshotColumns = "clinic_id, lead_id, phone, name, phase, has_booking, version, state, created_at, updated_at"

func scanSnapshot(row Row) (persistence.Snapshot, error) {
	var s persistence.Snapshot
	err := row.Scan(&s.ClinicID, &s.LeadID, &s.Phone, &s.Name, &s.Phase, &s.HasBooking, &s.Version, &s.State, asTime(&s.CreatedAt), asTime(&s.UpdatedAt))
	return s, err
}

// LoadSnapshot returns a conversation's snapshot or persistence.ErrNotFound.
func (s Store) LoadSnapshot(ctx context.Context, clinicID, leadID string) (persistence.Snapshot, error) {
	return one(ctx, s.DB, "load snapshot", scanSnapshot,
		"SELECT "+snapshotColumns+" FROM conversations WHERE clinic_id = $1 AND lead_id = $2", clinicID, leadID)
}

// ListConversations returns a page of a clinic's conversations, newest
// first.
func (s Store) ListConversations(ctx context.Context, q persistence.ConversationQuery) (persistence.ConversationPage, error) {
	q = normalize.Query(q)
	limit := paging.Limit(q.Limit)
	query, args, err := listQuery(q, limit, s.DB.Dialect())
	if err != nil {
		return persistence.ConversationPage{}, fmt.Errorf("list conversations: %w", err)
	}
	items, err := all(ctx, s.DB, "list conversations", scanSnapshot, query, args...)
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

// listQuery is the statement of a page of limit conversations (and one
// more, to tell whether there is a next page). The filters are conditions
// of one query over the clinic's rows in the order of the keyset cursor;
// see migration 0005 for the indexes. One phase is an equality (Postgres
// makes a list of one an equality), which lets the planner read
// conversations_phase in order.
func listQuery(q persistence.ConversationQuery, limit int, d Dialect) (string, []any, error) {
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
	if len(q.Phases) > 0 {
		ps := make([]string, len(q.Phases))
		for i, p := range q.Phases {
			ps[i] = arg(p)
		}
		sb.WriteString(" AND phase IN (" + strings.Join(ps, ", ") + ")")
	}
	if !q.UpdatedSince.IsZero() {
		sb.WriteString(" AND updated_at >= " + arg(q.UpdatedSince))
	}
	if q.HasBooking != nil {
		sb.WriteString(" AND has_booking = " + arg(*q.HasBooking))
	}
	if q.Text != "" {
		name, number := paging.TextPatterns(q.Text)
		sb.WriteString(" AND (" + d.Lower + "(name) LIKE " + arg(name) + ` ESCAPE '\'`)
		if number != "" {
			sb.WriteString(" OR phone LIKE " + arg(number))
		}
		sb.WriteString(")")
	}
	if q.Cursor != "" {
		c, err := paging.Decode(q.Cursor)
		if err != nil {
			return "", nil, err
		}
		sb.WriteString(" AND (updated_at, lead_id) < (" + arg(c.UpdatedAt) + ", " + arg(c.LeadID) + ")")
	}
	sb.WriteString(" ORDER BY updated_at DESC, lead_id DESC LIMIT " + arg(limit+1))
	return sb.String(), args, nil
}

// Transcript returns a conversation's messages oldest first; when limit > 0
// and the transcript is longer, the newest limit messages. Outbound entries
// carry the status of their send record.
func (s Store) Transcript(ctx context.Context, clinicID, leadID string, limit int) ([]persistence.TranscriptEntry, error) {
	n := int64(math.MaxInt64) // no limit
	if limit > 0 {
		n = int64(limit)
	}
	return all(ctx, s.DB, "read transcript", func(row Row) (persistence.TranscriptEntry, error) {
		var e persistence.TranscriptEntry
		err := row.Scan(&e.ID, &e.ClinicID, &e.LeadID, &e.Direction, &e.Author, &e.Text, asTime(&e.At), &e.Status)
		return e, err
	}, `SELECT n.id, n.clinic_id, n.lead_id, n.direction, n.author, n.text, n.at, COALESCE(sd.status, '') FROM (
		SELECT seq, id, clinic_id, lead_id, direction, author, text, at FROM transcript
		WHERE clinic_id = $1 AND lead_id = $2 ORDER BY seq DESC LIMIT $3
	) n LEFT JOIN sends sd ON n.direction = 'out' AND sd.command_id = n.id
	ORDER BY n.seq`, clinicID, leadID, n)
}

// ConversationsByPhase counts the stored conversations of every clinic by
// phase, ordered by clinic and phase. It reads the conversations_phase
// index (clinic_id, phase, ...), not the rows.
func (s Store) ConversationsByPhase(ctx context.Context) ([]persistence.PhaseCount, error) {
	return all(ctx, s.DB, "conversations by phase", func(row Row) (persistence.PhaseCount, error) {
		var c persistence.PhaseCount
		err := row.Scan(&c.ClinicID, &c.Phase, &c.N)
		return c, err
	}, `SELECT clinic_id, phase, count(*) FROM conversations GROUP BY clinic_id, phase ORDER BY clinic_id, phase`)
}

// ReadConversation reads the staff's read model of a conversation
// (persistence.ConversationRecord) on db: ErrNotFound when it has no
// snapshot. Its parts are of one moment when db is a transaction that sees
// one snapshot of the database throughout, as a store's ReadConversation
// runs it.
func ReadConversation(ctx context.Context, db DB, clinicID, leadID string, transcriptLimit int) (persistence.ConversationRecord, error) {
	s := Store{DB: db}
	var out persistence.ConversationRecord
	var err error
	if out.Snapshot, err = s.LoadSnapshot(ctx, clinicID, leadID); err != nil {
		return persistence.ConversationRecord{}, err
	}
	if out.Transcript, err = s.Transcript(ctx, clinicID, leadID, transcriptLimit); err != nil {
		return persistence.ConversationRecord{}, fmt.Errorf("load transcript: %w", err)
	}
	if out.Timers, err = s.LeadTimers(ctx, clinicID, leadID); err != nil {
		return persistence.ConversationRecord{}, fmt.Errorf("load timers: %w", err)
	}
	if out.Snapshot.Phone != "" {
		if out.Consent, err = s.ConsentLedger(ctx, clinicID, out.Snapshot.Phone); err != nil {
			return persistence.ConversationRecord{}, fmt.Errorf("load consent ledger: %w", err)
		}
	}
	out.Clinic, err = s.LoadClinic(ctx, clinicID)
	if err != nil && !errors.Is(err, persistence.ErrNotFound) {
		return persistence.ConversationRecord{}, fmt.Errorf("load clinic calendar: %w", err)
	}
	return out, nil
}
