package messages

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Version is the version of the JSON encoding of every type in this package.
const Version = 1

// Kind names what an inbound envelope carries. It is also the last token of
// the inbound subject, so operators can filter on it.
type Kind string

// Inbound kinds.
const (
	KindSMS     Kind = "sms"     // a text from a lead
	KindReceipt Kind = "receipt" // a delivery receipt for one of our texts
	KindMissed  Kind = "missed"  // a missed call to a clinic number
	KindWebLead Kind = "web"     // a web form submission
	KindTimer   Kind = "timer"   // a durable timer that fell due
	KindPayment Kind = "payment" // a Stripe event
	KindStaff   Kind = "staff"   // a staff action
)

// Valid reports whether k is a known inbound kind.
func (k Kind) Valid() bool {
	switch k {
	case KindSMS, KindReceipt, KindMissed, KindWebLead, KindTimer, KindPayment, KindStaff:
		return true
	}
	return false
}

// Carrier names an SMS provider.
type Carrier string

// Carriers.
const (
	CarrierTelnyx Carrier = "telnyx"
	CarrierTwilio Carrier = "twilio"
)

// Envelope is one unit of inbound work for a conversation. Exactly one of the
// payload pointers is set, matching Kind.
type Envelope struct {
	V int `json:"v"`
	// ID is the idempotency key: the provider's event or message id with a
	// provider prefix ("telnyx:<data.id>"). It is also the Nats-Msg-Id.
	ID       string    `json:"id"`
	Kind     Kind      `json:"kind"`
	ClinicID string    `json:"clinic_id"`
	LeadID   string    `json:"lead_id"`
	Phone    string    `json:"phone"` // the lead's number, E.164
	Received time.Time `json:"received"`

	SMS     *InboundSMS      `json:"sms,omitempty"`
	Receipt *DeliveryReceipt `json:"receipt,omitempty"`
	Missed  *MissedCall      `json:"missed,omitempty"`
	Web     *WebLead         `json:"web,omitempty"`
	Timer   *TimerFired      `json:"timer,omitempty"`
	Payment *Payment         `json:"payment,omitempty"`
	Staff   *StaffAction     `json:"staff,omitempty"`
}

// TimerFired is a durable timer of the conversation that fell due.
type TimerFired struct {
	Name string    `json:"name"`
	Due  time.Time `json:"due"`
}

// InboundSMS is a text message a lead sent to a clinic number.
type InboundSMS struct {
	Carrier    Carrier  `json:"carrier"`
	ProviderID string   `json:"provider_id"` // the carrier's message id
	From       string   `json:"from"`        // the lead, E.164
	To         string   `json:"to"`          // the clinic number, E.164
	Text       string   `json:"text"`
	Media      []string `json:"media,omitempty"`
}

// DeliveryReceipt reports the fate of a text we sent.
type DeliveryReceipt struct {
	Carrier    Carrier `json:"carrier"`
	ProviderID string  `json:"provider_id"` // the carrier's id of our outbound message
	// CommandID is the send command the status callback URL names
	// (carrier.CallbackURL); empty for receipts sent to the number's
	// default webhook.
	CommandID string `json:"command_id,omitempty"`
	Status    string `json:"status"`
	ErrorCode string `json:"error_code,omitempty"`
}

// MissedCall is an inbound call to a clinic number that nobody answered.
type MissedCall struct {
	Carrier Carrier `json:"carrier"`
	From    string  `json:"from"`
	To      string  `json:"to"`
	Cause   string  `json:"cause"`
}

// WebLead is a web form submission.
type WebLead struct {
	Name        string `json:"name"`
	Email       string `json:"email,omitempty"`
	Service     string `json:"service,omitempty"`
	Message     string `json:"message,omitempty"`
	ConsentText string `json:"consent_text"`
	IP          string `json:"ip,omitempty"`
	// UTM are the campaign parameters of the page the form was on.
	UTM *UTM `json:"utm,omitempty"`
}

// UTM are the campaign parameters (utm_source, utm_medium, utm_campaign,
// utm_term, utm_content) a web form passes on; each may be empty.
type UTM struct {
	Source   string `json:"source,omitempty"`
	Medium   string `json:"medium,omitempty"`
	Campaign string `json:"campaign,omitempty"`
	Term     string `json:"term,omitempty"`
	Content  string `json:"content,omitempty"`
}

// Empty reports whether no parameter is set.
func (u *UTM) Empty() bool { return u == nil || *u == UTM{} }

// ErrInvalid marks an envelope that can never be processed; it goes to the
// dead-letter subject rather than being retried.
var ErrInvalid = errors.New("invalid envelope")

// Validate checks the fields every envelope must have.
func (e *Envelope) Validate() error {
	switch {
	case e.V != Version:
		return fmt.Errorf("%w: version %d, want %d", ErrInvalid, e.V, Version)
	case e.ID == "":
		return fmt.Errorf("%w: missing id", ErrInvalid)
	case !e.Kind.Valid():
		return fmt.Errorf("%w: unknown kind %q", ErrInvalid, e.Kind)
	case !ValidToken(e.ClinicID):
		return fmt.Errorf("%w: bad clinic id %q", ErrInvalid, e.ClinicID)
	case !ValidToken(e.LeadID):
		return fmt.Errorf("%w: bad lead id %q", ErrInvalid, e.LeadID)
	}
	var ok bool
	switch e.Kind {
	case KindSMS:
		ok = e.SMS != nil
	case KindReceipt:
		ok = e.Receipt != nil
	case KindMissed:
		ok = e.Missed != nil
	case KindWebLead:
		ok = e.Web != nil
	case KindPayment:
		ok = e.Payment != nil
	case KindStaff:
		ok = e.Staff != nil
	default:
		ok = true
	}
	if !ok {
		return fmt.Errorf("%w: kind %q without its payload", ErrInvalid, e.Kind)
	}
	return nil
}

// Encode returns the JSON encoding of e.
func (e *Envelope) Encode() ([]byte, error) { return json.Marshal(e) }

// DecodeEnvelope parses and validates an envelope. Every error wraps
// ErrInvalid: a body that does not decode will never decode.
func DecodeEnvelope(b []byte) (Envelope, error) {
	var e Envelope
	if err := json.Unmarshal(b, &e); err != nil {
		return Envelope{}, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if err := e.Validate(); err != nil {
		return Envelope{}, err
	}
	return e, nil
}

// LeadID derives the stable conversation id of a lead from its clinic and
// E.164 number. The number itself never appears in a subject.
func LeadID(clinicID, phone string) string {
	h := sha256.Sum256([]byte(clinicID + "|" + phone))
	return "ld_" + hex.EncodeToString(h[:10])
}

// ValidToken reports whether s can be used as one token of a NATS subject:
// non-empty, at most 64 bytes of [A-Za-z0-9_-].
func ValidToken(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}
