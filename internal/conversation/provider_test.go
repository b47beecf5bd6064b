package conversation

import (
	"strings"
	"testing"
	"time"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/messages"
)

func TestExtractProvider(t *testing.T) {
	c := glow(t)
	tests := []struct {
		text, id, unknown string
		same              bool
	}{
		{"botox with Dr. Kim please", "dr-kim", "", false},
		{"can I see Ali", "nurse-ali", "", false},
		{"I'd prefer sarah", "dr-kim", "", false},
		{"book me with nurse moreno", "nurse-ali", "", false},
		{"with Dr Smith", "", "Dr. Smith", false},
		{"doctor jones tuesday", "", "Dr. jones", false},
		{"same person as last time", "", "", true},
		{"the same provider please", "", "", true},
		{"Hi, I'm Ali", "", "", false},          // a lead's own name asks for no one
		{"botox with my friend", "", "", false}, // "with" and no provider's name
		{"can I come in with Kim tomorrow", "dr-kim", "", false},
	}
	for _, tt := range tests {
		id, unknown, same := extractProvider(newUtterance(tt.text), c)
		if id != tt.id || unknown != tt.unknown || same != tt.same {
			t.Errorf("%q: got %q %q %v, want %q %q %v", tt.text, id, unknown, same, tt.id, tt.unknown, tt.same)
		}
	}
	if id, _, _ := extractProvider(newUtterance("with Dr. Kim"), oneChair(c)); id != "" {
		t.Errorf("a clinic without providers found %q", id)
	}
}

func TestSamePersonAsLastTimeAsksForTheLastVisitsProvider(t *testing.T) {
	c := glow(t)
	now := time.Date(2026, 11, 20, 18, 10, 0, 0, time.UTC)
	in := sms(c, c.PhoneNumbers[0], "hi")
	s, _, err := DecideWith(State{}, Env{Clinic: c}, in, now)
	if err != nil {
		t.Fatal(err)
	}
	s.Appointments = []Appointment{
		{ID: "ap_old", ServiceID: "botox", Start: now.Add(-60 * 24 * time.Hour), End: now.Add(-60*24*time.Hour + 30*time.Minute), Status: ApptBooked, ProviderID: "nurse-ali"},
		{ID: "ap_gone", ServiceID: "botox", Start: now.Add(-30 * 24 * time.Hour), End: now.Add(-30*24*time.Hour + 30*time.Minute), Status: ApptCancelled, ProviderID: "dr-kim"},
	}
	in.SMS.Text = "botox monday, same person as last time"
	next, effects, err := DecideWith(s, Env{Clinic: c}, in, now.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if next.ProviderID != "nurse-ali" || next.Phase != PhaseOffering {
		t.Fatalf("provider %q phase %s", next.ProviderID, next.Phase)
	}
	if r := replies(effects); len(r) != 1 || !strings.Contains(r[0], "with Ali Moreno RN") {
		t.Fatalf("replies %q", r)
	}
	// Holds ask the clinic for that provider.
	next, effects, _ = DecideWith(next, Env{Clinic: c}, withText(in, "1"), now.Add(2*time.Minute))
	h, ok := holdEffect(effects)
	if !ok || h.ProviderID != "nurse-ali" {
		t.Fatalf("hold %+v", h)
	}
	_, res := DecideClinic(clinic.Calendar{}, c, h.Request(next.LeadID), now.Add(2*time.Minute))
	if res.Outcome != ResultHeld || res.Appointment.ProviderID != "nurse-ali" {
		t.Fatalf("clinic answered %+v", res)
	}
}

func withText(in messages.Envelope, text string) messages.Envelope {
	m := *in.SMS
	m.Text = text
	in.SMS = &m
	return in
}
