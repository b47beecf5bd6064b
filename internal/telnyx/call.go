package telnyx

import "github.com/medspa/engine/internal/phone"

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
	d, err := decodeWebhook(body)
	if err != nil {
		return Call{}, err
	}
	c := Call{Type: d.EventType, ID: d.ID}
	if c.Type != EventHangup {
		return c, nil
	}
	var p callPayload
	if err := d.decodePayload(&p, "a call payload"); err != nil {
		return Call{}, err
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
