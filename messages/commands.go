package messages

import (
	"encoding/json"
	"fmt"
	"time"
)

// Purpose says whether an outbound text answers the lead or starts a contact.
// Compliance rules (quiet hours, caps) differ between the two.
type Purpose string

// Purposes.
const (
	PurposeReply     Purpose = "reply"
	PurposeInitiated Purpose = "initiated"
)

// SendSMS is the command to hand one text to a carrier. It is written to the
// outbox in the same transaction as the state that decided it, and published
// with Nats-Msg-Id = ID. The sender never hands the same ID to a carrier twice.
type SendSMS struct {
	V        int       `json:"v"`
	ID       string    `json:"id"` // outbox id; the sender's idempotency key
	ClinicID string    `json:"clinic_id"`
	LeadID   string    `json:"lead_id"`
	Carrier  Carrier   `json:"carrier"`
	From     string    `json:"from"`
	To       string    `json:"to"`
	Text     string    `json:"text"`
	Purpose  Purpose   `json:"purpose"`
	Created  time.Time `json:"created"`
	// Origin is when the work that caused this text arrived at the gateway;
	// the sender uses it for the speed-to-lead and end-to-end histograms.
	Origin time.Time `json:"origin"`
	// Keyword marks the answers to carrier keywords ("optout", "optin",
	// "help"); the "optout" confirmation and "help" answers are the only
	// texts the sender hands over for a number whose consent is revoked.
	Keyword string `json:"keyword,omitempty"`
	// ClinicTZ, RecipientState and RecipientTZ are what the engine checked
	// quiet hours with; the sender checks an initiated text again with them
	// just before the carrier call.
	ClinicTZ       string `json:"clinic_tz,omitempty"`
	RecipientState string `json:"recipient_state,omitempty"`
	RecipientTZ    string `json:"recipient_tz,omitempty"`
	// First marks the first text to a new lead: the sender observes speed
	// to lead (medspa_speed_to_lead_seconds) for it.
	First bool `json:"first,omitempty"`
}

// DecodeSendSMS parses a send command.
func DecodeSendSMS(b []byte) (SendSMS, error) {
	var c SendSMS
	if err := json.Unmarshal(b, &c); err != nil {
		return SendSMS{}, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if c.V != Version || c.ID == "" || c.To == "" || c.From == "" || c.Text == "" {
		return SendSMS{}, fmt.Errorf("%w: incomplete send command", ErrInvalid)
	}
	return c, nil
}

// Event is a domain event for operators and the staff inbox.
type Event struct {
	V        int             `json:"v"`
	ID       string          `json:"id"`
	Type     string          `json:"type"`
	ClinicID string          `json:"clinic_id"`
	LeadID   string          `json:"lead_id"`
	At       time.Time       `json:"at"`
	Data     json.RawMessage `json:"data,omitempty"`
}

// DeadLetter wraps a message that could not be processed, with the reason.
// It is published to DeadSubject(Source) and keeps what a replay needs:
// the message's data and headers and the subject to publish it to again.
type DeadLetter struct {
	V       int    `json:"v"`
	Source  string `json:"source,omitempty"` // inbound, sms, payment
	Subject string `json:"subject"`          // where the message was delivered from
	// ReplayTo is where a replay publishes the message: for inbound work
	// the subject the gateway published it to (medspa.in...), not the
	// partitioned one it was stored as.
	ReplayTo   string              `json:"replay_to,omitempty"`
	MsgID      string              `json:"msg_id,omitempty"`
	Headers    map[string][]string `json:"headers,omitempty"`
	Reason     string              `json:"reason,omitempty"` // a short label: invalid, store_rejected, ...
	Error      string              `json:"error"`
	Deliveries uint64              `json:"deliveries"`
	At         time.Time           `json:"at"`
	Data       []byte              `json:"data"`
	// Snapshot is the stored conversation snapshot that could not be
	// decoded (reason snapshot_undecodable): the conversation starts again
	// from its next message, and this is the copy of what it had.
	Snapshot []byte `json:"snapshot,omitempty"`
}
