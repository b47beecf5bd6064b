package gateway_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/medspa/engine/messages"
)

func TestActionLandsInJetStream(t *testing.T) {
	s := newSurface(t)
	lead := inboxLead(0)
	tests := []struct {
		body string
		want messages.StaffAction
	}{
		{`{"type":"take_over"}`, messages.StaffAction{Type: "take_over", UserID: "user-1"}},
		{`{"type":"send","text":"Hi Ann, Amy here."}`, messages.StaffAction{Type: "send", UserID: "user-1", Text: "Hi Ann, Amy here."}},
		{`{"type":"note","text":"prefers mornings"}`, messages.StaffAction{Type: "note", UserID: "user-1", Text: "prefers mornings"}},
		{`{"type":"cancel_appointment","appointment_id":"ap_later"}`, messages.StaffAction{Type: "cancel_appointment", UserID: "user-1", AppointmentID: "ap_later"}},
		{`{"type":"reschedule_appointment","appointment_id":"ap_later","new_start":"2026-11-24T09:00:00-06:00"}`,
			messages.StaffAction{Type: "reschedule_appointment", UserID: "user-1", AppointmentID: "ap_later", NewStart: time.Date(2026, 11, 24, 15, 0, 0, 0, time.UTC)}},
		{`{"type":"hand_back"}`, messages.StaffAction{Type: "hand_back", UserID: "user-1"}},
	}
	seen := map[string]bool{}
	for i, tt := range tests {
		m := wantStatus(t, s.post("/v1/clinics/clinic_a/conversations/"+lead+"/actions", s.token("staff", "clinic_a"), tt.body), http.StatusAccepted)
		id, _ := m["action_id"].(string)
		if !strings.HasPrefix(id, "staff:") || len(id) != len("staff:")+36 || seen[id] {
			t.Fatalf("action_id = %q", id)
		}
		seen[id] = true
		msg, err := s.stream.GetMsg(context.Background(), uint64(i+1))
		if err != nil {
			t.Fatalf("action %d not in the stream: %v", i, err)
		}
		if want := messages.InboundSubject("clinic_a", lead, messages.KindStaff); msg.Subject != want {
			t.Errorf("subject = %q, want %q", msg.Subject, want)
		}
		if got := msg.Header.Get("Nats-Msg-Id"); got != id {
			t.Errorf("Nats-Msg-Id = %q, want %q", got, id)
		}
		env, err := messages.DecodeEnvelope(msg.Data)
		if err != nil {
			t.Fatalf("decode: %v", err)
		}
		if env.ID != id || env.Kind != messages.KindStaff || env.ClinicID != "clinic_a" || env.LeadID != lead ||
			env.Phone != inboxConvs[0].number || !env.Received.Equal(testNow) || *env.Staff != tt.want {
			t.Errorf("envelope = %+v, staff %+v; want staff %+v", env, env.Staff, tt.want)
		}
	}
	if n := s.streamMsgs(); n != uint64(len(tests)) {
		t.Errorf("stream holds %d messages, want %d", n, len(tests))
	}
}

func TestActionRefused(t *testing.T) {
	s := newSurface(t)
	path := "/v1/clinics/clinic_a/conversations/" + inboxLead(0) + "/actions"
	tok := s.token("staff", "clinic_a")
	bad := []struct {
		name, body, field string
	}{
		{"unknown type", `{"type":"delete"}`, "type"},
		{"no type", `{}`, "type"},
		{"send without text", `{"type":"send"}`, "text"},
		{"send blank", `{"type":"send","text":"  "}`, "text"},
		{"send too long", `{"type":"send","text":"` + strings.Repeat("a", 1601) + `"}`, "text"},
		{"take over with text", `{"type":"take_over","text":"hi"}`, "text"},
		{"cancel without appointment", `{"type":"cancel_appointment"}`, "appointment_id"},
		{"cancel bad appointment", `{"type":"cancel_appointment","appointment_id":"ap 1"}`, "appointment_id"},
		{"note with appointment", `{"type":"note","text":"x","appointment_id":"ap_1"}`, "appointment_id"},
		{"reschedule without start", `{"type":"reschedule_appointment","appointment_id":"ap_1"}`, "new_start"},
		{"reschedule into the past", `{"type":"reschedule_appointment","appointment_id":"ap_1","new_start":"2026-11-20T18:00:00Z"}`, "new_start"},
		{"hand back with start", `{"type":"hand_back","new_start":"2027-01-01T10:00:00Z"}`, "new_start"},
		{"unknown field", `{"type":"take_over","user_id":"someone-else"}`, "body"},
		{"not JSON", `take over`, "body"},
		{"two objects", `{"type":"take_over"}{"type":"hand_back"}`, "body"},
		{"bad time", `{"type":"reschedule_appointment","appointment_id":"ap_1","new_start":"tomorrow"}`, "body"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			p := wantStatus(t, s.post(path, tok, tt.body), http.StatusBadRequest)
			if errs, _ := p["errors"].(map[string]any); errs[tt.field] == nil {
				t.Errorf("errors = %v, want %q", p["errors"], tt.field)
			}
		})
	}
	wantStatus(t, s.post(path, tok, `{"type":"note","text":"`+strings.Repeat("a", 17<<10)+`"}`), http.StatusRequestEntityTooLarge)
	wantStatus(t, s.post(path, "", `{"type":"take_over"}`), http.StatusUnauthorized)
	wantStatus(t, s.post(path, s.token("staff", "clinic_b"), `{"type":"take_over"}`), http.StatusForbidden)
	// Only to existing conversations of the clinic.
	other := messages.LeadID("clinic_b", "+13055550111")
	wantStatus(t, s.post("/v1/clinics/clinic_a/conversations/"+other+"/actions", s.token("admin", ""), `{"type":"take_over"}`), http.StatusNotFound)
	wantStatus(t, s.post("/v1/clinics/clinic_a/conversations/ld_00000000000000000000/actions", tok, `{"type":"take_over"}`), http.StatusNotFound)
	wantStatus(t, s.post("/v1/clinics/nowhere/conversations/"+inboxLead(0)+"/actions", s.token("admin", ""), `{"type":"take_over"}`), http.StatusNotFound)
	if n := s.streamMsgs(); n != 0 {
		t.Errorf("refused actions published %d messages", n)
	}
}

func TestActionWithoutNATS(t *testing.T) {
	e := newEnv(t, withPublisher(failingPublisher{}), withStore(inboxStore(t)))
	p := wantStatus(t, e.post("/v1/clinics/clinic_a/conversations/"+inboxLead(0)+"/actions", e.token("staff", "clinic_a"), `{"type":"take_over"}`), http.StatusServiceUnavailable)
	if strings.Contains(p["detail"].(string), "nats") {
		t.Errorf("503 detail leaks the cause: %v", p["detail"])
	}
}
