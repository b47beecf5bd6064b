package actors

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/internal/conversation"
	"github.com/medspa/engine/messages"
)

// Every stored inbound text, delivery receipt and staff action publishes
// an activity event, without the text or the phone number, so the inbox
// sees it even when the conversation decided nothing (a text after a
// hand-off). An MMS keeps its attachments' URLs in the transcript.
func TestCommitActivityEvents(t *testing.T) {
	a := &leadActor{clinic: &clinic.Clinic{ID: "c1"}, leadID: "l1"}
	now := time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC)
	next := conversation.State{ClinicID: "c1", LeadID: "l1", Phase: conversation.PhaseHandedToStaff}
	for _, tt := range []struct {
		name     string
		in       messages.Envelope
		typ      string
		data     map[string]string
		textLine string
	}{
		{"text after hand-off", messages.Envelope{ID: "telnyx:m1", Kind: messages.KindSMS,
			SMS: &messages.InboundSMS{From: "+13125550102", Text: "still there?"}},
			EventMessageReceived, map[string]string{"message_id": "telnyx:m1", "kind": "sms"}, "still there?"},
		{"mms without text", messages.Envelope{ID: "twilio:m2", Kind: messages.KindSMS,
			SMS: &messages.InboundSMS{From: "+13125550102", Media: []string{"https://m.example/1.jpg", "https://m.example/2.png"}}},
			EventMessageReceived, map[string]string{"message_id": "twilio:m2", "kind": "sms"},
			"[attachment] https://m.example/1.jpg\n[attachment] https://m.example/2.png"},
		{"receipt", messages.Envelope{ID: "telnyx:r1", Kind: messages.KindReceipt,
			Receipt: &messages.DeliveryReceipt{ProviderID: "p1", CommandID: "k#0", Status: "delivered"}},
			EventMessageStatus, map[string]string{"provider_id": "p1", "command_id": "k#0", "status": "delivered"}, ""},
		{"staff action", messages.Envelope{ID: "staff:1", Kind: messages.KindStaff,
			Staff: &messages.StaffAction{Type: messages.StaffTakeOver, UserID: "u1"}},
			EventStaffAction, map[string]string{"action_id": "staff:1", "action": "take_over", "user": "u1"}, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			effects := []conversation.Effect{conversation.Event{Type: "x.y", Data: map[string]any{}}}
			c, _, err := a.buildCommit(decision{key: in.ID, in: &in, step: conversation.Settle(in.ID, nil, next, &in, effects, now)}, now)
			if err != nil {
				t.Fatal(err)
			}
			var found *messages.Event
			for _, row := range c.Outbox {
				var ev messages.Event
				if json.Unmarshal(row.Payload, &ev) == nil && ev.Type == tt.typ {
					if row.Subject != messages.EventSubject("c1", "l1", tt.typ) || row.ID != in.ID+"#1" || ev.ID != row.ID {
						t.Errorf("row %s subject %s, event id %s", row.ID, row.Subject, ev.ID)
					}
					if strings.Contains(string(row.Payload), "+1312") || strings.Contains(string(row.Payload), "still") {
						t.Errorf("event carries the number or the text: %s", row.Payload)
					}
					found = &ev
				}
			}
			if found == nil {
				t.Fatalf("no %s event in %d outbox rows", tt.typ, len(c.Outbox))
			}
			var data map[string]string
			if err := json.Unmarshal(found.Data, &data); err != nil {
				t.Fatal(err)
			}
			if len(data) != len(tt.data) {
				t.Errorf("data %v, want %v", data, tt.data)
			}
			for k, v := range tt.data {
				if data[k] != v {
					t.Errorf("data[%s] = %q, want %q", k, data[k], v)
				}
			}
			if tt.textLine != "" && (len(c.Transcript) != 1 || c.Transcript[0].Text != tt.textLine) {
				t.Errorf("transcript %+v, want %q", c.Transcript, tt.textLine)
			}
		})
	}
}
