package baseline

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/medspa/engine/internal/conversation"
	"github.com/medspa/engine/messages"
	"github.com/medspa/engine/persistence"
)

// buildCommit maps the step the core returned for one inbound message to
// the rows of its transaction, as the engine does: the dedup key, the
// snapshot with the expected version, the step's transcript lines and
// timer changes, an outbox row per reply and event, the consent events.
// The lines, timers and effect ids are the core's (conversation.Apply), so
// both designs store the same conversation. Calendar and payment effects do
// not occur in the storm's conversations and are left out, as are the
// engine's funnel stages and activity events.
func buildCommit(in messages.Envelope, version int64, st conversation.Step, now time.Time) (persistence.Commit, error) {
	next := st.State
	state, err := json.Marshal(next)
	if err != nil {
		return persistence.Commit{}, fmt.Errorf("encode state: %w", err)
	}
	_, booked := next.Booked()
	clinicID, leadID := in.ClinicID, in.LeadID
	c := persistence.Commit{DedupKey: in.ID, CancelTimers: st.CancelTimers, Snapshot: persistence.Snapshot{
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
	for i, eff := range st.Effects {
		if err := addEffect(&c, conversation.EffectID(in.ID, i), eff, next, in.Received, now); err != nil {
			return persistence.Commit{}, err
		}
	}
	return c, nil
}

// addEffect adds the rows of one effect of the conversation next to c:
// an outbox row for a reply or an event, a consent event for a consent
// change; id is the effect's id and origin when the inbound message
// reached the gateway.
func addEffect(c *persistence.Commit, id string, eff conversation.Effect, next conversation.State, origin, now time.Time) error {
	clinicID, leadID := c.Snapshot.ClinicID, c.Snapshot.LeadID
	switch eff := eff.(type) {
	case conversation.Reply:
		return addOutbox(c, id, messages.SendSubject(clinicID, leadID), messages.SendSMS{V: messages.Version, ID: id,
			ClinicID: clinicID, LeadID: leadID, Carrier: next.Carrier, From: next.ClinicNumber, To: next.Phone, Text: eff.Text,
			Purpose: eff.Purpose, Created: now, Origin: origin, Keyword: eff.Keyword, ClinicTZ: eff.ClinicTZ,
			RecipientState: eff.RecipientState, RecipientTZ: eff.RecipientTZ})
	case conversation.Event:
		data, err := json.Marshal(eff.Data)
		if err != nil {
			return fmt.Errorf("encode event data: %w", err)
		}
		return addOutbox(c, id, messages.EventSubject(clinicID, leadID, eff.Type),
			messages.Event{V: messages.Version, ID: id, Type: eff.Type, ClinicID: clinicID, LeadID: leadID, At: now, Data: data})
	case conversation.ConsentChange:
		c.Consent = append(c.Consent, persistence.ConsentEvent{ClinicID: clinicID, Phone: next.Phone, At: now,
			Kind: eff.Kind, Source: eff.Source, Text: eff.Text})
	}
	return nil
}

// addOutbox adds an outbox row holding the JSON of v.
func addOutbox(c *persistence.Commit, id, subject string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %T: %w", v, err)
	}
	c.Outbox = append(c.Outbox, persistence.OutboxRow{ID: id, Subject: subject, Payload: b, Created: c.Snapshot.UpdatedAt})
	return nil
}
