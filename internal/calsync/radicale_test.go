package calsync_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/medspa/engine/internal/calsync"
	"github.com/medspa/engine/internal/testkit"
)

// putICS stores a calendar object as another calendar client would.
func putICS(t *testing.T, r *testkit.Radicale, url, body string) {
	t.Helper()
	s := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//other//EN\r\n" + strings.ReplaceAll(strings.TrimSpace(body), "\n", "\r\n") + "\r\nEND:VCALENDAR\r\n"
	req, err := http.NewRequest(http.MethodPut, url, strings.NewReader(s))
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(r.User, r.Password)
	req.Header.Set("Content-Type", "text/calendar")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		t.Fatalf("put %s: %s", url, resp.Status)
	}
}

func deleteURL(t *testing.T, r *testkit.Radicale, url string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodDelete, url, nil)
	req.SetBasicAuth(r.User, r.Password)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
}

func TestCollectionAgainstRadicale(t *testing.T) {
	r := testkit.StartRadicale(t)
	calURL := r.Calendar("dr-kim")
	ctx := context.Background()
	from := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	to := from.AddDate(0, 0, 14)

	putICS(t, r, calURL+"lunch.ics", `
BEGIN:VEVENT
UID:lunch
DTSTAMP:20260301T000000Z
DTSTART:20260302T120000Z
DTEND:20260302T130000Z
RRULE:FREQ=DAILY;COUNT=3
SUMMARY:Lunch
END:VEVENT`)

	c, err := calsync.NewCollection(calURL, &calsync.Credential{User: r.User, Password: r.Password}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Sync(ctx); err != nil {
		t.Fatalf("first sync: %v", err)
	}
	busy, errs := calsync.Expand(c.Calendars(), from, to, time.UTC)
	if len(errs) > 0 || len(busy) != 3 || busy[0].Summary != "Lunch" {
		t.Fatalf("busy = %v, errs = %v; want three lunches", busy, errs)
	}

	// The engine writes a hold; it is not busy time when read back.
	stamp := from
	hold := calsync.Entry{AppointmentID: "ap_1", Owner: "demo/dr-kim", Summary: "Botox (held)", Start: from.Add(15 * time.Hour),
		End: from.Add(15*time.Hour + 30*time.Minute), Tentative: true, Stamp: stamp}
	put, del := calsync.Plan([]calsync.Entry{hold}, c.Written("demo/dr-kim"))
	if len(put) != 1 || len(del) != 0 {
		t.Fatalf("plan = %v, %v; want one put", put, del)
	}
	if err := c.Put(ctx, hold); err != nil {
		t.Fatal(err)
	}
	// Another client adds an event; the next sync is incremental.
	putICS(t, r, calURL+"training.ics", `
BEGIN:VEVENT
UID:training
DTSTAMP:20260301T000000Z
DTSTART:20260303T150000Z
DTEND:20260303T170000Z
SUMMARY:Training
END:VEVENT`)
	if err := c.Sync(ctx); err != nil {
		t.Fatalf("second sync: %v", err)
	}
	if !c.Incremental {
		t.Fatal("second sync did not use the sync token")
	}
	busy, _ = calsync.Expand(c.Calendars(), from, to, time.UTC)
	if len(busy) != 4 {
		t.Fatalf("busy = %v; want three lunches and the training, not the hold", busy)
	}
	w := c.Written("demo/dr-kim")
	if got, ok := w["ap_1"]; !ok || !got.Tentative || !got.Start.Equal(hold.Start) {
		t.Fatalf("written = %v; want the tentative hold", w)
	}
	if len(c.Written("demo/other")) != 0 {
		t.Fatal("another owner's view sees the hold")
	}
	put, _ = calsync.Plan([]calsync.Entry{hold}, w)
	if len(put) != 0 {
		t.Fatalf("plan after the write = %v; want nothing", put)
	}

	// Booked, then cancelled.
	booked := hold
	booked.Tentative, booked.Summary = false, "Botox"
	put, _ = calsync.Plan([]calsync.Entry{booked}, w)
	if len(put) != 1 {
		t.Fatalf("plan for the booking = %v", put)
	}
	if err := c.Put(ctx, booked); err != nil {
		t.Fatal(err)
	}
	deleteURL(t, r, calURL+"training.ics")
	if err := c.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if got := c.Written("demo/dr-kim")["ap_1"]; got.Tentative {
		t.Fatal("the booking is still tentative on the server")
	}
	if busy, _ = calsync.Expand(c.Calendars(), from, to, time.UTC); len(busy) != 3 {
		t.Fatalf("busy after the training was deleted = %v", busy)
	}
	_, del = calsync.Plan(nil, c.Written("demo/dr-kim"))
	if len(del) != 1 {
		t.Fatalf("plan after cancel = %v; want one delete", del)
	}
	if err := c.Delete(ctx, del[0]); err != nil {
		t.Fatal(err)
	}
	// A fresh client (a restarted engine) reads the same state in full.
	fresh, _ := calsync.NewCollection(calURL, &calsync.Credential{User: r.User, Password: r.Password}, nil)
	if err := fresh.Sync(ctx); err != nil || fresh.Incremental {
		t.Fatalf("fresh sync: %v (incremental %v)", err, fresh.Incremental)
	}
	if len(fresh.Written("demo/dr-kim")) != 0 {
		t.Fatal("the cancelled appointment is still on the server")
	}

	// Wrong password: an error that does not carry the password.
	bad, _ := calsync.NewCollection(calURL, &calsync.Credential{User: r.User, Password: "wrong-pass"}, nil)
	err = bad.Sync(ctx)
	if err == nil || strings.Contains(err.Error(), "wrong-pass") {
		t.Fatalf("sync with a wrong password: %v", err)
	}
}

func TestFeedAgainstRadicale(t *testing.T) {
	r := testkit.StartRadicale(t)
	calURL := r.Calendar("feed")
	putICS(t, r, calURL+"a.ics", `
BEGIN:VEVENT
UID:a
DTSTAMP:20260301T000000Z
DTSTART;VALUE=DATE:20260304
SUMMARY:Day off
END:VEVENT`)
	ny, _ := time.LoadLocation("America/New_York")
	f, err := calsync.NewFeed(calURL, &calsync.Credential{User: r.User, Password: r.Password}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := f.Fetch(ctx); err != nil {
		t.Fatal(err)
	}
	from := time.Date(2026, 3, 2, 0, 0, 0, 0, ny)
	busy, _ := calsync.Expand(f.Calendars(), from, from.AddDate(0, 0, 7), ny)
	if len(busy) != 1 || !busy[0].Start.Equal(time.Date(2026, 3, 4, 0, 0, 0, 0, ny)) {
		t.Fatalf("busy = %v; want the day off in New York", busy)
	}
	// Radicale answers a collection GET without conditional requests: the
	// feed is read again and stays the same.
	if err := f.Fetch(ctx); err != nil || f.NotModified {
		t.Fatalf("second fetch: %v (not modified %v)", err, f.NotModified)
	}
	if busy, _ := calsync.Expand(f.Calendars(), from, from.AddDate(0, 0, 7), ny); len(busy) != 1 {
		t.Fatalf("busy after the second fetch = %v", busy)
	}
}

// TestFeedConditionalGet reads a feed from the standard library's file
// server, which answers If-None-Match with 304 Not Modified.
func TestFeedConditionalGet(t *testing.T) {
	body := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//EN\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTAMP:20260301T000000Z\r\n" +
		"DTSTART:20260303T150000Z\r\nDTEND:20260303T160000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	var gets, notModified int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gets++
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Content-Type", "text/calendar")
		rec := &statusRecorder{ResponseWriter: w}
		http.ServeContent(rec, r, "feed.ics", time.Time{}, strings.NewReader(body))
		if rec.status == http.StatusNotModified {
			notModified++
		}
	}))
	defer srv.Close()
	f, err := calsync.NewFeed(srv.URL+"/feed.ics", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for i := 0; i < 2; i++ {
		if err := f.Fetch(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if gets != 2 || notModified != 1 || !f.NotModified {
		t.Fatalf("gets %d, 304s %d, NotModified %v; want the second answered 304", gets, notModified, f.NotModified)
	}
	from := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	if busy, _ := calsync.Expand(f.Calendars(), from, from.AddDate(0, 0, 7), time.UTC); len(busy) != 1 {
		t.Fatalf("busy after 304 = %v; want the event read before", busy)
	}
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) { r.status = code; r.ResponseWriter.WriteHeader(code) }

func TestSecrets(t *testing.T) {
	env := map[string]string{"CALDAV_SECRET_DR_KIM": "kim:pw1"}
	file := t.TempDir() + "/secrets"
	if err := writeFile(file, "# calendars\nnurse-ali: ali:pw:2\n"); err != nil {
		t.Fatal(err)
	}
	s := calsync.Secrets{Getenv: func(k string) string { return env[k] }, File: file}
	c, err := s.Resolve("dr-kim")
	if err != nil || c.User != "kim" || c.Password != "pw1" {
		t.Fatalf("env secret = %v, %v", c, err)
	}
	c, err = s.Resolve("nurse-ali")
	if err != nil || c.User != "ali" || c.Password != "pw:2" {
		t.Fatalf("file secret = %v, %v", c, err)
	}
	if _, err := s.Resolve("nobody"); err == nil || !strings.Contains(err.Error(), "CALDAV_SECRET_NOBODY") {
		t.Fatalf("missing secret: %v", err)
	}
	if c, err := s.Resolve(""); c != nil || err != nil {
		t.Fatalf("no secret named = %v, %v", c, err)
	}
}
