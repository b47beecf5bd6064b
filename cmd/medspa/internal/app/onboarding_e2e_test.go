package app_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/medspa/engine/internal/testkit"
)

// A clinic created through the admin API answers a text to its number at
// once, without a restart, and its speed to lead has its own series in
// /metrics.
func TestClinicCreatedThroughTheAPIAnswersTexts(t *testing.T) {
	forEachStore(t, func(t *testing.T, dbURL string) {
		cfg, priv, tel := newConfig(t, dbURL)
		sys := start(t, cfg, priv, tel)
		const number, lead = "+17205550150", "+13035550151"
		body := `{"clinic": {"id": "glow-denver", "name": "Glow Denver", "timezone": "America/Denver",
			"phone_numbers": ["` + number + `"], "hours": {"mon": "09:00-17:00", "tue": "09:00-17:00", "wed": "09:00-17:00"},
			"services": [{"id": "botox", "name": "Botox", "duration_minutes": 30, "price_cents": 1100, "price_unit": "unit"}]}}`
		status, resp := sys.postAs("/admin/clinics", sys.adminToken(), body)
		require.Equal(t, http.StatusCreated, status, resp)
		status, resp = sys.postAs("/admin/clinics", sys.adminToken(), body)
		require.Equal(t, http.StatusConflict, status, resp)

		msg := testkit.TelnyxMessage("onb-1", lead, number, "Hi! How much is Botox?", sys.now())
		status, resp = testkit.Post(t, sys.client, sys.baseURL+"/webhooks/telnyx/messages", testkit.SignTelnyx(sys.priv, msg, sys.now()), msg)
		require.Equal(t, http.StatusOK, status, resp)
		got := tel.WaitFor(t, lead, 1, 10*time.Second)
		require.Len(t, got, 1)
		require.Equal(t, number, got[0].From)
		require.Contains(t, got[0].Text, "Glow Denver")
		require.Contains(t, got[0].Text, "$11 per unit")

		require.Eventually(t, func() bool { // observed once the send is recorded
			st, _, b := sys.getAs("/metrics", "")
			return st == http.StatusOK && strings.Contains(string(b), `medspa_speed_to_lead_seconds_count{clinic="glow-denver"} 1`)
		}, 10*time.Second, 20*time.Millisecond)
	})
}
