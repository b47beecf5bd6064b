package app_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/medspa/engine/cmd/medspa/internal/app"
	"github.com/medspa/engine/messages"
)

// staffDetail is the part of the staff API's conversation detail these
// tests read.
type staffDetail struct {
	Phase    string `json:"phase"`
	Messages []struct {
		Direction string `json:"direction"`
		Author    string `json:"author"`
		Text      string `json:"text"`
		Status    string `json:"status"`
	} `json:"messages"`
	Timers []struct {
		Kind  string    `json:"kind"`
		DueAt time.Time `json:"due_at"`
	} `json:"timers"`
	Consent struct {
		State  string `json:"state"`
		Ledger []struct {
			Kind   string `json:"kind"`
			Source string `json:"source"`
		} `json:"ledger"`
	} `json:"consent"`
}

// detail reads a lead's conversation through the staff API; ok is false
// while there is none yet.
func (s *system) detail(lead string) (d staffDetail, ok bool) {
	s.t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.baseURL+"/v1/clinics/"+clinicID+"/conversations/"+messages.LeadID(clinicID, lead), nil)
	require.NoError(s.t, err)
	req.Header.Set("Authorization", "Bearer "+s.token())
	resp, err := s.client.Do(req)
	require.NoError(s.t, err)
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		return d, false
	}
	require.Equal(s.t, http.StatusOK, resp.StatusCode)
	require.NoError(s.t, json.NewDecoder(resp.Body).Decode(&d))
	return d, true
}

// waitDetail polls the detail until cond holds or 10s pass, and returns the
// last detail read.
func (s *system) waitDetail(lead string, cond func(staffDetail) bool) (staffDetail, bool) {
	s.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		d, ok := s.detail(lead)
		if ok && cond(d) {
			return d, true
		}
		if time.Now().After(deadline) {
			return d, false
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitTimer waits until lead's conversation has a stored timer of kind and
// returns when it is due.
func (s *system) waitTimer(lead, kind string) time.Time {
	s.t.Helper()
	var due time.Time
	d, ok := s.waitDetail(lead, func(d staffDetail) bool {
		for _, t := range d.Timers {
			if t.Kind == kind {
				due = t.DueAt
				return true
			}
		}
		return false
	})
	require.True(s.t, ok, "a %s timer is stored: %v", kind, timerKinds(d))
	return due
}

func timerKinds(d staffDetail) []string {
	out := []string{}
	for _, t := range d.Timers {
		out = append(out, t.Kind)
	}
	return out
}

func inboundTexts(d staffDetail) []string {
	var out []string
	for _, m := range d.Messages {
		if m.Direction == "in" {
			out = append(out, m.Text)
		}
	}
	return out
}

// A lead who holds a time and then texts STOP gets one confirmation and
// nothing after it, not even when the hold's deposit deadline passes.
func TestStopThenHoldExpirySendsNothing(t *testing.T) {
	forEachStore(t, func(t *testing.T, dbURL string) {
		cfg, priv, tel := newConfig(t, dbURL)
		c := testClock(t)
		sys := startWith(t, cfg, priv, tel, app.Options{Now: c.Now})
		lead := "+13125550161"
		require.Equal(t, http.StatusOK, first(sys.sms("stop-1", lead, "Hi! Can I get botox next tuesday afternoon?")))
		require.Len(t, tel.WaitFor(t, lead, 1, 10*time.Second), 1)
		require.Equal(t, http.StatusOK, first(sys.sms("stop-2", lead, "1")))
		held := tel.WaitFor(t, lead, 3, 10*time.Second) // held, then the deposit link
		require.Len(t, held, 3)
		require.Contains(t, held[1].Text, "held for you")
		require.Contains(t, held[2].Text, "/deposits/")
		d, ok := sys.waitDetail(lead, func(d staffDetail) bool { return len(d.Timers) > 0 })
		require.True(t, ok, "the deposit deadline is a stored timer: %v", timerKinds(d))

		require.Equal(t, http.StatusOK, first(sys.sms("stop-3", lead, "STOP")))
		got := tel.WaitFor(t, lead, 4, 10*time.Second)
		require.Len(t, got, 4)
		require.Contains(t, got[3].Text, "Glow Chicago")
		require.Contains(t, got[3].Text, "unsubscribed")
		d, ok = sys.waitDetail(lead, func(d staffDetail) bool { return d.Phase == "opted_out" })
		require.True(t, ok, "phase %q", d.Phase)

		c.Advance(16 * time.Minute) // past the 15 minute hold, unpaid
		toWindow(c, lead)           // and, at night, past the quiet hours
		// Every timer stored before is due now; once none is left, HELP
		// (answered even after an opt-out) is the barrier: anything a
		// timer sent would reach the lead before its answer.
		d, ok = sys.waitDetail(lead, func(d staffDetail) bool { return len(d.Timers) == 0 })
		require.True(t, ok, "no timer is left pending: %v", timerKinds(d))
		before := sys.barrier(tel, "stop-4", lead, "HELP", "for help")
		require.Len(t, before, 4, "nothing after the opt-out confirmation but the HELP answer: %+v", before)

		d, _ = sys.detail(lead)
		require.Equal(t, "opted_out", d.Phase)
		require.NotEmpty(t, d.Consent.Ledger)
		last := d.Consent.Ledger[len(d.Consent.Ledger)-1]
		require.Equal(t, "revoked", last.Kind)
		require.Equal(t, "inbound_text", last.Source)
		require.Equal(t, "revoked", d.Consent.State)
	})
}

// The carrier refuses a reply because the recipient opted out with it
// (Telnyx 40300): the conversation is opted out without a confirmation,
// and the lead's next text gets no reply and no carrier call at all.
func TestCarrierOptOutStopsAllTexts(t *testing.T) {
	forEachStore(t, func(t *testing.T, dbURL string) {
		cfg, priv, tel := newConfig(t, dbURL)
		var attempts atomic.Int64
		tel.Fail = func(n int) (int, string) {
			attempts.Add(1)
			if n == 1 {
				return http.StatusBadRequest, "40300"
			}
			return 0, ""
		}
		sys := start(t, cfg, priv, tel)
		lead := "+13125550162"
		require.Equal(t, http.StatusOK, first(sys.sms("carrier-out-1", lead, "Hi! How much is Botox?")))

		d, ok := sys.waitDetail(lead, func(d staffDetail) bool { return d.Phase == "opted_out" })
		require.True(t, ok, "phase %q, consent %+v", d.Phase, d.Consent)
		require.Equal(t, "revoked", d.Consent.State)
		last := d.Consent.Ledger[len(d.Consent.Ledger)-1]
		require.Equal(t, "revoked", last.Kind)
		require.Equal(t, "carrier", last.Source)
		require.EqualValues(t, 1, attempts.Load(), "the refused reply was not retried and no confirmation was tried")

		require.Equal(t, http.StatusOK, first(sys.sms("carrier-out-2", lead, "How much is lip filler?")))
		d, ok = sys.waitDetail(lead, func(d staffDetail) bool { return len(inboundTexts(d)) == 2 })
		require.True(t, ok, "the second text is on the transcript: %q", inboundTexts(d))
		// HELP is answered even after an opt-out: its answer is the first
		// and only text the lead gets, so the second text got none.
		require.Empty(t, sys.barrier(tel, "carrier-out-3", lead, "HELP", "for help"))
		require.EqualValues(t, 2, attempts.Load(), "nothing but the HELP answer was handed to the carrier after the opt-out")
		d, _ = sys.detail(lead)
		require.Equal(t, "opted_out", d.Phase)
	})
}

// Two 500s from the carrier are retried; the third attempt is accepted, the
// lead gets exactly one text, and the transcript records it as sent.
func TestCarrierErrorsAreRetriedToOneText(t *testing.T) {
	forEachStore(t, func(t *testing.T, dbURL string) {
		cfg, priv, tel := newConfig(t, dbURL)
		var attempts atomic.Int64
		tel.Fail = func(n int) (int, string) {
			attempts.Add(1)
			if n <= 2 {
				return http.StatusInternalServerError, "10007"
			}
			return 0, ""
		}
		sys := start(t, cfg, priv, tel)
		lead := "+13125550163"
		require.Equal(t, http.StatusOK, first(sys.sms("retry-1", lead, "Hi! How much is Botox?")))

		got := tel.WaitFor(t, lead, 1, 15*time.Second)
		require.Len(t, got, 1)
		require.Contains(t, got[0].Text, "$12 per unit")
		require.Len(t, sys.barrier(tel, "retry-2", lead, "How much is lip filler?", "$650"), 1, "exactly one text")
		require.EqualValues(t, 4, attempts.Load(), "two refusals, one acceptance, then the barrier's answer")

		d, ok := sys.waitDetail(lead, func(d staffDetail) bool {
			sent := 0
			for _, m := range d.Messages {
				if m.Direction == "out" && m.Status == "sent" {
					sent++
				}
			}
			return sent == 2
		})
		var outs []string
		for _, m := range d.Messages {
			if m.Direction == "out" {
				outs = append(outs, fmt.Sprintf("%s:%q", m.Status, m.Text))
			}
		}
		require.True(t, ok, "both outbound messages with status sent: %v", outs)
		require.Len(t, outs, 2, "one outbound message per question: %v", outs)
		require.True(t, strings.HasPrefix(outs[0], "sent:"))
	})
}
