package testkit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/medspa/engine/internal/telnyx"
)

// TelnyxAdmin behaves like Telnyx's 10DLC and hosted-messaging endpoints:
// POST /v2/10dlc/brand, POST /v2/10dlc/campaignBuilder and POST
// /v2/messaging_hosted_number_orders. It checks the bearer key and the
// required fields (422 with Telnyx's error body and a source pointer),
// answers with ids like the real API, and records what it accepted. Like
// Telnyx it honours an Idempotency-Key header: the same key and path with
// the same body within a day gets the first successful answer again, a
// different body 422, and a request while the first is still running 409.
type TelnyxAdmin struct {
	*httptest.Server
	APIKey string
	// Fail, when set, is consulted per accepted-looking request (1-based
	// over all endpoints); a non-zero status is answered with a Telnyx error
	// carrying code.
	Fail func(path string, n int) (status int, code string)
	// Delay, when set, is how long the stub works on an accepted-looking
	// request (n as for Fail) before it creates the object and answers, as
	// a slow Telnyx does; the object is created even if the caller gave up.
	Delay func(path string, n int) time.Duration

	mu        sync.Mutex
	seq       int
	brands    map[string]telnyx.Brand
	campaigns []telnyx.Campaign
	orders    []telnyx.HostedOrder
	idem      map[string]*idemRecord // by path and Idempotency-Key
	keys      []string               // the Idempotency-Keys received, in order
}

// idemRecord is what the stub keeps of a request with an Idempotency-Key.
type idemRecord struct {
	body   []byte
	done   bool
	status int
	answer []byte
}

// NewTelnyxAdmin starts the stub.
func NewTelnyxAdmin(t testing.TB) *TelnyxAdmin {
	s := &TelnyxAdmin{APIKey: "KEY_test_telnyx_admin", brands: map[string]telnyx.Brand{}, idem: map[string]*idemRecord{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

// IdempotencyKeys returns the Idempotency-Key headers received, in order
// ("" for a request without one).
func (s *TelnyxAdmin) IdempotencyKeys() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.keys...)
}

// Brands returns how many brands were registered.
func (s *TelnyxAdmin) Brands() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.brands)
}

// Campaigns returns the campaigns registered so far.
func (s *TelnyxAdmin) Campaigns() []telnyx.Campaign {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]telnyx.Campaign(nil), s.campaigns...)
}

// HostedOrders returns the hosted orders accepted so far.
func (s *TelnyxAdmin) HostedOrders() []telnyx.HostedOrder {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]telnyx.HostedOrder(nil), s.orders...)
}

type fieldErr struct{ pointer, detail string }

func (s *TelnyxAdmin) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		writeTelnyxError(w, http.StatusMethodNotAllowed, "10405", "Method not allowed")
		return
	}
	if r.Header.Get("Authorization") != "Bearer "+s.APIKey {
		writeTelnyxError(w, http.StatusUnauthorized, "10009", "Authentication failed")
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		writeTelnyxError(w, http.StatusBadRequest, "10015", "Invalid request body")
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	key := r.Header.Get("Idempotency-Key")
	s.mu.Lock()
	s.keys = append(s.keys, key)
	s.mu.Unlock()
	if key != "" {
		rec := &idemRecord{body: body}
		id := r.URL.Path + " " + key
		s.mu.Lock()
		old, seen := s.idem[id]
		if !seen {
			s.idem[id] = rec
		}
		s.mu.Unlock()
		switch {
		case seen && !bytes.Equal(old.body, body):
			writeTelnyxError(w, http.StatusUnprocessableEntity, "10002", "Idempotency-Key reused with a different request")
			return
		case seen && !old.done:
			writeTelnyxError(w, http.StatusConflict, "10409", "A request with this Idempotency-Key is in progress")
			return
		case seen:
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(old.status)
			_, _ = w.Write(old.answer)
			return
		}
		rw := &recordingWriter{ResponseWriter: w}
		defer func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			if rw.status/100 == 2 {
				rec.done, rec.status, rec.answer = true, rw.status, rw.buf.Bytes()
			} else {
				delete(s.idem, id) // only successes are replayed
			}
		}()
		w = rw
	}
	switch r.URL.Path {
	case "/v2/10dlc/brand":
		var b telnyx.Brand
		if decodeStub(w, r, &b) {
			s.brand(w, r, b)
		}
	case "/v2/10dlc/campaignBuilder":
		var c telnyx.Campaign
		if decodeStub(w, r, &c) {
			s.campaign(w, r, c)
		}
	case "/v2/messaging_hosted_number_orders":
		var o telnyx.HostedOrder
		if decodeStub(w, r, &o) {
			s.hostedOrder(w, r, o)
		}
	default:
		writeTelnyxError(w, http.StatusNotFound, "10404", "Resource not found")
	}
}

func decodeStub(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		writeTelnyxError(w, http.StatusBadRequest, "10015", "Invalid request body")
		return false
	}
	return true
}

// next counts a request and asks Fail about it; it answers and returns
// false when Fail says so.
func (s *TelnyxAdmin) next(w http.ResponseWriter, r *http.Request) (int, bool) {
	s.mu.Lock()
	s.seq++
	n, fail, delay := s.seq, s.Fail, s.Delay
	s.mu.Unlock()
	if fail != nil {
		if status, code := fail(r.URL.Path, n); status != 0 {
			writeTelnyxError(w, status, code, "stub failure")
			return n, false
		}
	}
	if delay != nil {
		time.Sleep(delay(r.URL.Path, n))
	}
	return n, true
}

// recordingWriter keeps a copy of what is written.
type recordingWriter struct {
	http.ResponseWriter
	status int
	buf    bytes.Buffer
}

func (w *recordingWriter) WriteHeader(status int) {
	w.status = status
	w.ResponseWriter.WriteHeader(status)
}

func (w *recordingWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.buf.Write(b)
	return w.ResponseWriter.Write(b)
}

var einRE = regexp.MustCompile(`^\d{2}-?\d{7}$`)

func (s *TelnyxAdmin) brand(w http.ResponseWriter, r *http.Request, b telnyx.Brand) {
	var errs []fieldErr
	req := func(ok bool, pointer, detail string) {
		if !ok {
			errs = append(errs, fieldErr{pointer, detail})
		}
	}
	req(telnyx.Known(telnyx.EntityTypes, b.EntityType), "/entityType", "unknown entity type")
	req(b.DisplayName != "", "/displayName", "required")
	req(len(b.Country) == 2, "/country", "ISO 3166-1 alpha-2 code required")
	req(strings.Contains(b.Email, "@"), "/email", "valid email required")
	req(telnyx.Known(telnyx.Verticals, b.Vertical), "/vertical", "unknown vertical")
	if b.EntityType != "SOLE_PROPRIETOR" {
		req(b.CompanyName != "", "/companyName", "required for this entity type")
		req(einRE.MatchString(b.EIN), "/ein", "invalid EIN")
	}
	if len(errs) > 0 {
		writeTelnyxFieldErrors(w, errs)
		return
	}
	n, ok := s.next(w, r)
	if !ok {
		return
	}
	id := fmt.Sprintf("4b20%04d-0000-4000-8000-%012d", n, n)
	s.mu.Lock()
	s.brands[id] = b
	s.mu.Unlock()
	writeStubJSON(w, http.StatusOK, map[string]any{
		"brandId": id, "tcrBrandId": fmt.Sprintf("B%06X", n), "entityType": b.EntityType,
		"displayName": b.DisplayName, "companyName": b.CompanyName, "vertical": b.Vertical,
		"identityStatus": "UNVERIFIED", "status": "OK", "createdAt": time.Now().UTC().Format(time.RFC3339),
	})
}

func (s *TelnyxAdmin) campaign(w http.ResponseWriter, r *http.Request, c telnyx.Campaign) {
	var errs []fieldErr
	req := func(ok bool, pointer, detail string) {
		if !ok {
			errs = append(errs, fieldErr{pointer, detail})
		}
	}
	s.mu.Lock()
	_, known := s.brands[c.BrandID]
	s.mu.Unlock()
	req(known, "/brandId", "brand not found")
	req(telnyx.Known(telnyx.UseCases, c.Usecase), "/usecase", "unknown use case")
	req(len(c.Description) >= 40, "/description", "at least 40 characters")
	req(len(c.MessageFlow) >= 40, "/messageFlow", "at least 40 characters")
	req(c.Sample1 != "", "/sample1", "required")
	for i, smp := range c.Samples() {
		req(len(smp) >= 20 && len(smp) <= 1024, fmt.Sprintf("/sample%d", i+1), "20 to 1024 characters")
	}
	req(c.OptoutMessage != "" && c.HelpMessage != "", "/optoutMessage", "opt-out and help messages required")
	if len(errs) > 0 {
		writeTelnyxFieldErrors(w, errs)
		return
	}
	n, ok := s.next(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	s.campaigns = append(s.campaigns, c)
	s.mu.Unlock()
	writeStubJSON(w, http.StatusOK, map[string]any{
		"campaignId": fmt.Sprintf("4b30%04d-0000-4000-8000-%012d", n, n), "tcrCampaignId": fmt.Sprintf("C%06X", n),
		"brandId": c.BrandID, "usecase": c.Usecase, "campaignStatus": "TCR_PENDING",
		"createDate": time.Now().UTC().Format(time.RFC3339),
	})
}

var e164RE = regexp.MustCompile(`^\+[1-9]\d{7,14}$`)

func (s *TelnyxAdmin) hostedOrder(w http.ResponseWriter, r *http.Request, o telnyx.HostedOrder) {
	var errs []fieldErr
	if len(o.PhoneNumbers) == 0 {
		errs = append(errs, fieldErr{"/phone_numbers", "at least one number required"})
	}
	for i, p := range o.PhoneNumbers {
		if !e164RE.MatchString(p) {
			errs = append(errs, fieldErr{fmt.Sprintf("/phone_numbers/%d", i), "not an E.164 number"})
		}
	}
	if o.MessagingProfileID == "" {
		errs = append(errs, fieldErr{"/messaging_profile_id", "required"})
	}
	if len(errs) > 0 {
		writeTelnyxFieldErrors(w, errs)
		return
	}
	n, ok := s.next(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	s.orders = append(s.orders, o)
	s.mu.Unlock()
	numbers := make([]any, len(o.PhoneNumbers))
	for i, p := range o.PhoneNumbers {
		numbers[i] = map[string]any{"id": fmt.Sprintf("hn-%d-%d", n, i), "phone_number": p, "status": "pending", "record_type": "messaging_hosted_number"}
	}
	writeStubJSON(w, http.StatusOK, map[string]any{"data": map[string]any{
		"id": fmt.Sprintf("f3a1%04d-0000-4000-8000-%012d", n, n), "record_type": "messaging_hosted_number_order",
		"status": "pending", "messaging_profile_id": o.MessagingProfileID, "phone_numbers": numbers,
	}})
}

func writeTelnyxFieldErrors(w http.ResponseWriter, errs []fieldErr) {
	out := make([]any, len(errs))
	for i, e := range errs {
		out[i] = map[string]any{"code": "10002", "title": "Invalid parameter", "detail": e.detail, "source": map[string]any{"pointer": e.pointer}}
	}
	writeStubJSON(w, http.StatusUnprocessableEntity, map[string]any{"errors": out})
}

func writeStubJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// TelnyxHostedOrderEvent builds a hosted-number-order status webhook body
// like Telnyx sends: event type messaging_hosted_number_order.updated with
// payload.id and payload.status.
func TelnyxHostedOrderEvent(eventID, orderID, status string, at time.Time) []byte {
	b, _ := json.Marshal(map[string]any{
		"data": map[string]any{
			"event_type": "messaging_hosted_number_order.updated", "id": eventID,
			"occurred_at": at.UTC().Format(time.RFC3339Nano), "record_type": "event",
			"payload": map[string]any{
				"id": orderID, "record_type": "messaging_hosted_number_order", "status": status,
				"messaging_profile_id": "prof-1", "phone_numbers": []any{},
			},
		},
		"meta": map[string]any{"attempt": 1, "delivered_to": "https://example.com/webhooks/telnyx/hosted"},
	})
	return b
}
