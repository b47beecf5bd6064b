package clinic

import (
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// Sources of a block.
const (
	BlockStaff    = "staff"    // added by staff (lunch, training, time off)
	BlockCalendar = "calendar" // busy time read from a provider's external calendar
)

// Block is a time a provider (ProviderID), a room (RoomID) or, when both
// are empty, the whole clinic is not available.
type Block struct {
	ID         string    `json:"id"`
	ProviderID string    `json:"provider_id,omitempty"`
	RoomID     string    `json:"room_id,omitempty"`
	Start      time.Time `json:"start"`
	End        time.Time `json:"end"`
	Reason     string    `json:"reason,omitempty"`
	Source     string    `json:"source"`
	// UID is the external event's UID (calendar blocks only); Summary its
	// title.
	UID     string `json:"uid,omitempty"`
	Summary string `json:"summary,omitempty"`
}

// Conflict is an active appointment that a new block overlaps. It is
// handed to staff, never moved by the engine.
type Conflict struct {
	Appointment Appointment `json:"appointment"`
	Block       Block       `json:"block"`
}

// covers reports whether b takes the time of a: it overlaps a and applies
// to its provider (an appointment without one may be anyone's), its room
// or the whole clinic.
func (b Block) covers(a Appointment) bool {
	if !b.Start.Before(a.End) || !a.Start.Before(b.End) {
		return false
	}
	switch {
	case b.ProviderID == "" && b.RoomID == "":
		return true
	case b.ProviderID != "":
		return a.ProviderID == b.ProviderID || a.ProviderID == ""
	default:
		return a.RoomID == b.RoomID
	}
}

// conflicts lists the active appointments at now that b covers.
func (cal Calendar) conflicts(b Block, now time.Time) []Conflict {
	var out []Conflict
	for _, a := range cal.Appointments {
		if a.active(now) && b.covers(a) {
			out = append(out, Conflict{Appointment: a, Block: b})
		}
	}
	return out
}

// AddBlock adds b (replacing a block of the same id) and returns the
// active held and booked appointments at now it overlaps; they stay where
// they are. Re-adding an unchanged block changes nothing and reports its
// conflicts again, so a retried request hands the same ones off.
func (cal Calendar) AddBlock(b Block, now time.Time) (Calendar, []Conflict) {
	b.Start, b.End = b.Start.UTC(), b.End.UTC()
	blocks := make([]Block, 0, len(cal.Blocks)+1)
	for _, x := range cal.Blocks {
		if x.ID == b.ID {
			if x == b {
				return cal, cal.conflicts(b, now)
			}
			continue
		}
		blocks = append(blocks, x)
	}
	blocks = append(blocks, b)
	return Calendar{Appointments: cal.Appointments, Blocks: blocks}, cal.conflicts(b, now)
}

// RemoveBlock removes the block with id; an unknown id changes nothing.
func (cal Calendar) RemoveBlock(id string) Calendar {
	if _, ok := cal.FindBlock(id); !ok {
		return cal
	}
	blocks := make([]Block, 0, len(cal.Blocks))
	for _, x := range cal.Blocks {
		if x.ID != id {
			blocks = append(blocks, x)
		}
	}
	return Calendar{Appointments: cal.Appointments, Blocks: blocks}
}

// FindBlock returns the block with the given id.
func (cal Calendar) FindBlock(id string) (Block, bool) {
	for _, b := range cal.Blocks {
		if b.ID == id {
			return b, true
		}
	}
	return Block{}, false
}

// SetCalendarBusy replaces provider providerID's calendar blocks with busy
// (each becomes a block of that provider with Source BlockCalendar; one
// without an id gets CalendarBlockID's). It returns the active held and
// booked appointments at now that a busy interval which was not there
// before (same UID, start and end) overlaps; they stay where they are.
func (cal Calendar) SetCalendarBusy(providerID string, busy []Block, now time.Time) (Calendar, []Conflict) {
	type key struct {
		uid        string
		start, end time.Time
	}
	known := map[key]bool{}
	blocks := make([]Block, 0, len(cal.Blocks)+len(busy))
	for _, x := range cal.Blocks {
		if x.Source == BlockCalendar && x.ProviderID == providerID {
			known[key{x.UID, x.Start, x.End}] = true
			continue
		}
		blocks = append(blocks, x)
	}
	var out []Conflict
	for _, b := range busy {
		b.ProviderID, b.RoomID, b.Source = providerID, "", BlockCalendar
		b.Start, b.End = b.Start.UTC(), b.End.UTC()
		if b.ID == "" {
			b.ID = CalendarBlockID(providerID, b.UID, b.Start, b.End)
		}
		blocks = append(blocks, b)
		if !known[key{b.UID, b.Start, b.End}] {
			out = append(out, cal.conflicts(b, now)...)
		}
	}
	return Calendar{Appointments: cal.Appointments, Blocks: blocks}, out
}

// CalendarBlockID derives a calendar block's id from its provider, event
// UID and time, so reading the same calendar again gives the same ids.
func CalendarBlockID(providerID, uid string, start, end time.Time) string {
	h := sha256.Sum256([]byte(providerID + "|" + uid + "|" + start.UTC().Format(time.RFC3339) + "|" + end.UTC().Format(time.RFC3339)))
	return "cb_" + hex.EncodeToString(h[:8])
}
