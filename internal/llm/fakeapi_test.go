package llm

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// fakeAPI is an httptest server speaking the OpenAI chat-completions API.
// respond gets the 1-based number of the request.
type fakeAPI struct {
	*httptest.Server
	mu       sync.Mutex
	requests []chatRequest
	auth     []string
	paths    []string
	raw      []string
}

func newFakeAPI(t *testing.T, respond func(n int, w http.ResponseWriter, r *http.Request)) *fakeAPI {
	t.Helper()
	f := &fakeAPI{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var req chatRequest
		if err := json.Unmarshal(body, &req); err != nil {
			http.Error(w, `{"error":{"message":"bad json"}}`, http.StatusBadRequest)
			return
		}
		f.mu.Lock()
		f.requests = append(f.requests, req)
		f.auth = append(f.auth, r.Header.Get("Authorization"))
		f.paths = append(f.paths, r.URL.Path)
		f.raw = append(f.raw, string(body))
		n := len(f.requests)
		f.mu.Unlock()
		respond(n, w, r)
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeAPI) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.requests)
}

// answer writes a completion whose message content is content.
func answer(w http.ResponseWriter, content string) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"id": "chatcmpl-1", "object": "chat.completion", "model": "test-model",
		"choices": []map[string]any{{"index": 0, "finish_reason": "stop",
			"message": map[string]any{"role": "assistant", "content": content}}},
		"usage": map[string]any{"prompt_tokens": 412, "completion_tokens": 37, "total_tokens": 449},
	})
}

// structured is the JSON content of a model answer.
func structured(intent, service, timeText, reply string) string {
	b, _ := json.Marshal(map[string]any{"intent": intent, "name": "", "service_id": service,
		"time_text": timeText, "option": 0, "patient": "", "reply": reply})
	return string(b)
}
