package gateway_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/messages"
	"github.com/medspa/engine/persistence"
)

// recordingPublisher keeps what is published.
type recordingPublisher struct {
	mu       sync.Mutex
	subjects []string
	data     [][]byte
}

func (p *recordingPublisher) Publish(_ context.Context, subject, _ string, data []byte, _ time.Time) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.subjects = append(p.subjects, subject)
	p.data = append(p.data, data)
	return nil
}

const newClinicBody = `{"clinic": {"id": "clinic_new", "name": "Glow Denver", "timezone": "America/Denver",
  "phone_numbers": ["+17205550100"], "hours": {"mon": "09:00-17:00"},
  "services": [{"id": "botox", "name": "Botox", "duration_minutes": 30, "price_cents": 1200, "price_unit": "unit"}]}}`

func TestCreateClinic(t *testing.T) {
	pub := &recordingPublisher{}
	store := inboxStore(t)
	var seeds []persistence.ClinicSettings
	for _, c := range testClinics().All() {
		b, _ := clinic.EncodeSettings(*c)
		seeds = append(seeds, persistence.ClinicSettings{ClinicID: c.ID, Settings: b, UpdatedBy: "clinics_file"})
	}
	if _, err := store.SeedClinicSettings(context.Background(), seeds); err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, withPublisher(pub), withStore(store))
	admin := e.token("admin", "")

	res := e.post("/admin/clinics", admin, newClinicBody)
	var got settingsBody
	if res.StatusCode != http.StatusCreated {
		wantStatus(t, res, http.StatusCreated)
	}
	defer res.Body.Close()
	if err := json.NewDecoder(res.Body).Decode(&got); err != nil {
		t.Fatal(err)
	}
	if got.Version != 1 || got.Clinic.ID != "clinic_new" || got.Clinic.Name != "Glow Denver" || got.UpdatedBy == "" {
		t.Errorf("created = %+v", got)
	}
	if got.Clinic.HoldMinutes == 0 {
		t.Errorf("defaults not applied: %+v", got.Clinic)
	}
	want := messages.EventSubject("clinic_new", messages.ClinicToken, messages.EventSettingsChanged)
	if len(pub.subjects) != 1 || pub.subjects[0] != want {
		t.Fatalf("published %v, want one %s", pub.subjects, want)
	}
	var ev messages.Event
	if err := json.Unmarshal(pub.data[0], &ev); err != nil || ev.Type != messages.EventSettingsChanged || ev.ClinicID != "clinic_new" {
		t.Errorf("event = %+v (%v)", ev, err)
	}

	// The clinic is there at once: its settings read, and a manager of it
	// can read them.
	var read settingsBody
	decode(t, e.get("/v1/clinics/clinic_new/settings", e.token("manager", "clinic_new")), &read)
	if read.Version != 1 || read.Clinic.Name != "Glow Denver" {
		t.Errorf("read = %+v", read)
	}

	// The same id again, or a number another clinic holds: 409.
	wantStatus(t, e.post("/admin/clinics", admin, newClinicBody), http.StatusConflict)
	taken := strings.Replace(strings.Replace(newClinicBody, "clinic_new", "clinic_x", 1), "+17205550100", clinicNumber, 1)
	p := wantStatus(t, e.post("/admin/clinics", admin, taken), http.StatusConflict)
	if d, _ := p["detail"].(string); strings.Contains(d, clinicNumber) {
		t.Errorf("detail shows the number in clear: %q", d)
	}
	// Invalid settings: 400 naming the field; nothing stored.
	bad := strings.Replace(strings.Replace(newClinicBody, "clinic_new", "clinic_y", 1), "America/Denver", "Mars/Olympus", 1)
	p = wantStatus(t, e.post("/admin/clinics", admin, bad), http.StatusBadRequest)
	if errs, _ := p["errors"].(map[string]any); errs["clinic.timezone"] == nil {
		t.Errorf("errors = %v, want clinic.timezone", p["errors"])
	}
	wantStatus(t, e.post("/admin/clinics", admin, `{"clinic": {"id": "bad id"}}`), http.StatusBadRequest)
	wantStatus(t, e.post("/admin/clinics", admin, `{"clinc": {}}`), http.StatusBadRequest)
	wantStatus(t, e.get("/v1/clinics/clinic_y/settings", admin), http.StatusNotFound)
	if len(pub.subjects) != 1 {
		t.Errorf("refused creations published: %v", pub.subjects)
	}

	// Only admins.
	other := strings.Replace(newClinicBody, "clinic_new", "clinic_z", 1)
	wantStatus(t, e.post("/admin/clinics", e.token("manager", "clinic_a"), other), http.StatusForbidden)
	wantStatus(t, e.post("/admin/clinics", "", other), http.StatusUnauthorized)
}
