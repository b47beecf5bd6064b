// Package telnyx is everything the engine knows of Telnyx: it verifies and
// signs webhook signatures (Verify, Sign), parses v2 messaging and call
// webhook bodies into checked, typed events (ParseMessage, ParseCall; pure:
// no I/O, no HTTP, run only after Verify), sends texts through the v2
// messaging API (Carrier, a carrier.Sender) and registers brands, campaigns
// and hosted numbers through the admin API (APIClient).
package telnyx

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/medspa/engine/internal/carrier"
	"github.com/medspa/engine/internal/phone"
	"github.com/medspa/engine/internal/safetext"
)

// Message event types that ParseMessage turns into an Inbound or a Receipt.
const (
	EventReceived  = "message.received"
	EventSent      = "message.sent"
	EventFinalized = "message.finalized"
)

// ErrInvalid marks a body that is not a usable Telnyx webhook.
var ErrInvalid = errors.New("invalid telnyx webhook")

// FieldErrors names, field by field, what is wrong with a body. It matches
// ErrInvalid.
type FieldErrors map[string]string

func (f FieldErrors) Error() string { return carrier.DescribeFields(ErrInvalid, f) }

// Unwrap makes FieldErrors match ErrInvalid.
func (f FieldErrors) Unwrap() error { return ErrInvalid }

func invalid(fields map[string]string) error {
	if len(fields) == 0 {
		return nil
	}
	return FieldErrors(fields)
}

// webhookBody is the envelope of every Telnyx v2 webhook. The payload's shape
// depends on the event type (call events have a string "from"), so it is
// decoded only once the type is known.
type webhookBody struct {
	Data *webhookData `json:"data"`
}

type webhookData struct {
	EventType string          `json:"event_type"`
	ID        string          `json:"id"`
	Payload   json.RawMessage `json:"payload"`
}

// decodeWebhook decodes the envelope of a webhook body and checks its id
// and event type.
func decodeWebhook(body []byte) (*webhookData, error) {
	var b webhookBody
	if err := json.Unmarshal(body, &b); err != nil {
		return nil, fmt.Errorf("%w: malformed JSON: %v", ErrInvalid, err)
	}
	if b.Data == nil {
		return nil, invalid(map[string]string{"data": "required"})
	}
	fields := map[string]string{}
	if !carrier.ValidID(b.Data.ID) {
		fields["data.id"] = "required: 1 to 128 printable characters"
	}
	if !carrier.ValidID(b.Data.EventType) {
		fields["data.event_type"] = "required"
	}
	if err := invalid(fields); err != nil {
		return nil, err
	}
	return b.Data, nil
}

// decodePayload decodes the payload of a webhook into p; what names the
// payload expected in the error ("a call payload").
func (d *webhookData) decodePayload(p any, what string) error {
	if len(d.Payload) == 0 || bytes.Equal(d.Payload, []byte("null")) {
		return invalid(map[string]string{"data.payload": "required"})
	}
	if err := json.Unmarshal(d.Payload, p); err != nil {
		return invalid(map[string]string{"data.payload": "not " + what})
	}
	return nil
}

// messagePayload is the payload of message.* events.
type messagePayload struct {
	ID     string     `json:"id"`
	From   endpoint   `json:"from"`
	To     []endpoint `json:"to"`
	Text   string     `json:"text"`
	Media  []media    `json:"media"`
	Errors []apiError `json:"errors"`
}

type endpoint struct {
	PhoneNumber string `json:"phone_number"`
	Status      string `json:"status"`
}

type media struct {
	URL string `json:"url"`
}

type apiError struct {
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

// Event is a parsed and checked Telnyx webhook. Inbound is set for
// message.received, Receipt for message.sent and message.finalized; for any
// other type both are nil and the event is acknowledged and ignored.
type Event struct {
	Type    string
	ID      string // data.id, the idempotency key
	Inbound *Inbound
	Receipt *Receipt
}

// Inbound is a text from a lead. Numbers are E.164.
type Inbound struct {
	MessageID string
	From      string   // the lead
	To        []string // the recipients; one of them is a clinic number
	Text      string   // without control characters but newline and tab (safetext.Body)
	Media     []string
}

// Receipt is the delivery status of a text we sent. Numbers are E.164.
type Receipt struct {
	MessageID string
	From      string // the clinic number we sent from
	To        string // the lead
	Status    string
	ErrorCode string
}

// ParseMessage decodes and checks a Telnyx webhook body. Its errors wrap
// ErrInvalid; FieldErrors names the offending fields.
func ParseMessage(body []byte) (Event, error) {
	d, err := decodeWebhook(body)
	if err != nil {
		return Event{}, err
	}
	ev := Event{Type: d.EventType, ID: d.ID}
	switch ev.Type {
	case EventReceived, EventSent, EventFinalized:
	default:
		return ev, nil
	}
	var p messagePayload
	if err := d.decodePayload(&p, "a message payload"); err != nil {
		return Event{}, err
	}
	fields := map[string]string{}
	if !carrier.ValidID(p.ID) {
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
	if ev.Type != EventReceived && len(p.To) > 0 && !carrier.ValidID(p.To[0].Status) {
		fields["data.payload.to[0].status"] = "required"
	}
	if err := invalid(fields); err != nil {
		return Event{}, err
	}
	if ev.Type == EventReceived {
		in := &Inbound{MessageID: p.ID, From: from, To: to, Text: safetext.Body(p.Text)}
		for _, m := range p.Media {
			if m.URL != "" {
				in.Media = append(in.Media, m.URL)
			}
		}
		ev.Inbound = in
		return ev, nil
	}
	rc := &Receipt{MessageID: p.ID, From: from, To: to[0], Status: p.To[0].Status}
	for _, e := range p.Errors {
		if e.Code != "" {
			rc.ErrorCode = string(e.Code)
			break
		}
	}
	ev.Receipt = rc
	return ev, nil
}

// Valid checks the invariants of an Event that ParseMessage returned.
func (e *Event) Valid() error {
	if !carrier.ValidID(e.ID) || !carrier.ValidID(e.Type) {
		return errors.New("bad id or type")
	}
	switch e.Type {
	case EventReceived:
		in := e.Inbound
		if in == nil || e.Receipt != nil || !carrier.ValidID(in.MessageID) || !phone.Valid(in.From) || len(in.To) == 0 {
			return errors.New("bad inbound message")
		}
		if safetext.Body(in.Text) != in.Text {
			return errors.New("control characters in the text")
		}
		for _, n := range in.To {
			if !phone.Valid(n) {
				return errors.New("bad recipient")
			}
		}
	case EventSent, EventFinalized:
		rc := e.Receipt
		if rc == nil || e.Inbound != nil || !carrier.ValidID(rc.MessageID) || !phone.Valid(rc.From) || !phone.Valid(rc.To) || !carrier.ValidID(rc.Status) {
			return errors.New("bad receipt")
		}
	default:
		if e.Inbound != nil || e.Receipt != nil {
			return errors.New("payload on an ignored event")
		}
	}
	return nil
}
