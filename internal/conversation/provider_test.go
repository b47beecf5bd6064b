package conversation

import (
	"strings"
	"testing"
	"time"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/messages"
)

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
