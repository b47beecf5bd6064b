package app_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/medspa/engine/internal/app"
	"github.com/medspa/engine/internal/testkit"
	"github.com/medspa/engine/internal/twiliosig"
	"github.com/medspa/engine/messages"
)

const (
	twilioNumber  = "+17735550101" // glow-chicago's Twilio number in the demo clinics
	publicBaseURL = "https://sms.example.test"
)

// withTwilio points the Twilio settings at a local stub of Twilio's API.
func withTwilio(t testing.TB, cfg *app.Config) *testkit.Twilio {
	tw := testkit.NewTwilio(t)
	cfg.TwilioAuthToken, cfg.TwilioAccountSID, cfg.TwilioAPIBaseURL = tw.AuthToken, tw.AccountSID, tw.URL
	cfg.PublicBaseURL = publicBaseURL
	return tw
}

// twilioSMS posts an inbound SMS form signed as Twilio signs it.
func (s *system) twilioSMS(token, sid, from, text string) (int, string) {
	form := url.Values{"MessageSid": {sid}, "SmsSid": {sid}, "AccountSid": {"AC0123456789abcdef0123456789abcdef"},
		"From": {from}, "To": {twilioNumber}, "Body": {text}, "NumMedia": {"0"}, "ToCountry": {"US"}, "ApiVersion": {"2010-04-01"}}
	h := http.Header{}
	h.Set("Content-Type", "application/x-www-form-urlencoded")
	h.Set(twiliosig.HeaderSignature, twiliosig.Sign(token, publicBaseURL+"/webhooks/twilio/messages", form))
	return testkit.Post(s.t, s.client, s.baseURL+"/webhooks/twilio/messages", h, []byte(form.Encode()))
}

func TestTwilioLeadGetsRepliesThroughTwilio(t *testing.T) {
	forEachStore(t, func(t *testing.T, dbURL string) {
		cfg, priv, tel := newConfig(t, dbURL)
		tw := withTwilio(t, &cfg)
		sys := start(t, cfg, priv, tel)
		lead := "+13125550141"

		status, body := sys.twilioSMS(tw.AuthToken, "SM1f0e8ae6ade43cb3c0ce4525424e404f", lead, "Do you have anything for botox next tuesday afternoon?")
		require.Equal(t, http.StatusOK, status, body)
		require.Contains(t, body, "<Response/>")
		// A forged signature is refused and changes nothing.
		status, _ = sys.twilioSMS("wrong-token", "SM2", lead, "hello")
		require.Equal(t, http.StatusForbidden, status)

		got := tw.WaitFor(t, lead, 1, 10*time.Second)
		require.Len(t, got, 1)
		require.Equal(t, twilioNumber, got[0].From, "the reply leaves from the number the lead texted")
		require.Contains(t, got[0].Text, "1)")
		status, _ = sys.twilioSMS(tw.AuthToken, "SM1f0e8ae6ade43cb3c0ce4525424e4050", lead, "1")
		require.Equal(t, http.StatusOK, status)
		got = tw.WaitFor(t, lead, 3, 10*time.Second) // held, then the deposit link
		require.Len(t, got, 3)
		require.Contains(t, got[1].Text, "held for you")
		require.Contains(t, got[2].Text, "/deposits/")
		require.Empty(t, tel.SentTo(lead), "nothing went out through Telnyx")
	})
}

func TestMissedCallGetsOneTextBack(t *testing.T) {
	cfg, priv, tel := newConfig(t, "")
	sys := start(t, cfg, priv, tel)
	caller := "+13125550142"
	hangup := func(id, cause string) int {
		b, _ := json.Marshal(map[string]any{
			"data": map[string]any{"event_type": "call.hangup", "id": id, "occurred_at": sys.now().UTC().Format(time.RFC3339), "record_type": "event",
				"payload": map[string]any{"call_control_id": "v3:x", "from": caller, "to": clinicNumber, "direction": "incoming",
					"hangup_cause": cause, "hangup_source": "caller", "state": "hangup"}},
			"meta": map[string]any{"attempt": 1},
		})
		status, _ := testkit.Post(t, sys.client, sys.baseURL+"/webhooks/telnyx/voice", testkit.SignTelnyx(priv, b, sys.now()), b)
		return status
	}
	require.Equal(t, http.StatusOK, hangup("call-1", "normal_clearing")) // answered: nothing to do
	require.Equal(t, http.StatusOK, hangup("call-2", "timeout"))
	got := tel.WaitFor(t, caller, 1, 10*time.Second)
	require.Len(t, got, 1)
	require.Contains(t, strings.ToLower(got[0].Text), "missed your call")
	require.Equal(t, http.StatusOK, hangup("call-3", "no_answer")) // a second miss within 12 hours
	time.Sleep(500 * time.Millisecond)
	require.Len(t, tel.SentTo(caller), 1, "at most one text-back per caller per 12 hours")
}

func TestWebLeadGetsFirstSMS(t *testing.T) {
	cfg, priv, tel := newConfig(t, "")
	sys := start(t, cfg, priv, tel)
	post := func(body string) (int, string) {
		h := http.Header{}
		h.Set("Content-Type", "application/json")
		return testkit.Post(t, sys.client, sys.baseURL+"/leads/web", h, []byte(body))
	}
	status, resp := post(`{"clinic_id":"glow-chicago","name":"Maya Lopez","phone":"(312) 555-0143","service":"lip filler",
		"consent":true,"consent_text":"I agree to receive texts from Glow Chicago."}`)
	require.Equal(t, http.StatusAccepted, status, resp)
	require.Contains(t, resp, messages.LeadID(clinicID, "+13125550143"))
	got := tel.WaitFor(t, "+13125550143", 1, 10*time.Second)
	require.Len(t, got, 1)
	require.Contains(t, got[0].Text, "Maya")

	status, resp = post(`{"clinic_id":"glow-chicago","name":"","phone":"12","consent":false}`)
	require.Equal(t, http.StatusBadRequest, status)
	for _, field := range []string{"name", "phone", "consent"} {
		require.Contains(t, resp, `"`+field+`"`)
	}
}

// A hold's expiry is a durable timer: the engine is stopped before it is
// due and started after, and the lead is told exactly once.
func TestHoldExpiryTimerFiresOnceAcrossRestart(t *testing.T) {
	forEachStore(t, func(t *testing.T, dbURL string) {
		cfg, priv, tel := newConfig(t, dbURL)
		var skew atomic.Int64
		clock := func() time.Time { return time.Now().Add(time.Duration(skew.Load())) }
		sys := startWith(t, cfg, priv, tel, app.Options{Now: clock})
		lead := "+13125550144"
		require.Equal(t, http.StatusOK, first(sys.sms("exp-1", lead, "Hi! Can I get botox next tuesday afternoon?")))
		require.Len(t, tel.WaitFor(t, lead, 1, 10*time.Second), 1)
		require.Equal(t, http.StatusOK, first(sys.sms("exp-2", lead, "1")))
		held := tel.WaitFor(t, lead, 3, 10*time.Second) // held, then the deposit link
		require.Len(t, held, 3)
		require.Contains(t, held[1].Text, "held for you")
		require.Contains(t, held[2].Text, "/deposits/")
		sys.stop()

		skew.Store(int64(16 * time.Minute)) // past the 15 minute hold, unpaid
		sys = startWith(t, cfg, priv, tel, app.Options{Now: clock})
		expired := tel.WaitFor(t, lead, 4, 10*time.Second)
		require.Len(t, expired, 4)
		require.Contains(t, expired[3].Text, "expired")
		sys.stop()
		sys = startWith(t, cfg, priv, tel, app.Options{Now: clock})
		time.Sleep(time.Second)
		require.Len(t, tel.SentTo(lead), 4, "the timer fired exactly once")
	})
}
