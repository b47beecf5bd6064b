package gateway_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/medspa/engine/internal/directory"

	"github.com/medspa/engine/gateway"
	"github.com/medspa/engine/internal/clinic"
)

// withSchedule gives clinic_a a provider and a room.
func withSchedule() option {
	return func(c *gateway.Config) {
		cs := c.Clinics.All()
		a := *cs[0]
		a.Services = []clinic.Service{{ID: "botox", Name: "Botox", DurationMinutes: 30}}
		a.Providers = []clinic.Provider{{ID: "dr-kim", Name: "Dr. Sarah Kim", Services: []string{"botox"}}}
		a.Rooms = []clinic.Room{{ID: "room-1", Name: "Room 1", Services: []string{"botox"}}}
		dir := directory.New([]clinic.Clinic{a, *cs[1]})
		c.Clinics = dir
	}
}

func (e *env) send(method, path, token, body string) *http.Response {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, bytes.NewBufferString(body))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return e.do(req)
}

// Bad blocks are refused field by field with problem+json before anything
// reaches the engine; a good one without an engine answers 503.
func TestBlockValidation(t *testing.T) {
	e := newEnv(t, withSchedule())
	tok := e.token(gateway.RoleStaff, "clinic_a")
	path := "/v1/clinics/clinic_a/blocks"
	tests := []struct {
		name, body, field string
	}{
		{"end before start", `{"start":"2026-11-23T18:00:00Z","end":"2026-11-23T17:00:00Z"}`, "end"},
		{"ended", `{"start":"2026-11-19T18:00:00Z","end":"2026-11-19T19:00:00Z"}`, "end"},
		{"too long", `{"start":"2026-11-23T18:00:00Z","end":"2027-03-01T18:00:00Z"}`, "end"},
		{"too far ahead", `{"start":"2027-12-23T18:00:00Z","end":"2027-12-24T18:00:00Z"}`, "start"},
		{"no start", `{"end":"2026-11-24T18:00:00Z"}`, "start"},
		{"unknown provider", `{"provider_id":"dr-who","start":"2026-11-23T18:00:00Z","end":"2026-11-23T19:00:00Z"}`, "provider_id"},
		{"unknown room", `{"room_id":"spa","start":"2026-11-23T18:00:00Z","end":"2026-11-23T19:00:00Z"}`, "room_id"},
		{"both", `{"provider_id":"dr-kim","room_id":"room-1","start":"2026-11-23T18:00:00Z","end":"2026-11-23T19:00:00Z"}`, "room_id"},
		{"long reason", `{"start":"2026-11-23T18:00:00Z","end":"2026-11-23T19:00:00Z","reason":"` + strings.Repeat("x", 201) + `"}`, "reason"},
		{"control characters", `{"start":"2026-11-23T18:00:00Z","end":"2026-11-23T19:00:00Z","reason":"lunch\u0007"}`, "reason"},
		{"unknown field", `{"start":"2026-11-23T18:00:00Z","end":"2026-11-23T19:00:00Z","who":"x"}`, "body"},
		{"not JSON", `lunch`, "body"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := e.send(http.MethodPost, path, tok, tt.body)
			body := wantStatus(t, res, http.StatusBadRequest)
			if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
				t.Errorf("content type %q", ct)
			}
			fields, _ := body["errors"].(map[string]any)
			if _, ok := fields[tt.field]; !ok {
				t.Errorf("no problem named for %s: %v", tt.field, body)
			}
		})
	}
	res := e.send(http.MethodPost, path, tok, `{"provider_id":"dr-kim","start":"2026-11-23T18:00:00Z","end":"2026-11-23T19:00:00Z","reason":"Lunch"}`)
	wantStatus(t, res, http.StatusServiceUnavailable)
	wantStatus(t, e.send(http.MethodDelete, path+"/bl_0011223344556677", tok, ""), http.StatusServiceUnavailable)
	wantStatus(t, e.send(http.MethodPost, path, "", `{}`), http.StatusUnauthorized)
	wantStatus(t, e.send(http.MethodPost, "/v1/clinics/clinic_b/blocks", tok, `{}`), http.StatusForbidden)
}

// Attendance is refused with problem+json for a bad status and for an
// appointment the clinic's calendar does not have.
func TestAttendanceValidation(t *testing.T) {
	e := newEnv(t, withStore(emptyStore(t)))
	tok := e.token(gateway.RoleStaff, "clinic_a")
	path := "/v1/clinics/clinic_a/appointments/ap_0011223344556677/status"
	for _, body := range []string{`{"status":"done"}`, `{}`, `{"status":"completed","x":1}`, `[]`} {
		wantStatus(t, e.send(http.MethodPost, path, tok, body), http.StatusBadRequest)
	}
	wantStatus(t, e.send(http.MethodPost, path, tok, `{"status":"completed"}`), http.StatusNotFound)
}
