package conversation

import (
	"testing"
	"time"

	"github.com/medspa/engine/messages"
)

// The first form's email and campaign parameters are kept; a later form
// adds an email only when none is known and never replaces one, nor the
// name.
func TestWebFormKeepsEmailAndUTM(t *testing.T) {
	c := glow(t)
	first := envelope(c, messages.KindWebLead)
	first.Web.Email = ""
	first.Web.UTM = &messages.UTM{Source: "google", Campaign: "spring"}
	s, _, err := Decide(State{}, c, first, t0)
	if err != nil {
		t.Fatal(err)
	}
	if s.Email != "" || s.UTM == nil || *s.UTM != (messages.UTM{Source: "google", Campaign: "spring"}) {
		t.Fatalf("first form: email %q, utm %+v", s.Email, s.UTM)
	}

	again := envelope(c, messages.KindWebLead)
	again.ID = "web:again"
	again.Web = &messages.WebLead{Name: "Other Name", Email: "jane@example.com", ConsentText: "ok", UTM: &messages.UTM{Source: "facebook"}}
	s2, _, err := Decide(s, c, again, t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if s2.Email != "jane@example.com" || s2.Name != s.Name || s2.UTM.Source != "google" {
		t.Errorf("second form: email %q name %q utm %+v; want the email added, name and utm kept", s2.Email, s2.Name, s2.UTM)
	}

	third := envelope(c, messages.KindWebLead)
	third.ID = "web:third"
	third.Web = &messages.WebLead{Name: "X", Email: "other@example.com", ConsentText: "ok"}
	s3, _, err := Decide(s2, c, third, t0.Add(2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if s3.Email != "jane@example.com" {
		t.Errorf("third form replaced the email with %q", s3.Email)
	}
}
