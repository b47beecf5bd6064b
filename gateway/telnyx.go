package gateway

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/medspa/engine/internal/phone"
)

// Telnyx message event types the gateway acts on.
const (
	telnyxReceived  = "message.received"
	telnyxSent      = "message.sent"
	telnyxFinalized = "message.finalized"
)

// telnyxBody is the envelope of every Telnyx v2 webhook. The payload's shape
// depends on the event type (call events have a string "from"), so it is
// decoded only once the type is known.
type telnyxBody struct {
	Data *struct {
		EventType string          `json:"event_type"`
		ID        string          `json:"id"`
		Payload   json.RawMessage `json:"payload"`
	} `json:"data"`
}

// telnyxMessagePayload is the payload of message.* events.
type telnyxMessagePayload struct {
	ID     string           `json:"id"`
	From   telnyxEndpoint   `json:"from"`
	To     []telnyxEndpoint `json:"to"`
	Text   string           `json:"text"`
	Media  []telnyxMedia    `json:"media"`
	Errors []telnyxError    `json:"errors"`
}

type telnyxEndpoint struct {
	PhoneNumber string `json:"phone_number"`
	Status      string `json:"status"`
}

type telnyxMedia struct {
	URL string `json:"url"`
}

type telnyxError struct {
	Code flexString `json:"code"`
}

// flexString accepts a JSON string or number: Telnyx documents error codes
// as strings but has sent numbers.
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexString(s)
		return nil
	}
	if bytes.Equal(b, []byte("null")) {
		*f = ""
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	*f = flexString(n.String())
	return nil
}

// telnyxEvent is a parsed and checked Telnyx webhook. Inbound is set for
// message.received, Receipt for message.sent and message.finalized; for any
// other type both are nil and the event is acknowledged and ignored.
type telnyxEvent struct {
	Type    string
	ID      string // data.id, the idempotency key
	Inbound *telnyxInbound
	Receipt *telnyxReceipt
}

// telnyxInbound is a text from a lead. Numbers are E.164.
type telnyxInbound struct {
	MessageID string
	From      string   // the lead
	To        []string // the recipients; one of them is a clinic number
	Text      string
	Media     []string
}

// telnyxReceipt is the delivery status of a text we sent. Numbers are E.164.
type telnyxReceipt struct {
	MessageID string
	From      string // the clinic number we sent from
	To        string // the lead
	Status    string
	ErrorCode string
}

// parseTelnyx decodes and checks a Telnyx webhook body. Its errors wrap
// ErrInvalid; a *ValidationError names the offending fields.
func parseTelnyx(body []byte) (telnyxEvent, error) {
	var b telnyxBody
	if err := json.Unmarshal(body, &b); err != nil {
		return telnyxEvent{}, fmt.Errorf("%w: malformed JSON: %v", ErrInvalid, err)
	}
	if b.Data == nil {
		return telnyxEvent{}, invalid(map[string]string{"data": "required"})
	}
	ev := telnyxEvent{Type: b.Data.EventType, ID: b.Data.ID}
	fields := map[string]string{}
	if !validID(ev.ID) {
		fields["data.id"] = "required: 1 to 128 printable characters"
	}
	if !validID(ev.Type) {
		fields["data.event_type"] = "required"
	}
	if err := invalid(fields); err != nil {
		return telnyxEvent{}, err
	}
	switch ev.Type {
	case telnyxReceived, telnyxSent, telnyxFinalized:
	default:
		return ev, nil
	}
	var p telnyxMessagePayload
	if len(b.Data.Payload) == 0 || bytes.Equal(b.Data.Payload, []byte("null")) {
		return telnyxEvent{}, invalid(map[string]string{"data.payload": "required"})
	}
	if err := json.Unmarshal(b.Data.Payload, &p); err != nil {
		return telnyxEvent{}, invalid(map[string]string{"data.payload": "not a message payload"})
	}
	if !validID(p.ID) {
		fields["data.payload.id"] = "required: 1 to 128 printable characters"
	}
	from, err := phone.Normalize(p.From.PhoneNumber)
	if err != nil {
		fields["data.payload.from.phone_number"] = "required: a phone number"
	}
	if len(p.To) == 0 {
		fields["data.payload.to"] = "required: at least one recipient"
	}
	to := make([]string, len(p.To))
	for i, r := range p.To {
		n, err := phone.Normalize(r.PhoneNumber)
		if err != nil {
			fields["data.payload.to["+strconv.Itoa(i)+"].phone_number"] = "required: a phone number"
		}
		to[i] = n
	}
	if ev.Type != telnyxReceived && len(p.To) > 0 && !validID(p.To[0].Status) {
		fields["data.payload.to[0].status"] = "required"
	}
	if err := invalid(fields); err != nil {
		return telnyxEvent{}, err
	}
	if ev.Type == telnyxReceived {
		in := &telnyxInbound{MessageID: p.ID, From: from, To: to, Text: p.Text}
		for _, m := range p.Media {
			if m.URL != "" {
				in.Media = append(in.Media, m.URL)
			}
		}
		ev.Inbound = in
		return ev, nil
	}
	rc := &telnyxReceipt{MessageID: p.ID, From: from, To: to[0], Status: p.To[0].Status}
	for _, e := range p.Errors {
		if e.Code != "" {
			rc.ErrorCode = string(e.Code)
			break
		}
	}
	ev.Receipt = rc
	return ev, nil
}

// valid checks the invariants parseTelnyx guarantees.
func (e *telnyxEvent) valid() error {
	if !validID(e.ID) || !validID(e.Type) {
		return errors.New("bad id or type")
	}
	switch e.Type {
	case telnyxReceived:
		in := e.Inbound
		if in == nil || e.Receipt != nil || !validID(in.MessageID) || !phone.Valid(in.From) || len(in.To) == 0 {
			return errors.New("bad inbound message")
		}
		for _, n := range in.To {
			if !phone.Valid(n) {
				return errors.New("bad recipient")
			}
		}
	case telnyxSent, telnyxFinalized:
		rc := e.Receipt
		if rc == nil || e.Inbound != nil || !validID(rc.MessageID) || !phone.Valid(rc.From) || !phone.Valid(rc.To) || !validID(rc.Status) {
			return errors.New("bad receipt")
		}
	default:
		if e.Inbound != nil || e.Receipt != nil {
			return errors.New("payload on an ignored event")
		}
	}
	return nil
}

// validID accepts 1 to 128 printable ASCII characters without spaces: safe
// as a Nats-Msg-Id header value and in a log line.
func validID(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}
