package app_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/medspa/engine/messages"
)

// modelAPI speaks the OpenAI chat-completions API: it answers with the
// structured content reply() returns, or hangs past the deadline when
// slow is set.
func modelAPI(t *testing.T, slow *atomic.Bool, reply func() map[string]any) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/chat/completions" {
			http.NotFound(w, r)
			return
		}
		if slow.Load() {
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
			return
		}
		content, _ := json.Marshal(reply())
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"id": "chatcmpl-1", "object": "chat.completion", "model": "test-model",
			"choices": []map[string]any{{"index": 0, "finish_reason": "stop", "message": map[string]any{"role": "assistant", "content": string(content)}}},
			"usage":   map[string]any{"prompt_tokens": 300, "completion_tokens": 30, "total_tokens": 330},
		})
	}))
	t.Cleanup(srv.Close)
	return srv
}

// The model phrases a price answer from the clinic's data; the transcript
// records that the model answered. When the model hangs, the built-in
// understanding answers in time, and a model reply with an invented price
// is refused for the template.
func TestModelAnswersWithinGuardrails(t *testing.T) {
	cfg, priv, tel := newConfig(t, "")
	var slow atomic.Bool
	var replyText atomic.Value
	replyText.Store("Botox is $12 per unit at Glow Chicago. Would you like to come in?")
	api := modelAPI(t, &slow, func() map[string]any {
		return map[string]any{"intent": "price", "name": "", "service_id": "botox", "time_text": "", "option": 0, "patient": "", "reply": replyText.Load().(string)}
	})
	cfg.LLMBaseURL, cfg.LLMModel, cfg.LLMTimeout = api.URL+"/v1", "test-model", 500*time.Millisecond
	sys := start(t, cfg, priv, tel)

	lead := "+13125550161"
	require.Equal(t, http.StatusOK, first(sys.sms("llm-1", lead, "hey whats botox run these days")))
	got := tel.WaitFor(t, lead, 1, 10*time.Second)
	require.Len(t, got, 1)
	// The model's answer, then the open times the state machine offers.
	require.True(t, strings.HasPrefix(got[0].Text, "Botox is $12 per unit at Glow Chicago. Would you like to come in? "), got[0].Text)
	require.Contains(t, got[0].Text, "Reply 1, 2 or 3 to pick one")

	replyText.Store("Botox is only $5 per unit this week at Glow Chicago!") // invented price
	require.Equal(t, http.StatusOK, first(sys.sms("llm-2", lead, "and botox again?")))
	got = tel.WaitFor(t, lead, 2, 10*time.Second)
	require.Len(t, got, 2)
	require.NotContains(t, got[1].Text, "$5 per unit", "a reply with a price not in the catalog is refused")
	require.Contains(t, got[1].Text, "$12")

	slow.Store(true)
	began := time.Now()
	require.Equal(t, http.StatusOK, first(sys.sms("llm-3", lead, "how much is lip filler?")))
	got = tel.WaitFor(t, lead, 3, 10*time.Second)
	require.Len(t, got, 3)
	require.Contains(t, got[2].Text, "$650", "the built-in understanding answers when the model hangs")
	require.Less(t, time.Since(began), 5*time.Second)

	entries := transcriptAuthors(t, sys, lead)
	require.Equal(t, []string{"lead", "engine:model", "lead", "engine", "lead", "engine"}, entries)
}

func transcriptAuthors(t *testing.T, sys *system, lead string) []string {
	req, _ := http.NewRequest(http.MethodGet, sys.baseURL+"/v1/clinics/"+clinicID+"/conversations/"+messages.LeadID(clinicID, lead), nil)
	req.Header.Set("Authorization", "Bearer "+sys.token())
	resp, err := sys.client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var conv struct {
		Messages []struct {
			Author string `json:"author"`
		} `json:"messages"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&conv))
	var out []string
	for _, m := range conv.Messages {
		out = append(out, m.Author)
	}
	return out
}
