package app_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/medspa/engine/cmd/medspa/internal/app"
	"github.com/medspa/engine/internal/conversation"
	"github.com/medspa/engine/internal/testkit"
	"github.com/medspa/engine/messages"
)

// staffCall sends a staff API request with a staff token and decodes the
// JSON answer, if any.
func (s *system) staffCall(method, path string, body any) (int, map[string]any) {
	s.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(s.t, err)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.baseURL+"/v1/clinics/"+clinicID+path, rd)
	require.NoError(s.t, err)
	req.Header.Set("Authorization", "Bearer "+s.token())
	req.Header.Set("Content-Type", "application/json")
	res, err := s.client.Do(req)
	require.NoError(s.t, err)
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var m map[string]any
	if len(raw) > 0 {
		require.NoError(s.t, json.Unmarshal(raw, &m), "body %s", raw)
	}
	return res.StatusCode, m
}

// appointmentOf finds lead's appointment in GET .../appointments.
func (s *system) appointmentOf(leadPhone string) map[string]any {
	s.t.Helper()
	status, list := s.staffCall(http.MethodGet, "/appointments", nil)
	require.Equal(s.t, http.StatusOK, status)
	items, _ := list["items"].([]any)
	for _, it := range items {
		a := it.(map[string]any)
		if a["lead_id"] == leadIDOf(leadPhone) {
			return a
		}
	}
	s.t.Fatalf("no appointment of %s in %v", leadPhone, list)
	return nil
}

// At the demo clinic (two providers perform Botox), from signed webhooks
// through JetStream, the clinic and lead actors and the store: two leads
// asking for the same time both hold it, each with another provider, and
// the third is told it was just taken; staff blocking the time of one
// provider hand that lead's conversation to staff, with the appointment
// left where it is; a consultation booked, visited and recorded completed
// gets the review request, which a visit not yet recorded never gets.
func TestScheduleProvidersBlocksAndAttendance(t *testing.T) {
	forEachStore(t, func(t *testing.T, dbURL string) {
		cfg, priv, tel := newConfig(t, dbURL)
		clk := clockAt(t, daytime)
		sys := startWith(t, cfg, priv, tel, app.Options{Now: clk.Now})
		leads := []string{"+13125550141", "+13125550142", "+13125550143"}
		ask := "Hi! Can I get botox next tuesday afternoon?"
		var offers []string
		for i, lead := range leads {
			require.Equal(t, http.StatusOK, first(sys.sms("sched-ask-"+lead, lead, ask)))
			got := tel.WaitFor(t, lead, 1, 10*time.Second)
			require.Len(t, got, 1)
			offers = append(offers, firstOffer(got[0].Text))
			require.NotEmpty(t, offers[i], "times are offered: %q", got[0].Text)
		}
		require.Equal(t, offers[0], offers[1])
		require.Equal(t, offers[0], offers[2], "all three are offered the same first time")

		var held []string
		for _, lead := range leads[:2] {
			require.Equal(t, http.StatusOK, first(sys.sms("sched-pick-"+lead, lead, "1")))
			got := tel.WaitFor(t, lead, 3, 10*time.Second) // held, then the deposit link
			require.Contains(t, got[1].Text, "held for you")
			held = append(held, got[1].Text)
		}
		require.Contains(t, held[0], "with Dr. Sarah Kim", "the first provider in the settings, equally booked")
		require.Contains(t, held[1], "with Ali Moreno RN", "the other provider takes the second lead")
		require.Equal(t, http.StatusOK, first(sys.sms("sched-pick-"+leads[2], leads[2], "1")))
		taken := tel.WaitFor(t, leads[2], 2, 10*time.Second)
		require.Contains(t, taken[1].Text, "just taken", "no third provider performs Botox")
		require.NotContains(t, taken[1].Text, "held for you")

		// Staff block Dr. Kim over the first lead's held time.
		apptA := sys.appointmentOf(leads[0])
		require.Equal(t, "dr-kim", apptA["provider_id"])
		require.Equal(t, "Dr. Sarah Kim", apptA["provider_name"])
		status, created := sys.staffCall(http.MethodPost, "/blocks", map[string]any{
			"provider_id": "dr-kim", "start": apptA["start"], "end": apptA["end"], "reason": "Dentist"})
		require.Equal(t, http.StatusCreated, status, "%v", created)
		conflicts, _ := created["conflicts"].([]any)
		require.Len(t, conflicts, 1, "the block overlaps the held time: %v", created)
		require.Equal(t, apptA["id"], conflicts[0].(map[string]any)["id"])
		d, ok := sys.waitDetail(leads[0], func(d staffDetail) bool { return d.Phase == "handed_to_staff" })
		require.True(t, ok, "the held lead's conversation goes to staff: %s", d.Phase)
		require.Equal(t, apptA["start"], sys.appointmentOf(leads[0])["start"], "the appointment is not moved")
		status, list := sys.staffCall(http.MethodGet, "/appointments", nil)
		require.Equal(t, http.StatusOK, status)
		blocks, _ := list["blocks"].([]any)
		require.Len(t, blocks, 1)
		blockID := blocks[0].(map[string]any)["id"].(string)
		status, again := sys.staffCall(http.MethodPost, "/blocks", map[string]any{
			"provider_id": "dr-kim", "start": apptA["start"], "end": apptA["end"], "reason": "Dentist"})
		require.Equal(t, http.StatusCreated, status, "the same block again is a retry")
		require.Equal(t, blockID, again["block"].(map[string]any)["id"])
		status, _ = sys.staffCall(http.MethodDelete, "/blocks/"+blockID, nil)
		require.Equal(t, http.StatusNoContent, status)
		status, _ = sys.staffCall(http.MethodDelete, "/blocks/"+blockID, nil)
		require.Equal(t, http.StatusNotFound, status)

		// A consultation (no deposit) today at 4pm, visited.
		d4 := "+13125550144"
		require.Equal(t, http.StatusOK, first(sys.sms("sched-consult-1", d4, "Can I book a consultation today at 4pm?")))
		tel.WaitFor(t, d4, 1, 10*time.Second)
		require.Equal(t, http.StatusOK, first(sys.sms("sched-consult-2", d4, "yes")))
		booked := tel.WaitFor(t, d4, 2, 10*time.Second)
		require.Contains(t, booked[1].Text, "You're booked!")
		appt := sys.appointmentOf(d4)
		path := "/appointments/" + appt["id"].(string) + "/status"
		status, problem := sys.staffCall(http.MethodPost, path, map[string]any{"status": "completed"})
		require.Equal(t, http.StatusConflict, status, "a visit two hours ahead is not completed: %v", problem)

		// Past the visit and the review delay: nothing is asked without a
		// record of the visit.
		clk.Advance(2*time.Hour + 20*time.Minute + conversation.ReviewAfter + time.Minute)
		before := sys.barrier(tel, "sched-consult-3", d4, "thanks!", "")
		require.Zero(t, count(before, "review"), "no review request before the visit is recorded completed")

		status, rec := sys.staffCall(http.MethodPost, path, map[string]any{"status": "completed"})
		require.Equal(t, http.StatusAccepted, status, "%v", rec)
		status, _ = sys.staffCall(http.MethodPost, path, map[string]any{"status": "completed"})
		require.Equal(t, http.StatusAccepted, status, "a retry is accepted again")
		review := waitText(t, tel, d4, "a review helps us")
		require.Equal(t, 1, count(review, "a review helps us"), "one review request")
		status, _ = sys.staffCall(http.MethodPost, path, map[string]any{"status": "no_show"})
		require.Equal(t, http.StatusConflict, status, "a completed visit stays completed")
	})
}

// waitText waits until a text to lead contains s and returns the texts.
func waitText(t *testing.T, tel *testkit.Telnyx, lead, s string) []testkit.SentSMS {
	t.Helper()
	var got []testkit.SentSMS
	require.Eventually(t, func() bool {
		got = tel.SentTo(lead)
		return count(got, s) > 0
	}, 15*time.Second, 20*time.Millisecond, "a text to %s containing %q", lead, s)
	return got
}

func leadIDOf(phone string) string { return messages.LeadID(clinicID, phone) }
