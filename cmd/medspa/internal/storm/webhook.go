package storm

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/medspa/engine/internal/telnyx"
)

// webhookPath is where the gateway takes Telnyx message webhooks.
const webhookPath = "/webhooks/telnyx/messages"

// inboundBody builds a message.received webhook body as Telnyx sends it.
func inboundBody(eventID, from, to, text string, at time.Time) []byte {
	ts := at.UTC().Format(time.RFC3339Nano)
	b, _ := json.Marshal(map[string]any{
		"data": map[string]any{
			"event_type": "message.received", "id": eventID, "occurred_at": ts, "record_type": "event",
			"payload": map[string]any{
				"direction": "inbound", "id": "msg-" + eventID, "type": "SMS", "record_type": "message",
				"text": text, "media": []any{}, "received_at": ts,
				"from": map[string]any{"phone_number": from, "carrier": "T-Mobile USA", "line_type": "long_code"},
				"to":   []any{map[string]any{"phone_number": to, "status": "webhook_delivered"}},
			},
		},
		"meta": map[string]any{"attempt": 1, "delivered_to": "http://localhost" + webhookPath},
	})
	return b
}

// BadSig names one way a webhook's signature is wrong.
type BadSig int

// The forgeries storm sends; each must be answered 401.
const (
	WrongKey BadSig = iota // signed with another key
	Tampered               // good signature, body changed afterwards
	Stale                  // good signature over a timestamp 10 minutes old
	badSigKinds
)

// webhooks builds, signs and posts one carrier's inbound webhooks.
type webhooks interface {
	// body is the webhook of a text from a lead to a clinic number.
	body(eventID, from, to, text string, at time.Time) []byte
	// post signs body now and posts it; it returns the HTTP status.
	post(ctx context.Context, body []byte) (int, error)
	// postBad posts body with a signature the gateway must refuse.
	postBad(ctx context.Context, body []byte, kind BadSig) (int, error)
	// refused is the status a forged webhook must get.
	refused() int
}

// poster signs and posts Telnyx webhooks (Ed25519 over timestamp|body).
type poster struct {
	client *http.Client
	url    string
	key    ed25519.PrivateKey
	forger ed25519.PrivateKey // a key the engine does not trust
}

func (p *poster) body(eventID, from, to, text string, at time.Time) []byte {
	return inboundBody(eventID, from, to, text, at)
}

func (p *poster) refused() int { return http.StatusUnauthorized }

// post signs body at now and posts it; it returns the HTTP status.
func (p *poster) post(ctx context.Context, body []byte) (int, error) {
	return p.send(ctx, body, body, p.key, time.Now())
}

// postBad posts body with a signature that must be refused.
func (p *poster) postBad(ctx context.Context, body []byte, kind BadSig) (int, error) {
	switch kind {
	case WrongKey:
		return p.send(ctx, body, body, p.forger, time.Now())
	case Tampered:
		changed := bytes.Replace(body, []byte(`"text":"`), []byte(`"text":"X`), 1)
		return p.send(ctx, body, changed, p.key, time.Now())
	default:
		return p.send(ctx, body, body, p.key, time.Now().Add(-10*time.Minute))
	}
}

// send signs signed at "at" and posts sent.
func (p *poster) send(ctx context.Context, signed, sent []byte, key ed25519.PrivateKey, at time.Time) (int, error) {
	ts := strconv.FormatInt(at.Unix(), 10)
	return postWebhook(ctx, p.client, p.url+webhookPath, sent, http.Header{
		"Content-Type":         {"application/json"},
		telnyx.HeaderTimestamp: {ts},
		telnyx.HeaderSignature: {telnyx.Sign(key, ts, signed)},
	})
}

// postWebhook posts body with header and returns the status, reading the
// answer to the end so the connection is reused.
func postWebhook(ctx context.Context, client *http.Client, url string, body []byte, header http.Header) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("build request: %w", err)
	}
	req.Header = header
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}

// errKind names a failed post for the report.
func errKind(status int, err error) string {
	switch {
	case err == nil:
		return "http_" + strconv.Itoa(status)
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	default:
		var ne interface{ Timeout() bool }
		if errors.As(err, &ne) && ne.Timeout() {
			return "timeout"
		}
		return "transport"
	}
}
