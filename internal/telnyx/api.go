package telnyx

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
)

// DefaultBaseURL is Telnyx's production API.
const DefaultBaseURL = "https://api.telnyx.com"

// maxResponse caps what is read of an answer.
const maxResponse = 1 << 20

// ErrUnreachable marks a request that got no answer from Telnyx (network
// failure, timeout, unreadable response). It is worth retrying later.
var ErrUnreachable = errors.New("telnyx unreachable")

// APIClient calls Telnyx's 10DLC (brand and campaign registration with The
// Campaign Registry) and hosted-messaging APIs with a bearer API key. It is
// reached through a base URL, so tests point it at a local server that
// behaves like Telnyx (internal/testkit).
type APIClient struct {
	BaseURL string // e.g. https://api.telnyx.com; DefaultBaseURL when empty
	APIKey  string
	HTTP    *http.Client // http.DefaultClient when nil
}

// APIErrorDetail is one entry of a Telnyx error answer.
type APIErrorDetail struct {
	Code   string `json:"code"`
	Title  string `json:"title"`
	Detail string `json:"detail"`
	Source struct {
		Pointer   string `json:"pointer,omitempty"`
		Parameter string `json:"parameter,omitempty"`
	} `json:"source"`
}

// APIError is a non-2xx answer of Telnyx.
type APIError struct {
	Status int // the HTTP status Telnyx answered
	Errors []APIErrorDetail
}

func (e *APIError) Error() string {
	if len(e.Errors) == 0 {
		return fmt.Sprintf("telnyx: status %d", e.Status)
	}
	return fmt.Sprintf("telnyx: status %d: %s", e.Status, e.Summary())
}

// Summary joins the errors' texts ("code title: detail (at pointer)").
// Telnyx's texts describe the request, so they are safe to show the
// caller who made it.
func (e *APIError) Summary() string {
	parts := make([]string, 0, len(e.Errors))
	for _, d := range e.Errors {
		s := d.Title
		if d.Detail != "" && d.Detail != d.Title {
			s = strings.TrimSpace(s + ": " + d.Detail)
		}
		if d.Code != "" {
			s = d.Code + " " + s
		}
		if p := d.Source.Pointer; p != "" {
			s += " (at " + p + ")"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}

// Temporary reports whether the same request may succeed later: 429 and
// 5xx.
func (e *APIError) Temporary() bool {
	return e.Status == http.StatusTooManyRequests || e.Status >= 500
}

// Rejected reports whether Telnyx refused the request itself (a 4xx other
// than 401, 403 and 429): resending it unchanged fails again.
func (e *APIError) Rejected() bool {
	switch e.Status {
	case http.StatusUnauthorized, http.StatusForbidden, http.StatusTooManyRequests:
		return false
	}
	return e.Status >= 400 && e.Status < 500
}

// CallOption changes one call.
type CallOption func(*http.Request)

// idempotencyKeyRE is the form Telnyx accepts of an Idempotency-Key.
var idempotencyKeyRE = regexp.MustCompile(`^[A-Za-z0-9_:-]{1,255}$`)

// ValidIdempotencyKey reports whether Telnyx accepts key as an
// Idempotency-Key: 1 to 255 letters, digits, '-', '_' or ':'.
func ValidIdempotencyKey(key string) bool { return idempotencyKeyRE.MatchString(key) }

// IdempotencyKey sends key as the call's Idempotency-Key header: Telnyx
// answers a request repeated with the same key, method, path and body
// (within 24 hours) with the answer of the first one that succeeded,
// instead of creating a second object, and a different body under the
// same key with 422. A key Telnyx would refuse is not sent.
func IdempotencyKey(key string) CallOption {
	return func(r *http.Request) {
		if ValidIdempotencyKey(key) {
			r.Header.Set("Idempotency-Key", key)
		}
	}
}

// post sends body as JSON to path and returns the raw 2xx answer, an
// *APIError for any other status, or an error wrapping ErrUnreachable.
func (c *APIClient) post(ctx context.Context, path string, body any, opts ...CallOption) ([]byte, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return nil, fmt.Errorf("encode request: %w", err)
	}
	base := c.BaseURL
	if base == "" {
		base = DefaultBaseURL
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(base, "/")+path, bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+c.APIKey)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	for _, o := range opts {
		o(req)
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	res, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%w: POST %s: %w", ErrUnreachable, path, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, maxResponse))
	if err != nil {
		return nil, fmt.Errorf("%w: read answer of POST %s: %w", ErrUnreachable, path, err)
	}
	if res.StatusCode/100 != 2 {
		e := &APIError{Status: res.StatusCode}
		var body struct {
			Errors []APIErrorDetail `json:"errors"`
		}
		if json.Unmarshal(raw, &body) == nil {
			e.Errors = body.Errors
		}
		return nil, e
	}
	return raw, nil
}

// create posts body to path and decodes the answer into out; an answer
// without the created object's id (idField; hasID reads it from out) is
// ErrUnreachable. Its errors start with what ("create brand: ..."). It
// returns the raw answer.
func (c *APIClient) create(ctx context.Context, what, path string, body, out any, idField string, hasID func() bool, opts ...CallOption) ([]byte, error) {
	raw, err := c.post(ctx, path, body, opts...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	if err := decodeObject(raw, out); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	if !hasID() {
		return nil, fmt.Errorf("%s: %w: answer without %s", what, ErrUnreachable, idField)
	}
	return raw, nil
}

// decodeObject decodes a 2xx answer into v. Telnyx's 10DLC endpoints answer
// with the object itself, its other APIs wrap it in "data"; both are
// accepted.
func decodeObject(raw []byte, v any) error {
	var wrapped struct {
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(raw, &wrapped); err != nil {
		return fmt.Errorf("%w: answer is not a JSON object", ErrUnreachable)
	}
	if len(wrapped.Data) > 0 && wrapped.Data[0] == '{' {
		raw = wrapped.Data
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("%w: decode answer: %w", ErrUnreachable, err)
	}
	return nil
}
