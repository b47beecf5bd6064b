package app_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/medspa/engine/cmd/medspa/internal/app"
	"github.com/medspa/engine/internal/compliance"
	"github.com/medspa/engine/internal/testkit"
	"github.com/medspa/engine/internal/twilio"
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
	h.Set(twilio.HeaderSignature, twilio.Sign(token, publicBaseURL+"/webhooks/twilio/messages", form))
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

// hangup posts a signed Telnyx call.hangup for a call from caller.
func (s *system) hangup(id, caller, cause string) int {
	b, _ := json.Marshal(map[string]any{
		"data": map[string]any{"event_type": "call.hangup", "id": id, "occurred_at": s.now().UTC().Format(time.RFC3339), "record_type": "event",
			"payload": map[string]any{"call_control_id": "v3:x", "from": caller, "to": clinicNumber, "direction": "incoming",
				"hangup_cause": cause, "hangup_source": "caller", "state": "hangup"}},
		"meta": map[string]any{"attempt": 1},
	})
	status, _ := testkit.Post(s.t, s.client, s.baseURL+"/webhooks/telnyx/voice", testkit.SignTelnyx(s.priv, b, s.now()), b)
	return status
}

// A missed call in the afternoon (Tuesday 14:00 in Chicago) is texted back
// at once, and only once.
func TestMissedCallGetsOneTextBack(t *testing.T) {
	cfg, priv, tel := newConfig(t, "")
	sys := startWith(t, cfg, priv, tel, app.Options{Now: clockAt(t, daytime).Now})
	caller := "+13125550142"
	require.Equal(t, http.StatusOK, sys.hangup("call-1", caller, "normal_clearing")) // answered: nothing to do
	require.Equal(t, http.StatusOK, sys.hangup("call-2", caller, "timeout"))
	got := tel.WaitFor(t, caller, 1, 10*time.Second)
	require.Len(t, got, 1)
	require.Contains(t, strings.ToLower(got[0].Text), "missed your call")
	require.Equal(t, http.StatusOK, sys.hangup("call-3", caller, "no_answer")) // a second miss within 12 hours
	require.Len(t, sys.barrier(tel, "call-3-text", caller, "How much is Botox?", "$12 per unit"), 1, "at most one text-back per caller per 12 hours")
}

// A missed call at 02:00 in the caller's zone is texted back when the
// quiet hours end at 08:00, once.
func TestMissedCallAtNightIsTextedBackAtEight(t *testing.T) {
	cfg, priv, tel := newConfig(t, "")
	night := time.Date(2026, time.December, 8, 2, 0, 0, 0, chicago)
	c := clockAt(t, night)
	sys := startWith(t, cfg, priv, tel, app.Options{Now: c.Now})
	caller := "+13125550145"
	require.Equal(t, http.StatusOK, sys.hangup("night-call-1", caller, "timeout"))
	due := sys.waitTimer(caller, "deferred-send")
	require.Equal(t, time.Date(2026, time.December, 8, 8, 0, 0, 0, chicago), due.In(chicago), "deferred to 08:00 in the caller's zone")
	require.Empty(t, tel.SentTo(caller), "nothing is sent at night")

	c.Advance(due.Sub(c.Now()) + time.Second) // 08:00: the deferred text is due at the timer loop's next poll
	got := tel.WaitFor(t, caller, 1, 10*time.Second)
	require.Len(t, got, 1)
	require.Contains(t, strings.ToLower(got[0].Text), "missed your call")
	require.Len(t, sys.barrier(tel, "night-call-text", caller, "How much is Botox?", "$12 per unit"), 1, "sent once")
}

// A lead who texts at 02:00 is answered at once: quiet hours hold back only
// the texts the clinic starts.
func TestReplyAtNightGoesOutAtOnce(t *testing.T) {
	forEachStore(t, func(t *testing.T, dbURL string) {
		cfg, priv, tel := newConfig(t, dbURL)
		c := clockAt(t, time.Date(2026, time.December, 8, 2, 0, 0, 0, chicago))
		sys := startWith(t, cfg, priv, tel, app.Options{Now: c.Now})
		lead := "+13125550146"
		require.Equal(t, http.StatusOK, first(sys.sms("night-reply-1", lead, "Hi! How much is Botox?")))
		got := tel.WaitFor(t, lead, 1, 10*time.Second)
		require.Len(t, got, 1)
		require.Contains(t, got[0].Text, "$12 per unit")
		h := c.Now().In(chicago).Hour()
		require.True(t, h >= 2 && h < 8, "answered before the window opens (%v)", c.Now().In(chicago))
	})
}

// A web form in the afternoon (Tuesday 14:00 in Chicago) gets its first
// text at once.
func TestWebLeadGetsFirstSMS(t *testing.T) {
	cfg, priv, tel := newConfig(t, "")
	sys := startWith(t, cfg, priv, tel, app.Options{Now: clockAt(t, daytime).Now})
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
// due and started after, and the lead is told exactly once. At night the
// expiry still frees the time; the text waits for the window to open.
func TestHoldExpiryTimerFiresOnceAcrossRestart(t *testing.T) {
	forEachStore(t, func(t *testing.T, dbURL string) {
		cfg, priv, tel := newConfig(t, dbURL)
		c := testClock(t)
		sys := startWith(t, cfg, priv, tel, app.Options{Now: c.Now})
		lead := "+13125550144"
		require.Equal(t, http.StatusOK, first(sys.sms("exp-1", lead, "Hi! Can I get botox next tuesday afternoon?")))
		require.Len(t, tel.WaitFor(t, lead, 1, 10*time.Second), 1)
		require.Equal(t, http.StatusOK, first(sys.sms("exp-2", lead, "1")))
		held := tel.WaitFor(t, lead, 3, 10*time.Second) // held, then the deposit link
		require.Len(t, held, 3)
		require.Contains(t, held[1].Text, "held for you")
		require.Contains(t, held[2].Text, "/deposits/")
		sys.stop()

		c.Advance(16 * time.Minute) // past the 15 minute hold, unpaid
		sys = startWith(t, cfg, priv, tel, app.Options{Now: c.Now})
		if !compliance.Check(messages.PurposeInitiated, compliance.Recipient{Phone: lead}, "America/Chicago", c.Now(), nil).Allowed {
			sys.waitTimer(lead, "deferred-send") // expired at night: the text waits for the window
			require.Len(t, tel.SentTo(lead), 3)
			toWindow(c, lead)
		}
		// The expiry text (at night, with any other text held for the
		// window, such as a check-in).
		expired := tel.WaitFor(t, lead, 4, 10*time.Second)
		require.GreaterOrEqual(t, len(expired), 4)
		require.Contains(t, expired[3].Text, "expired")
		sys.stop()
		sys = startWith(t, cfg, priv, tel, app.Options{Now: c.Now})
		// The timer fired exactly once: it is no longer stored, and the
		// answer to the lead's next text is the next thing the lead gets.
		d, ok := sys.waitDetail(lead, func(d staffDetail) bool { return len(d.Timers) == 0 || allLater(d, c.Now()) })
		require.True(t, ok, "no timer is due: %v", timerKinds(d))
		before := sys.barrier(tel, "exp-3", lead, "How much is Botox?", "$12 per unit")
		require.Equal(t, 1, count(before, "expired"), "%+v", before)
	})
}

// allLater reports whether every stored timer of d is due after now.
func allLater(d staffDetail, now time.Time) bool {
	for _, t := range d.Timers {
		if !t.DueAt.After(now) {
			return false
		}
	}
	return true
}
