package actors

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/medspa/engine/internal/conversation"
	"github.com/medspa/engine/messages"
	"github.com/medspa/engine/persistence"
)

// buildCommit turns a decision into the rows of one transaction: the dedup
// key, the snapshot with its expected version, the transcript lines and the
// outbox rows for every effect. Outbox ids derive from the envelope id, so
// deciding the same message again produces the same ids.
func (a *leadActor) buildCommit(env messages.Envelope, next conversation.State, effects []conversation.Effect, origin, now time.Time) (persistence.Commit, []persistence.OutboxRow, error) {
	state, err := json.Marshal(next)
	if err != nil {
		return persistence.Commit{}, nil, fmt.Errorf("encode state: %w", err)
	}
	c := persistence.Commit{
		DedupKey: env.ID,
		Snapshot: persistence.Snapshot{
			ClinicID: a.clinic.ID, LeadID: a.leadID, Phone: next.Phone, Name: next.Name, Phase: string(next.Phase),
			Version: a.version, State: state, CreatedAt: next.CreatedAt, UpdatedAt: now,
		},
	}
	if text := inboundText(env); text != "" {
		c.Transcript = append(c.Transcript, persistence.TranscriptEntry{ID: env.ID, ClinicID: a.clinic.ID, LeadID: a.leadID,
			Direction: conversation.DirIn, Author: "lead", Text: text, At: env.Received})
	}
	if origin.IsZero() {
		origin = env.Received
	}
	for i, eff := range effects {
		id := env.ID + "#" + strconv.Itoa(i)
		switch eff := eff.(type) {
		case conversation.Reply:
			cmd := messages.SendSMS{V: messages.Version, ID: id, ClinicID: a.clinic.ID, LeadID: a.leadID, Carrier: next.Carrier,
				From: next.ClinicNumber, To: next.Phone, Text: eff.Text, Purpose: eff.Purpose, Created: now, Origin: origin}
			b, err := json.Marshal(cmd)
			if err != nil {
				return persistence.Commit{}, nil, fmt.Errorf("encode send command: %w", err)
			}
			c.Outbox = append(c.Outbox, persistence.OutboxRow{ID: id, Subject: messages.SendSubject(a.clinic.ID, a.leadID), Payload: b, Created: now})
			c.Transcript = append(c.Transcript, persistence.TranscriptEntry{ID: id, ClinicID: a.clinic.ID, LeadID: a.leadID,
				Direction: conversation.DirOut, Author: "engine", Text: eff.Text, At: now})
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
	return c, c.Outbox, nil
}

// inboundText is what the transcript shows for an inbound message.
func inboundText(env messages.Envelope) string {
	switch {
	case env.SMS != nil:
		return env.SMS.Text
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
