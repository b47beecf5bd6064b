package app_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/medspa/engine/cmd/medspa/internal/app"
	"github.com/medspa/engine/internal/report"
)

// A visit staff record as completed reaches the funnel of the day its lead
// arrived.
func TestFunnelReportCountsAttendance(t *testing.T) {
	forEachStore(t, func(t *testing.T, dbURL string) {
		cfg, priv, tel := newConfig(t, dbURL)
		cfg.StripeWebhookSecret = stripeSecret
		c := clockAt(t, daytime)
		sys := startWith(t, cfg, priv, tel, app.Options{Now: c.Now, Console: &lockedBuffer{}})
		day := c.Now().In(chicago).Format(time.DateOnly)
		lead := "+13125550186"
		appt := holdWithDeposit(t, sys, tel, lead, "fra")
		require.Equal(t, http.StatusOK, sys.stripeEvent("evt_fra_paid", lead, appt, "pi_fra"))
		require.Contains(t, tel.WaitFor(t, lead, 4, 10*time.Second)[3].Text, "booked")

		c.Advance(6 * 24 * time.Hour) // past the visit
		staff := sys.token()
		var f report.Funnel
		read := func() {
			st, _, body := sys.getAs("/v1/clinics/glow-chicago/reports/funnel?from="+day+"&to="+day, staff)
			require.Equal(t, http.StatusOK, st, string(body))
			require.NoError(t, json.Unmarshal(body, &f))
		}
		read()
		require.Equal(t, 1, f.Stages["booked"])
		require.Equal(t, 0, f.Stages["completed"])
		status, resp := sys.postAs("/v1/clinics/glow-chicago/appointments/"+appt+"/status", staff, `{"status":"completed"}`)
		require.Equal(t, http.StatusAccepted, status, resp)
		require.Eventually(t, func() bool { read(); return f.Stages["completed"] == 1 }, 10*time.Second, 20*time.Millisecond)
		require.Equal(t, 0, f.Stages["no_show"])
		require.Equal(t, 1, f.Leads)
	})
}
