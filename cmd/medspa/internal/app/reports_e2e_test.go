package app_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/medspa/engine/cmd/medspa/internal/app"
	"github.com/medspa/engine/gateway"
	"github.com/medspa/engine/internal/report"
	"github.com/medspa/engine/internal/testkit"
	"github.com/medspa/engine/messages"
)

// getAs sends a GET with a bearer token and returns the status, headers
// and body.
func (s *system) getAs(path, token string) (int, http.Header, []byte) {
	s.t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.baseURL+path, nil)
	require.NoError(s.t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := s.client.Do(req)
	require.NoError(s.t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(s.t, err)
	return res.StatusCode, res.Header, b
}

// postAs posts JSON with a bearer token.
func (s *system) postAs(path, token, body string) (int, string) {
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	if token != "" {
		h.Set("Authorization", "Bearer "+token)
	}
	return testkit.Post(s.t, s.client, s.baseURL+path, h, []byte(body))
}

// The funnel report counts what leads driven through the whole system did:
// two texts (one engaged), a web form with a campaign, a deposit paid and
// refunded on cancellation, an opt-out and a hand-off that staff answered.
func TestFunnelReport(t *testing.T) {
	forEachStore(t, func(t *testing.T, dbURL string) {
		cfg, priv, tel := newConfig(t, dbURL)
		cfg.StripeWebhookSecret = stripeSecret
		c := clockAt(t, daytime)
		sys := startWith(t, cfg, priv, tel, app.Options{Now: c.Now, Console: &lockedBuffer{}})
		staff := sys.token()

		// A text, answered; the lead writes back: engaged.
		engaged := "+13125550181"
		require.Equal(t, http.StatusOK, first(sys.sms("fr-1", engaged, "Hi! How much is Botox?")))
		tel.WaitFor(t, engaged, 1, 10*time.Second)
		sys.barrier(tel, "fr-2", engaged, "And lip filler?", "")

		// A web form with an email and a campaign.
		web := "+13125550182"
		status, resp := sys.postAs("/leads/web", "", `{"clinic_id":"glow-chicago","name":"Maya Lopez","phone":"(312) 555-0182",
			"email":"maya@example.com","utm_source":"google","utm_medium":"cpc","utm_campaign":"spring",
			"consent":true,"consent_text":"I agree to receive texts from Glow Chicago."}`)
		require.Equal(t, http.StatusAccepted, status, resp)
		tel.WaitFor(t, web, 1, 10*time.Second)
		st, _, body := sys.getAs("/v1/clinics/glow-chicago/conversations/"+messages.LeadID(clinicID, web), staff)
		require.Equal(t, http.StatusOK, st, string(body))
		var detail struct {
			Email string            `json:"email"`
			UTM   map[string]string `json:"utm"`
		}
		require.NoError(t, json.Unmarshal(body, &detail))
		require.Equal(t, "maya@example.com", detail.Email)
		require.Equal(t, map[string]string{"source": "google", "medium": "cpc", "campaign": "spring"}, detail.UTM)

		// A deposit paid, then the booking cancelled: refunded.
		payer := "+13125550183"
		appt := holdWithDeposit(t, sys, tel, payer, "fr-dep")
		require.Equal(t, http.StatusOK, sys.stripeEvent("evt_fr_paid", payer, appt, "pi_fr"))
		require.Contains(t, tel.WaitFor(t, payer, 4, 10*time.Second)[3].Text, "booked")
		require.Equal(t, http.StatusOK, first(sys.sms("fr-dep-cancel", payer, "I need to cancel my appointment")))
		tel.WaitFor(t, payer, 5, 10*time.Second)

		// An opt-out.
		stop := "+13125550184"
		require.Equal(t, http.StatusOK, first(sys.sms("fr-stop-1", stop, "Hi! How much is Botox?")))
		tel.WaitFor(t, stop, 1, 10*time.Second)
		require.Equal(t, http.StatusOK, first(sys.sms("fr-stop-2", stop, "STOP")))
		tel.WaitFor(t, stop, 2, 10*time.Second)

		// A hand-off, answered by staff seven minutes later.
		human := "+13125550185"
		require.Equal(t, http.StatusOK, first(sys.sms("fr-human-1", human, "Hi! How much is Botox?")))
		tel.WaitFor(t, human, 1, 10*time.Second)
		require.Equal(t, http.StatusOK, first(sys.sms("fr-human-2", human, "can I talk to a person")))
		tel.WaitFor(t, human, 2, 10*time.Second)
		c.Advance(7 * time.Minute)
		status, resp = sys.postAs("/v1/clinics/glow-chicago/conversations/"+messages.LeadID(clinicID, human)+"/actions", staff,
			`{"type":"send","text":"Hi, Amy from Glow here."}`)
		require.Equal(t, http.StatusAccepted, status, resp)
		tel.WaitFor(t, human, 3, 10*time.Second)

		// The leads offered times are those a text listed them to.
		offered := 0
		for _, lead := range []string{engaged, web, payer, stop, human} {
			for _, m := range tel.SentTo(lead) {
				if firstOffer(m.Text) != "" {
					offered++
					break
				}
			}
		}

		day := c.Now().In(chicago).Format(time.DateOnly)
		var f report.Funnel
		require.Eventually(t, func() bool { // the staff send's commit follows its 202
			st, _, body := sys.getAs("/v1/clinics/glow-chicago/reports/funnel?from="+day+"&to="+day, staff)
			require.Equal(t, http.StatusOK, st, string(body))
			require.NoError(t, json.Unmarshal(body, &f))
			return f.Stages["staff_answered"] == 1
		}, 10*time.Second, 20*time.Millisecond)

		require.Equal(t, 5, f.Leads)
		require.Equal(t, map[string]int{
			"created": 5, "first_reply": 5, "engaged": 4, // every texter but the web lead wrote again
			"offered": offered, "held": 1, "deposit_paid": 1, "booked": 1, "completed": 0, "no_show": 0, "cancelled": 1,
			"opted_out": 1, "deposit_refunded": 1, "handed_off": 1, "staff_answered": 1,
		}, f.Stages)
		require.Equal(t, report.Deposits{Paid: 1, CollectedCents: 5000, Refunded: 1, RefundedCents: 5000}, f.Deposits)
		require.Equal(t, []report.Source{
			{Source: "sms_telnyx", Leads: 4, Booked: 1},
			{Source: "web_form", UTMSource: "google", UTMCampaign: "spring", Leads: 1},
		}, f.Sources)
		require.Equal(t, 5, f.SpeedToLead.Count)
		require.NotNil(t, f.SpeedToLead.P90)
		require.GreaterOrEqual(t, *f.SpeedToLead.P90, *f.SpeedToLead.P50)
		require.Equal(t, 1, f.Handoffs.Answered)
		require.GreaterOrEqual(t, *f.Handoffs.Answer.P50, int64(7*time.Minute/time.Millisecond))
		require.Len(t, f.Weeks, 1)
		require.Equal(t, report.Week{Start: "2026-12-07", Leads: 5, Engaged: 4, Booked: 1, CollectedCents: 5000}, f.Weeks[0])

		// The CSV says the same.
		st, hdr, body := sys.getAs("/v1/clinics/glow-chicago/reports/funnel.csv?from="+day+"&to="+day, staff)
		require.Equal(t, http.StatusOK, st, string(body))
		require.Equal(t, "text/csv; charset=utf-8", hdr.Get("Content-Type"))
		recs, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
		require.NoError(t, err)
		require.Equal(t, report.CSVHeader, recs[0])
		rows := map[string]string{}
		for _, r := range recs[1:] {
			require.Len(t, r, len(report.CSVHeader))
			rows[strings.Join(r[:4], "|")] = r[4]
		}
		require.Equal(t, "5", rows["leads|||"])
		require.Equal(t, "1", rows["source_leads|web_form|google|spring"])
		require.Equal(t, "1", rows["stage|deposit_refunded||"])
		require.Equal(t, "5000", rows["deposits_collected_cents|||"])

		// Another clinic's staff may not read it; a bad period is a 400.
		other, err := gateway.IssueToken([]byte(sys.cfg.JWTSecret), "tester", "staff", "radiance-miami", time.Hour, sys.now())
		require.NoError(t, err)
		st, _, _ = sys.getAs("/v1/clinics/glow-chicago/reports/funnel", other)
		require.Equal(t, http.StatusForbidden, st)
		st, _, _ = sys.getAs("/v1/clinics/glow-chicago/reports/funnel.csv", other)
		require.Equal(t, http.StatusForbidden, st)
		st, _, _ = sys.getAs("/v1/clinics/glow-chicago/reports/funnel", "")
		require.Equal(t, http.StatusUnauthorized, st)
		st, _, body = sys.getAs("/v1/clinics/glow-chicago/reports/funnel?from=2025-01-01&to=2026-12-31", staff)
		require.Equal(t, http.StatusBadRequest, st, string(body))
		// The next day has none of them.
		next := c.Now().In(chicago).AddDate(0, 0, 1).Format(time.DateOnly)
		st, _, body = sys.getAs("/v1/clinics/glow-chicago/reports/funnel?from="+next+"&to="+next, staff)
		require.Equal(t, http.StatusOK, st)
		require.NoError(t, json.Unmarshal(body, &f))
		require.Equal(t, 0, f.Leads)
	})
}
