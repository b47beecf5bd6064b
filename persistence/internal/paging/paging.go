// Package paging holds what both stores share for listing conversations: the
// opaque cursor and the page-size clamp.
package paging

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
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
