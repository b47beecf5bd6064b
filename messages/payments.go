package messages

import (
	"encoding/json"
	"fmt"
	"time"
)

// Payment command types: the "type" field of a command's JSON, written by
// MarshalJSON, tells the payments worker which command it holds.
const (
	PaymentCmdCheckout = "checkout.create"
	PaymentCmdRefund   = "refund.create"
)

// Payment outcome and event types (Payment.Type).
const (
	PaymentCheckoutCreated   = "checkout.created"   // the worker created a Checkout Session
	PaymentCheckoutFailed    = "checkout.failed"    // the worker could not create one
	PaymentCheckoutCompleted = "checkout.completed" // webhook: the lead paid (check PaymentStatus)
	PaymentCheckoutExpired   = "checkout.expired"   // webhook: the session expired unpaid
	PaymentChargeRefunded    = "charge.refunded"    // webhook: a charge was refunded
	PaymentRefundCreated     = "refund.created"     // the worker created a refund
	PaymentRefundFailed      = "refund.failed"      // the worker could not create one
)

// CreateCheckout is the command to open a Stripe Checkout Session for the
// deposit of a held appointment. It is published to PaymentSubject with
// Nats-Msg-Id = ID.
type CreateCheckout struct {
	V             int       `json:"v"`
	ID            string    `json:"id"` // outbox id
	ClinicID      string    `json:"clinic_id"`
	LeadID        string    `json:"lead_id"`
	AppointmentID string    `json:"appointment_id"`
	ServiceName   string    `json:"service_name"`
	AmountCents   int64     `json:"amount_cents"`
	Currency      string    `json:"currency"` // ISO 4217, lowercase; "usd" when empty
	ExpiresAt     time.Time `json:"expires_at"`
	SuccessURL    string    `json:"success_url"`
	CancelURL     string    `json:"cancel_url"`
	// Origin is when the work that caused this command reached the gateway.
	Origin time.Time `json:"origin"`
}

// MarshalJSON writes the command with its type.
func (c CreateCheckout) MarshalJSON() ([]byte, error) {
	type plain CreateCheckout
	return json.Marshal(struct {
		Type string `json:"type"`
		plain
	}{PaymentCmdCheckout, plain(c)})
}

// Refund is the command to refund a deposit.
type Refund struct {
	V             int    `json:"v"`
	ID            string `json:"id"` // outbox id
	ClinicID      string `json:"clinic_id"`
	LeadID        string `json:"lead_id"`
	AppointmentID string `json:"appointment_id"`
	PaymentIntent string `json:"payment_intent"`
	AmountCents   int64  `json:"amount_cents,omitempty"` // 0 refunds the whole charge
	Reason        string `json:"reason,omitempty"`       // duplicate, fraudulent, requested_by_customer
}

// MarshalJSON writes the command with its type.
func (r Refund) MarshalJSON() ([]byte, error) {
	type plain Refund
	return json.Marshal(struct {
		Type string `json:"type"`
		plain
	}{PaymentCmdRefund, plain(r)})
}

// PaymentCommand is a decoded payment command: exactly one field is set.
type PaymentCommand struct {
	Checkout *CreateCheckout
	Refund   *Refund
}

// DecodePaymentCommand parses and checks a payment command. Every error
// wraps ErrInvalid.
func DecodePaymentCommand(b []byte) (PaymentCommand, error) {
	var head struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return PaymentCommand{}, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	switch head.Type {
	case PaymentCmdCheckout:
		var c CreateCheckout
		if err := json.Unmarshal(b, &c); err != nil {
			return PaymentCommand{}, fmt.Errorf("%w: %v", ErrInvalid, err)
		}
		if err := checkCommand(c.V, c.ID, c.ClinicID, c.LeadID, c.AppointmentID); err != nil {
			return PaymentCommand{}, err
		}
		if c.AmountCents <= 0 || c.ServiceName == "" || c.SuccessURL == "" || c.CancelURL == "" {
			return PaymentCommand{}, fmt.Errorf("%w: incomplete checkout command", ErrInvalid)
		}
		return PaymentCommand{Checkout: &c}, nil
	case PaymentCmdRefund:
		var r Refund
		if err := json.Unmarshal(b, &r); err != nil {
			return PaymentCommand{}, fmt.Errorf("%w: %v", ErrInvalid, err)
		}
		if err := checkCommand(r.V, r.ID, r.ClinicID, r.LeadID, r.AppointmentID); err != nil {
			return PaymentCommand{}, err
		}
		if r.PaymentIntent == "" || r.AmountCents < 0 {
			return PaymentCommand{}, fmt.Errorf("%w: incomplete refund command", ErrInvalid)
		}
		return PaymentCommand{Refund: &r}, nil
	}
	return PaymentCommand{}, fmt.Errorf("%w: unknown payment command %q", ErrInvalid, head.Type)
}

func checkCommand(v int, id, clinicID, leadID, appointmentID string) error {
	switch {
	case v != Version:
		return fmt.Errorf("%w: version %d, want %d", ErrInvalid, v, Version)
	case id == "":
		return fmt.Errorf("%w: missing id", ErrInvalid)
	case !ValidToken(clinicID) || !ValidToken(leadID):
		return fmt.Errorf("%w: bad clinic or lead id", ErrInvalid)
	case appointmentID == "":
		return fmt.Errorf("%w: missing appointment id", ErrInvalid)
	}
	return nil
}

// DepositPath is the gateway's page of an appointment's deposit, below its
// public address: where development deposit links and Stripe's success
// (with ?paid=1) and cancel URLs point. It names the clinic and the lead,
// so the gateway reads the appointment's state from the conversation.
func DepositPath(clinicID, leadID, appointmentID string) string {
	return "/deposits/" + clinicID + "/" + leadID + "/" + appointmentID
}

// PaymentSubject is where payment commands for a lead are published.
func PaymentSubject(clinicID, leadID string) string {
	return SubjectPaymentCmd + "." + clinicID + "." + leadID
}

// Payment is an inbound payment fact for a conversation: the outcome of a
// payment command (published by the payments worker) or a Stripe event
// (published by the gateway).
type Payment struct {
	Type          string `json:"type"` // one of the Payment* constants
	AppointmentID string `json:"appointment_id,omitempty"`
	SessionID     string `json:"session_id,omitempty"`
	URL           string `json:"url,omitempty"` // the Checkout page to text the lead
	PaymentIntent string `json:"payment_intent,omitempty"`
	PaymentStatus string `json:"payment_status,omitempty"` // "paid" on a completed, paid session
	AmountCents   int64  `json:"amount_cents,omitempty"`
	Currency      string `json:"currency,omitempty"`
	RefundID      string `json:"refund_id,omitempty"`
	Error         string `json:"error,omitempty"`
}
