package actors

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/medspa/engine/internal/conversation"
	"github.com/medspa/engine/messages"
	"github.com/medspa/engine/persistence"
)

// decision is one decided step of a conversation, ready to commit.
type decision struct {
	key     string              // dedup key: the envelope id, or derived from it
	in      *messages.Envelope  // the inbound message, nil for a clinic's answer
	prev    *conversation.State // nil when the conversation is new
	next    conversation.State
	effects []conversation.Effect
	origin  time.Time // when the work reached the gateway
}

// buildCommit turns a decision into the rows of one transaction: the dedup
// key, the snapshot with its expected version, the transcript lines, the
// outbox rows for every text and event, the timers the new state needs and
// the funnel stages it reached.
// Outbox ids derive from the dedup key, so deciding the same message again
// produces the same ids. Requests to the clinic's calendar are returned to
// run after the commit.
func (a *leadActor) buildCommit(d decision, now time.Time) (persistence.Commit, []conversation.HoldRequest, error) {
	next := d.next
	state, err := json.Marshal(next)
	if err != nil {
		return persistence.Commit{}, nil, fmt.Errorf("encode state: %w", err)
	}
	_, booked := next.Booked()
	c := persistence.Commit{
		DedupKey: d.key,
		Snapshot: persistence.Snapshot{
			ClinicID: a.clinic.ID, LeadID: a.leadID, Phone: next.Phone, Name: next.Name, Phase: string(next.Phase),
			HasBooking: booked, Version: a.version, State: state, CreatedAt: next.CreatedAt, UpdatedAt: now,
		},
	}
	origin := d.origin
	if d.in != nil {
		if text := inboundText(*d.in); text != "" {
			c.Transcript = append(c.Transcript, persistence.TranscriptEntry{ID: d.in.ID, ClinicID: a.clinic.ID, LeadID: a.leadID,
				Direction: conversation.DirIn, Author: "lead", Text: text, At: d.in.Received})
		}
		if origin.IsZero() {
			origin = d.in.Received
		}
	}
	if origin.IsZero() {
		origin = now
	}
	fired := ""
	if d.in != nil && d.in.Timer != nil {
		fired = d.in.Timer.Name
	}
	a.diffTimers(&c, d.prev, next, fired)
	if d.in != nil && d.in.Receipt != nil {
		r := d.in.Receipt
		c.Deliveries = append(c.Deliveries, persistence.Delivery{ProviderID: r.ProviderID, CommandID: r.CommandID, Status: r.Status, ErrorCode: r.ErrorCode, At: d.in.Received})
	}
	c.Funnel = funnelStages(d.prev, next, d.in, d.effects, origin, now)
	var holds []conversation.HoldRequest
	first := d.prev == nil // the first text of a new lead: speed to lead
	for i, eff := range d.effects {
		id := d.key + "#" + strconv.Itoa(i)
		switch eff := eff.(type) {
		case conversation.CalendarEffect:
			holds = append(holds, eff.Request(a.leadID))
		case conversation.RequestDeposit:
			ret := a.engine.cfg.PublicBaseURL + messages.DepositPath(a.clinic.ID, a.leadID, eff.AppointmentID)
			cmd := messages.CreateCheckout{V: messages.Version, ID: id, ClinicID: a.clinic.ID, LeadID: a.leadID, AppointmentID: eff.AppointmentID,
				ServiceName: eff.ServiceName, AmountCents: eff.AmountCents, Currency: eff.Currency, ExpiresAt: eff.ExpiresAt,
				SuccessURL: ret + "?paid=1", CancelURL: ret, Origin: origin}
			if err := addOutbox(&c, id, messages.PaymentSubject(a.clinic.ID, a.leadID), cmd, now); err != nil {
				return persistence.Commit{}, nil, err
			}
		case conversation.RefundDeposit:
			cmd := messages.Refund{V: messages.Version, ID: id, ClinicID: a.clinic.ID, LeadID: a.leadID, AppointmentID: eff.AppointmentID,
				PaymentIntent: eff.PaymentIntent, AmountCents: eff.AmountCents, Reason: eff.Reason}
			if err := addOutbox(&c, id, messages.PaymentSubject(a.clinic.ID, a.leadID), cmd, now); err != nil {
				return persistence.Commit{}, nil, err
			}
		case conversation.ConsentChange:
			c.Consent = append(c.Consent, persistence.ConsentEvent{ClinicID: a.clinic.ID, Phone: next.Phone, At: now,
				Kind: eff.Kind, Source: eff.Source, Text: eff.Text})
		case conversation.Reply:
			cmd := messages.SendSMS{V: messages.Version, ID: id, ClinicID: a.clinic.ID, LeadID: a.leadID, Carrier: next.Carrier,
				From: next.ClinicNumber, To: next.Phone, Text: eff.Text, Purpose: eff.Purpose, Created: now, Origin: origin,
				Keyword: eff.Keyword, ClinicTZ: eff.ClinicTZ, RecipientState: eff.RecipientState, RecipientTZ: eff.RecipientTZ, First: first}
			first = false
			b, err := json.Marshal(cmd)
			if err != nil {
				return persistence.Commit{}, nil, fmt.Errorf("encode send command: %w", err)
			}
			c.Outbox = append(c.Outbox, persistence.OutboxRow{ID: id, Subject: messages.SendSubject(a.clinic.ID, a.leadID), Payload: b, Created: now})
			author := "engine"
			switch {
			case eff.Author != "":
				author = eff.Author
			case eff.Source == conversation.SourceModel:
				author = "engine:model" // which one answered is recorded on the message
			}
			c.Transcript = append(c.Transcript, persistence.TranscriptEntry{ID: id, ClinicID: a.clinic.ID, LeadID: a.leadID,
				Direction: conversation.DirOut, Author: author, Text: eff.Text, At: now})
		case conversation.Event:
			data, err := json.Marshal(eff.Data)
			if err != nil {
				return persistence.Commit{}, nil, fmt.Errorf("encode event data: %w", err)
			}
			ev := messages.Event{V: messages.Version, ID: id, Type: eff.Type, ClinicID: a.clinic.ID, LeadID: a.leadID, At: now, Data: data}
			b, err := json.Marshal(ev)
			if err != nil {
				return persistence.Commit{}, nil, fmt.Errorf("encode event: %w", err)
			}
			c.Outbox = append(c.Outbox, persistence.OutboxRow{ID: id, Subject: messages.EventSubject(a.clinic.ID, a.leadID, eff.Type), Payload: b, Created: now})
		default:
			return persistence.Commit{}, nil, fmt.Errorf("unknown effect %T", eff)
		}
	}
	if typ, data, ok := activity(d.in); ok {
		id := d.key + "#" + strconv.Itoa(len(d.effects))
		ev := messages.Event{V: messages.Version, ID: id, Type: typ, ClinicID: a.clinic.ID, LeadID: a.leadID, At: now}
		if err := addOutbox(&c, id, messages.EventSubject(a.clinic.ID, a.leadID, typ), withData(ev, data), now); err != nil {
			return persistence.Commit{}, nil, err
		}
	}
	return c, holds, nil
}

// withData sets an event's data.
func withData(ev messages.Event, data map[string]string) messages.Event {
	b, _ := json.Marshal(data) // a map of strings always encodes
	ev.Data = b
	return ev
}

// addOutbox appends one JSON command to the commit's outbox.
func addOutbox(c *persistence.Commit, id, subject string, v any, now time.Time) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %T: %w", v, err)
	}
	c.Outbox = append(c.Outbox, persistence.OutboxRow{ID: id, Subject: subject, Payload: b, Created: now})
	return nil
}

// diffTimers stores the timers the new state needs that the old one did not
// have (or had at another time), and cancels those it no longer needs. The
// timer that just fired was deleted when it was delivered, so if the new
// state still needs it (it fired early by this node's clock), it is stored
// again.
func (a *leadActor) diffTimers(c *persistence.Commit, prev *conversation.State, next conversation.State, fired string) {
	had := map[string]time.Time{}
	if prev != nil {
		for _, w := range conversation.Timers(*prev) {
			if w.Name != fired {
				had[w.Name] = w.At
			}
		}
	}
	for _, w := range conversation.Timers(next) {
		if at, ok := had[w.Name]; ok && at.Equal(w.At) {
			delete(had, w.Name)
			continue
		}
		delete(had, w.Name)
		c.Timers = append(c.Timers, persistence.Timer{ID: w.Name, ClinicID: a.clinic.ID, LeadID: a.leadID, Kind: w.Name, DueAt: w.At})
	}
	for name := range had {
		c.CancelTimers = append(c.CancelTimers, name)
	}
}

// attachmentPrefix starts a transcript line that names one attachment of
// a lead's MMS (its URL at the carrier); the inbox shows it as a link.
const attachmentPrefix = "[attachment] "

// inboundText is what the transcript shows for an inbound message: an MMS
// is its text and a line per attachment.
func inboundText(env messages.Envelope) string {
	switch {
	case env.SMS != nil:
		text := env.SMS.Text
		for _, u := range env.SMS.Media {
			text = strings.TrimSpace(text + "\n" + attachmentPrefix + u)
		}
		return text
	case env.Web != nil:
		if env.Web.Message != "" {
			return "[web form] " + env.Web.Message
		}
		return "[web form]"
	case env.Missed != nil:
		return "[missed call]"
	}
	return ""
}
