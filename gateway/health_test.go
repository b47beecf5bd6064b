package gateway_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/medspa/engine/messages"
	"github.com/medspa/engine/persistence"
)

func TestHealthz(t *testing.T) {
	e := newEnv(t, withPublisher(failingPublisher{}))
	if m := wantStatus(t, e.get("/healthz", ""), http.StatusOK); m["status"] != "ok" {
		t.Errorf("body = %v", m)
	}
}

func TestReadyz(t *testing.T) {
	var down atomic.Bool
	e := newEnv(t, withPublisher(failingPublisher{}), withReady(func(ctx context.Context) error {
		if down.Load() {
			return errors.New("nats: connection closed")
		}
		return nil
	}))
	wantStatus(t, e.get("/readyz", ""), http.StatusOK)
	down.Store(true)
	wantStatus(t, e.get("/readyz", ""), http.StatusServiceUnavailable)
	if !strings.Contains(e.logs.String(), "nats: connection closed") {
		t.Errorf("the readiness failure is not logged")
	}
}

func TestMetricsEndpoint(t *testing.T) {
	e := newEnv(t)
	wantStatus(t, e.postTelnyx(fixture(t, "call.hangup.json"), e.priv, testNow), http.StatusOK)
	res := e.get("/metrics", "")
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status = %d", res.StatusCode)
	}
	for _, want := range []string{
		`medspa_webhooks_total{outcome="ignored",provider="telnyx"} 1`,
		`medspa_webhooks_total{outcome="bad_signature",provider="telnyx"} 0`,
		`medspa_webhook_duration_seconds_count{provider="telnyx"} 1`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %q:\n%s", want, body)
		}
	}
}

// panickyStore panics on every call, like a store with a nil pointer.
type panickyStore struct{ persistence.Store }

func TestPanicIsA500AndTheServerLives(t *testing.T) {
	e := newEnv(t, withPublisher(failingPublisher{}), withStore(panickyStore{}))
	tok := e.token("admin", "")
	wantStatus(t, e.get("/v1/clinics/clinic_a/conversations/"+messages.LeadID("clinic_a", leadNumber), tok), http.StatusInternalServerError)
	wantStatus(t, e.get("/healthz", ""), http.StatusOK)
	if !strings.Contains(e.logs.String(), "panic") {
		t.Errorf("the panic is not logged")
	}
}

func TestUnknownRouteAndMethod(t *testing.T) {
	e := newEnv(t, withPublisher(failingPublisher{}))
	wantStatus(t, e.get("/nope", ""), http.StatusNotFound)
	wantStatus(t, e.get("/webhooks/telnyx/messages", ""), http.StatusMethodNotAllowed)
}

func TestRequestIDEchoed(t *testing.T) {
	e := newEnv(t, withPublisher(failingPublisher{}))
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/healthz", nil)
	req.Header.Set("X-Request-Id", "abc-123")
	if got := e.do(req).Header.Get("X-Request-Id"); got != "abc-123" {
		t.Errorf("X-Request-Id = %q", got)
	}
	req, _ = http.NewRequest(http.MethodGet, e.srv.URL+"/healthz", nil)
	req.Header.Set("X-Request-Id", "bad id\twith spaces")
	if got := e.do(req).Header.Get("X-Request-Id"); got == "" || strings.Contains(got, " ") {
		t.Errorf("X-Request-Id = %q, want a fresh one", got)
	}
}
