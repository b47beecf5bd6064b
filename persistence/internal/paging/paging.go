// Package paging holds what both stores share for listing conversations: the
// opaque cursor, the page-size clamp and the text-search patterns.
package paging

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/medspa/engine/persistence"
)

// Page sizes of ListConversations.
const (
	DefaultLimit = 50
	MaxLimit     = 200
)

// ErrBadCursor: the cursor was not produced by Encode.
var ErrBadCursor = persistence.ErrBadCursor

// Limit clamps a requested page size: 0 or less means DefaultLimit, more
// than MaxLimit means MaxLimit.
func Limit(n int) int {
	switch {
	case n <= 0:
		return DefaultLimit
	case n > MaxLimit:
		return MaxLimit
	}
	return n
}

// Cursor is the position after the last row of a page: rows are ordered by
// (updated_at DESC, lead_id DESC).
type Cursor struct {
	UpdatedAt time.Time
	LeadID    string
}

type wire struct {
	U int64  `json:"u"` // updated_at, microseconds since the epoch
	L string `json:"l"`
}

// Encode returns the opaque form of c.
func Encode(c Cursor) string {
	b, _ := json.Marshal(wire{U: c.UpdatedAt.UnixMicro(), L: c.LeadID})
	return base64.RawURLEncoding.EncodeToString(b)
}

// Decode parses a cursor made by Encode.
func Decode(s string) (Cursor, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return Cursor{}, fmt.Errorf("%w: %v", ErrBadCursor, err)
	}
	var w wire
	if err := json.Unmarshal(b, &w); err != nil {
		return Cursor{}, fmt.Errorf("%w: %v", ErrBadCursor, err)
	}
	if w.L == "" {
		return Cursor{}, fmt.Errorf("%w: no lead id", ErrBadCursor)
	}
	return Cursor{UpdatedAt: time.UnixMicro(w.U).UTC(), LeadID: w.L}, nil
}

// TextPatterns returns the LIKE patterns of a ConversationQuery.Text, with
// backslash as the escape character so that %, _ and \ in text match
// themselves. name is to match the lower-cased name: text lower-cased, as a
// substring. number is to match the phone: the digits of text as a
// substring, or "" when text has fewer than three digits. The phone is
// E.164, a '+' then digits, so a pattern of digits matches the phone where
// it matches the phone's digits.
func TextPatterns(text string) (name, number string) {
	name = "%" + escapeLike(strings.ToLower(text)) + "%"
	var d strings.Builder
	for _, r := range text {
		if r >= '0' && r <= '9' {
			d.WriteRune(r)
		}
	}
	if d.Len() >= 3 {
		number = "%" + d.String() + "%"
	}
	return name, number
}

var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

func escapeLike(s string) string { return likeEscaper.Replace(s) }
