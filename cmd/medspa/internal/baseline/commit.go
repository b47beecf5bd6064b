package baseline

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/medspa/engine/internal/conversation"
	"github.com/medspa/engine/messages"
	"github.com/medspa/engine/persistence"
)

// buildCommit turns one decision of the conventional design into the rows
// of its transaction, as the engine does: dedup key, snapshot with the
// expected version, transcript lines, outbox rows for texts and events,
// consent events and timers. Calendar and payment effects do not occur in
// the storm's conversations and are left out.
func buildCommit(in messages.Envelope, version int64, prev *conversation.State, next conversation.State, effects []conversation.Effect, now time.Time) (persistence.Commit, error) {
	state, err := json.Marshal(next)
	if err != nil {
		return persistence.Commit{}, fmt.Errorf("encode state: %w", err)
	}
	clinicID, leadID := in.ClinicID, in.LeadID
	c := persistence.Commit{
		DedupKey: in.ID,
		Snapshot: persistence.Snapshot{ClinicID: clinicID, LeadID: leadID, Phone: next.Phone, Name: next.Name, Phase: string(next.Phase),
			Version: version, State: state, CreatedAt: next.CreatedAt, UpdatedAt: now},
	}
	if in.SMS != nil {
		c.Transcript = append(c.Transcript, persistence.TranscriptEntry{ID: in.ID, ClinicID: clinicID, LeadID: leadID,
			Direction: conversation.DirIn, Author: "lead", Text: in.SMS.Text, At: in.Received})
	}
	timers(&c, prev, next)
	for i, eff := range effects {
		id := in.ID + "#" + strconv.Itoa(i)
		switch eff := eff.(type) {
		case conversation.Reply:
			cmd := messages.SendSMS{V: messages.Version, ID: id, ClinicID: clinicID, LeadID: leadID, Carrier: next.Carrier,
				From: next.ClinicNumber, To: next.Phone, Text: eff.Text, Purpose: eff.Purpose, Created: now, Origin: in.Received,
				Keyword: eff.Keyword, ClinicTZ: eff.ClinicTZ, RecipientState: eff.RecipientState, RecipientTZ: eff.RecipientTZ}
			b, err := json.Marshal(cmd)
			if err != nil {
				return persistence.Commit{}, fmt.Errorf("encode send command: %w", err)
			}
			c.Outbox = append(c.Outbox, persistence.OutboxRow{ID: id, Subject: messages.SendSubject(clinicID, leadID), Payload: b, Created: now})
			c.Transcript = append(c.Transcript, persistence.TranscriptEntry{ID: id, ClinicID: clinicID, LeadID: leadID,
				Direction: conversation.DirOut, Author: "engine", Text: eff.Text, At: now})
		case conversation.Event:
			data, err := json.Marshal(eff.Data)
			if err != nil {
				return persistence.Commit{}, fmt.Errorf("encode event data: %w", err)
			}
			b, err := json.Marshal(messages.Event{V: messages.Version, ID: id, Type: eff.Type, ClinicID: clinicID, LeadID: leadID, At: now, Data: data})
			if err != nil {
				return persistence.Commit{}, fmt.Errorf("encode event: %w", err)
			}
			c.Outbox = append(c.Outbox, persistence.OutboxRow{ID: id, Subject: messages.EventSubject(clinicID, leadID, eff.Type), Payload: b, Created: now})
		case conversation.ConsentChange:
			c.Consent = append(c.Consent, persistence.ConsentEvent{ClinicID: clinicID, Phone: next.Phone, At: now,
				Kind: eff.Kind, Source: eff.Source, Text: eff.Text})
		}
	}
	return c, nil
}

// timers stores the timers next needs that prev did not have at the same
// time, and cancels the ones next no longer needs.
func timers(c *persistence.Commit, prev *conversation.State, next conversation.State) {
	had := map[string]time.Time{}
	if prev != nil {
		for _, w := range conversation.Timers(*prev) {
			had[w.Name] = w.At
		}
	}
	for _, w := range conversation.Timers(next) {
		at, ok := had[w.Name]
		delete(had, w.Name)
		if ok && at.Equal(w.At) {
			continue
		}
		c.Timers = append(c.Timers, persistence.Timer{ID: w.Name, ClinicID: c.Snapshot.ClinicID, LeadID: c.Snapshot.LeadID, Kind: w.Name, DueAt: w.At})
	}
	for name := range had {
		c.CancelTimers = append(c.CancelTimers, name)
	}
}
