// Package stepcommit maps a step of the conversation core
// (conversation.Step) to the rows of the transaction that stores it
// (persistence.Commit): the snapshot, the transcript lines, the timers,
// and an outbox row or consent event per effect. The engine and the
// conventional baseline both build their commits here, so the two designs
// store the same conversation under the same ids.
package stepcommit

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/medspa/engine/internal/conversation"
	"github.com/medspa/engine/messages"
	"github.com/medspa/engine/persistence"
)

// New returns the commit of step st of the lead leadID of clinic clinicID
// under the dedup key: the snapshot of the next state with the version it
// expects, the step's transcript lines, and the timers it sets and
// cancels. now is the commit's time, the snapshot's UpdatedAt. The
// effects are added by AddEffects.
func New(key, clinicID, leadID string, version int64, st conversation.Step, now time.Time) (persistence.Commit, error) {
	next := st.State
	state, err := json.Marshal(next)
	if err != nil {
		return persistence.Commit{}, fmt.Errorf("encode state: %w", err)
	}
	_, booked := next.Booked()
	c := persistence.Commit{DedupKey: key, CancelTimers: st.CancelTimers, Snapshot: persistence.Snapshot{
		ClinicID: clinicID, LeadID: leadID, Phone: next.Phone, Name: next.Name, Phase: string(next.Phase),
		HasBooking: booked, Version: version, State: state, CreatedAt: next.CreatedAt, UpdatedAt: now,
	}}
	for _, l := range st.Lines {
		c.Transcript = append(c.Transcript, persistence.TranscriptEntry{ID: l.ID, ClinicID: clinicID, LeadID: leadID,
			Direction: l.Direction, Author: l.Author, Text: l.Text, At: l.At})
	}
	for _, w := range st.SetTimers {
		c.Timers = append(c.Timers, persistence.Timer{ID: w.Name, ClinicID: clinicID, LeadID: leadID, Kind: w.Name, DueAt: w.At})
	}
	return c, nil
}

// Effects says how AddEffects maps a step's effects.
type Effects struct {
	// Origin is when the work reached the gateway, carried by each reply.
	Origin time.Time
	// MarkFirst marks the first reply to a new conversation (speed to
	// lead).
	MarkFirst bool
	// Other maps the effects other than replies, events and consent
	// changes, given each one's id; nil leaves them out.
	Other func(id string, eff conversation.Effect) error
}

// AddEffects adds to c, the commit New returned for step st under key,
// the rows of the step's effects in order: an outbox row per reply and
// event, a consent event per consent change. Each effect's id is
// conversation.EffectID of key and its index, so deciding the same
// message again produces the same ids. The rows carry the commit's time.
func AddEffects(c *persistence.Commit, key string, st conversation.Step, o Effects) error {
	first := o.MarkFirst && st.Prev == nil
	for i, eff := range st.Effects {
		id := conversation.EffectID(key, i)
		var err error
		switch eff := eff.(type) {
		case conversation.Reply:
			err = addReply(c, id, eff, st.State, o.Origin, first)
			first = false
		case conversation.Event:
			err = AddEvent(c, id, eff.Type, eff.Data)
		case conversation.ConsentChange:
			c.Consent = append(c.Consent, persistence.ConsentEvent{ClinicID: c.Snapshot.ClinicID, Phone: st.State.Phone,
				At: c.Snapshot.UpdatedAt, Kind: eff.Kind, Source: eff.Source, Text: eff.Text})
		default:
			if o.Other != nil {
				err = o.Other(id, eff)
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// addReply adds the outbox row sending reply eff of the conversation next.
func addReply(c *persistence.Commit, id string, eff conversation.Reply, next conversation.State, origin time.Time, first bool) error {
	clinicID, leadID := c.Snapshot.ClinicID, c.Snapshot.LeadID
	return AddOutbox(c, id, messages.SendSubject(clinicID, leadID), messages.SendSMS{V: messages.Version, ID: id,
		ClinicID: clinicID, LeadID: leadID, Carrier: next.Carrier, From: next.ClinicNumber, To: next.Phone, Text: eff.Text,
		Purpose: eff.Purpose, Created: c.Snapshot.UpdatedAt, Origin: origin, Keyword: eff.Keyword, ClinicTZ: eff.ClinicTZ,
		RecipientState: eff.RecipientState, RecipientTZ: eff.RecipientTZ, First: first})
}

// AddEvent adds to c the outbox row publishing the event typ with data,
// at the commit's time.
func AddEvent(c *persistence.Commit, id, typ string, data any) error {
	b, err := json.Marshal(data)
	if err != nil {
		return fmt.Errorf("encode event data: %w", err)
	}
	clinicID, leadID := c.Snapshot.ClinicID, c.Snapshot.LeadID
	return AddOutbox(c, id, messages.EventSubject(clinicID, leadID, typ), messages.Event{V: messages.Version, ID: id,
		Type: typ, ClinicID: clinicID, LeadID: leadID, At: c.Snapshot.UpdatedAt, Data: b})
}

// AddOutbox adds to c an outbox row holding the JSON of v, created at the
// commit's time.
func AddOutbox(c *persistence.Commit, id, subject string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %T: %w", v, err)
	}
	c.Outbox = append(c.Outbox, persistence.OutboxRow{ID: id, Subject: subject, Payload: b, Created: c.Snapshot.UpdatedAt})
	return nil
}
