package actors

import (
	"fmt"
	"time"

	"github.com/medspa/engine/internal/conversation"
	"github.com/medspa/engine/messages"
	"github.com/medspa/engine/persistence"
	"github.com/medspa/engine/persistence/stepcommit"
)

// decision is one decided step of a conversation, ready to commit.
type decision struct {
	key    string             // dedup key: the envelope id, or derived from it
	in     *messages.Envelope // the inbound message, nil for a clinic's answer
	step   conversation.Step
	origin time.Time // when the work reached the gateway
}

// buildCommit maps a step the core returned to the rows of one
// transaction (stepcommit): the dedup key, the snapshot with its expected
// version, the step's transcript lines and timers, an outbox row per
// command and event, the consent ledger entries, the delivery and the
// funnel stages. Outbox ids are the core's effect ids, so deciding the
// same message again produces the same ids. Requests to the clinic's
// calendar are returned to run after the commit.
func (a *leadActor) buildCommit(d decision, now time.Time) (persistence.Commit, []conversation.HoldRequest, error) {
	st := d.step
	c, err := stepcommit.New(d.key, a.clinic.ID, a.leadID, a.version, st, now)
	if err != nil {
		return persistence.Commit{}, nil, err
	}
	if d.in != nil && d.in.Receipt != nil {
		r := d.in.Receipt
		c.Deliveries = append(c.Deliveries, persistence.Delivery{ProviderID: r.ProviderID, CommandID: r.CommandID, Status: r.Status, ErrorCode: r.ErrorCode, At: d.in.Received})
	}
	origin := d.origin
	if origin.IsZero() && d.in != nil {
		origin = d.in.Received
	}
	if origin.IsZero() {
		origin = now
	}
	c.Funnel = funnelStages(st.Prev, st.State, d.in, st.Effects, origin, now)
	var holds []conversation.HoldRequest
	other := func(id string, eff conversation.Effect) error {
		return a.addSideEffect(&c, &holds, id, eff, origin)
	}
	err = stepcommit.AddEffects(&c, d.key, st, stepcommit.Effects{Origin: origin, MarkFirst: true, Other: other})
	if err == nil {
		err = addActivity(&c, d)
	}
	if err != nil {
		return persistence.Commit{}, nil, err
	}
	return c, holds, nil
}

// addSideEffect adds to c the rows of an effect stepcommit leaves to the
// engine: a payment command, or for a calendar effect a request to hold.
func (a *leadActor) addSideEffect(c *persistence.Commit, holds *[]conversation.HoldRequest, id string, eff conversation.Effect, origin time.Time) error {
	clinicID, leadID := a.clinic.ID, a.leadID
	switch eff := eff.(type) {
	case conversation.CalendarEffect:
		*holds = append(*holds, eff.Request(leadID))
		return nil
	case conversation.RequestDeposit:
		if a.engine.cfg.DepositURL == nil {
			return fmt.Errorf("deposit for %s: no deposit page configured", eff.AppointmentID)
		}
		ret := a.engine.cfg.DepositURL(clinicID, leadID, eff.AppointmentID)
		return stepcommit.AddOutbox(c, id, messages.PaymentSubject(clinicID, leadID), messages.CreateCheckout{V: messages.Version, ID: id, ClinicID: clinicID, LeadID: leadID,
			AppointmentID: eff.AppointmentID, ServiceName: eff.ServiceName, AmountCents: eff.AmountCents, Currency: eff.Currency,
			ExpiresAt: eff.ExpiresAt, SuccessURL: ret + "?paid=1", CancelURL: ret, Origin: origin})
	case conversation.RefundDeposit:
		return stepcommit.AddOutbox(c, id, messages.PaymentSubject(clinicID, leadID), messages.Refund{V: messages.Version, ID: id, ClinicID: clinicID, LeadID: leadID,
			AppointmentID: eff.AppointmentID, PaymentIntent: eff.PaymentIntent, AmountCents: eff.AmountCents, Reason: eff.Reason})
	}
	return fmt.Errorf("unknown effect %T", eff)
}

// addActivity adds the activity event of the inbound message, if it has
// one, after the step's effects.
func addActivity(c *persistence.Commit, d decision) error {
	typ, data, ok := activity(d.in)
	if !ok {
		return nil
	}
	return stepcommit.AddEvent(c, conversation.EffectID(d.key, len(d.step.Effects)), typ, data)
}
