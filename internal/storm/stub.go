package storm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"
)

// Reply is one text the engine handed to the carrier stub.
type Reply struct {
	Seq      uint64 // arrival order at the stub, from 1
	From, To string
	Text     string
	At       time.Time
}

// Stub behaves like POST /v2/messages of the Telnyx API: it checks the
// bearer key and the body, answers with a message id, and records every
// text it accepted.
type Stub struct {
	apiKey  string
	onReply func(Reply)
	srv     *http.Server
	ln      net.Listener

	mu      sync.Mutex
	replies []Reply
	refused int
}

// NewStub serves on ln. onReply, when set, is called with every accepted
// text as it arrives.
func NewStub(ln net.Listener, apiKey string, onReply func(Reply)) *Stub {
	s := &Stub{apiKey: apiKey, onReply: onReply, ln: ln}
	s.srv = &http.Server{Handler: http.HandlerFunc(s.serve), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = s.srv.Serve(ln) }()
	return s
}

// URL is the base URL to give the engine as TELNYX_API_BASE_URL.
func (s *Stub) URL() string { return "http://" + s.ln.Addr().String() }

// Close stops the server.
func (s *Stub) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.srv.Shutdown(ctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("stop stub: %w", err)
	}
	return nil
}

// Replies returns a copy of everything accepted so far, in arrival order.
func (s *Stub) Replies() []Reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Reply(nil), s.replies...)
}

// Refused is how many requests the stub refused (bad key or body).
func (s *Stub) Refused() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refused
}

func (s *Stub) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/v2/messages" {
		http.NotFound(w, r)
		return
	}
	if r.Header.Get("Authorization") != "Bearer "+s.apiKey {
		s.refuse(w, http.StatusUnauthorized, "10009", "Authentication failed")
		return
	}
	var req struct {
		From string `json:"from"`
		To   string `json:"to"`
		Text string `json:"text"`
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil || json.Unmarshal(body, &req) != nil || req.From == "" || req.To == "" || req.Text == "" {
		s.refuse(w, http.StatusUnprocessableEntity, "10015", "Invalid request body")
		return
	}
	s.mu.Lock()
	rep := Reply{Seq: uint64(len(s.replies) + 1), From: req.From, To: req.To, Text: req.Text, At: time.Now()}
	s.replies = append(s.replies, rep)
	s.mu.Unlock()
	if s.onReply != nil {
		s.onReply(rep)
	}
	id := fmt.Sprintf("40385f64-5701-4000-8000-%012d", rep.Seq)
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"data": map[string]any{
		"record_type": "message", "direction": "outbound", "id": id, "type": "SMS",
		"from": map[string]any{"phone_number": req.From}, "to": []any{map[string]any{"phone_number": req.To, "status": "queued"}},
		"text": req.Text, "parts": 1, "encoding": "GSM-7", "errors": []any{},
	}})
}

func (s *Stub) refuse(w http.ResponseWriter, status int, code, title string) {
	s.mu.Lock()
	s.refused++
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"errors": []any{map[string]any{"code": code, "title": title, "detail": title}}})
}
