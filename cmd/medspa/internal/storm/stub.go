package storm

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/medspa/engine/internal/telnyx"
)

// Reply is one text the engine handed to the carrier stub.
type Reply struct {
	Seq      uint64 // arrival order at the stub, from 1
	From, To string
	Text     string
	At       time.Time
}

// Stub behaves like POST /v2/messages of the Telnyx API and, once given an
// account (Twilio), like POST /2010-04-01/Accounts/{sid}/Messages.json of
// Twilio's: it checks the credentials and the body, answers with a message
// id, and records every text it accepted.
type Stub struct {
	apiKey  string
	onReply func(Reply)

	twilioSID, twilioToken string
	srv                    *http.Server
	ln                     net.Listener

	mu      sync.Mutex
	replies []Reply
	refused int

	// receiptKey, when set, signs the delivery receipts the stub posts to
	// each text's webhook_url (Receipts); closing stops their retries.
	receiptKey ed25519.PrivateKey
	closing    chan struct{}
	closeOnce  sync.Once
	receipts   sync.WaitGroup
}

// NewStub serves on ln. onReply, when set, is called with every accepted
// text as it arrives.
func NewStub(ln net.Listener, apiKey string, onReply func(Reply)) *Stub {
	s := &Stub{apiKey: apiKey, onReply: onReply, ln: ln, closing: make(chan struct{})}
	s.srv = &http.Server{Handler: http.HandlerFunc(s.serve), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = s.srv.Serve(ln) }()
	return s
}

// Twilio makes the stub take texts for account sid, authenticated with
// token (HTTP basic auth, as Twilio's API). It must be called before the
// engine sends.
func (s *Stub) Twilio(sid, token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.twilioSID, s.twilioToken = sid, token
}

// URL is the base URL to give the engine as TELNYX_API_BASE_URL (and
// TWILIO_API_BASE_URL).
func (s *Stub) URL() string { return "http://" + s.ln.Addr().String() }

// Receipts makes the stub post, for every Telnyx text whose request names a
// webhook_url, the message.finalized receipt Telnyx would, signed with key,
// retried (as Telnyx retries) while the engine does not answer 200.
func (s *Stub) Receipts(key ed25519.PrivateKey) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.receiptKey = key
}

// Close stops the server and the receipts still being retried.
func (s *Stub) Close() error {
	s.closeOnce.Do(func() { close(s.closing) })
	s.receipts.Wait()
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
	s.mu.Lock()
	sid, token := s.twilioSID, s.twilioToken
	s.mu.Unlock()
	if sid != "" && r.Method == http.MethodPost && r.URL.Path == "/2010-04-01/Accounts/"+sid+"/Messages.json" {
		s.serveTwilio(w, r, sid, token)
		return
	}
	if r.Method != http.MethodPost || r.URL.Path != "/v2/messages" {
		http.NotFound(w, r)
		return
	}
	if r.Header.Get("Authorization") != "Bearer "+s.apiKey {
		s.refuse(w, http.StatusUnauthorized, "10009", "Authentication failed")
		return
	}
	var req struct {
		From       string `json:"from"`
		To         string `json:"to"`
		Text       string `json:"text"`
		WebhookURL string `json:"webhook_url"`
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil || json.Unmarshal(body, &req) != nil || req.From == "" || req.To == "" || req.Text == "" {
		s.refuse(w, http.StatusUnprocessableEntity, "10015", "Invalid request body")
		return
	}
	rep := s.record(req.From, req.To, req.Text)
	id := fmt.Sprintf("40385f64-5701-4000-8000-%012d", rep.Seq)
	s.mu.Lock()
	key := s.receiptKey
	s.mu.Unlock()
	if key != nil && req.WebhookURL != "" {
		s.receipts.Add(1)
		go func() {
			defer s.receipts.Done()
			s.postReceipt(key, req.WebhookURL, id, rep)
		}()
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"data": map[string]any{
		"record_type": "message", "direction": "outbound", "id": id, "type": "SMS",
		"from": map[string]any{"phone_number": req.From}, "to": []any{map[string]any{"phone_number": req.To, "status": "queued"}},
		"text": req.Text, "parts": 1, "encoding": "GSM-7", "errors": []any{},
	}})
}

// record keeps an accepted text and reports it.
func (s *Stub) record(from, to, text string) Reply {
	s.mu.Lock()
	rep := Reply{Seq: uint64(len(s.replies) + 1), From: from, To: to, Text: text, At: time.Now()}
	s.replies = append(s.replies, rep)
	s.mu.Unlock()
	if s.onReply != nil {
		s.onReply(rep)
	}
	return rep
}

// serveTwilio answers a Messages.json create as Twilio does: 201 with the
// message resource, 401 (code 20003) for bad credentials, 400 (21602) for
// a missing body.
func (s *Stub) serveTwilio(w http.ResponseWriter, r *http.Request, sid, token string) {
	user, pass, ok := r.BasicAuth()
	if !ok || user != sid || pass != token {
		s.refuseTwilio(w, http.StatusUnauthorized, 20003, "Authenticate")
		return
	}
	if err := r.ParseForm(); err != nil || r.PostForm.Get("To") == "" || r.PostForm.Get("From") == "" {
		s.refuseTwilio(w, http.StatusBadRequest, 21604, "A 'To' and a 'From' phone number are required.")
		return
	}
	if r.PostForm.Get("Body") == "" {
		s.refuseTwilio(w, http.StatusBadRequest, 21602, "Message body is required.")
		return
	}
	rep := s.record(r.PostForm.Get("From"), r.PostForm.Get("To"), r.PostForm.Get("Body"))
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"sid": fmt.Sprintf("SM%032x", rep.Seq), "account_sid": sid, "from": rep.From, "to": rep.To, "body": rep.Text,
		"status": "queued", "direction": "outbound-api", "num_segments": "1", "api_version": "2010-04-01",
	})
}

func (s *Stub) refuseTwilio(w http.ResponseWriter, status, code int, message string) {
	s.mu.Lock()
	s.refused++
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"code": code, "message": message, "more_info": fmt.Sprintf("https://www.twilio.com/docs/errors/%d", code), "status": status})
}

func (s *Stub) refuse(w http.ResponseWriter, status int, code, title string) {
	s.mu.Lock()
	s.refused++
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"errors": []any{map[string]any{"code": code, "title": title, "detail": title}}})
}

// postReceipt posts a text's message.finalized receipt to its webhook URL,
// retrying every 500 ms for up to two minutes until the engine answers 200
// (a restart in between is ridden out, as with Telnyx's own retries).
func (s *Stub) postReceipt(key ed25519.PrivateKey, url, msgID string, rep Reply) {
	body, _ := json.Marshal(map[string]any{
		"data": map[string]any{
			"event_type": "message.finalized", "id": fmt.Sprintf("5a1e0000-0000-4000-8000-%012d", rep.Seq),
			"occurred_at": rep.At.UTC().Format(time.RFC3339Nano), "record_type": "event",
			"payload": map[string]any{
				"id": msgID, "direction": "outbound", "type": "SMS", "record_type": "message", "errors": []any{},
				"from": map[string]any{"phone_number": rep.From},
				"to":   []any{map[string]any{"phone_number": rep.To, "status": "delivered"}},
				"text": rep.Text, "parts": 1,
			},
		},
		"meta": map[string]any{"attempt": 1, "delivered_to": url},
	})
	client := &http.Client{Timeout: 5 * time.Second}
	for attempt := 0; attempt < 240; attempt++ {
		if attempt > 0 {
			select {
			case <-s.closing:
				return
			case <-time.After(500 * time.Millisecond):
			}
		}
		stamp := strconv.FormatInt(time.Now().Unix(), 10)
		req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
		if err != nil {
			return
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(telnyx.HeaderTimestamp, stamp)
		req.Header.Set(telnyx.HeaderSignature, telnyx.Sign(key, stamp, body))
		resp, err := client.Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
	}
}
