package gateway

import (
	"net/http"
	"testing"
	"time"

	"github.com/medspa/engine/internal/clock"
)

// A call to Telnyx made while an admin waits ends well before the server's
// write timeout, so the admin hears what happened instead of losing the
// connection while Telnyx may have created the object.
func TestAdminTelnyxCallsEndBeforeTheWriteTimeout(t *testing.T) {
	srv := NewHTTPServer(nil)
	for _, c := range []AdminConfig{{TelnyxAPIKey: "k"}, {TelnyxAPIKey: "k", CallTimeout: time.Hour}} {
		if slack := srv.WriteTimeout - c.callTimeout(); slack < 5*time.Second {
			t.Errorf("call timeout %v leaves %v before the write timeout %v; want 5s or more", c.callTimeout(), slack, srv.WriteTimeout)
		}
		if hc := c.telnyx().HTTP; hc.Timeout <= 0 || hc.Timeout > c.callTimeout() {
			t.Errorf("Telnyx client timeout %v, want at most the call timeout %v", hc.Timeout, c.callTimeout())
		}
	}
}

// A slow Telnyx: the admin gets a 504 in time, and the same request sent
// again gets the brand Telnyx created for the first one, not a second one.
func TestAdminSlowTelnyxRegistersOneBrand(t *testing.T) {
	e := newAdminEnv(t, func(_ *Config, a *AdminConfig) { a.CallTimeout = 300 * time.Millisecond })
	e.stub.Delay = func(_ string, n int) time.Duration {
		if n == 1 {
			return 2 * time.Second
		}
		return 0
	}
	const key = "Idempotency-Key"
	sw := clock.Start()
	code, body := e.call(http.MethodPost, "/admin/10dlc/brands", "", brandBody(), key, "glow-brand-1")
	wantCode(t, "slow Telnyx", code, http.StatusGatewayTimeout, body)
	if d := sw.Elapsed(); d > 1500*time.Millisecond {
		t.Errorf("answered after %v; the call timeout is 300ms", d)
	}
	// Sent again while Telnyx still works on the first: refused, nothing
	// created.
	code, body = e.call(http.MethodPost, "/admin/10dlc/brands", "", brandBody(), key, "glow-brand-1")
	wantCode(t, "while Telnyx works on the first", code, http.StatusConflict, body)
	for wait := clock.Start(); e.stub.Brands() == 0; time.Sleep(20 * time.Millisecond) {
		if !wait.Within(10 * time.Second) {
			t.Fatal("the stub never created the brand")
		}
	}
	code, body = e.call(http.MethodPost, "/admin/10dlc/brands", "", brandBody(), key, "glow-brand-1")
	wantCode(t, "sent again", code, http.StatusCreated, body)
	brandID := body["external_id"]
	code, body = e.call(http.MethodPost, "/admin/10dlc/brands", "", brandBody(), key, "glow-brand-1")
	wantCode(t, "sent a third time", code, http.StatusOK, body)
	if body["external_id"] != brandID {
		t.Errorf("third answer is brand %v, want %v", body["external_id"], brandID)
	}
	// The same key with another request is Telnyx's 422.
	other := brandBody()
	other["display_name"] = "Glow Chicago West"
	code, body = e.call(http.MethodPost, "/admin/10dlc/brands", "", other, key, "glow-brand-1")
	wantCode(t, "same key, other brand", code, http.StatusUnprocessableEntity, body)

	// Without an Idempotency-Key the request itself is the key: the same
	// brand twice is one registration.
	code, body = e.call(http.MethodPost, "/admin/10dlc/brands", "", other)
	wantCode(t, "other brand", code, http.StatusCreated, body)
	otherID := body["external_id"]
	code, body = e.call(http.MethodPost, "/admin/10dlc/brands", "", other)
	wantCode(t, "other brand again", code, http.StatusOK, body)
	if body["external_id"] != otherID || otherID == brandID {
		t.Errorf("brands %v, %v, %v", brandID, otherID, body["external_id"])
	}
	if n := e.stub.Brands(); n != 2 {
		t.Errorf("Telnyx registered %d brands, want 2", n)
	}
	if n := len(e.records("brand")); n != 2 {
		t.Errorf("%d brand records, want 2", n)
	}
	keys := e.stub.IdempotencyKeys()
	for i, k := range keys {
		if k == "" {
			t.Errorf("call %d to Telnyx had no Idempotency-Key", i+1)
		}
	}
	if len(keys) < 5 || keys[0] != keys[1] || keys[0] != keys[2] || keys[0] == keys[len(keys)-1] {
		t.Errorf("Idempotency-Keys sent to Telnyx: %q", keys)
	}
}

func TestAdminIdempotencyKeyTooLong(t *testing.T) {
	e := newAdminEnv(t)
	long := make([]byte, 256)
	for i := range long {
		long[i] = 'k'
	}
	code, body := e.call(http.MethodPost, "/admin/10dlc/brands", "", brandBody(), "Idempotency-Key", string(long))
	wantCode(t, "long key", code, http.StatusBadRequest, body)
	if problemFields(body)["Idempotency-Key"] == nil {
		t.Errorf("errors = %v", problemFields(body))
	}
	if n := e.stub.Brands(); n != 0 {
		t.Errorf("Telnyx registered %d brands", n)
	}
}
