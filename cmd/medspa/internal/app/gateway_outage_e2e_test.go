package app_test

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/medspa/engine/cmd/medspa/internal/app"
	"github.com/medspa/engine/gateway"
	"github.com/medspa/engine/internal/testkit"
	"github.com/medspa/engine/persistence/pgtest"
)

// A gateway-only process whose database goes away stays ready and keeps
// taking webhooks into NATS, while its staff routes answer 503
// problem+json; once the database is back they answer again.
func TestGatewayOnlySurvivesADatabaseOutage(t *testing.T) {
	dbURL, _ := pgtest.NewSchemaURL(t)
	u, err := url.Parse(dbURL)
	require.NoError(t, err)
	px := testkit.NewProxy(t, u.Host)
	u.Host = px.Addr()
	cfg, priv, tel := newConfig(t, u.String())
	sys := startRoles(t, cfg, priv, tel, app.Roles{Gateway: true})

	get := func(path string) (int, string, map[string]any) {
		req, err := http.NewRequest(http.MethodGet, sys.baseURL+path, nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+sys.token())
		res, err := sys.client.Do(req)
		require.NoError(t, err)
		defer res.Body.Close()
		raw, _ := io.ReadAll(res.Body)
		var m map[string]any
		_ = json.Unmarshal(raw, &m)
		return res.StatusCode, res.Header.Get("Content-Type"), m
	}
	conversations := "/v1/clinics/" + clinicID + "/conversations"
	code, _, _ := get("/readyz")
	require.Equal(t, http.StatusOK, code)
	code, _, body := get(conversations)
	require.Equal(t, http.StatusOK, code, "%v", body)

	px.Cut()
	code, _, body = get("/readyz")
	require.Equal(t, http.StatusOK, code, "a gateway-only process is not ready without its database: %v", body)
	before := inboundCount(t, cfg.NATSURL)
	code, answer := sys.sms("outage-1", "+13125550161", "Hi, is Friday open?")
	require.Equal(t, http.StatusOK, code, answer)
	require.Equal(t, before+1, inboundCount(t, cfg.NATSURL), "the webhook's message is in the inbound stream")
	code, ctype, body := get(conversations)
	require.Equal(t, http.StatusServiceUnavailable, code, "%v", body)
	require.Equal(t, gateway.ContentTypeProblem, ctype)
	require.Equal(t, "/problems/unavailable", body["type"])

	px.Restore()
	code, _, body = get(conversations)
	require.Equal(t, http.StatusOK, code, "%v", body)
}

// startRoles runs the given roles until the test ends.
func startRoles(t *testing.T, cfg app.Config, priv ed25519.PrivateKey, tel *testkit.Telnyx, roles app.Roles) *system {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	now := testClock(t).Now
	ctx, cancel := context.WithCancel(context.Background())
	started := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- app.Run(ctx, cfg, app.Options{Roles: roles, Listener: ln, Now: now, Started: func() { close(started) }})
	}()
	select {
	case <-started:
	case err := <-done:
		cancel()
		t.Fatalf("gateway did not start: %v", err)
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatal("gateway did not start in 30s")
	}
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			require.NoError(t, err)
		case <-time.After(30 * time.Second):
			t.Error("gateway did not stop in 30s")
		}
	})
	return &system{t: t, cfg: cfg, priv: priv, telnyx: tel, baseURL: "http://" + ln.Addr().String(), now: now,
		client: &http.Client{Timeout: 10 * time.Second}}
}
