package actors

import (
	"github.com/medspa/engine/internal/conversation"
	"github.com/medspa/engine/messages"
)

// Activity events: published for every inbound message the engine stores,
// whatever the conversation decided, so a screen that shows a conversation
// knows to read it again. They carry no text and no phone number
// (docs/EVENTS.md).
const (
	// EventMessageReceived: a text, missed call or web form of the lead
	// reached the transcript; data: message_id, kind.
	EventMessageReceived = "message.received"
	// EventMessageStatus: a delivery receipt for a text the clinic sent;
	// data: command_id (when the receipt names it), provider_id, status.
	EventMessageStatus = "message.status"
	// EventStaffAction: a staff action was applied (whatever it changed);
	// data: action_id, action, user.
	EventStaffAction = "staff.action"
)

// activity is the activity event of an inbound message, if it has one.
func activity(in *messages.Envelope) (string, map[string]string, bool) {
	switch {
	case in == nil:
		return "", nil, false
	case in.Receipt != nil:
		data := map[string]string{"provider_id": in.Receipt.ProviderID, "status": in.Receipt.Status}
		if in.Receipt.CommandID != "" {
			data["command_id"] = in.Receipt.CommandID
		}
		return EventMessageStatus, data, true
	case in.Staff != nil:
		return EventStaffAction, map[string]string{"action_id": in.ID, "action": in.Staff.Type, "user": in.Staff.UserID}, true
	case conversation.InboundText(*in) != "":
		return EventMessageReceived, map[string]string{"message_id": in.ID, "kind": string(in.Kind)}, true
	}
	return "", nil, false
}
