package conversation

import (
	"time"

	"github.com/medspa/engine/messages"
)

// Effect is something Decide asks the caller to do after it has persisted
// the new state.
type Effect interface{ isEffect() }

// Effects Decide returns: Reply and Event for every conversation, and
// HoldSlot and ReleaseSlot for the clinic's calendar (see protocol.go).

// Reply is a text to the lead, sent from State.ClinicNumber via
// State.Carrier. The sender checks quiet hours again just before the carrier
// call with ClinicTZ, RecipientState and RecipientTZ, the same inputs the
// core decided with; they go into messages.SendSMS unchanged, like Keyword.
type Reply struct {
	Text    string
	Purpose messages.Purpose
	// Keyword is set on the answers to carrier keywords ("optout" for the
	// opt-out confirmation, "optin", "help"): the only texts that may go to
	// a number whose consent is revoked are the "optout" and "help" ones.
	Keyword string
	// Author is who wrote the text: "" for the engine, "staff:<user>" for
	// a staff member (a staff send, or the notice of a staff action).
	Author string
	// Source is SourceModel when a language model's suggested reply was
	// sent (Env.Assist), SourceBuiltin for every other text.
	Source         string
	ClinicTZ       string
	RecipientState string
	RecipientTZ    string
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
	EventProviderNoted    = "provider.noted"
	EventHandoffRequested = "handoff.requested"
	// EventHandoffUrgent: a possible medical emergency; staff must answer
	// it first.
	EventHandoffUrgent   = "handoff.urgent"
	EventPatientNoted    = "patient.noted"
	EventSlotsOffered    = "slots.offered"
	EventSlotHeld        = "slot.held"
	EventSlotTaken       = "slot.taken"
	EventHoldReleased    = "hold.released"
	EventHoldExpired     = "hold.expired"
	EventOptedOut        = "opted.out"
	EventOptedIn         = "opted.in"
	EventDeliveryFailed  = "delivery.failed"
	EventReplyDeferred   = "reply.deferred"
	EventDeferredDropped = "deferred.dropped"
)

// ConsentChange is an entry for the consent ledger of the lead's number:
// a grant (web form consent, an inbound text), a revocation (STOP, a
// carrier opt-out) or a re-grant (START). The ledger is append-only.
type ConsentChange struct {
	Kind   string // compliance.ConsentGranted, ConsentRevoked, ConsentRegranted
	Source string // compliance.SourceWebForm, SourceInboundText, SourceStaff, SourceCarrier
	Text   string // the raw words
}

func (ConsentChange) isEffect() {}

// RequestDeposit asks for a Stripe Checkout Session for a held
// appointment's deposit. The engine sends it from the outbox; the session's
// link comes back as a payment message (checkout.created).
type RequestDeposit struct {
	AppointmentID string
	ServiceName   string
	AmountCents   int64
	Currency      string
	// ExpiresAt is when the link should stop working: the hold's end (the
	// payments worker moves it to Stripe's 30 minute minimum if needed).
	ExpiresAt time.Time
}

// RefundDeposit asks for a deposit to be refunded, once per appointment.
type RefundDeposit struct {
	AppointmentID string
	PaymentIntent string
	AmountCents   int64
	Reason        string
}

func (RequestDeposit) isEffect() {}
func (RefundDeposit) isEffect()  {}

// CalendarEffect is an effect that asks the clinic's calendar for
// something; the engine sends Request to the clinic actor after the commit
// and applies the answer with ApplyHoldResult.
type CalendarEffect interface {
	Effect
	Request(leadID string) HoldRequest
}

// Domain event types of deposits and bookings.
const (
	EventDepositRequested = "deposit.requested"
	EventDepositLinkSent  = "deposit.link_sent"
	EventDepositFailed    = "deposit.failed"
	EventDepositPaid      = "deposit.paid"
	EventDepositExpired   = "deposit.expired"
	EventDepositRefunding = "deposit.refunding"
	EventDepositKept      = "deposit.kept"
	EventRefundCreated    = "refund.created"
	EventRefundFailed     = "refund.failed"
	EventChargeRefunded   = "charge.refunded"
	EventPaymentUnmatched = "payment.unmatched"
	// EventPaymentMismatched: a payment for an appointment that does not
	// pay its deposit (another session, another currency, less than the
	// deposit); data: appointment_id, reason, session_id, amount_cents,
	// currency, outcome.
	EventPaymentMismatched = "payment.mismatched"
	EventBooked            = "appointment.booked"
	EventCancelled         = "appointment.cancelled"
	EventMoved             = "appointment.moved"
	EventBookingLost       = "appointment.lost"
	EventReminderSent      = "reminder.sent"
	EventReviewRequested   = "review.requested"
	EventAttendance        = "attendance.recorded"
	EventNoShowFollowUp    = "no_show.followed_up"
	EventFollowUpSent      = "follow_up.sent"
)

// Domain event types of staff actions (staff.go).
const (
	EventStaffTookOver    = "staff.took_over"
	EventStaffHandedBack  = "staff.handed_back"
	EventStaffNote        = "staff.note"
	EventStaffSendBlocked = "staff.send_blocked"
	// EventStaffFailed: a staff action could not be carried out (unknown
	// appointment, time taken, ...); data: action, reason, user.
	EventStaffFailed = "staff.failed"
)
