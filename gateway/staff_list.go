package gateway

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/medspa/engine/internal/phone"
	"github.com/medspa/engine/persistence"
)

// Page sizes of the conversation list, and how far one filtered request
// scans. The store filters by clinic and number only; phase, needs_person,
// updated_since and q are applied here over store pages, at most
// scanLimit conversations per request. A request that reaches that bound
// answers with the matches so far and a next_cursor to continue from.
const (
	defaultListLimit = 50
	maxListLimit     = 200
	scanPage         = 200
	scanLimit        = 1000
	phaseHandedOver  = "handed_to_staff"
)

// conversationItem is one row of the conversation list.
type conversationItem struct {
	ID          string    `json:"id"`
	ClinicID    string    `json:"clinic_id"`
	Phone       string    `json:"phone"`
	Name        string    `json:"name"`
	Phase       string    `json:"phase"`
	NeedsPerson bool      `json:"needs_person"`
	Version     int64     `json:"version"`
	UpdatedAt   time.Time `json:"updated_at"`
}

type conversationList struct {
	Items      []conversationItem `json:"items"`
	NextCursor string             `json:"next_cursor,omitempty"`
}

// listQuery is the query of GET /v1/clinics/{clinic_id}/conversations.
type listQuery struct {
	Phone        string
	Phase        string
	NeedsPerson  *bool
	UpdatedSince time.Time
	Text         string // q, lower case
	Digits       string // the digits of q, when it has three or more
	Limit        int
	Cursor       listCursor
}

// filtered reports whether the query filters beyond what the store does.
func (q listQuery) filtered() bool {
	return q.Phase != "" || q.NeedsPerson != nil || !q.UpdatedSince.IsZero() || q.Text != ""
}

// listCursor is the gateway's paging position: the store cursor of a page
// and how many of that page's rows were already returned (Skip), the last of
// them being Last. A page refetched after Last moved (its conversation was
// updated) falls back to Skip.
type listCursor struct {
	Store string `json:"s,omitempty"`
	Skip  int    `json:"k,omitempty"`
	Last  string `json:"l,omitempty"`
}

func (c listCursor) encode() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeListCursor(s string) (listCursor, bool) {
	var c listCursor
	if s == "" {
		return c, true
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || json.Unmarshal(b, &c) != nil || c.Skip < 0 || c.Skip > scanPage {
		return listCursor{}, false
	}
	return c, true
}

// parseListQuery reads and checks the query.
func parseListQuery(r *http.Request) (listQuery, error) {
	v := r.URL.Query()
	q := listQuery{Limit: defaultListLimit}
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
		c, ok := decodeListCursor(s)
		if len(s) > 512 || !ok {
			fields["cursor"] = "not a cursor of this list"
		}
		q.Cursor = c
	}
	if p := v.Get("phase"); p != "" {
		if !validPhase(p) {
			fields["phase"] = "one of " + strings.Join(phases, ", ")
		}
		q.Phase = p
	}
	if s := v.Get("needs_person"); s != "" {
		b, err := strconv.ParseBool(s)
		if err != nil {
			fields["needs_person"] = "true or false"
		}
		q.NeedsPerson = &b
	}
	if q.NeedsPerson != nil && q.Phase != "" && *q.NeedsPerson != (q.Phase == phaseHandedOver) {
		fields["needs_person"] = "contradicts phase"
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
		q.Text = strings.ToLower(s)
		if d := digitsOf(s); len(d) >= 3 {
			q.Digits = d
		}
	}
	return q, invalid(fields)
}

// phases are the conversation phases of the core (conversation.Phase).
var phases = []string{"new", "qualifying", "offering", "held", "deposit_requested", "booked", phaseHandedOver, "opted_out", "lost"}

func validPhase(p string) bool {
	for _, x := range phases {
		if x == p {
			return true
		}
	}
	return false
}

func digitsOf(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// match reports whether a conversation passes the query's filters.
func (q listQuery) match(s persistence.Snapshot) bool {
	if q.Phase != "" && s.Phase != q.Phase {
		return false
	}
	if q.NeedsPerson != nil && *q.NeedsPerson != (s.Phase == phaseHandedOver) {
		return false
	}
	if q.Text != "" {
		inName := strings.Contains(strings.ToLower(s.Name), q.Text)
		inNumber := q.Digits != "" && strings.Contains(digitsOf(s.Phone), q.Digits)
		if !inName && !inNumber {
			return false
		}
	}
	return true
}

// handleListConversations lists a clinic's conversations, newest first.
func handleListConversations(store persistence.Store) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q, err := parseListQuery(r)
		if err != nil {
			Error(w, r, err)
			return
		}
		out, err := listConversations(r, store, chi.URLParam(r, "clinic_id"), q)
		if err != nil {
			Error(w, r, fmt.Errorf("list conversations: %w", err))
			return
		}
		writeJSON(w, http.StatusOK, out)
	})
}

// listConversations walks store pages from the cursor until it has a page
// of matches, the rows are older than updated_since, the store has no more,
// or it has scanned scanLimit rows.
func listConversations(r *http.Request, store persistence.Store, clinicID string, q listQuery) (conversationList, error) {
	out := conversationList{Items: []conversationItem{}}
	size := q.Limit
	if q.filtered() {
		size = scanPage
	}
	cur, scanned := q.Cursor, 0
	for {
		page, err := store.ListConversations(r.Context(), persistence.ConversationQuery{
			ClinicID: clinicID, Phone: q.Phone, Limit: size, Cursor: cur.Store,
		})
		if err != nil {
			return conversationList{}, err
		}
		start := resume(page.Items, cur)
		for i := start; i < len(page.Items); i++ {
			s := page.Items[i]
			if !q.UpdatedSince.IsZero() && s.UpdatedAt.Before(q.UpdatedSince) {
				return out, nil // newest first: nothing older can match
			}
			scanned++
			if q.match(s) {
				out.Items = append(out.Items, itemOf(s))
			}
			if len(out.Items) == q.Limit || scanned >= scanLimit {
				if i+1 < len(page.Items) {
					out.NextCursor = listCursor{Store: cur.Store, Skip: i + 1, Last: s.LeadID}.encode()
				} else if page.NextCursor != "" {
					out.NextCursor = listCursor{Store: page.NextCursor}.encode()
				}
				return out, nil
			}
		}
		if page.NextCursor == "" {
			return out, nil
		}
		cur = listCursor{Store: page.NextCursor}
	}
}

// resume is the index of the first row of a refetched page not returned yet.
func resume(items []persistence.Snapshot, c listCursor) int {
	if c.Last != "" {
		for i, s := range items {
			if s.LeadID == c.Last {
				return i + 1
			}
		}
	}
	return min(c.Skip, len(items))
}

func itemOf(s persistence.Snapshot) conversationItem {
	return conversationItem{
		ID: s.LeadID, ClinicID: s.ClinicID, Phone: s.Phone, Name: s.Name, Phase: s.Phase,
		NeedsPerson: s.Phase == phaseHandedOver, Version: s.Version, UpdatedAt: s.UpdatedAt,
	}
}
