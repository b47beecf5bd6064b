package gateway

import (
	"bytes"
	"crypto/ed25519"
	"net/http"
	"testing"
	"time"

	"github.com/medspa/engine/internal/testkit"
	"github.com/medspa/engine/persistence"
)

func TestHostedWebhook(t *testing.T) {
	e := newAdminEnv(t)
	code, body := e.call(http.MethodPost, "/admin/hosted/orders", "", map[string]any{"clinic_id": "clinic_a", "phone_numbers": []string{adminClinicNumber}})
	wantCode(t, "create order", code, http.StatusCreated, body)
	orderID, _ := body["external_id"].(string)
	status := func() string {
		t.Helper()
		r, err := e.store.GetAdminRecord(t.Context(), persistence.AdminKindHostedOrder, orderID)
		if err != nil {
			t.Fatal(err)
		}
		return r.Status
	}

	wrong := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{1}, ed25519.SeedSize))
	ev := testkit.TelnyxHostedOrderEvent("ev-1", orderID, "successful", adminNow.Add(time.Minute))
	code, body = e.postHosted(ev, wrong)
	wantCode(t, "bad signature", code, http.StatusUnauthorized, body)
	if s := status(); s != "pending" {
		t.Errorf("status after a bad signature = %q, want pending", s)
	}

	code, body = e.postHosted(ev, e.priv)
	wantCode(t, "good signature", code, http.StatusOK, body)
	if s := status(); s != "successful" {
		t.Errorf("status = %q, want successful", s)
	}
	code, got := e.call(http.MethodGet, "/admin/hosted/orders/"+orderID, "", nil)
	wantCode(t, "get order", code, http.StatusOK, got)
	if got["status"] != "successful" || got["detail"] != "messaging_hosted_number_order.updated ev-1" {
		t.Errorf("GET order = %v", got)
	}

	// An older event arriving late does not undo the newer status.
	code, body = e.postHosted(testkit.TelnyxHostedOrderEvent("ev-0", orderID, "pending", adminNow.Add(30*time.Second)), e.priv)
	wantCode(t, "late event", code, http.StatusOK, body)
	if s := status(); s != "successful" {
		t.Errorf("status after a late event = %q, want successful", s)
	}

	ignoredBefore := e.count(OutcomeIgnored)
	code, body = e.postHosted(testkit.TelnyxHostedOrderEvent("ev-2", "no-such-order", "failed", adminNow), e.priv)
	wantCode(t, "unknown order", code, http.StatusOK, body)
	if body["status"] != "unknown_order" || e.count(OutcomeIgnored) != ignoredBefore+1 {
		t.Errorf("unknown order: body %v, ignored %v -> %v", body, ignoredBefore, e.count(OutcomeIgnored))
	}
	other := []byte(`{"data":{"event_type":"message.sent","id":"ev-3","payload":{"id":"x","status":"sent"}}}`)
	code, body = e.postHosted(other, e.priv)
	wantCode(t, "other event", code, http.StatusOK, body)
	code, body = e.postHosted([]byte(`{"data":`), e.priv)
	wantCode(t, "malformed", code, http.StatusBadRequest, body)
	if e.count(OutcomeAccepted) != 2 || e.count(OutcomeBadSignature) != 1 || e.count(OutcomeBadRequest) != 1 {
		t.Errorf("counts: accepted %v, bad signature %v, bad request %v", e.count(OutcomeAccepted), e.count(OutcomeBadSignature), e.count(OutcomeBadRequest))
	}
}
