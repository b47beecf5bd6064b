package gateway_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/medspa/engine/messages"
)

type detailBody struct {
	ID          string         `json:"id"`
	Phase       string         `json:"phase"`
	NeedsPerson bool           `json:"needs_person"`
	Source      string         `json:"source"`
	Fields      map[string]any `json:"fields"`
	Messages    []struct {
		ID, Direction, Author, Text, Status string
	} `json:"messages"`
	Appointments []struct {
		ID     string    `json:"id"`
		Status string    `json:"status"`
		Start  time.Time `json:"start"`
	} `json:"appointments"`
	Timers []struct {
		ID    string    `json:"id"`
		Kind  string    `json:"kind"`
		DueAt time.Time `json:"due_at"`
	} `json:"timers"`
	Consent struct {
		State  string `json:"state"`
		Ledger []struct{ Kind, Source string }
	} `json:"consent"`
}

func TestConversationDetail(t *testing.T) {
	s := newSurface(t)
	var d detailBody
	decode(t, s.get("/v1/clinics/clinic_a/conversations/"+inboxLead(0), s.token("staff", "clinic_a")), &d)
	if d.ID != inboxLead(0) || d.Phase != "handed_to_staff" || !d.NeedsPerson || d.Source != "snapshot" {
		t.Errorf("detail = %+v", d)
	}
	if d.Fields["service_id"] != "botox" || d.Fields["patient"] != "new" || d.Fields["recent"] != nil {
		t.Errorf("fields = %v", d.Fields)
	}
	want := []string{"in-1 in lead  Can a person call me?", "out-1 out engine delivered Someone from the team will text you.", "out-2 out staff:amy  Hi Ann, Amy here."}
	if len(d.Messages) != len(want) {
		t.Fatalf("messages = %+v", d.Messages)
	}
	for i, m := range d.Messages {
		if got := m.ID + " " + m.Direction + " " + m.Author + " " + m.Status + " " + m.Text; got != want[i] {
			t.Errorf("message %d = %q, want %q", i, got, want[i])
		}
	}
	if len(d.Appointments) != 2 || d.Appointments[0].ID != "ap_past" || d.Appointments[1].ID != "ap_later" {
		t.Errorf("appointments = %+v", d.Appointments)
	}
	if len(d.Timers) != 1 || d.Timers[0].Kind != "nudge" || !d.Timers[0].DueAt.Equal(testNow.Add(time.Hour)) {
		t.Errorf("timers = %+v", d.Timers)
	}
	if d.Consent.State != "revoked" || len(d.Consent.Ledger) != 2 || d.Consent.Ledger[0].Kind != "granted" {
		t.Errorf("consent = %+v", d.Consent)
	}

	// A conversation without transcript, timers, consent or appointments
	// has empty lists, not nulls.
	var bare map[string]any
	decode(t, s.get("/v1/clinics/clinic_a/conversations/"+inboxLead(5), s.token("staff", "clinic_a")), &bare)
	for _, k := range []string{"messages", "appointments", "timers"} {
		if l, ok := bare[k].([]any); !ok || len(l) != 0 {
			t.Errorf("%s = %v, want []", k, bare[k])
		}
	}
}

func TestConversationDetailAccess(t *testing.T) {
	s := newSurface(t)
	path := "/v1/clinics/clinic_a/conversations/" + inboxLead(0)
	wantStatus(t, s.get(path, ""), http.StatusUnauthorized)
	wantStatus(t, s.get(path, s.token("staff", "clinic_b")), http.StatusForbidden)
	other := messages.LeadID("clinic_b", "+13055550111")
	wantStatus(t, s.get("/v1/clinics/clinic_a/conversations/"+other, s.token("admin", "")), http.StatusNotFound)
	wantStatus(t, s.get("/v1/clinics/clinic_a/conversations/ld_00000000000000000000", s.token("staff", "clinic_a")), http.StatusNotFound)
	// The query token is for the event stream only.
	wantStatus(t, s.get(path+"?access_token="+s.token("staff", "clinic_a"), ""), http.StatusUnauthorized)
}

type appointmentsBody struct {
	Items []struct {
		ID, LeadID, Name, Status string
	} `json:"items"`
}

func TestUpcomingAppointments(t *testing.T) {
	s := newSurface(t)
	tok := s.token("staff", "clinic_a")
	var got appointmentsBody
	decode(t, s.get("/v1/clinics/clinic_a/appointments", tok), &got)
	if len(got.Items) != 2 || got.Items[0].ID != "ap_soon" || got.Items[0].Name != "Bo Diaz" || got.Items[0].Status != "held" ||
		got.Items[1].ID != "ap_later" || got.Items[1].Name != "Ann Lee" {
		t.Errorf("appointments = %+v", got.Items)
	}
	decode(t, s.get("/v1/clinics/clinic_a/appointments?limit=1", tok), &got)
	if len(got.Items) != 1 || got.Items[0].ID != "ap_soon" {
		t.Errorf("limit 1 = %+v", got.Items)
	}
	decode(t, s.get("/v1/clinics/clinic_b/appointments", s.token("staff", "clinic_b")), &got)
	if len(got.Items) != 0 {
		t.Errorf("clinic without calendar = %+v", got.Items)
	}
	wantStatus(t, s.get("/v1/clinics/clinic_a/appointments?limit=101", tok), http.StatusBadRequest)
	wantStatus(t, s.get("/v1/clinics/clinic_a/appointments", ""), http.StatusUnauthorized)
	wantStatus(t, s.get("/v1/clinics/clinic_a/appointments", s.token("staff", "clinic_b")), http.StatusForbidden)
	wantStatus(t, s.get("/v1/clinics/nowhere/appointments", s.token("admin", "")), http.StatusNotFound)
}
