// Package testkit starts the real parts the end-to-end tests run against: an
// embedded NATS server with JetStream on a random port, and a local server
// that behaves like the Telnyx messaging API.
package testkit

import (
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"

	"github.com/medspa/engine/internal/telnyx"
)

// NATS starts an embedded NATS server with JetStream on a random port and
// returns its client URL. It is shut down when the test ends.
func NATS(t testing.TB) string {
	t.Helper()
	ns, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: -1, JetStream: true, StoreDir: t.TempDir(), NoSigs: true, NoLog: true})
	if err != nil {
		t.Fatalf("nats server: %v", err)
	}
	go ns.Start()
	if !ns.ReadyForConnections(10 * time.Second) {
		t.Fatal("nats server not ready")
	}
	t.Cleanup(func() { ns.Shutdown(); ns.WaitForShutdown() })
	return ns.ClientURL()
}

// SentSMS is one send request the Telnyx stub accepted.
type SentSMS struct {
	ID                 string
	From, To, Text     string
	MessagingProfileID string
	At                 time.Time
}

// Telnyx behaves like POST /v2/messages of the Telnyx API: it checks the
// bearer key and the JSON body, answers with a message id, and records what
// it accepted. Fail, when set, can answer a request with an error instead.
type Telnyx struct {
	*httptest.Server
	APIKey string

	recorder
	// Fail, when non-nil, is consulted per request (1-based); a non-zero
	// status is answered with a Telnyx error body carrying code.
	Fail func(n int) (status int, code string)
}

// NewTelnyx starts the stub.
func NewTelnyx(t testing.TB) *Telnyx {
	s := &Telnyx{APIKey: "KEY_test_telnyx"}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *Telnyx) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/v2/messages" {
		http.NotFound(w, r)
		return
	}
	if r.Header.Get("Authorization") != "Bearer "+s.APIKey {
		writeTelnyxError(w, http.StatusUnauthorized, "10009", "Authentication failed")
		return
	}
	var req struct {
		From               string `json:"from"`
		To                 string `json:"to"`
		Text               string `json:"text"`
		MessagingProfileID string `json:"messaging_profile_id"`
	}
	body, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(body, &req); err != nil || req.From == "" || req.To == "" || req.Text == "" {
		writeTelnyxError(w, http.StatusUnprocessableEntity, "10015", "Invalid request body")
		return
	}
	n := s.attempt()
	if fail := s.Fail; fail != nil {
		if status, code := fail(n); status != 0 {
			writeTelnyxError(w, status, code, "stub failure")
			return
		}
	}
	id := fmt.Sprintf("40385f64-0000-4000-8000-%012d", n)
	sms := SentSMS{ID: id, From: req.From, To: req.To, Text: req.Text, MessagingProfileID: req.MessagingProfileID, At: time.Now()}
	s.accept(sms)
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"data": map[string]any{
		"record_type": "message", "direction": "outbound", "id": id, "type": "SMS",
		"from": map[string]any{"phone_number": req.From}, "to": []any{map[string]any{"phone_number": req.To, "status": "queued"}},
		"text": req.Text, "parts": 1, "encoding": "GSM-7", "errors": []any{},
	}})
}

func writeTelnyxError(w http.ResponseWriter, status int, code, title string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"errors": []any{map[string]any{"code": code, "title": title, "detail": title}}})
}

// TelnyxMessage builds a message.received webhook body like Telnyx sends.
func TelnyxMessage(eventID, from, to, text string, at time.Time) []byte {
	b, _ := json.Marshal(map[string]any{
		"data": map[string]any{
			"event_type": "message.received", "id": eventID, "occurred_at": at.UTC().Format(time.RFC3339Nano), "record_type": "event",
			"payload": map[string]any{
				"direction": "inbound", "id": "msg-" + eventID, "type": "SMS", "record_type": "message", "text": text, "media": []any{},
				"from": map[string]any{"phone_number": from, "carrier": "T-Mobile USA", "line_type": "long_code"},
				"to":   []any{map[string]any{"phone_number": to, "status": "webhook_delivered"}},
			},
		},
		"meta": map[string]any{"attempt": 1, "delivered_to": "https://example.com/webhooks/telnyx/messages"},
	})
	return b
}

// SignTelnyx returns the headers Telnyx would send with body.
func SignTelnyx(priv ed25519.PrivateKey, body []byte, at time.Time) http.Header {
	ts := strconv.FormatInt(at.Unix(), 10)
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("telnyx-timestamp", ts)
	h.Set("telnyx-signature-ed25519", telnyx.Sign(priv, ts, body))
	return h
}

// Post sends body to url with headers and returns the status and body.
func Post(t testing.TB, client *http.Client, url string, h http.Header, body []byte) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header = h
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}
