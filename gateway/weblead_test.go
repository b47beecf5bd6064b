package gateway_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/netip"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/medspa/engine/gateway"
	"github.com/medspa/engine/messages"
)

func webLead() map[string]any {
	return map[string]any{
		"clinic_id":    "clinic_a",
		"name":         "Dana Whitfield",
		"phone":        "(312) 555-0123",
		"email":        "dana@example.com",
		"service":      "Botox",
		"message":      "Is Friday afternoon possible?",
		"consent":      true,
		"consent_text": "I agree to receive texts from Glow Chicago. Reply STOP to opt out.",
		"website":      "",
	}
}

// postLead posts v as JSON from the test's own address, with extra headers.
func (e *env) postLead(v any, headers ...string) *http.Response {
	e.t.Helper()
	var body string
	if s, ok := v.(string); ok {
		body = s
	} else {
		b, err := json.Marshal(v)
		if err != nil {
			e.t.Fatal(err)
		}
		body = string(b)
	}
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+"/leads/web", strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Add(headers[i], headers[i+1])
	}
	return e.do(req)
}

func withLead(k string, v any) map[string]any {
	m := webLead()
	if v == nil {
		delete(m, k)
	} else {
		m[k] = v
	}
	return m
}

var uuidRE = regexp.MustCompile(`^web:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestWebLeadAccepted(t *testing.T) {
	e := newEnv(t)
	m := wantStatus(t, e.postLead(webLead()), http.StatusAccepted)
	lead := messages.LeadID("clinic_a", leadNumber)
	if m["conversation_id"] != lead || m["status"] != "accepted" {
		t.Errorf("body = %v, want conversation_id %s", m, lead)
	}
	if n := e.streamMsgs(); n != 1 {
		t.Fatalf("stream holds %d messages, want 1", n)
	}
	sm := e.storedMsg(1)
	if want := messages.InboundSubject("clinic_a", lead, messages.KindWebLead); sm.Subject != want {
		t.Errorf("subject = %q, want %q", sm.Subject, want)
	}
	got, err := messages.DecodeEnvelope(sm.Data)
	if err != nil {
		t.Fatal(err)
	}
	if !uuidRE.MatchString(got.ID) || sm.Header.Get(jetstream.MsgIDHeader) != got.ID {
		t.Errorf("id = %q, Nats-Msg-Id %q; want web:<uuid v4> in both", got.ID, sm.Header.Get(jetstream.MsgIDHeader))
	}
	got.Received = got.Received.UTC()
	want := messages.Envelope{
		V: messages.Version, ID: got.ID, Kind: messages.KindWebLead,
		ClinicID: "clinic_a", LeadID: lead, Phone: leadNumber, Received: testNow,
		Web: &messages.WebLead{
			Name: "Dana Whitfield", Email: "dana@example.com", Service: "Botox", Message: "Is Friday afternoon possible?",
			ConsentText: "I agree to receive texts from Glow Chicago. Reply STOP to opt out.", IP: "127.0.0.1",
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("envelope =\n%+v\nwant\n%+v", got, want)
	}
	if c := e.countFor("web", "accepted"); c != 1 {
		t.Errorf("accepted = %v, want 1", c)
	}
	// Two submissions are two leads' worth of work: ids differ.
	wantStatus(t, e.postLead(webLead()), http.StatusAccepted)
	second, _ := messages.DecodeEnvelope(e.storedMsg(2).Data)
	if second.ID == got.ID {
		t.Error("two submissions share an id")
	}
}

func TestWebLeadHoneypot(t *testing.T) {
	e := newEnv(t)
	m := wantStatus(t, e.postLead(withLead("website", "http://spam.example")), http.StatusAccepted)
	id, _ := m["conversation_id"].(string)
	if m["status"] != "accepted" || !strings.HasPrefix(id, "ld_") || id == messages.LeadID("clinic_a", leadNumber) {
		t.Errorf("body = %v, want a fake acceptance", m)
	}
	if n := e.streamMsgs(); n != 0 {
		t.Fatalf("stream holds %d messages, want 0", n)
	}
	if c := e.countFor("web", "honeypot"); c != 1 {
		t.Errorf("honeypot = %v, want 1", c)
	}
}

func TestWebLeadInvalidFields(t *testing.T) {
	tests := []struct {
		name  string
		body  map[string]any
		field string
	}{
		{"no clinic", withLead("clinic_id", nil), "clinic_id"},
		{"bad clinic id", withLead("clinic_id", "clinic a"), "clinic_id"},
		{"no name", withLead("name", nil), "name"},
		{"blank name", withLead("name", "   "), "name"},
		{"long name", withLead("name", strings.Repeat("a", 101)), "name"},
		{"no phone", withLead("phone", nil), "phone"},
		{"bad phone", withLead("phone", "555-0123"), "phone"},
		{"letters in phone", withLead("phone", "call me"), "phone"},
		{"bad email", withLead("email", "dana@"), "email"},
		{"email with name", withLead("email", "Dana <dana@example.com>"), "email"},
		{"email without domain dot", withLead("email", "dana@localhost"), "email"},
		{"long service", withLead("service", strings.Repeat("s", 101)), "service"},
		{"long message", withLead("message", strings.Repeat("m", 1001)), "message"},
		{"no consent", withLead("consent", nil), "consent"},
		{"consent false", withLead("consent", false), "consent"},
		{"no consent text", withLead("consent_text", nil), "consent_text"},
		{"long consent text", withLead("consent_text", strings.Repeat("c", 2001)), "consent_text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			p := wantStatus(t, e.postLead(tt.body), http.StatusBadRequest)
			errs, _ := p["errors"].(map[string]any)
			if len(errs) != 1 || errs[tt.field] == nil {
				t.Errorf("problem errors = %v, want only %q", p["errors"], tt.field)
			}
			if n := e.streamMsgs(); n != 0 {
				t.Fatalf("stream holds %d messages, want 0", n)
			}
			if c := e.countFor("web", "bad_request"); c != 1 {
				t.Errorf("bad_request = %v, want 1", c)
			}
		})
	}
}

func TestWebLeadAcceptsCommonPhoneFormsAndLimits(t *testing.T) {
	e := newEnv(t, withLimits(gateway.RateLimit{Burst: 100, Per: minute}, gateway.RateLimit{Burst: 100, Per: minute}))
	for _, p := range []string{"3125550123", "312.555.0123", "1-312-555-0123", "+1 312 555 0123", "(312) 555-0123"} {
		m := wantStatus(t, e.postLead(withLead("phone", p)), http.StatusAccepted)
		if m["conversation_id"] != messages.LeadID("clinic_a", leadNumber) {
			t.Errorf("%q: conversation_id = %v", p, m["conversation_id"])
		}
	}
	full := webLead()
	full["name"] = strings.Repeat("é", 100)
	full["message"] = strings.Repeat("m", 1000)
	full["consent_text"] = strings.Repeat("c", 2000)
	full["email"] = ""
	wantStatus(t, e.postLead(full), http.StatusAccepted)
}

func TestWebLeadSeveralBadFields(t *testing.T) {
	e := newEnv(t)
	p := wantStatus(t, e.postLead(map[string]any{"clinic_id": "clinic_a", "consent": false}), http.StatusBadRequest)
	errs, _ := p["errors"].(map[string]any)
	for _, f := range []string{"name", "phone", "consent", "consent_text"} {
		if errs[f] == nil {
			t.Errorf("problem errors = %v, want %q", errs, f)
		}
	}
}

func TestWebLeadMalformed(t *testing.T) {
	for name, body := range map[string]string{
		"not JSON":    `name=Dana`,
		"truncated":   `{"clinic_id": "clinic_a",`,
		"wrong type":  `{"clinic_id": "clinic_a", "consent": "yes"}`,
		"two objects": `{} {}`,
		"array":       `[]`,
		"too large":   `{"message": "` + strings.Repeat("x", 70<<10) + `"}`,
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			res := e.postLead(body)
			want := http.StatusBadRequest
			if name == "too large" {
				want = http.StatusRequestEntityTooLarge
			}
			wantStatus(t, res, want)
			if n := e.streamMsgs(); n != 0 {
				t.Fatalf("stream holds %d messages, want 0", n)
			}
		})
	}
}

func TestWebLeadUnknownClinic(t *testing.T) {
	e := newEnv(t)
	wantStatus(t, e.postLead(withLead("clinic_id", "clinic_zz")), http.StatusNotFound)
	if n := e.streamMsgs(); n != 0 {
		t.Fatalf("stream holds %d messages, want 0", n)
	}
	if c := e.countFor("web", "not_found"); c != 1 {
		t.Errorf("not_found = %v, want 1", c)
	}
}

func TestWebLeadPublishFailureIs503(t *testing.T) {
	e := newEnv(t, withPublisher(failingPublisher{}))
	wantStatus(t, e.postLead(webLead()), http.StatusServiceUnavailable)
	if c := e.countFor("web", "publish_failed"); c != 1 {
		t.Errorf("publish_failed = %v, want 1", c)
	}
}

func TestWebLeadRateLimitPerPhone(t *testing.T) {
	e := newEnv(t)
	for i := range 3 {
		// Written differently, still the same number.
		wantStatus(t, e.postLead(withLead("phone", []string{"3125550123", "(312) 555-0123", "+13125550123"}[i])), http.StatusAccepted)
	}
	res := e.postLead(webLead())
	wantStatus(t, res, http.StatusTooManyRequests)
	// Counted in the store by the day: the window ends at midnight UTC.
	if ra := res.Header.Get("Retry-After"); ra != "20997" {
		t.Errorf("Retry-After = %q, want 20997 (until midnight)", ra)
	}
	// Another number from the same address goes through.
	wantStatus(t, e.postLead(withLead("phone", "3125550124")), http.StatusAccepted)
	if n := e.streamMsgs(); n != 4 {
		t.Fatalf("stream holds %d messages, want 4", n)
	}
	if c := e.countFor("web", "rate_limited"); c != 1 {
		t.Errorf("rate_limited = %v, want 1", c)
	}
}

func TestWebLeadRateLimitPerIP(t *testing.T) {
	e := newEnv(t)
	for i := range 10 {
		wantStatus(t, e.postLead(withLead("phone", fmt.Sprintf("312555%04d", 100+i))), http.StatusAccepted)
	}
	res := e.postLead(withLead("phone", "3125550999"))
	wantStatus(t, res, http.StatusTooManyRequests)
	if ra := res.Header.Get("Retry-After"); ra != "360" {
		t.Errorf("Retry-After = %q, want 360 (1 h / 10)", ra)
	}
	// Garbage counts against the address too.
	wantStatus(t, e.postLead(`{`), http.StatusTooManyRequests)
	// X-Forwarded-For is not trusted by default.
	wantStatus(t, e.postLead(withLead("phone", "3125550998"), "X-Forwarded-For", "203.0.113.9"), http.StatusTooManyRequests)
	if n := e.streamMsgs(); n != 10 {
		t.Fatalf("stream holds %d messages, want 10", n)
	}
}

func TestWebLeadBehindTrustedProxy(t *testing.T) {
	// httptest's clients connect from 127.0.0.1: the proxy.
	e := newEnv(t, func(c *gateway.Config) { c.TrustProxy = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")} })
	for i := range 10 {
		wantStatus(t, e.postLead(withLead("phone", fmt.Sprintf("312555%04d", 100+i)), "X-Forwarded-For", "198.51.100.7, 203.0.113.9"), http.StatusAccepted)
	}
	// The proxy's entry is the client; the one the client wrote is not.
	wantStatus(t, e.postLead(withLead("phone", "3125550999"), "X-Forwarded-For", "198.51.100.8, 203.0.113.9"), http.StatusTooManyRequests)
	wantStatus(t, e.postLead(withLead("phone", "3125550999"), "X-Forwarded-For", "203.0.113.10"), http.StatusAccepted)
	got, err := messages.DecodeEnvelope(e.storedMsg(11).Data)
	if err != nil {
		t.Fatal(err)
	}
	if got.Web.IP != "203.0.113.10" {
		t.Errorf("ip = %q, want 203.0.113.10", got.Web.IP)
	}
}

func TestWebLeadLogsHoldNoPersonalData(t *testing.T) {
	e := newEnv(t, withPublisher(failingPublisher{}))
	wantStatus(t, e.postLead(webLead()), http.StatusServiceUnavailable)
	wantStatus(t, e.postLead(withLead("email", "dana@")), http.StatusBadRequest)
	logs := e.logs.String()
	if !strings.Contains(logs, `"route":"/leads/web"`) {
		t.Fatalf("no access log line: %s", logs)
	}
	for _, secret := range []string{"5550123", "Dana", "dana@", "Friday", "Botox"} {
		if strings.Contains(logs, secret) {
			t.Errorf("logs contain %q:\n%s", secret, logs)
		}
	}
}
