package gateway_test

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/medspa/engine/gateway"
	"github.com/medspa/engine/internal/clock"
)

// postTicket asks for a stream ticket of clinicID with tok.
func (e *env) postTicket(tok, clinicID string) *http.Response {
	e.t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+"/v1/clinics/"+clinicID+"/events/ticket", nil)
	if err != nil {
		e.t.Fatal(err)
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	return e.do(req)
}

// ticket returns a new stream ticket of clinicID asked for with tok.
func (e *env) ticket(tok, clinicID string) string {
	e.t.Helper()
	body := wantStatus(e.t, e.postTicket(tok, clinicID), http.StatusCreated)
	tk, _ := body["ticket"].(string)
	if tk == "" {
		e.t.Fatalf("ticket answer: %v", body)
	}
	return tk
}

func TestStreamTicketOpensOneStream(t *testing.T) {
	s := newSurface(t)
	tok := s.token("staff", "clinic_a")
	res := s.postTicket(tok, "clinic_a")
	body := wantStatus(t, res, http.StatusCreated)
	if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", cc)
	}
	tk, _ := body["ticket"].(string)
	exp, _ := time.Parse(time.RFC3339, fmt.Sprint(body["expires_at"]))
	if len(tk) < 40 || strings.Contains(tok, tk) || !exp.Equal(testNow.Add(gateway.StreamTicketTTL)) {
		t.Fatalf("ticket answer = %v", body)
	}
	path := "/v1/clinics/clinic_a/events?ticket=" + url.QueryEscape(tk)
	openStream(t, s, path, "")
	// Used once: the same ticket opens nothing more.
	wantDetail(t, s.get(path, ""), http.StatusUnauthorized, "unknown or used stream ticket")
}

func TestStreamTicketRefusals(t *testing.T) {
	clk := clock.NewTest(testNow)
	s := newSurface(t, func(c *gateway.Config) { c.Now = clk.Now })
	staffA := s.token("staff", "clinic_a")

	wantStatus(t, s.postTicket("", "clinic_a"), http.StatusUnauthorized)
	wantStatus(t, s.postTicket(s.token("staff", "clinic_b"), "clinic_a"), http.StatusForbidden)
	wantStatus(t, s.postTicket(s.token("admin", ""), "nowhere"), http.StatusNotFound)

	// A ticket opens the clinic it was issued for, no other, even for an
	// admin.
	adminTicket := s.ticket(s.token("admin", ""), "clinic_a")
	wantStatus(t, s.get("/v1/clinics/clinic_b/events?ticket="+url.QueryEscape(adminTicket), ""), http.StatusForbidden)

	// A ticket is not a bearer token, and a bearer token is not a ticket.
	tk := s.ticket(staffA, "clinic_a")
	wantStatus(t, s.get("/v1/clinics/clinic_a/conversations", tk), http.StatusUnauthorized)
	wantStatus(t, s.get("/v1/clinics/clinic_a/events?ticket="+url.QueryEscape(staffA), ""), http.StatusUnauthorized)

	// A ticket waits StreamTicketTTL for its use, no longer.
	late := s.ticket(staffA, "clinic_a")
	clk.Advance(gateway.StreamTicketTTL + time.Second)
	wantDetail(t, s.get("/v1/clinics/clinic_a/events?ticket="+url.QueryEscape(late), ""), http.StatusUnauthorized, "stream ticket expired")
}

// A stream ends with an "expired" event when the token that opened it
// expires, whether the token came as a header or through a ticket.
func TestEventStreamEndsWhenTokenExpires(t *testing.T) {
	clk := clock.NewTest(testNow)
	s := newSurface(t, func(c *gateway.Config) { c.Now = clk.Now })
	const ttl = 1500 * time.Millisecond
	for _, via := range []string{"header", "ticket"} {
		func() {
			tok, err := gateway.IssueToken(s.secret, "user-1", "staff", "clinic_a", ttl, clk.Now())
			if err != nil {
				t.Fatal(err)
			}
			sw := clock.Start()
			path, header := "/v1/clinics/clinic_a/events", tok
			if via == "ticket" {
				path, header = path+"?ticket="+url.QueryEscape(s.ticket(tok, "clinic_a")), ""
			}
			r, _, cancel := openStream(t, s, path, header)
			stop := time.AfterFunc(10*time.Second, cancel) // a stream that never ends fails the read below
			defer stop.Stop()
			if ev := r.next(t); ev.event != "expired" {
				t.Fatalf("%s: event = %+v, want expired", via, ev)
			}
			if rest, err := io.ReadAll(r.r); err != nil || len(rest) != 0 {
				t.Fatalf("%s: after expired: %q, %v; want the end of the stream", via, rest, err)
			}
			// NumericDate keeps whole seconds: exp is the issue second + ttl.
			if d := sw.Elapsed(); d < 400*time.Millisecond || d > 5*time.Second {
				t.Errorf("%s: stream ended after %v, want at the token's expiry (~%v)", via, d, ttl)
			}
		}()
	}
}

// wantDetail checks a problem's status and that its detail says why.
func wantDetail(t *testing.T, res *http.Response, status int, why string) {
	t.Helper()
	body := wantStatus(t, res, status)
	if d, _ := body["detail"].(string); !strings.Contains(d, why) {
		t.Errorf("detail = %q, want it to say %q", d, why)
	}
}
