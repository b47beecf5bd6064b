package gateway_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/medspa/engine/internal/directory"

	"github.com/medspa/engine/gateway"
	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/messages"
	"github.com/medspa/engine/persistence"
)

// Finding 2 of security issue 16: POST /leads/web was an open SMS relay.

// Only US and Canadian numbers are texted, unless the clinic lists more
// country codes.
func TestWebLeadNumbersOfOtherCountries(t *testing.T) {
	e := newEnv(t)
	for _, n := range []string{"+44 20 7183 8750", "+882 16 123456", "+1 876 555 0123", "+1 809 555 0123"} {
		p := wantStatus(t, e.postLead(withLead("phone", n)), http.StatusBadRequest)
		if errs, _ := p["errors"].(map[string]any); errs["phone"] == nil {
			t.Errorf("%s: problem %v does not name phone", n, p)
		}
	}
	if n := e.streamMsgs(); n != 0 {
		t.Fatalf("stream holds %d messages, want 0", n)
	}
	wantStatus(t, e.postLead(withLead("phone", "+1 416 555 0123")), http.StatusAccepted) // Toronto

	uk := newEnv(t, func(c *gateway.Config) {
		c.Clinics = directory.New([]clinic.Clinic{{ID: "clinic_a", Name: "Glow London", Timezone: "Europe/London",
			PhoneNumbers: []string{clinicNumber}, WebLeadCountryCodes: []string{"44"}}})
	})
	m := wantStatus(t, uk.postLead(withLead("phone", "+44 20 7183 8750")), http.StatusAccepted)
	if m["conversation_id"] != messages.LeadID("clinic_a", "+442071838750") {
		t.Errorf("body = %v", m)
	}
	p := wantStatus(t, uk.postLead(withLead("phone", "+353 86 123 4567")), http.StatusBadRequest)
	if errs, _ := p["errors"].(map[string]any); !strings.Contains(fmt.Sprint(errs["phone"]), "+44") {
		t.Errorf("problem %v does not say which country codes are taken", p)
	}
}

// The name is greeted in the clinic's first text: letters, spaces and
// . ' - only.
func TestWebLeadNames(t *testing.T) {
	e := newEnv(t, withLimits(gateway.RateLimit{Burst: 100, Per: minute}, gateway.RateLimit{Burst: 100, Per: minute}))
	for _, bad := range []string{
		"http://evil.example/win-prize", "www.evil.example", "evil.example", "Win $500 now", "Dana <b>", "call 3125550123",
		"Dana_Whitfield", "Dana!", "...", "Dana\u200bWhitfield", "Dana @ home",
	} {
		p := wantStatus(t, e.postLead(withLead("name", bad)), http.StatusBadRequest)
		if errs, _ := p["errors"].(map[string]any); len(errs) != 1 || errs["name"] == nil {
			t.Errorf("%q: problem errors %v, want only name", bad, p["errors"])
		}
	}
	if n := e.streamMsgs(); n != 0 {
		t.Fatalf("stream holds %d messages, want 0", n)
	}
	for _, good := range []string{"Dana Whitfield", "Zoë O'Brien-Smith", "J.R. Smith", "Anne-Marie d’Arc", "李小龙", "Ngô Bảo Châu", "अनुष्का", "Mc Dana Jr."} {
		wantStatus(t, e.postLead(withLead("name", good)), http.StatusAccepted)
	}
}

// withClinicLimits sets the per-clinic and overall web form limits.
func withClinicLimits(perClinic, global gateway.RateLimit) option {
	return func(c *gateway.Config) { c.LeadLimitClinic, c.LeadLimitGlobal = perClinic, global }
}

// The limits hold across gateways: two gateway processes sharing a store
// count together, and a gateway started later still counts what the
// others accepted.
func TestWebLeadLimitsHoldAcrossGateways(t *testing.T) {
	store := emptyStore(t)
	a, b := newEnv(t, withStore(store)), newEnv(t, withStore(store))
	// Per phone: three in a day, whichever gateway takes them.
	wantStatus(t, a.postLead(webLead()), http.StatusAccepted)
	wantStatus(t, b.postLead(webLead()), http.StatusAccepted)
	wantStatus(t, a.postLead(webLead()), http.StatusAccepted)
	res := b.postLead(webLead())
	p := wantStatus(t, res, http.StatusTooManyRequests)
	if !strings.Contains(fmt.Sprint(p["detail"]), "phone number") || res.Header.Get("Retry-After") == "" {
		t.Errorf("4th form for one number: %v, Retry-After %q", p, res.Header.Get("Retry-After"))
	}
	later := newEnv(t, withStore(store))
	wantStatus(t, later.postLead(webLead()), http.StatusTooManyRequests)

	// Per address: ten an hour from one address in all (three taken).
	for i := range 7 {
		env := []*env{a, b}[i%2]
		wantStatus(t, env.postLead(withLead("phone", fmt.Sprintf("312555%04d", 200+i))), http.StatusAccepted)
	}
	p = wantStatus(t, b.postLead(withLead("phone", "3125550299")), http.StatusTooManyRequests)
	if !strings.Contains(fmt.Sprint(p["detail"]), "address") {
		t.Errorf("11th form from one address: %v", p)
	}
	if c := b.countFor("web", "rate_limited"); c != 2 {
		t.Errorf("rate_limited on b = %v, want 2", c)
	}
}

// Per clinic and overall, across addresses and numbers.
func TestWebLeadLimitsPerClinicAndOverall(t *testing.T) {
	store := emptyStore(t)
	lots := gateway.RateLimit{Burst: 1000, Per: minute}
	opts := []option{withStore(store), withLimits(lots, lots), withClinicLimits(gateway.RateLimit{Burst: 3, Per: 60 * minute}, gateway.RateLimit{Burst: 5, Per: 60 * minute})}
	a, b := newEnv(t, opts...), newEnv(t, opts...)
	for i := range 3 {
		wantStatus(t, []*env{a, b}[i%2].postLead(withLead("phone", fmt.Sprintf("312555%04d", 300+i))), http.StatusAccepted)
	}
	res := a.postLead(withLead("phone", "3125550399"))
	p := wantStatus(t, res, http.StatusTooManyRequests)
	if !strings.Contains(fmt.Sprint(p["detail"]), "clinic") || res.Header.Get("Retry-After") != "2997" {
		t.Errorf("4th form for a clinic in an hour: %v, Retry-After %q (want 2997, the end of the hour)", p, res.Header.Get("Retry-After"))
	}
	// Another clinic has room of its own, until the overall limit.
	other := func(i int) map[string]any {
		m := withLead("phone", fmt.Sprintf("312555%04d", 400+i))
		m["clinic_id"] = "clinic_b"
		return m
	}
	wantStatus(t, b.postLead(other(0)), http.StatusAccepted)
	wantStatus(t, a.postLead(other(1)), http.StatusAccepted)
	p = wantStatus(t, b.postLead(other(2)), http.StatusTooManyRequests)
	if d := fmt.Sprint(p["detail"]); strings.Contains(d, "clinic") || strings.Contains(d, "phone") || strings.Contains(d, "address") {
		t.Errorf("6th form in all: %v, want the overall limit", p)
	}
}

// Without a store to count in, no form is accepted: the limits are never
// skipped.
func TestWebLeadWithoutStoreIsUnavailable(t *testing.T) {
	e := newEnv(t, withStore(failingRateStore{emptyStore(t)}))
	wantStatus(t, e.postLead(webLead()), http.StatusServiceUnavailable)
	if n := e.streamMsgs(); n != 0 {
		t.Fatalf("stream holds %d messages, want 0", n)
	}
}

// failingRateStore is a store whose rate counts cannot be reached.
type failingRateStore struct{ persistence.Store }

func (failingRateStore) TakeRate(context.Context, time.Time, []persistence.RateCheck) (persistence.RateResult, error) {
	return persistence.RateResult{}, errors.New("database is unreachable")
}

// A gateway with no store at all refuses forms too.
func TestWebLeadWithNoStoreAtAll(t *testing.T) {
	js, _ := startJetStream(t)
	srv := httptest.NewServer(gateway.NewServer(gateway.Config{Clinics: testClinics(), Publisher: jsPublisher{js: js}, Now: func() time.Time { return testNow }}))
	t.Cleanup(srv.Close)
	e := &env{t: t, srv: srv}
	wantStatus(t, e.postLead(webLead()), http.StatusServiceUnavailable)
}
