package conversation

import "github.com/medspa/engine/messages"

// Effect is something Decide asks the caller to do after it has persisted
// the new state.
type Effect interface{ isEffect() }

// Effects Decide returns: Reply and Event for every conversation, and
// HoldSlot and ReleaseSlot for the clinic's calendar (see protocol.go).

// Reply is a text to the lead, sent from State.ClinicNumber via
// State.Carrier.
type Reply struct {
	Text    string
	Purpose messages.Purpose
}

// Event is a domain event for operators and the staff inbox.
type Event struct {
	Type string
	Data map[string]any
}

func (Reply) isEffect() {}
func (Event) isEffect() {}

// Domain event types.
const (
	EventLeadCreated      = "lead.created"
	EventPhaseChanged     = "phase.changed"
	EventNameLearned      = "name.learned"
	EventServiceNoted     = "service.noted"
	EventHandoffRequested = "handoff.requested"
	EventPatientNoted     = "patient.noted"
	EventSlotsOffered     = "slots.offered"
	EventSlotHeld         = "slot.held"
	EventSlotTaken        = "slot.taken"
	EventHoldReleased     = "hold.released"
	EventHoldExpired      = "hold.expired"
)
