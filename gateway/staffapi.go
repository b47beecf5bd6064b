package gateway

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/medspa/engine/internal/phone"
	"github.com/medspa/engine/messages"
	"github.com/medspa/engine/persistence"
)

// Page sizes of the conversation list, and the transcript cut.
const (
	defaultListLimit = 50
	maxListLimit     = 200
	transcriptLimit  = 500
)

// conversationItem is one row of the conversation list.
type conversationItem struct {
	ID        string    `json:"id"`
	ClinicID  string    `json:"clinic_id"`
	Phone     string    `json:"phone"`
	Name      string    `json:"name"`
	Phase     string    `json:"phase"`
	Version   int64     `json:"version"`
	UpdatedAt time.Time `json:"updated_at"`
}

type conversationList struct {
	Items      []conversationItem `json:"items"`
	NextCursor string             `json:"next_cursor,omitempty"`
}

type transcriptMessage struct {
	Direction string    `json:"direction"`
	Author    string    `json:"author"`
	Text      string    `json:"text"`
	At        time.Time `json:"at"`
}

type conversationDetail struct {
	ID        string              `json:"id"`
	ClinicID  string              `json:"clinic_id"`
	Phone     string              `json:"phone"`
	Name      string              `json:"name"`
	Phase     string              `json:"phase"`
	Version   int64               `json:"version"`
	CreatedAt time.Time           `json:"created_at"`
	UpdatedAt time.Time           `json:"updated_at"`
	Messages  []transcriptMessage `json:"messages"`
}

// listQuery is the query of GET /v1/clinics/{clinic_id}/conversations.
type listQuery struct {
	Phone  string
	Limit  int
	Cursor string
}

// parseListQuery reads and checks phone, limit and cursor.
func parseListQuery(r *http.Request) (listQuery, error) {
	v := r.URL.Query()
	q := listQuery{Limit: defaultListLimit, Cursor: v.Get("cursor")}
	fields := map[string]string{}
	if p := v.Get("phone"); p != "" {
		n, err := phone.Normalize(p)
		if err != nil {
			fields["phone"] = "not a phone number; use E.164, e.g. +13125550123"
		}
		q.Phone = n
	}
	if s := v.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxListLimit {
			fields["limit"] = fmt.Sprintf("an integer from 1 to %d", maxListLimit)
		}
		q.Limit = n
	}
	if len(q.Cursor) > 512 {
		fields["cursor"] = "too long"
	}
	return q, invalid(fields)
}

// handleListConversations lists a clinic's conversations, newest first.
func handleListConversations(store persistence.Store) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q, err := parseListQuery(r)
		if err != nil {
			Error(w, r, err)
			return
		}
		clinicID := chi.URLParam(r, "clinic_id")
		page, err := store.ListConversations(r.Context(), persistence.ConversationQuery{
			ClinicID: clinicID, Phone: q.Phone, Limit: q.Limit, Cursor: q.Cursor,
		})
		if err != nil {
			Error(w, r, fmt.Errorf("list conversations: %w", err))
			return
		}
		out := conversationList{Items: make([]conversationItem, 0, len(page.Items)), NextCursor: page.NextCursor}
		for _, s := range page.Items {
			out.Items = append(out.Items, conversationItem{
				ID: s.LeadID, ClinicID: s.ClinicID, Phone: s.Phone, Name: s.Name,
				Phase: s.Phase, Version: s.Version, UpdatedAt: s.UpdatedAt,
			})
		}
		writeJSON(w, http.StatusOK, out)
	})
}

// handleGetConversation returns one conversation with its transcript.
func handleGetConversation(store persistence.Store) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		clinicID, id := chi.URLParam(r, "clinic_id"), chi.URLParam(r, "conversation_id")
		if !messages.ValidToken(id) {
			Error(w, r, fmt.Errorf("%w: no such conversation", ErrNotFound))
			return
		}
		s, err := store.LoadSnapshot(r.Context(), clinicID, id)
		if err != nil {
			Error(w, r, fmt.Errorf("load snapshot: %w", err))
			return
		}
		entries, err := store.Transcript(r.Context(), clinicID, id, transcriptLimit)
		if err != nil {
			Error(w, r, fmt.Errorf("load transcript: %w", err))
			return
		}
		out := conversationDetail{
			ID: s.LeadID, ClinicID: s.ClinicID, Phone: s.Phone, Name: s.Name, Phase: s.Phase,
			Version: s.Version, CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt,
			Messages: make([]transcriptMessage, 0, len(entries)),
		}
		for _, e := range entries {
			out.Messages = append(out.Messages, transcriptMessage{Direction: e.Direction, Author: e.Author, Text: e.Text, At: e.At})
		}
		writeJSON(w, http.StatusOK, out)
	})
}
