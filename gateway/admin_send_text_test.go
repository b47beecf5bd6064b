package gateway

import (
	"net/http"
	"testing"

	"github.com/medspa/engine/messages"
)

// The text of an admin send loses its control characters but newline and
// tab; a text of nothing else is refused.
func TestAdminSendTextLosesControlCharacters(t *testing.T) {
	e := newAdminEnv(t)
	send := map[string]any{"clinic_id": "clinic_a", "to": adminLeadNumber, "text": "Your\x00 results\x1b[2J\r\nare\tready.", "purpose": "initiated"}
	code, body := e.call(http.MethodPost, "/admin/messages:send", "", send)
	wantCode(t, "send", code, http.StatusAccepted, body)
	envs := e.streamEnvelopes()
	if len(envs) != 1 || envs[0].Kind != messages.KindStaff {
		t.Fatalf("envelopes = %+v", envs)
	}
	if got, want := envs[0].Staff.Text, "Your results[2J\nare\tready."; got != want {
		t.Errorf("text = %q, want %q", got, want)
	}

	send["text"] = "\x00\x1b\x07 "
	code, body = e.call(http.MethodPost, "/admin/messages:send", "", send)
	wantCode(t, "control characters only", code, http.StatusBadRequest, body)
	if problemFields(body)["text"] == nil {
		t.Errorf("errors = %v, want text", body["errors"])
	}
	if n := len(e.streamEnvelopes()); n != 1 {
		t.Errorf("stream holds %d envelopes, want 1", n)
	}
}
