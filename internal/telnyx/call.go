package telnyx

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/medspa/engine/internal/phone"
)

// EventHangup is the call event that tells how a call ended.
const EventHangup = "call.hangup"

// Hangup causes that mean nobody picked up. normal_clearing (a call that
// was answered and ended) is not one of them.
var missedCauses = map[string]bool{
	"no_answer":          true,
	"no_user_response":   true,
	"timeout":            true,
	"user_busy":          true,
	"originator_cancel":  true,
	"call_rejected":      true,
	"unallocated_number": true,
}

// MissedCause reports whether a hangup cause means the call was not answered.
func MissedCause(cause string) bool { return missedCauses[cause] }

// callPayload is the payload of call.* events: from and to are plain
// strings there.
type callPayload struct {
	From        string `json:"from"`
	To          string `json:"to"`
	Direction   string `json:"direction"`
	HangupCause string `json:"hangup_cause"`
}

// Call is a parsed Telnyx voice webhook. Missed is set for a call.hangup of
// an incoming call that nobody answered, from a caller that can be texted;
// for anything else it is nil and the event is acknowledged and ignored.
type Call struct {
	Type   string
	ID     string
	Missed *Missed
}

// Missed is an unanswered incoming call. Numbers are E.164.
type Missed struct {
	From  string // the caller
	To    string // the clinic number called
	Cause string // the hangup cause
}

// ParseCall decodes and checks a Telnyx voice webhook body. Its errors wrap
// ErrInvalid; FieldErrors names the offending fields.
func ParseCall(body []byte) (Call, error) {
	var b webhookBody
	if err := json.Unmarshal(body, &b); err != nil {
		return Call{}, fmt.Errorf("%w: malformed JSON: %v", ErrInvalid, err)
	}
	if b.Data == nil {
		return Call{}, invalid(map[string]string{"data": "required"})
	}
	c := Call{Type: b.Data.EventType, ID: b.Data.ID}
	fields := map[string]string{}
	if !validID(c.ID) {
		fields["data.id"] = "required: 1 to 128 printable characters"
	}
	if !validID(c.Type) {
		fields["data.event_type"] = "required"
	}
	if err := invalid(fields); err != nil {
		return Call{}, err
	}
	if c.Type != EventHangup {
		return c, nil
	}
	var p callPayload
	if len(b.Data.Payload) == 0 || bytes.Equal(b.Data.Payload, []byte("null")) {
		return Call{}, invalid(map[string]string{"data.payload": "required"})
	}
	if err := json.Unmarshal(b.Data.Payload, &p); err != nil {
		return Call{}, invalid(map[string]string{"data.payload": "not a call payload"})
	}
	if p.Direction != "incoming" || !MissedCause(p.HangupCause) {
		return c, nil
	}
	to, err := phone.Normalize(p.To)
	if err != nil {
		return Call{}, invalid(map[string]string{"data.payload.to": "required: a phone number"})
	}
	from, err := phone.Normalize(p.From)
	if err != nil {
		// A withheld or non-numeric caller id cannot be texted back.
		return c, nil
	}
	c.Missed = &Missed{From: from, To: to, Cause: p.HangupCause}
	return c, nil
}
