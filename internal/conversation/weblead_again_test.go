package conversation

import (
	"strings"
	"testing"
	"time"

	"github.com/medspa/engine/internal/compliance"
	"github.com/medspa/engine/messages"
)

// A form for a number that already has a conversation (anyone can type a
// number into the form) keeps the lead's name, records the form's consent
// as from the form, and leaves staff a note of what the form said.
func TestWebFormForAnExistingConversationNeverRenames(t *testing.T) {
	c := glow(t)
	first := envelope(c, messages.KindWebLead)
	s, _, err := Decide(State{}, c, first, t0)
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "Jane Doe" {
		t.Fatalf("first form: name %q, want Jane Doe", s.Name)
	}

	again := envelope(c, messages.KindWebLead)
	again.ID = "web:again"
	again.Web = &messages.WebLead{Name: "Win Prize", Service: "hydrafacial", Message: "call me", ConsentText: "I agree to texts (second form)."}
	s2, effects, err := Decide(s, c, again, t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if s2.Name != "Jane Doe" {
		t.Errorf("second form renamed the lead to %q", s2.Name)
	}
	if eventData(effects, EventNameLearned) != nil {
		t.Errorf("second form reported a name: %v", effects)
	}
	for _, r := range replies(effects) {
		if strings.Contains(r, "Win") {
			t.Errorf("reply echoes the second form's name: %q", r)
		}
	}
	var consent []ConsentChange
	for _, e := range effects {
		if cc, ok := e.(ConsentChange); ok {
			consent = append(consent, cc)
		}
	}
	if len(consent) != 1 || consent[0].Source != compliance.SourceWebForm || consent[0].Text != "I agree to texts (second form)." {
		t.Errorf("consent = %+v, want the second form's, from the web form", consent)
	}
	if n := len(s2.Notes); n != len(s.Notes)+1 {
		t.Fatalf("notes = %+v, want one more", s2.Notes)
	}
	note := s2.Notes[len(s2.Notes)-1]
	if note.UserID != WebFormAuthor || !strings.Contains(note.Text, `"Win Prize"`) || !strings.Contains(note.Text, "call me") || !note.At.Equal(t0.Add(time.Hour)) {
		t.Errorf("note = %+v", note)
	}

	// A conversation the lead started by text is not renamed by a form
	// either.
	texted := started(t, c)
	texted.Name = "Ann"
	s3, _, err := Decide(texted, c, again, t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if s3.Name != "Ann" || len(s3.Notes) != 1 {
		t.Errorf("after a form: name %q, notes %+v; want Ann and one note", s3.Name, s3.Notes)
	}
}
