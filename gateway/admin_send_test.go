package gateway

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/medspa/engine/messages"
	"github.com/medspa/engine/persistence"
)

func TestAdminSend(t *testing.T) {
	e := newAdminEnv(t)
	send := map[string]any{"clinic_id": "clinic_a", "to": "(312) 555-0123", "text": "Your results are ready.", "purpose": "initiated"}
	code, body := e.call(http.MethodPost, "/admin/messages:send", "", send, "Idempotency-Key", "k1")
	wantCode(t, "send", code, http.StatusAccepted, body)
	actionID, _ := body["action_id"].(string)
	lead := messages.LeadID("clinic_a", adminLeadNumber)
	rec, _ := body["record"].(map[string]any)
	if !strings.HasPrefix(actionID, "admin:") || body["conversation_id"] != lead || rec["status"] != "published" || rec["kind"] != "message" {
		t.Fatalf("answer = %v", body)
	}
	envs := e.streamEnvelopes()
	if len(envs) != 1 {
		t.Fatalf("stream holds %d envelopes, want 1", len(envs))
	}
	env := envs[0]
	if env.ID != actionID || env.Kind != messages.KindStaff || env.LeadID != lead || env.Phone != adminLeadNumber || env.Staff == nil ||
		env.Staff.Type != messages.StaffSend || env.Staff.Text != "Your results are ready." ||
		env.Staff.Purpose != messages.StaffPurposeInitiated || env.Staff.UserID != "ops-1" {
		t.Errorf("envelope = %+v staff %+v", env, env.Staff)
	}
	stored, err := e.store.GetAdminRecord(t.Context(), persistence.AdminKindMessage, actionID)
	if err != nil || stored.Status != "published" || stored.ClinicID != "clinic_a" {
		t.Errorf("stored = %+v, %v", stored, err)
	}

	// The same Idempotency-Key is the same action: one envelope, one record.
	code, again := e.call(http.MethodPost, "/admin/messages:send", "", send, "Idempotency-Key", "k1")
	wantCode(t, "send again", code, http.StatusAccepted, again)
	if again["action_id"] != actionID || len(e.streamEnvelopes()) != 1 || len(e.records(persistence.AdminKindMessage)) != 1 {
		t.Errorf("retry made action %v, %d envelopes, %d records", again["action_id"], len(e.streamEnvelopes()), len(e.records(persistence.AdminKindMessage)))
	}

	bad := map[string]any{"clinic_id": "clinic_a", "to": "not a number", "text": " ", "purpose": "marketing"}
	code, body = e.call(http.MethodPost, "/admin/messages:send", "", bad)
	wantCode(t, "invalid send", code, http.StatusBadRequest, body)
	f := problemFields(body)
	for _, k := range []string{"to", "text", "purpose"} {
		if f[k] == nil {
			t.Errorf("errors lack %s: %v", k, f)
		}
	}
	if detail, _ := body["detail"].(string); strings.Contains(detail, "not a number") {
		t.Errorf("detail repeats the value: %q", detail)
	}
}

type downPublisher struct{}

func (downPublisher) Publish(context.Context, string, string, []byte, time.Time) error {
	return errors.New("nats: no responders available for request")
}

func TestAdminSendPublishFails(t *testing.T) {
	e := newAdminEnv(t, func(c *Config, _ *AdminConfig) { c.Publisher = downPublisher{} })
	send := map[string]any{"clinic_id": "clinic_a", "to": adminLeadNumber, "text": "Hello", "purpose": "reply"}
	code, body := e.call(http.MethodPost, "/admin/messages:send", "", send)
	wantCode(t, "send with NATS down", code, http.StatusServiceUnavailable, body)
	recs := e.records(persistence.AdminKindMessage)
	if len(recs) != 1 || recs[0].Status != "pending" {
		t.Errorf("records = %+v, want one pending", recs)
	}
}
