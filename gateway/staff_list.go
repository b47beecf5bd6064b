package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/medspa/engine/internal/conversation"
	"github.com/medspa/engine/internal/phone"
	"github.com/medspa/engine/persistence"
)

// Page sizes of the conversation list. The store applies every filter
// (persistence.ConversationQuery), so each page is full unless it is the
// last.
const (
	defaultListLimit = 50
	maxListLimit     = 200
	phaseHandedOver  = string(conversation.PhaseHandedToStaff)
)

// conversationItem is one row of the conversation list.
type conversationItem struct {
	ID          string `json:"id"`
	ClinicID    string `json:"clinic_id"`
	Phone       string `json:"phone"`
	Name        string `json:"name"`
	Phase       string `json:"phase"`
	NeedsPerson bool   `json:"needs_person"`
	HasBooking  bool   `json:"has_booking"`
	// Urgent: a possible medical emergency no person has answered yet;
	// such conversations come first in the list.
	Urgent    bool      `json:"urgent,omitempty"`
	Version   int64     `json:"version"`
	UpdatedAt time.Time `json:"updated_at"`
}

type conversationList struct {
	Items      []conversationItem `json:"items"`
	NextCursor string             `json:"next_cursor,omitempty"`
}

// parseListQuery reads and checks the query of GET
// /v1/clinics/{clinic_id}/conversations and returns it as the store's
// query. needs_person becomes phases: true is handed_to_staff, false every
// other phase. A cursor is checked by the store (listConversations).
func parseListQuery(r *http.Request, clinicID string) (persistence.ConversationQuery, error) {
	v := r.URL.Query()
	q := persistence.ConversationQuery{ClinicID: clinicID, Limit: defaultListLimit}
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
	if s := v.Get("cursor"); s != "" {
		if len(s) > 512 {
			fields["cursor"] = badCursor
		}
		q.Cursor = s
	}
	phase := v.Get("phase")
	if phase != "" && !slices.Contains(phases, phase) {
		fields["phase"] = "one of " + strings.Join(phases, ", ")
	}
	needsPerson, ok := parseBool(v.Get("needs_person"))
	switch {
	case !ok:
		fields["needs_person"] = "true or false"
	case needsPerson != nil && phase != "" && *needsPerson != (phase == phaseHandedOver):
		fields["needs_person"] = "contradicts phase"
	}
	switch {
	case phase != "":
		q.Phases = []string{phase}
	case needsPerson != nil:
		for _, p := range phases {
			if (p == phaseHandedOver) == *needsPerson {
				q.Phases = append(q.Phases, p)
			}
		}
	}
	if q.HasBooking, ok = parseBool(v.Get("has_booking")); !ok {
		fields["has_booking"] = "true or false"
	}
	if s := v.Get("updated_since"); s != "" {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			fields["updated_since"] = "an RFC 3339 time, e.g. 2026-11-20T18:00:00Z"
		}
		q.UpdatedSince = t
	}
	if s := strings.TrimSpace(v.Get("q")); s != "" {
		if len(s) > 100 {
			fields["q"] = "at most 100 characters"
		}
		q.Text = s
	}
	return q, invalid(fields)
}

const badCursor = "not a cursor of this list"

// parseBool reads an optional boolean: nil when s is empty, ok false when
// s is not a boolean.
func parseBool(s string) (b *bool, ok bool) {
	if s == "" {
		return nil, true
	}
	v, err := strconv.ParseBool(s)
	if err != nil {
		return nil, false
	}
	return &v, true
}

// phases are the conversation phases of the core, as the store and the
// API name them.
var phases = func() []string {
	var out []string
	for _, p := range conversation.Phases() {
		out = append(out, string(p))
	}
	return out
}()

// handleListConversations lists a clinic's conversations, newest first.
// conversationLister pages through a clinic's conversations
// (persistence.Store has it).
type conversationLister interface {
	ListConversations(ctx context.Context, q persistence.ConversationQuery) (persistence.ConversationPage, error)
}

func handleListConversations(store conversationLister) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q, err := parseListQuery(r, chi.URLParam(r, "clinic_id"))
		if err != nil {
			Error(w, r, err)
			return
		}
		page, err := store.ListConversations(r.Context(), q)
		if errors.Is(err, persistence.ErrBadCursor) {
			Error(w, r, invalid(map[string]string{"cursor": badCursor}))
			return
		}
		if err != nil {
			Error(w, r, fmt.Errorf("list conversations: %w", err))
			return
		}
		urgent, err := urgentConversations(r, store, q)
		if err != nil {
			Error(w, r, fmt.Errorf("list urgent conversations: %w", err))
			return
		}
		writeJSON(w, http.StatusOK, urgentFirst(page, urgent, q.Cursor == ""))
	})
}

// urgentConversations are the conversations of q that are urgent (a
// possible medical emergency no person answered yet), newest first. They
// are handed to staff, so only that phase is read, and only when q lists
// it.
func urgentConversations(r *http.Request, store conversationLister, q persistence.ConversationQuery) ([]persistence.Snapshot, error) {
	if len(q.Phases) > 0 && !slices.Contains(q.Phases, phaseHandedOver) {
		return nil, nil
	}
	uq := q
	uq.Phases, uq.Cursor, uq.Limit = []string{phaseHandedOver}, "", maxListLimit
	page, err := store.ListConversations(r.Context(), uq)
	if err != nil {
		return nil, err
	}
	var out []persistence.Snapshot
	for _, s := range page.Items {
		if stateUrgent(s.State) {
			out = append(out, s)
		}
	}
	return out, nil
}

// stateUrgent reads the urgent mark of a conversation's state.
func stateUrgent(state []byte) bool {
	var s struct {
		Urgent bool `json:"urgent"`
	}
	return json.Unmarshal(state, &s) == nil && s.Urgent
}

// urgentFirst builds a page of the list: the urgent conversations at the
// top of the first page, and nowhere else.
func urgentFirst(page persistence.ConversationPage, urgent []persistence.Snapshot, first bool) conversationList {
	out := conversationList{Items: []conversationItem{}, NextCursor: page.NextCursor}
	seen := make(map[string]bool, len(urgent))
	for _, s := range urgent {
		seen[s.LeadID] = true
		if first {
			it := itemOf(s)
			it.Urgent = true
			out.Items = append(out.Items, it)
		}
	}
	for _, s := range page.Items {
		if !seen[s.LeadID] {
			out.Items = append(out.Items, itemOf(s))
		}
	}
	return out
}

func itemOf(s persistence.Snapshot) conversationItem {
	return conversationItem{
		ID: s.LeadID, ClinicID: s.ClinicID, Phone: s.Phone, Name: s.Name, Phase: s.Phase,
		NeedsPerson: s.Phase == phaseHandedOver, HasBooking: s.HasBooking, Version: s.Version, UpdatedAt: s.UpdatedAt,
	}
}
