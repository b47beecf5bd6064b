package gateway

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/medspa/engine/persistence"
)

// tickingClock returns a clock that moves a millisecond at every reading,
// as a real one does between two readings of one request.
func tickingClock(start time.Time) func() time.Time {
	var mu sync.Mutex
	at := start
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		at = at.Add(time.Millisecond)
		return at
	}
}

// The record of an admin send says published once the envelope is in
// JetStream, on a clock that moves between readings.
func TestAdminSendRecordIsPublishedOnAMovingClock(t *testing.T) {
	e := newAdminEnv(t, func(c *Config, _ *AdminConfig) { c.Now = tickingClock(adminNow) })
	send := map[string]any{"clinic_id": "clinic_a", "to": adminLeadNumber, "text": "Your results are ready.", "purpose": "initiated"}
	code, body := e.call(http.MethodPost, "/admin/messages:send", "", send)
	wantCode(t, "send", code, http.StatusAccepted, body)
	if rec, _ := body["record"].(map[string]any); rec["status"] != "published" {
		t.Errorf("answered record = %v, want status published", rec)
	}
	recs := e.records(persistence.AdminKindMessage)
	if len(recs) != 1 || recs[0].Status != "published" {
		t.Fatalf("records = %+v, want one published", recs)
	}
	if !recs[0].UpdatedAt.After(adminNow) || recs[0].UpdatedAt.Before(recs[0].CreatedAt) {
		t.Errorf("record created %v, updated %v", recs[0].CreatedAt, recs[0].UpdatedAt)
	}
}

// A send whose publish failed on one gateway, retried with its
// Idempotency-Key on a gateway whose clock is behind the first one's, ends
// published.
func TestAdminSendRetriedOnAnotherGatewayIsPublished(t *testing.T) {
	ahead := newAdminEnv(t, func(c *Config, _ *AdminConfig) {
		c.Publisher = downPublisher{}
		c.Now = func() time.Time { return adminNow.Add(time.Minute) }
	})
	send := map[string]any{"clinic_id": "clinic_a", "to": adminLeadNumber, "text": "Hello", "purpose": "reply"}
	code, body := ahead.call(http.MethodPost, "/admin/messages:send", "", send, "Idempotency-Key", "k-retry")
	wantCode(t, "send with NATS down", code, http.StatusServiceUnavailable, body)
	if recs := ahead.records(persistence.AdminKindMessage); len(recs) != 1 || recs[0].Status != "pending" {
		t.Fatalf("records = %+v, want one pending", recs)
	}

	behind := newAdminEnv(t, func(c *Config, _ *AdminConfig) { c.Store = ahead.store })
	code, body = behind.call(http.MethodPost, "/admin/messages:send", "", send, "Idempotency-Key", "k-retry")
	wantCode(t, "retry", code, http.StatusAccepted, body)
	if rec, _ := body["record"].(map[string]any); rec["status"] != "published" {
		t.Errorf("answered record = %v, want status published", rec)
	}
	if recs := ahead.records(persistence.AdminKindMessage); len(recs) != 1 || recs[0].Status != "published" {
		t.Errorf("records = %+v, want one published", recs)
	}
	if n := len(behind.streamEnvelopes()); n != 1 {
		t.Errorf("stream holds %d envelopes, want 1", n)
	}
}
