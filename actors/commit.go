package actors

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/medspa/engine/internal/conversation"
	"github.com/medspa/engine/messages"
	"github.com/medspa/engine/persistence"
)

// decision is one decided step of a conversation, ready to commit.
type decision struct {
	key    string             // dedup key: the envelope id, or derived from it
	in     *messages.Envelope // the inbound message, nil for a clinic's answer
	step   conversation.Step
	origin time.Time // when the work reached the gateway
}

// buildCommit maps a step the core returned to the rows of one
// transaction: the dedup key, the snapshot with its expected version, the
// step's transcript lines and timers, an outbox row per command and event,
// the consent ledger entries, the delivery and the funnel stages. Outbox ids
// are the core's effect ids, so deciding the same message again produces
// the same ids. Requests to the clinic's calendar are returned to run
// after the commit.
func (a *leadActor) buildCommit(d decision, now time.Time) (persistence.Commit, []conversation.HoldRequest, error) {
	st, next := d.step, d.step.State
	state, err := json.Marshal(next)
	if err != nil {
		return persistence.Commit{}, nil, fmt.Errorf("encode state: %w", err)
	}
	_, booked := next.Booked()
	clinicID, leadID := a.clinic.ID, a.leadID
	c := persistence.Commit{DedupKey: d.key, Snapshot: persistence.Snapshot{
		ClinicID: clinicID, LeadID: leadID, Phone: next.Phone, Name: next.Name, Phase: string(next.Phase),
		HasBooking: booked, Version: a.version, State: state, CreatedAt: next.CreatedAt, UpdatedAt: now,
	}}
	for _, l := range st.Lines {
		c.Transcript = append(c.Transcript, persistence.TranscriptEntry{ID: l.ID, ClinicID: clinicID, LeadID: leadID,
			Direction: l.Direction, Author: l.Author, Text: l.Text, At: l.At})
	}
	for _, w := range st.SetTimers {
		c.Timers = append(c.Timers, persistence.Timer{ID: w.Name, ClinicID: clinicID, LeadID: leadID, Kind: w.Name, DueAt: w.At})
	}
	c.CancelTimers = st.CancelTimers
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
	c.Funnel = funnelStages(st.Prev, next, d.in, st.Effects, origin, now)
	out := rows{c: &c, now: now}
	var holds []conversation.HoldRequest
	first := st.Prev == nil // the first text of a new lead: speed to lead
	for i, eff := range st.Effects {
		id := conversation.EffectID(d.key, i)
		switch eff := eff.(type) {
		case conversation.CalendarEffect:
			holds = append(holds, eff.Request(leadID))
		case conversation.ConsentChange:
			c.Consent = append(c.Consent, persistence.ConsentEvent{ClinicID: clinicID, Phone: next.Phone, At: now,
				Kind: eff.Kind, Source: eff.Source, Text: eff.Text})
		case conversation.RequestDeposit:
			if a.engine.cfg.DepositURL == nil {
				return persistence.Commit{}, nil, fmt.Errorf("deposit for %s: no deposit page configured", eff.AppointmentID)
			}
			ret := a.engine.cfg.DepositURL(clinicID, leadID, eff.AppointmentID)
			out.add(id, messages.PaymentSubject(clinicID, leadID), messages.CreateCheckout{V: messages.Version, ID: id, ClinicID: clinicID, LeadID: leadID,
				AppointmentID: eff.AppointmentID, ServiceName: eff.ServiceName, AmountCents: eff.AmountCents, Currency: eff.Currency,
				ExpiresAt: eff.ExpiresAt, SuccessURL: ret + "?paid=1", CancelURL: ret, Origin: origin})
		case conversation.RefundDeposit:
			out.add(id, messages.PaymentSubject(clinicID, leadID), messages.Refund{V: messages.Version, ID: id, ClinicID: clinicID, LeadID: leadID,
				AppointmentID: eff.AppointmentID, PaymentIntent: eff.PaymentIntent, AmountCents: eff.AmountCents, Reason: eff.Reason})
		case conversation.Reply:
			out.add(id, messages.SendSubject(clinicID, leadID), messages.SendSMS{V: messages.Version, ID: id, ClinicID: clinicID, LeadID: leadID,
				Carrier: next.Carrier, From: next.ClinicNumber, To: next.Phone, Text: eff.Text, Purpose: eff.Purpose, Created: now, Origin: origin,
				Keyword: eff.Keyword, ClinicTZ: eff.ClinicTZ, RecipientState: eff.RecipientState, RecipientTZ: eff.RecipientTZ, First: first})
			first = false
		case conversation.Event:
			data, err := json.Marshal(eff.Data)
			if err != nil {
				return persistence.Commit{}, nil, fmt.Errorf("encode event data: %w", err)
			}
			out.add(id, messages.EventSubject(clinicID, leadID, eff.Type),
				messages.Event{V: messages.Version, ID: id, Type: eff.Type, ClinicID: clinicID, LeadID: leadID, At: now, Data: data})
		default:
			return persistence.Commit{}, nil, fmt.Errorf("unknown effect %T", eff)
		}
	}
	if typ, data, ok := activity(d.in); ok {
		id := conversation.EffectID(d.key, len(st.Effects))
		out.add(id, messages.EventSubject(clinicID, leadID, typ), withData(messages.Event{V: messages.Version, ID: id, Type: typ, ClinicID: clinicID, LeadID: leadID, At: now}, data))
	}
	if out.err != nil {
		return persistence.Commit{}, nil, out.err
	}
	return c, holds, nil
}

// withData sets an event's data.
func withData(ev messages.Event, data map[string]string) messages.Event {
	b, _ := json.Marshal(data) // a map of strings always encodes
	ev.Data = b
	return ev
}

// rows appends JSON commands to a commit's outbox, keeping the first
// encoding error.
type rows struct {
	c   *persistence.Commit
	now time.Time
	err error
}

func (o *rows) add(id, subject string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		if o.err == nil {
			o.err = fmt.Errorf("encode %T: %w", v, err)
		}
		return
	}
	o.c.Outbox = append(o.c.Outbox, persistence.OutboxRow{ID: id, Subject: subject, Payload: b, Created: o.now})
}
