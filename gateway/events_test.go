package gateway_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/medspa/engine/messages"
)

// openStream opens the event stream and returns it after its ready event.
func openStream(t *testing.T, s *surface, path string, header string) (sseReader, *http.Response, context.CancelFunc) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.srv.URL+path, nil)
	if header != "" {
		req.Header.Set("Authorization", "Bearer "+header)
	}
	res := s.do(req)
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/event-stream" {
		b, _ := io.ReadAll(res.Body)
		t.Fatalf("status %d %s: %s", res.StatusCode, res.Header.Get("Content-Type"), b)
	}
	r := sseReader{bufio.NewReader(res.Body)}
	if ev := r.next(t); ev.event != "ready" {
		t.Fatalf("first event = %+v, want ready", ev)
	}
	return r, res, cancel
}

func TestEventStream(t *testing.T) {
	s := newSurface(t)
	nc := s.js.Conn()
	r, _, _ := openStream(t, s, "/v1/clinics/clinic_a/events?ticket="+url.QueryEscape(s.ticket(s.token("staff", "clinic_a"), "clinic_a")), "")
	lead := inboxLead(1)
	for _, m := range []struct {
		subject string
		data    []byte
	}{
		{messages.EventSubject("clinic_b", "ld_b", "phase.changed"), eventJSON(t, "b#0", "clinic_b", "ld_b", "phase.changed")},
		{messages.EventSubject("clinic_a", lead, "phase.changed"), []byte("not json")},
		{messages.EventSubject("clinic_a", lead, "phase.changed"), eventJSON(t, "a#0", "clinic_a", lead, "phase.changed")},
	} {
		if err := nc.Publish(m.subject, m.data); err != nil {
			t.Fatal(err)
		}
	}
	ev := r.next(t)
	var got messages.Event
	if err := json.Unmarshal([]byte(ev.data), &got); err != nil {
		t.Fatalf("data %q: %v", ev.data, err)
	}
	if ev.event != "" || ev.id != "a#0" || got.Type != "phase.changed" || got.LeadID != lead || got.ClinicID != "clinic_a" {
		t.Errorf("event = %+v, %+v", ev, got)
	}
	var data map[string]string
	if json.Unmarshal(got.Data, &data) != nil || data["to"] != "handed_to_staff" {
		t.Errorf("data = %s", got.Data)
	}
}

func TestEventStreamHeaderTokenAndShutdown(t *testing.T) {
	done := make(chan struct{})
	s := newSurface(t, withDone(done))
	r, _, _ := openStream(t, s, "/v1/clinics/clinic_a/events", s.token("admin", ""))
	close(done)
	if _, err := io.ReadAll(r.r); err != nil {
		t.Fatalf("stream did not end cleanly at shutdown: %v", err)
	}
}

func TestEventStreamRefused(t *testing.T) {
	s := newSurface(t)
	path := "/v1/clinics/clinic_a/events"
	wantStatus(t, s.get(path, ""), http.StatusUnauthorized)
	wantStatus(t, s.get(path+"?ticket=garbage", ""), http.StatusUnauthorized)
	wantStatus(t, s.get(path, s.token("staff", "clinic_b")), http.StatusForbidden)
	wantStatus(t, s.get("/v1/clinics/nowhere/events", s.token("admin", "")), http.StatusNotFound)
	// A token in the URL is not accepted (it would end up in histories and
	// proxy logs); the browser uses a stream ticket.
	// (A bounded request: were the token taken, the stream would not end.)
	c := &http.Client{Timeout: 5 * time.Second}
	res, err := c.Get(s.srv.URL + path + "?access_token=" + url.QueryEscape(s.token("staff", "clinic_a")))
	if err != nil {
		t.Fatalf("token in the URL: %v", err)
	}
	defer res.Body.Close()
	wantStatus(t, res, http.StatusUnauthorized)

	e := newEnv(t, withPublisher(failingPublisher{}), withStore(inboxStore(t)))
	wantStatus(t, e.get(path, e.token("staff", "clinic_a")), http.StatusServiceUnavailable)
}
