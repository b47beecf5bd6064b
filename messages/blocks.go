package messages

import (
	"encoding/json"
	"time"
)

// SubjectBlocks is a core NATS request subject: the engine node that owns
// the clinic's partition adds or removes a block of its calendar.
const SubjectBlocks = "medspa.rpc.blocks" // medspa.rpc.blocks.<clinic>

// BlocksSubject is the request subject of a clinic's block changes.
func BlocksSubject(clinicID string) string { return SubjectBlocks + "." + clinicID }

// Block change operations.
const (
	BlockAdd    = "add"
	BlockRemove = "remove"
)

// BlockChange asks the clinic's actor to add a block of time a provider,
// a room or the whole clinic is not available, or to remove one.
type BlockChange struct {
	V        int    `json:"v"`
	ClinicID string `json:"clinic_id"`
	Op       string `json:"op"` // BlockAdd or BlockRemove
	// ID is the block's id; the rest describes an added block.
	ID         string    `json:"id"`
	ProviderID string    `json:"provider_id,omitempty"`
	RoomID     string    `json:"room_id,omitempty"`
	Start      time.Time `json:"start,omitzero"`
	End        time.Time `json:"end,omitzero"`
	Reason     string    `json:"reason,omitempty"`
	By         string    `json:"by"` // the staff user
}

// Outcomes of a block change.
const (
	BlockOK       = "ok"
	BlockInvalid  = "invalid"   // an unknown provider or room, or a malformed change
	BlockNotFound = "not_found" // no block of that id
	BlockFailed   = "failed"    // the store or the bus failed; try again
)

// BlockReply is the clinic actor's answer: the block (a clinic.Block) and
// the held and booked appointments it overlaps (clinic.Conflict), whose
// conversations went to staff.
type BlockReply struct {
	V         int             `json:"v"`
	Outcome   string          `json:"outcome"`
	Detail    string          `json:"detail,omitempty"`
	Block     json.RawMessage `json:"block,omitempty"`
	Conflicts json.RawMessage `json:"conflicts,omitempty"`
}
